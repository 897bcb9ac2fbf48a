import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../../test/support/databases.js';
import { createDatabase, type Database } from './database.js';

/**
 * The writer never checkpoints on the event loop; a worker thread does (sqlite-checkpointer.ts). What a
 * deployer relies on: the WAL is folded into the database file and reused, so it does not grow without end,
 * and a closed database is one file.
 */
describe.runIf(dialectsUnderTest().includes('sqlite'))('the SQLite checkpoint worker', () => {
  let dir: string;
  let database: Database;
  let file: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-checkpoint-'));
    file = path.join(dir, 'db.sqlite');
    database = createDatabase({ kind: 'sqlite', file });
    await sql`create table filler (id integer primary key, body text not null)`.execute(database.db);
  });
  afterAll(async () => {
    await database?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const walBytes = () => fs.statSync(`${file}-wal`).size;
  const writeBatch = async (rows: number) => {
    await database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows; i += 200) {
        const values = Array.from({ length: 200 }, () => ({ body: 'x'.repeat(1000) }));
        await tx
          .insertInto('filler' as never)
          .values(values)
          .execute();
      }
    });
  };

  it('commits on the writer never checkpoint (wal_autocheckpoint is off there)', async () => {
    // Outside a transaction a read runs on the reader connection; the writer's setting is read inside one.
    const writerSetting = await database.db
      .transaction()
      .execute((tx) => sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(tx));
    expect(writerSetting.rows[0]!.wal_autocheckpoint).toBe(0);
  });

  it('folds the WAL into the database file, and the WAL is reused rather than growing', async () => {
    // About 20 MB through the WAL in ten transactions, a checkpoint after each, as the timer would do.
    await writeBatch(2000);
    const first = await database.checkpointer!.checkpointNow();
    expect(first.busy).toBe(0);
    expect(first.checkpointed).toBe(first.log);
    const afterOne = walBytes();
    for (let round = 0; round < 9; round++) {
      await writeBatch(2000);
      const result = await database.checkpointer!.checkpointNow();
      expect(result.checkpointed).toBe(result.log);
    }
    // Reused from its start each time: the file is no bigger than one batch needs (plus slack), not ten.
    expect(walBytes()).toBeLessThan(afterOne * 2);
    const count = await sql<{ n: number }>`select count(*) as n from filler`.execute(database.db);
    expect(count.rows[0]!.n).toBe(20_000);
  });

  it('runs on its own timer too, and a closed database is one file (no -wal)', async () => {
    const other = path.join(dir, 'timer.sqlite');
    const db2 = createDatabase({ kind: 'sqlite', file: other });
    try {
      await sql`create table t (x integer)`.execute(db2.db);
      await sql`insert into t values (1), (2), (3)`.execute(db2.db);
      // The timer (every second) checkpoints without being asked: the main file then holds the table.
      await expect
        .poll(
          () => {
            const head = fs.readFileSync(other);
            return head.includes(Buffer.from('CREATE TABLE t'));
          },
          { timeout: 10_000, interval: 100 },
        )
        .toBe(true);
    } finally {
      await db2.destroy();
    }
    expect(fs.existsSync(`${other}-wal`)).toBe(false);
  });
});
