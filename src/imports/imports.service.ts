import { Readable } from 'node:stream';
import type { z } from 'zod';
import type { Db } from '../db/database.js';
import type { Principal } from '../auth/auth.service.js';
import { AppError, conflict, invalid, notFound } from '../shared/errors.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { nextDocumentNumber } from '../shared/document-numbers.js';
import { nowIso } from '../shared/time.js';
import { itemsRepository } from '../items/items.repository.js';
import { FIELD_LABELS, IMPORT_FIELDS, planColumns, planIsComplete } from './import-columns.js';
import {
  formatOfFileName,
  loadLookups,
  MAX_IMPORT_BYTES,
  MAX_XLSX_BYTES,
  planProblems,
  readRows,
  stageFile,
  type ImportFormat,
} from './import-staging.js';
import { importsRepository, isPostgres, type ImportRow } from './imports.repository.js';
import { buildReport, StagedTotalsCache, toImportError } from './import-report.js';
import { commitImportInTx } from './import-commit.js';
import { inTransaction } from '../db/transaction.js';
import { escapeFormula, toCsvLines } from '../serial-export/serial-csv.js';
import type { CsvExport } from '../serial-export/serial-export.service.js';
import type { createImportBody, importViewSchema, inspectResultSchema } from './imports.schemas.js';

export type ImportView = z.infer<typeof importViewSchema>;
export type InspectResult = z.infer<typeof inspectResultSchema>;

/** Errors listed in the import view; the rest are paged through GET /api/imports/:id/errors. */
const REPORT_ERRORS = 200;
/** An upload that has not written a batch for this long belongs to a server that died or a client gone. */
const STALE_UPLOAD_MS = 15 * 60 * 1000;
/** A dry run left uncommitted this long is cancelled and its staging rows dropped. */
const STALE_DRY_RUN_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * Staged rows per slice of a commit. better-sqlite3 runs each statement on the event loop, so on SQLite a
 * slice must stay short enough for other requests to be answered between slices (bench/import.ts measures
 * /api/health during a commit); PostgreSQL statements run on the server and only the round trips count.
 */
const COMMIT_SLICE = { sqlite: 5_000, postgres: 50_000 };
/** Error rows read per page of the errors CSV (whole lines, so a page may run a little longer). */
const ERRORS_CSV_PAGE = 2000;
/**
 * On SQLite the one server knows its own uploads; any other is the CLI's, beside it, which reads a local
 * file and writes a batch (and updated_at) every few milliseconds: quiet for this long, it is dead.
 */
const STALE_CLI_UPLOAD_MS = 30 * 1000;

/**
 * Reads what is left of a refused upload. Answering while the client is still sending makes browsers and
 * fetch report a reset connection instead of the answer, so the rest is read and dropped first.
 */
function drain(source: Readable): Promise<void> {
  if (source.readableEnded || source.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    // read() rather than resume(): the parser's iterator left a 'readable' listener, which resume() obeys.
    let bytes = 0;
    const readAll = () => {
      for (
        let chunk = source.read() as Buffer | null;
        chunk !== null;
        chunk = source.read() as Buffer | null
      ) {
        bytes += chunk.length;
        // Past the size any import may have, the client is not sending a file: hang up.
        if (bytes > MAX_IMPORT_BYTES) source.destroy();
      }
    };
    source.on('readable', readAll);
    source.once('end', () => resolve());
    source.once('close', () => resolve());
    source.once('error', () => resolve());
    readAll();
  });
}

