import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Principal } from '../auth/auth.service.js';
import { createImportsService } from './imports.service.js';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';

interface ImportJson {
  id: number;
  number: string;
  status: string;
}

/**
 * A commit runs in bounded slices of one transaction: other requests are answered while it runs (on SQLite
 * too, through the reader connection), the staging rows go in the same transaction as the serials come, and
 * a failure in a late slice leaves the dry run whole.
 */
describeEachDialect('imports: the commit in slices', (dialect) => {
  let t: TestApp;
  let token: string;
  let itemId: number;
  let principal: Principal;

  async function dryRun(prefix: string, rows: number): Promise<ImportJson> {
    const opened = await t.admin.post('/api/imports', { fileName: 'serials.csv', itemId });
    expect(opened.statusCode, opened.body).toBe(201);
    const lines = Array.from({ length: rows }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/imports/${opened.json<ImportJson>().id}/file`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: `Serial Number\n${lines.join('\n')}\n`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ImportJson>();
  }

  const staged = async (importId: number) => {
    const db = t.runtime.database.db;
    const rows = await db
      .selectFrom('import_rows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('import_id', '=', importId)
      .executeTakeFirstOrThrow();
    return Number(rows.n);
  };
  const serialsOf = async (importNumber: string) => {
    const row = await t.runtime.database.db
      .selectFrom('serials')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source_document_number', '=', importNumber)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    token = (await t.services.auth.createTokenForUsername('admin', 'slice tests')).token;
    const loc = await makeLocation(t.admin, 'SL-1');
    itemId = await makeItem(t.admin, 'SLICE-1', { primaryLocationId: loc });
    principal = (await t.services.auth.authenticateToken(token))!;
  });
  afterAll(() => t?.close());

  it('answers health and reads between slices, which see the state before the commit', async () => {
    const dry = await dryRun('LIVE', 3000);
    const service = createImportsService(t.runtime.database.db, { commitSlice: 100 });
    let done = false;
    const commit = service.commit(principal, dry.id).finally(() => {
      done = true;
    });
    let answeredDuring = 0;
    let sawPartialCommit = false;
    while (!done) {
      // Requests arrive from sockets, one event-loop turn each; without a turn in between, reads answered
      // from promises alone would never let the commit's next slice run.
      await new Promise((resolve) => setTimeout(resolve, 2));
      const health = await t.app.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(200);
      const seen = await serialsOf(dry.number);
      if (!done) {
        answeredDuring++;
        // 0 before the commit; 3,000 once it has committed (PostgreSQL may show that a moment before the
        // service call returns); anything between would be a half-committed import.
        if (seen !== 0 && seen !== 3000) sawPartialCommit = true;
      }
    }
    const view = await commit;
    expect(view.status).toBe('committed');
    expect(answeredDuring).toBeGreaterThan(0);
    // All or nothing: no reader ever saw some of the import's serials before the end.
    expect(sawPartialCommit).toBe(false);
    expect(await serialsOf(dry.number)).toBe(3000);
    // The staging went with the same transaction: nothing is left for a crash to strand.
    expect(await staged(dry.id)).toBe(0);
    const history = await t.runtime.database.db
      .selectFrom('serial_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('document_number', '=', dry.number)
      .where('kind', '=', 'created')
      .executeTakeFirstOrThrow();
    expect(Number(history.n)).toBe(3000);
  });

  it('a conflict found in the last slice rolls back every slice before it; the dry run stays whole', async () => {
    const dry = await dryRun('LATE', 1000);
    // Someone adds the file's last serial after the dry run.
    await addSerials(t.admin, itemId, ['LATE-00999']);
    const service = createImportsService(t.runtime.database.db, { commitSlice: 100 });
    await expect(service.commit(principal, dry.id)).rejects.toMatchObject({ code: 'DATA_CHANGED' });
    expect(await serialsOf(dry.number)).toBe(0);
    expect(await staged(dry.id)).toBe(1000);
    const row = await t.runtime.database.db
      .selectFrom('imports')
      .select('status')
      .where('id', '=', dry.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('staged');
    expect((await t.admin.post(`/api/imports/${dry.id}/cancel`)).statusCode).toBe(200);
    expect(await staged(dry.id)).toBe(0);
  });

  it('at start, drops the staging a crash left behind a cancelled or failed import', async () => {
    const dry = await dryRun('GONE', 50);
    // A crash between the status change and the staging delete.
    await t.runtime.database.db
      .updateTable('imports')
      .set({ status: 'cancelled' })
      .where('id', '=', dry.id)
      .execute();
    expect(await staged(dry.id)).toBe(50);
    await createImportsService(t.runtime.database.db).cleanupAtStart();
    expect(await staged(dry.id)).toBe(0);
    const values = await t.runtime.database.db
      .selectFrom('import_row_values')
      .select('line')
      .where('import_id', '=', dry.id)
      .execute();
    expect(values).toEqual([]);
  });
});
