import { describe, expect, it } from 'vitest';
import { decodeCursor, decodeIdCursor, encodeCursor } from './cursor.js';

describe('keyset cursor', () => {
  it('round-trips the sort key', () => {
    expect(decodeCursor(encodeCursor(['2026-01-02', 42]), 2)).toEqual(['2026-01-02', 42]);
  });

  it('refuses garbage, wrong arity and wrong types with BAD_CURSOR', () => {
    for (const bad of [
      '!!!',
      encodeCursor(['a']),
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[null]').toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad, 2)).toThrow(expect.objectContaining({ code: 'BAD_CURSOR' }));
    }
  });

  it('decodes an id cursor only when it holds a storable row id', () => {
    expect(decodeIdCursor(encodeCursor([42]))).toBe(42);
    for (const bad of [['abc'], ['42'], [0], [-1], [1.5], [2_147_483_648], [1, 2]]) {
      expect(() => decodeIdCursor(encodeCursor(bad))).toThrow(
        expect.objectContaining({ code: 'BAD_CURSOR' }),
      );
    }
  });
});
