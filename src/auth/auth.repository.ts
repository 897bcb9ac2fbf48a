import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export const authRepository = {
  async insertSession(
    db: Executor,
    s: { idHash: string; userId: number; csrfToken: string; at: string; expiresAt: string },
  ): Promise<void> {
    await db
      .insertInto('sessions')
      .values({
        id_hash: s.idHash,
        user_id: s.userId,
        csrf_token: s.csrfToken,
        created_at: s.at,
        expires_at: s.expiresAt,
      })
      .execute();
  },

  findSession(db: Executor, idHash: string) {
    return db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  },

  async deleteSession(db: Executor, idHash: string): Promise<void> {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  },

  async deleteSessionsOfUser(db: Executor, userId: number): Promise<void> {
    await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  },

  async deleteExpiredSessions(db: Executor, now: string): Promise<void> {
    await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  },

  async insertToken(
    db: Executor,
    t: { userId: number; name: string; tokenHash: string; prefix: string; at: string },
  ): Promise<number> {
    const row = await db
      .insertInto('api_tokens')
      .values({
        user_id: t.userId,
        name: t.name,
        token_hash: t.tokenHash,
        token_prefix: t.prefix,
        created_at: t.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  findActiveToken(db: Executor, tokenHash: string) {
    return db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  },

  listTokens(db: Executor, userId?: number) {
    let q = db
      .selectFrom('api_tokens')
      .select(['id', 'user_id', 'name', 'token_prefix', 'created_at', 'last_used_at', 'revoked_at'])
      .orderBy('id');
    if (userId !== undefined) q = q.where('user_id', '=', userId);
    return q.execute();
  },

  findToken(db: Executor, id: number) {
    return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async revokeToken(db: Executor, id: number, at: string): Promise<void> {
    await db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  },

  /** Ends every API token of a user (a password reset or disabling the account). */
  async revokeTokensOfUser(db: Executor, userId: number, at: string): Promise<void> {
    await db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  },

  /**
   * Counts one sign-in attempt against `key` and returns the count in its window: a window older than
   * `windowStartAfter` starts again at 1. One atomic upsert, so parallel attempts each get their own count.
   */
  countSignInAttempt(db: Executor, key: string, at: string, windowStartAfter: string) {
    const expired = sql<boolean>`sign_in_throttle.window_started_at <= ${windowStartAfter}`;
    return db
      .insertInto('sign_in_throttle')
      .values({ key, attempts: 1, window_started_at: at })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          attempts: sql<number>`case when ${expired} then 1 else sign_in_throttle.attempts + 1 end`,
          window_started_at: sql<string>`case when ${expired} then ${at} else sign_in_throttle.window_started_at end`,
        }),
      )
      .returning(['attempts', 'window_started_at'])
      .executeTakeFirstOrThrow();
  },

  /** Takes back one counted attempt (it turned out to be a good sign-in, or was never tried). */
  async uncountSignInAttempt(db: Executor, key: string): Promise<void> {
    await db
      .updateTable('sign_in_throttle')
      .set({ attempts: sql<number>`attempts - 1` })
      .where('key', '=', key)
      .where('attempts', '>', 0)
      .execute();
  },

  async forgetSignInAttempts(db: Executor, key: string): Promise<void> {
    await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
  },

  async deleteExpiredSignInAttempts(db: Executor, windowStartBefore: string): Promise<void> {
    await db.deleteFrom('sign_in_throttle').where('window_started_at', '<', windowStartBefore).execute();
  },

  async touchToken(db: Executor, id: number, at: string): Promise<void> {
    await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  },
};
