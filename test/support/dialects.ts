import { describe } from 'vitest';
import { dialectsUnderTest, isPostgresReachable, type TestDialect } from './databases.js';

/**
 * The dialects this run covers. PostgreSQL that cannot be reached is announced loudly; under CI=true it
 * stays in the list so its tests fail instead of being skipped.
 */
export async function availableDialects(): Promise<TestDialect[]> {
  const wanted = dialectsUnderTest();
  if (!wanted.includes('postgres')) return wanted;
  if (await isPostgresReachable()) return wanted;
  return process.env['CI'] === 'true' ? wanted : wanted.filter((d) => d !== 'postgres');
}

const dialects = await availableDialects();

/** Runs the same suite once per database. */
export function describeEachDialect(title: string, fn: (dialect: TestDialect) => void): void {
  describe.each(dialects)(`${title} [%s]`, fn);
}
