import { describe, expect, it } from 'vitest';
import { containsPattern, escapeLike } from './sql.js';

describe('LIKE escaping', () => {
  it('escapes both wildcards and the escape character, and nothing else', () => {
    expect(escapeLike('a_b%c\\d')).toBe('a\\_b\\%c\\\\d');
    expect(escapeLike('SN-0001 (box)')).toBe('SN-0001 (box)');
    expect(containsPattern('5%')).toBe('%5\\%%');
  });
});
