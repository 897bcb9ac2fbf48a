import { dictionary } from '@zxcvbn-ts/language-common';
import { invalid } from '../shared/errors.js';

/** OWASP ASVS 2.1.1: at least 12 characters. 2.1.2: at least 128 allowed; longer is refused as a DoS guard. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

// zxcvbn-ts's list of the ~50,000 most used passwords (ASVS 2.1.7), matched without regard to case.
const commonPasswords = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

export type PasswordProblem = { code: 'too_short' | 'too_long' | 'only_spaces' | 'common'; message: string };

/**
 * What is wrong with a new password, or undefined when it may be used. The password is taken as typed:
 * never trimmed, truncated or normalised (ASVS 2.1.3, 2.1.4), and its length is counted in characters
 * (code points), so an emoji counts once.
 */
export function passwordProblem(password: string): PasswordProblem | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return {
      code: 'too_short',
      message: `The password must be at least ${MIN_PASSWORD_LENGTH} characters long; a short sentence is easy to remember.`,
    };
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return {
      code: 'too_long',
      message: `The password may be at most ${MAX_PASSWORD_LENGTH} characters long.`,
    };
  }
  if (password.trim() === '') {
    return {
      code: 'only_spaces',
      message: 'The password cannot be only spaces. Use letters, digits or words.',
    };
  }
  if (commonPasswords.has(password.toLowerCase())) {
    return {
      code: 'common',
      message:
        'This password is one of the most commonly used passwords, which attackers try first. Choose another.',
    };
  }
  return undefined;
}

/** Throws a 422 naming `field` when the password may not be used. */
export function checkPassword(password: string, field = 'password'): void {
  const problem = passwordProblem(password);
  if (!problem) return;
  throw invalid('WEAK_PASSWORD', problem.message, [{ field, code: problem.code, message: problem.message }]);
}
