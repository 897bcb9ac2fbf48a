import type { Executor } from '../db/database.js';

export const partTypesRepository = {
  list(db: Executor) {
    return db.selectFrom('part_types').select(['id', 'name', 'description']).orderBy('name').execute();
  },

  findById(db: Executor, id: number) {
    return db
      .selectFrom('part_types')
      .select(['id', 'name', 'description'])
      .where('id', '=', id)
      .executeTakeFirst();
  },

  async insert(db: Executor, p: { name: string; description: string; at: string }): Promise<number> {
    const row = await db
      .insertInto('part_types')
      .values({ name: p.name, description: p.description, created_at: p.at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  async update(
    db: Executor,
    id: number,
    patch: { name?: string | undefined; description?: string | undefined },
  ) {
    if (patch.name === undefined && patch.description === undefined) return;
    await db
      .updateTable('part_types')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
      })
      .where('id', '=', id)
      .execute();
  },
};
