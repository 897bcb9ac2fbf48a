import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { BUILT_SERVER, requireBuild, startProcess, type ServerProcess } from '../support/server-process.js';
import { addSerials, createTestApp, makeItem, makeLocation, type TestApp } from '../support/test-app.js';

interface ImportJson {
  id: number;
  number: string;
  status: string;
  progress: { serialsWritten: number };
}

/**
 * `kill -9` of the app server while it commits an import (a crash, the OOM killer, a pulled plug): nothing of
 * the import exists afterwards, its dry run is whole (every staging row still there, still waiting for
 * commit), and committing it again on a restarted server imports every row exactly once.
 */
describeEachDialect('an import commit killed with SIGKILL', (dialect) => {
  const ROWS = dialect === 'sqlite' ? 200_000 : 60_000;
  let t: TestApp;
  let token: string;
  let itemId: number;
  let locationId: number;
  let server: ServerProcess | undefined;

  const env = (): NodeJS.ProcessEnv => {
    const config = t.runtime.config.database;
    return {
      SHUTDOWN_TIMEOUT_S: '120',
      ...(config.kind === 'postgres' ? { DATABASE_URL: config.url } : {}),
    };
  };
  const start = () =>
    startProcess(process.execPath, [BUILT_SERVER, 'serve'], t.runtime.database.file ?? ':unused:', {
      env: env(),
    });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server!.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}` },
    });
  const count = async (
    table: 'serials' | 'import_rows' | 'serial_events',
    importId: number,
    number: string,
  ) => {
    const db = t.runtime.database.db;
    const row =
      table === 'import_rows'
        ? await db
            .selectFrom('import_rows')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('import_id', '=', importId)
            .executeTakeFirstOrThrow()
        : table === 'serials'
          ? await db
              .selectFrom('serials')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('source_document_number', '=', number)
              .executeTakeFirstOrThrow()
          : await db
              .selectFrom('serial_events')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('document_number', '=', number)
              .where('kind', '=', 'created')
              .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  beforeAll(async () => {
    requireBuild();
    t = await createTestApp(dialect);
    token = (await t.services.auth.createTokenForUsername('admin', 'kill tests')).token;
    locationId = await makeLocation(t.admin, 'KILL-1');
    itemId = await makeItem(t.admin, 'KILL-ITEM', { primaryLocationId: locationId });
    // One unit there already, so the item's In Stock counter row at KILL-1 exists (PostgreSQL case below).
    await addSerials(t.admin, itemId, ['KILL-EXISTING']);
  }, 120_000);
  afterAll(async () => {
    server?.kill();
    await t?.close();
  });

  it('leaves nothing of the import and its dry run whole; a restarted server then commits it once', async () => {
    const opened = await t.admin.post('/api/imports', { fileName: 'serials.csv', itemId });
    expect(opened.statusCode, opened.body).toBe(201);
    const lines = Array.from({ length: ROWS }, (_, i) => `KILL-${String(i).padStart(6, '0')}`);
    const dry = await t.app.inject({
      method: 'PUT',
      url: `/api/imports/${opened.json<ImportJson>().id}/file`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: `Serial Number\n${lines.join('\n')}\n`,
    });
    expect(dry.statusCode, dry.body).toBe(200);
    const { id, number } = dry.json<ImportJson>();
    expect(await count('import_rows', id, number)).toBe(ROWS);

    server = await start();
    // PostgreSQL: hold the item's In Stock counter row, which the commit updates last, after writing every
    // serial; the commit then waits there with all its rows written, and is killed at that moment.
    // SQLite (one writer, nothing to hold): killed once it has written some slices but not all.
    let holder: pg.Client | undefined;
    const config = t.runtime.config.database;
    if (config.kind === 'postgres') {
      holder = new pg.Client({ connectionString: config.url });
      holder.on('error', () => undefined); // ended by the database's drop if an assertion fails first
      await holder.connect();
      await holder.query('begin');
      const held = await holder.query(
        `select 1 from serial_counts where item_id = $1 and location_id = $2 and status = 'in_stock' for update`,
        [itemId, locationId],
      );
      expect(held.rowCount).toBe(1);
    }
    const commit = api(`/api/imports/${id}/commit`, { method: 'POST' }).then(
      (res) => res.status,
      () => 'cut' as const,
    );
    const want = dialect === 'postgres' ? ROWS : 1;
    let written = 0;
    for (let i = 0; i < 6000 && written < want; i++) {
      const view = (await (await api(`/api/imports/${id}`)).json()) as ImportJson;
      written = view.progress.serialsWritten;
      if (written < want) await new Promise((r) => setTimeout(r, 10));
    }
    expect(written).toBeGreaterThanOrEqual(want);
    if (dialect === 'sqlite') expect(written).toBeLessThan(ROWS);
    process.kill(-server.child.pid!, 'SIGKILL');
    const exit = await server.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(await commit).toBe('cut');
    if (holder) {
      await holder.query('rollback');
      await holder.end();
    }

    // Nothing of the import exists, and its dry run waits for commit as before, whole.
    await expect.poll(() => count('serials', id, number), { timeout: 30_000 }).toBe(0);
    expect(await count('serial_events', id, number)).toBe(0);
    expect(await count('import_rows', id, number)).toBe(ROWS);
    const after = await t.admin.get(`/api/imports/${id}`);
    expect(after.json<ImportJson>().status).toBe('staged');
    if (dialect === 'sqlite') {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(
        t.runtime.database.db,
      );
      expect(check.rows).toEqual([{ integrity_check: 'ok' }]);
    }

    server = await start();
    const again = await api(`/api/imports/${id}/commit`, { method: 'POST' });
    expect(again.status, await again.clone().text()).toBe(200);
    expect(((await again.json()) as ImportJson).status).toBe('committed');
    expect(await count('serials', id, number)).toBe(ROWS);
    expect(await count('serial_events', id, number)).toBe(ROWS);
    expect(await count('import_rows', id, number)).toBe(0);
  }, 300_000);
});
