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

  async touchToken(db: Executor, id: number, at: string): Promise<void> {
    await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  },
};
