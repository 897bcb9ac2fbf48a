import type { Executor } from '../db/database.js';
import type { Principal } from '../auth/auth.service.js';
import { conflict } from '../shared/errors.js';
import { todayIso } from '../shared/time.js';
import { itemsRepository } from '../items/items.repository.js';
import { CountDeltas } from '../serials/serial-ledger.js';
import { defaultsFingerprint } from './import-staging.js';
import { importsRepository, type ImportRow, type StagingKey } from './imports.repository.js';

/**
 * The commit's transaction: a clean dry run becomes serials, set-based, all or nothing. Everything the dry
 * run checked that another user could have changed since is checked again here. `onProgress` hears the
 * serials written so far after every slice.
 */
export async function commitImportInTx(
  tx: Executor,
  imp: ImportRow,
  input: { principal: Principal; at: string; slice: number; onProgress: (written: number) => void },
): Promise<void> {
  const { principal, at, onProgress } = input;
  const id = imp.id;
  const commitSlice = input.slice;
  // The status flip is the import's lock: a second commit or a cancel waits, then finds it done.
  const mine = await importsRepository.updateIfStatus(tx, id, 'staged', {
    status: 'committed',
    updated_at: at,
  });
  if (!mine) throw conflict('IMPORT_NOT_STAGED', `Import #${imp.number} is no longer waiting for commit.`);
  const itemIds = (await importsRepository.stagedItemIds(tx, id)).map((r) => r.item_id).sort((a, b) => a - b);
  for (const itemId of itemIds) {
    if (!(await itemsRepository.lockIfTracked(tx, itemId))) {
      const item = await itemsRepository.findById(tx, itemId);
      throw conflict(
        'DATA_CHANGED',
        `${item?.sku ?? itemId} stopped tracking serials after the dry run. Nothing was imported.`,
      );
    }
  }
  const staged = imp.columns ? (JSON.parse(imp.columns) as { defaults?: string }) : {};
  if (staged.defaults !== (await defaultsFingerprint(tx, id))) {
    throw conflict(
      'DATA_CHANGED',
      "An item's Default Serial Q&A or required custom fields changed after the dry run. Nothing was imported; import the file again.",
    );
  }
  // Slices of the same transaction, each a few bounded statements: memory stays flat, the event loop
  // breathes between them (on SQLite reads go on meanwhile, on the reader connection) and the import view
  // can show how far the commit is. Each slice checks its rows again, writes their serials, history, custom
  // values and counts, and deletes their staging rows, so the staging is gone exactly when the serials exist:
  // a crash at any moment rolls back to the dry run, whole.
  const params = {
    importId: imp.id,
    number: imp.number,
    userId: principal.userId,
    at,
    today: todayIso(),
  };
  const counts = new CountDeltas();
  let created = 0;
  let after: StagingKey | null = null;
  for (;;) {
    const upTo = await importsRepository.sliceEnd(tx, id, after, commitSlice);
    const slice = { after, upTo };
    if ((await importsRepository.countInactiveLocations(tx, id, slice)) > 0) {
      throw conflict(
        'DATA_CHANGED',
        'A location of this import was deactivated after the dry run. Nothing was imported.',
      );
    }
    const existing = await importsRepository.existingNow(tx, id, slice, 20);
    if (existing.length > 0) {
      throw conflict(
        'DATA_CHANGED',
        `${existing.length === 20 ? 'Some' : existing.length} serial(s) of this import were created by someone else after the dry run. Nothing was imported; import the file again for a new dry run.`,
        existing.map((e) => ({
          field: `line ${e.line}`,
          code: 'already_exists',
          message: `Serial ${e.serial_number} exists now.`,
        })),
      );
    }
    created += await importsRepository.insertSliceFromStaging(tx, params, after, upTo);
    await importsRepository.insertCustomValuesFromStaging(tx, id, slice);
    for (const c of await importsRepository.stagedCounts(tx, id, slice)) {
      counts.add(c.item_id, c.location_id, c.status, Number(c.count));
    }
    await importsRepository.deleteStagingSlice(tx, id, slice);
    onProgress(created);
    if (upTo === null) break;
    after = upTo;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await counts.apply(tx);
  await importsRepository.updateIfStatus(tx, id, 'committed', {
    serials_created: created,
    committed_at: at,
  });
}
