import type { Executor } from '../db/database.js';
import type { Permission } from '../auth/permissions.js';

export const usersRepository = {
  findById(db: Executor, id: number) {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  },

  findByUsername(db: Executor, username: string) {
    return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  },

  list(db: Executor) {
    return db.selectFrom('users').selectAll().orderBy('username').execute();
  },

  async count(db: Executor): Promise<number> {
    const row = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async insert(
    db: Executor,
    user: { username: string; displayName: string; passwordHash: string; at: string },
  ): Promise<number> {
    const row = await db
      .insertInto('users')
      .values({
        username: user.username,
        display_name: user.displayName,
        password_hash: user.passwordHash,
        active: 1,
        created_at: user.at,
        updated_at: user.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  async update(
    db: Executor,
    id: number,
    patch: { displayName?: string; passwordHash?: string; active?: boolean; at: string },
  ): Promise<void> {
    await db
      .updateTable('users')
      .set({
        ...(patch.displayName !== undefined && { display_name: patch.displayName }),
        ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
        ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }),
        updated_at: patch.at,
      })
      .where('id', '=', id)
      .execute();
  },

  /** Replaces a hash only if it is still the one checked, so a concurrent password change wins. */
  async upgradePasswordHash(db: Executor, id: number, oldHash: string, newHash: string): Promise<void> {
    await db
      .updateTable('users')
      .set({ password_hash: newHash })
      .where('id', '=', id)
      .where('password_hash', '=', oldHash)
      .execute();
  },

  async roleIdsByUser(db: Executor, userIds: number[]): Promise<Map<number, number[]>> {
    const map = new Map<number, number[]>();
    if (userIds.length === 0) return map;
    const rows = await db
      .selectFrom('user_roles')
      .select(['user_id', 'role_id'])
      .where('user_id', 'in', userIds)
      .orderBy('role_id')
      .execute();
    for (const r of rows) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.role_id]);
    return map;
  },

  async setRoles(db: Executor, userId: number, roleIds: number[]): Promise<void> {
    await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    if (roleIds.length > 0) {
      await db
        .insertInto('user_roles')
        .values(roleIds.map((role_id) => ({ user_id: userId, role_id })))
        .execute();
    }
  },

  async permissionsOf(db: Executor, userId: number): Promise<Permission[]> {
    const rows = await db
      .selectFrom('user_roles')
      .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
      .select('role_permissions.permission')
      .distinct()
      .where('user_roles.user_id', '=', userId)
      .execute();
    return rows.map((r) => r.permission as Permission);
  },

  /** Users who hold USERS_ADMIN and are active, to keep at least one administrator. */
  async countActiveAdmins(db: Executor): Promise<number> {
    const row = await db
      .selectFrom('users')
      .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
      .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
      .where('role_permissions.permission', '=', 'USERS_ADMIN')
      .where('users.active', '=', 1)
      .select((eb) => eb.fn.count<number>('users.id').distinct().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
};
