import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Runtime } from '../server.js';
import type { Principal } from '../auth/auth.service.js';
import { usersRepository } from '../users/users.repository.js';
import { AppError, forbidden } from '../shared/errors.js';
import type { ImportView } from '../imports/imports.service.js';

export interface ImportCommandOptions {
  item?: string;
  dryRun?: boolean;
  user: string;
  delimiter?: ',' | ';';
  map: string[];
  /** Write every error of the dry run to this CSV file (the terminal shows the first ones). */
  errors?: string;
}

/** The CLI acts as a named user, who needs INV_MANAGE_SERIALS like anyone importing through the API. */
async function principalFor(rt: Runtime, username: string): Promise<Principal> {
  const db = rt.database.db;
  const user = await usersRepository.findByUsername(db, username);
  if (!user || user.active !== 1) {
    throw new AppError('not_found', 'NOT_FOUND', `No active user "${username}". Pass --user <username>.`);
  }
  const permissions = new Set(await usersRepository.permissionsOf(db, user.id));
  if (!permissions.has('INV_MANAGE_SERIALS')) {
    throw forbidden('FORBIDDEN', `${username} lacks the INV_MANAGE_SERIALS permission needed to import.`);
  }
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    permissions,
    via: 'token',
  };
}

/** A progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise. */
function progressBar(total: number) {
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  let lastTenth = -1;
  return {
    update(bytes: number, force = false) {
      const ratio = total > 0 ? Math.min(1, bytes / total) : 1;
      const now = Date.now();
      if (tty) {
        if (!force && now - lastDraw < 100) return;
        lastDraw = now;
        const width = 30;
        const done = Math.round(ratio * width);
        process.stderr.write(
          `\rReading [${'#'.repeat(done)}${'-'.repeat(width - done)}] ${(ratio * 100).toFixed(0).padStart(3)}% ` +
            `${(bytes / 1024 / 1024).toFixed(1)} of ${(total / 1024 / 1024).toFixed(1)} MB`,
        );
      } else {
        const tenth = Math.floor(ratio * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        process.stderr.write(`Reading ${tenth * 10}%\n`);
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

function parseMappings(pairs: string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const mapping: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    if (at <= 0)
      throw new AppError('bad_request', 'BAD_MAPPING', `--map takes "Header=field", not "${pair}".`);
    mapping[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return mapping;
}

/**
 * The terminal shows the first errors and the count of each kind; a file with a hundred thousand bad rows
 * is read in a spreadsheet, so every error goes to the CSV that --errors names (as the UI's download).
 */
export function printReport(
  view: ImportView,
  out: (line: string) => void = console.log,
  errorsFile?: string,
): void {
  const report = view.report;
  if (!report) return;
  out(
    `Import #${view.number} (${view.fileName}): ${report.rows} row(s), ${report.validRows} valid, ` +
      `${report.rowsWithErrors} with errors (${report.errorCount} error(s)).`,
  );
  for (const e of report.errors) out(`  line ${e.line}, ${e.column}: ${e.message} [${e.code}]`);
  if (report.errorsTruncated) {
    out(`  … ${report.errorCount - report.errors.length} more; by kind:`);
    for (const c of report.errorsByCode) out(`    ${c.code} (${c.column}): ${c.count}`);
    if (!errorsFile) out('  Run again with --errors FILE to write every bad row to a CSV file.');
  }
  if (report.effect.length > 0) {
    out('Effect on serial counts (quantity on hand is not changed by an import):');
    for (const e of report.effect) {
      const adding = Object.entries(e.adding)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
      out(
        `  ${e.sku} @ ${e.locationCode}: +${adding}; serials present ${e.serialsPresentBefore} → ` +
          `${e.serialsPresentAfter}, quantity on hand ${e.quantityOnHand}` +
          (e.mismatchAfter === 0 ? '' : ` (mismatch ${e.mismatchAfter > 0 ? '+' : ''}${e.mismatchAfter})`),
      );
    }
  }
}

/**
 * `serialtrack import FILE`: the same services as the web UI — open, stream the file into staging, show
 * the dry run, then commit unless --dry-run (a CLI dry run is cancelled afterwards, leaving nothing).
 */
export async function runImport(rt: Runtime, file: string, opts: ImportCommandOptions): Promise<number> {
  const { services } = rt;
  const principal = await principalFor(rt, opts.user);
  const size = fs.statSync(file).size;
  const itemId = opts.item ? (await services.items.getBySku(opts.item)).id : undefined;
  const opened = await services.imports.create(principal, {
    fileName: file.split(/[\\/]/).pop() ?? file,
    itemId,
    delimiter: opts.delimiter,
    mapping: parseMappings(opts.map),
  });
  const bar = progressBar(size);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, next) {
      bytes += chunk.length;
      bar.update(bytes);
      next(null, chunk);
    },
  });
  let view: ImportView;
  try {
    view = await services.imports.upload(opened.id, fs.createReadStream(file).pipe(counter));
  } finally {
    bar.update(bytes, true);
    bar.done();
  }
  const report = view.report!;
  printReport(view, console.log, opts.errors);
  if (opts.errors && report.errorCount > 0) {
    // Before the cancel below, which drops the dry run's errors.
    const csv = await services.imports.errorsCsv(view.id, false);
    await pipeline(Readable.from(csv.chunks), fs.createWriteStream(opts.errors));
    console.log(
      `Wrote all ${report.errorCount} error(s) of ${report.rowsWithErrors} row(s) to ${opts.errors}.`,
    );
  }
  if (opts.dryRun || report.rowsWithErrors > 0 || report.rows === 0) {
    await services.imports.cancel(view.id);
    if (report.rowsWithErrors > 0) {
      console.log('Nothing was imported: fix the rows above and run the import again.');
      return 1;
    }
    console.log(
      opts.dryRun ? 'Dry run: nothing was imported.' : 'The file has no serials; nothing was imported.',
    );
    return 0;
  }
  process.stderr.write(`Committing ${report.validRows} serial(s)…\n`);
  const committed = await services.imports.commit(principal, view.id);
  console.log(`Imported ${committed.serialsCreated} serial(s) as Import #${committed.number}.`);
  return 0;
}
