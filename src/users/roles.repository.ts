import type { Executor } from '../db/database.js';

export const rolesRepository = {
  list(db: Executor) {
    return db.selectFrom('roles').selectAll().orderBy('id').execute();
  },

  findById(db: Executor, id: number) {
    return db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
  },

  findByName(db: Executor, name: string) {
    return db.selectFrom('roles').selectAll().where('name', '=', name).executeTakeFirst();
  },

  async permissionsByRole(db: Executor): Promise<Map<number, string[]>> {
    const rows = await db.selectFrom('role_permissions').selectAll().orderBy('permission').execute();
    const map = new Map<number, string[]>();
    for (const r of rows) map.set(r.role_id, [...(map.get(r.role_id) ?? []), r.permission]);
    return map;
  },

  async insert(
    db: Executor,
    role: { name: string; description: string; builtIn: boolean; at: string },
  ): Promise<number> {
    const row = await db
      .insertInto('roles')
      .values({
        name: role.name,
        description: role.description,
        built_in: role.builtIn ? 1 : 0,
        created_at: role.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  /** Inserts a role unless one of that name exists; safe when several servers start at once. */
  async insertIfMissing(
    db: Executor,
    role: { name: string; description: string; builtIn: boolean; at: string },
  ) {
    await db
      .insertInto('roles')
      .values({
        name: role.name,
        description: role.description,
        built_in: role.builtIn ? 1 : 0,
        created_at: role.at,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  },

  /** Grants permissions to a role, keeping the ones it already holds. */
  async addPermissions(db: Executor, roleId: number, permissions: readonly string[]): Promise<void> {
    if (permissions.length === 0) return;
    await db
      .insertInto('role_permissions')
      .values(permissions.map((permission) => ({ role_id: roleId, permission })))
      .onConflict((oc) => oc.columns(['role_id', 'permission']).doNothing())
      .execute();
  },

  async update(db: Executor, id: number, patch: { name?: string; description?: string }): Promise<void> {
    if (patch.name === undefined && patch.description === undefined) return;
    await db
      .updateTable('roles')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
      })
      .where('id', '=', id)
      .execute();
  },

  async setPermissions(db: Executor, roleId: number, permissions: string[]): Promise<void> {
    await db.deleteFrom('role_permissions').where('role_id', '=', roleId).execute();
    if (permissions.length > 0) {
      await db
        .insertInto('role_permissions')
        .values(permissions.map((permission) => ({ role_id: roleId, permission })))
        .execute();
    }
  },

  async countUsers(db: Executor, roleId: number): Promise<number> {
    const row = await db
      .selectFrom('user_roles')
      .where('role_id', '=', roleId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async delete(db: Executor, id: number): Promise<void> {
    await db.deleteFrom('roles').where('id', '=', id).execute();
  },
};
