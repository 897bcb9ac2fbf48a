import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.js';

describe('passwordProblem (OWASP ASVS 2.1)', () => {
  it('refuses fewer than 12 characters, counted as characters, not UTF-16 units', () => {
    expect(passwordProblem('abcdefghijk')?.code).toBe('too_short');
    expect(passwordProblem('a1b2c3d4e5f6')).toBeUndefined();
    // Eleven emoji are 22 UTF-16 units but 11 characters.
    expect(passwordProblem('🔑'.repeat(11))?.code).toBe('too_short');
    expect(passwordProblem('🔑'.repeat(12))).toBeUndefined();
  });

  it('refuses a password of only spaces, but keeps spaces inside and around a password as typed', () => {
    expect(passwordProblem(' '.repeat(20))?.code).toBe('only_spaces');
    expect(passwordProblem('\t \u3000'.repeat(5))?.code).toBe('only_spaces');
    expect(passwordProblem('  correct horse battery  ')).toBeUndefined();
  });

  it('refuses commonly used passwords from a maintained list, in any case', () => {
    for (const p of ['qwerty123456', '1q2w3e4r5t6y', 'QAZWSXEDCRFV', '123456789012']) {
      expect(passwordProblem(p)?.code, p).toBe('common');
    }
    expect(passwordProblem('stapled-battery-horse')).toBeUndefined();
  });

  it('accepts long and Unicode passwords, refuses over 1024 characters', () => {
    expect(passwordProblem('Ärger über Öl – 東京タワー')).toBeUndefined();
    expect(passwordProblem('x'.repeat(1024))).toBeUndefined();
    expect(passwordProblem('x'.repeat(1025))?.code).toBe('too_long');
  });
});