export function createImportsService(db: Db, options: { commitSlice?: number } = {}) {
  const commitSlice = options.commitSlice ?? (isPostgres(db) ? COMMIT_SLICE.postgres : COMMIT_SLICE.sqlite);
  /** Serials written so far by the commits running in this process (invisible to others until the end). */
  const committing = new Map<number, number>();
  /**
   * The view of an import whose commit runs here, answered from memory: on SQLite the commit's transaction
   * holds the one connection, so a progress poll must not need the database.
   */
  const committingViews = new Map<number, ImportView>();
  const totalsCache = new StagedTotalsCache();
  /** Uploads this process is receiving right now: alive whatever their updated_at says. */
  const uploadingHere = new Set<number>();
  /**
   * How long an upload that is not this process's may be quiet before it counts as dead. On PostgreSQL
   * another live app server may be receiving it from a slow client.
   */
  const foreignUploadQuietMs = isPostgres(db) ? STALE_UPLOAD_MS : STALE_CLI_UPLOAD_MS;

  async function requireImport(id: number): Promise<ImportRow> {
    const row = await importsRepository.findById(db, id);
    if (!row) throw notFound('Import', id);
    return row;
  }

  /** Ends an import left behind (failed upload, forgotten dry run) unless it moved on meanwhile. */
  async function retire(id: number, from: string, to: 'failed' | 'cancelled'): Promise<boolean> {
    const changed = await importsRepository.updateIfStatus(db, id, from, {
      status: to,
      message: to === 'failed' ? 'The upload was interrupted. Nothing was imported.' : null,
      updated_at: nowIso(),
    });
    if (!changed) return false;
    await importsRepository.deleteStaging(db, id);
    await importsRepository.deleteErrors(db, id);
    return true;
  }

  async function toView(imp: ImportRow): Promise<ImportView> {
    return {
      id: imp.id,
      number: imp.number,
      status: imp.status as ImportView['status'],
      fileName: imp.file_name,
      itemId: imp.item_id,
      itemSku: imp.item_sku,
      delimiter: imp.delimiter,
      columns: imp.columns ? (JSON.parse(imp.columns) as ImportView['columns']) : null,
      progress: {
        bytesRead: Number(imp.bytes_read),
        rowsParsed: imp.rows_parsed,
        serialsWritten: committing.get(imp.id) ?? (imp.status === 'committed' ? imp.serials_created : 0),
      },
      message: imp.message,
      serialsCreated: imp.serials_created,
      createdAt: imp.created_at,
      committedAt: imp.committed_at,
      report:
        imp.status === 'staged'
          ? await buildReport(db, imp, REPORT_ERRORS, await totalsCache.get(db, imp, REPORT_ERRORS))
          : null,
    };
  }

  /** The first header a reader yields, planned against the item's (or every) custom field. */
  async function inspectHeader(
    source: Readable,
    itemId: number | undefined,
    format: ImportFormat,
  ): Promise<InspectResult> {
    if (itemId !== undefined && !(await itemsRepository.findById(db, itemId))) throw notFound('Item', itemId);
    const lookups = await loadLookups(db, itemId ?? null);
    for await (const events of readRows(format, source, { maxBytes: MAX_XLSX_BYTES })) {
      const event = events[0];
      if (event?.kind !== 'header') continue;
      const plan = planColumns(event.headers, {
        customFieldNames: lookups.customFieldNames,
        skuRequired: itemId === undefined,
      });
      return {
        delimiter: event.delimiter,
        headers: event.headers,
        targets: plan.targets,
        complete: planIsComplete(plan),
        problems: planProblems(plan),
        fields: [
          ...IMPORT_FIELDS.filter((f) => f !== 'sku' || itemId === undefined).map((f) => ({
            target: f,
            label: FIELD_LABELS[f],
            required: f === 'serialNumber' || f === 'sku',
          })),
          ...lookups.customFieldNames.map((n) => ({ target: `custom:${n}`, label: n, required: false })),
          { target: 'ignore', label: '(ignore this column)', required: false },
        ],
      };
    }
    throw invalid('EMPTY_FILE', 'The file is empty: it has no header row.');
  }

  const service = {
    /**
     * Reads the header of the start of a file (the client sends its first kilobytes) and proposes how its
     * columns map to serial fields, so the mapping step is shown only when needed.
     */
    async inspect(
      sample: Buffer | Readable,
      itemId: number | undefined,
      format: ImportFormat = 'csv',
    ): Promise<InspectResult> {
      const source = Buffer.isBuffer(sample) ? Readable.from([sample]) : sample;
      try {
        return await inspectHeader(source, itemId, format);
      } finally {
        await drain(source);
      }
    },

    /** Opens an import (a numbered document) that waits for its file. */
    async create(principal: Principal, body: z.infer<typeof createImportBody>): Promise<ImportView> {
      await service.cleanupStale();
      if (body.itemId !== undefined) {
        const item = await itemsRepository.findById(db, body.itemId);
        if (!item) throw notFound('Item', body.itemId);
        if (item.track_serials !== 1) {
          throw conflict(
            'SERIAL_TRACKING_OFF',
            `${item.sku} does not track serials. Check Track Serials in Item Settings and save the item first.`,
          );
        }
      }
      const at = nowIso();
      const id = await db.transaction().execute(async (tx) => {
        const number = await nextDocumentNumber(tx, 'import', '', 0);
        return importsRepository.insert(tx, {
          number,
          status: 'uploading',
          file_name: body.fileName,
          item_id: body.itemId ?? null,
          delimiter: body.delimiter ?? null,
          mapping: body.mapping ? JSON.stringify(body.mapping) : null,
          columns: null,
          bytes_read: 0,
          rows_parsed: 0,
          rows_with_errors: 0,
          error_count: 0,
          serials_created: 0,
          message: null,
          created_by: principal.userId,
          created_at: at,
          updated_at: at,
          committed_at: null,
        });
      });
      return toView(await requireImport(id));
    },

    /**
     * Streams the file into staging and runs the dry run; the result is the report. `format` comes from
     * the upload's content type; without one, from the import's file name (`.xlsx` or CSV).
     */
    async upload(id: number, source: Readable, format?: ImportFormat): Promise<ImportView> {
      const imp = await requireImport(id);
      if (imp.status !== 'uploading' || imp.rows_parsed > 0 || imp.columns !== null) {
        await drain(source);
        throw conflict('IMPORT_NOT_UPLOADING', `Import #${imp.number} already has its file (${imp.status}).`);
      }
      uploadingHere.add(id);
      try {
        await stageFile(
          db,
          {
            importId: id,
            format: format ?? formatOfFileName(imp.file_name),
            itemId: imp.item_id,
            delimiter: (imp.delimiter as ',' | ';' | null) ?? undefined,
            mapping: imp.mapping ? (JSON.parse(imp.mapping) as Record<string, string>) : undefined,
          },
          source,
        );
      } catch (err) {
        const message =
          err instanceof AppError
            ? err.message
            : 'The upload stopped before the whole file arrived. Nothing was imported; try again.';
        await importsRepository.updateIfStatus(db, id, 'uploading', {
          status: 'failed',
          message,
          updated_at: nowIso(),
        });
        await importsRepository.deleteStaging(db, id);
        await importsRepository.deleteErrors(db, id);
        await drain(source);
        throw err;
      } finally {
        uploadingHere.delete(id);
      }
      return toView(await requireImport(id));
    },

    async get(id: number): Promise<ImportView> {
      const running = committingViews.get(id);
      if (running) {
        return { ...running, progress: { ...running.progress, serialsWritten: committing.get(id) ?? 0 } };
      }
      const imp = await requireImport(id);
      // Someone watching a dead upload learns it failed without waiting for the next import to sweep.
      if (
        imp.status === 'uploading' &&
        !uploadingHere.has(id) &&
        Date.parse(imp.updated_at) < Date.now() - foreignUploadQuietMs
      ) {
        if (await retire(id, 'uploading', 'failed')) return toView(await requireImport(id));
      }
      return toView(imp);
    },

    async errors(id: number, afterLine: number, limit: number) {
      await requireImport(id);
      const rows = await importsRepository.listErrors(db, id, afterLine, limit);
      return { errors: rows.map(toImportError) };
    },

    /** Every error of a dry run as CSV, read from the database page by page as the response is sent. */
    async errorsCsv(id: number, bom: boolean): Promise<CsvExport> {
      const imp = await requireImport(id);
      async function* chunks(): AsyncGenerator<string> {
        yield (bom ? '\uFEFF' : '') + toCsvLines([['Line', 'Column', 'Code', 'Problem', 'Value']]);
        let after = 0;
        for (;;) {
          const rows = await importsRepository.listErrors(db, id, after, ERRORS_CSV_PAGE);
          if (rows.length === 0) return;
          yield toCsvLines(
            rows.map((e) =>
              [String(e.line), e.column_name, e.code, e.message, e.value ?? ''].map(escapeFormula),
            ),
          );
          after = rows[rows.length - 1]!.line;
        }
      }
      return { fileName: `import-${imp.number}-errors.csv`, chunks: chunks() };
    },

    /**
     * Turns a clean dry run into serials: one transaction, set-based, all or nothing. Everything the dry run
     * checked that another user could have changed since is checked again inside the transaction.
     */
    async commit(principal: Principal, id: number): Promise<ImportView> {
      const imp = await requireImport(id);
      if (imp.status !== 'staged') {
        throw conflict(
          'IMPORT_NOT_STAGED',
          `Import #${imp.number} is ${imp.status}; only a dry run can be committed.`,
        );
      }
      if (imp.rows_with_errors > 0) {
        throw conflict(
          'IMPORT_HAS_ERRORS',
          `Import #${imp.number} has ${imp.rows_with_errors} row(s) with errors. Fix the file and import it again; nothing was imported.`,
        );
      }
      if (imp.rows_parsed === 0) {
        throw invalid('NOTHING_TO_IMPORT', 'The file has a header but no serials. Nothing was imported.');
      }
      const at = nowIso();
      committingViews.set(id, await toView(imp));
      committing.set(id, 0);
      try {
        // A deadlock victim or serialization failure is re-run whole (its progress starts again at 0).
        await inTransaction(db, (tx) => {
          committing.set(id, 0);
          return commitImportInTx(tx, imp, {
            principal,
            at,
            slice: commitSlice,
            onProgress: (written) => committing.set(id, written),
          });
        });
      } catch (err) {
        committing.delete(id);
        committingViews.delete(id);
        if (isUniqueViolation(err)) {
          throw conflict(
            'DATA_CHANGED',
            'A serial of this import was created by someone else at the same moment. Nothing was imported; import the file again.',
          );
        }
        throw err;
      }
      committing.delete(id);
      committingViews.delete(id);
      return toView(await requireImport(id));
    },

    /** Cancels an import before commit: its staging rows go, nothing else ever existed. */
    async cancel(id: number): Promise<ImportView> {
      const imp = await requireImport(id);
      const done = await importsRepository.updateIfStatus(db, id, ['uploading', 'staged'], {
        status: 'cancelled',
        updated_at: nowIso(),
      });
      if (!done)
        throw conflict(
          'IMPORT_NOT_CANCELLABLE',
          `Import #${imp.number} is ${imp.status}; it cannot be cancelled.`,
        );
      await importsRepository.deleteStaging(db, id);
      await importsRepository.deleteErrors(db, id);
      return toView(await requireImport(id));
    },

    /**
     * Run when a server starts, so an upload cut off by a crash does not show "Uploading" until the next
     * import sweeps. On SQLite no other server exists: only the CLI's live upload (quiet for milliseconds)
     * is spared. On PostgreSQL another live server may be receiving an upload slowly, so only the usual
     * staleness counts there. A commit needs no cleanup: it is one transaction, which a crash rolls back; the
     * staging of an import cancelled or failed just before a crash goes too.
     */
    async cleanupAtStart(now = Date.now()): Promise<void> {
      await service.cleanupStale(now);
    },

    /** Uploads whose process died and dry runs nobody committed: marked and their staging dropped. */
    async cleanupStale(now = Date.now()): Promise<void> {
      const stale = [
        ...(
          await importsRepository.findStale(
            db,
            'uploading',
            new Date(now - foreignUploadQuietMs).toISOString(),
          )
        )
          .filter((r) => !uploadingHere.has(r.id))
          .map((r) => ({ id: r.id, from: 'uploading', to: 'failed' as const })),
        ...(
          await importsRepository.findStale(db, 'staged', new Date(now - STALE_DRY_RUN_MS).toISOString())
        ).map((r) => ({ id: r.id, from: 'staged', to: 'cancelled' as const })),
      ];
      for (const s of stale) await retire(s.id, s.from, s.to);
      // Cancelled and failed imports drop their staging after the status change; a crash in between leaves
      // rows nothing will read again. (A commit deletes its staging inside its own transaction.)
      for (const leftover of await importsRepository.withLeftoverStaging(db)) {
        await importsRepository.deleteStaging(db, leftover.id);
      }
    },

    async idByNumber(number: string): Promise<number | null> {
      return (await importsRepository.findByNumber(db, number))?.id ?? null;
    },
  };
  return service;
}

export type ImportsService = ReturnType<typeof createImportsService>;
