import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { AppConfig } from '../config.js';
import { openSqlite } from '../db/database.js';
import { AppError } from '../shared/errors.js';

/** The SQLite file of the configuration; backup and restore refuse PostgreSQL (pg_dump / pg_restore do it). */
function sqliteFile(config: AppConfig, command: 'backup' | 'restore'): string {
  if (config.database.kind !== 'sqlite') {
    throw new AppError(
      'bad_request',
      'NOT_SQLITE',
      `${command} works on a SQLite database; for PostgreSQL use ${command === 'backup' ? 'pg_dump' : 'pg_restore'} (see the README's Operations section).`,
    );
  }
  return config.database.file;
}

/** A consistent copy of the live database, also while a server keeps writing to it. */
export async function backupSqlite(config: AppConfig, target: string): Promise<string> {
  const file = sqliteFile(config, 'backup');
  if (!fs.existsSync(file)) throw new AppError('not_found', 'NOT_FOUND', `No database at ${file}.`);
  if (fs.existsSync(target))
    throw new AppError('conflict', 'FILE_EXISTS', `${target} already exists; choose a new file name.`);
  const sqlite = openSqlite(file);
  try {
    // SQLite's online backup API: a consistent snapshot even while the server keeps writing. It copies
    // in one step: copied in parts, a backup starts over whenever another connection writes, so under a
    // steady write load it would never finish. In WAL mode that one read does not block the writers.
    await sqlite.backup(target, { progress: () => 0x7fffffff });
  } finally {
    sqlite.close();
  }
  return file;
}

/** Refuses a backup that is not a sound Serialtrack database: PRAGMA integrity_check, then its schema table. */
function checkBackup(backup: string): void {
  if (!fs.existsSync(backup)) throw new AppError('not_found', 'NOT_FOUND', `No backup file at ${backup}.`);
  let source: SQLite.Database | undefined;
  try {
    source = new SQLite(backup, { readonly: true, fileMustExist: true });
    const problems = (source.pragma('integrity_check') as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
    if (problems.join() !== 'ok') {
      throw new AppError(
        'invalid',
        'BACKUP_DAMAGED',
        `${backup} fails SQLite's integrity check, so it was not restored: ${problems.slice(0, 5).join('; ')}`,
      );
    }
    const migrations = source
      .prepare("select 1 from sqlite_master where type = 'table' and name = 'schema_migrations'")
      .get();
    if (!migrations) {
      throw new AppError(
        'invalid',
        'NOT_A_BACKUP',
        `${backup} is a SQLite database but not a Serialtrack one (no schema_migrations table).`,
      );
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      'invalid',
      'BACKUP_DAMAGED',
      `${backup} cannot be read as a SQLite database (${(err as Error).message}), so it was not restored.`,
    );
  } finally {
    source?.close();
  }
}

/**
 * Refuses while any other process (a running server, another CLI) has the database open: leaving WAL mode
 * needs the only connection, so SQLite answers "busy" otherwise. Nothing waits (timeout 0).
 */
function checkNotOpen(file: string): void {
  if (!fs.existsSync(file)) return;
  const probe = new SQLite(file, { timeout: 0 });
  try {
    probe.pragma('journal_mode = DELETE');
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new AppError(
        'conflict',
        'DATABASE_IN_USE',
        `${file} is open in another process (a running server?). Stop the server, then restore again.`,
      );
    }
    throw err;
  } finally {
    probe.close();
  }
}

/**
 * Replaces the configured SQLite database with a checked backup. The database it replaces is kept next to
 * it (`….replaced-<time>`), and the new file is put in place by a rename, so a failure leaves one or the other.
 */
export async function restoreSqlite(
  config: AppConfig,
  backup: string,
): Promise<{ file: string; replaced: string | undefined }> {
  const file = sqliteFile(config, 'restore');
  checkBackup(backup);
  checkNotOpen(file);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const staging = `${file}.restoring`;
  fs.rmSync(staging, { force: true });
  const source = new SQLite(backup, { readonly: true, fileMustExist: true });
  try {
    await source.backup(staging);
  } finally {
    source.close();
  }
  let replaced: string | undefined;
  if (fs.existsSync(file)) {
    replaced = `${file}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(file, replaced);
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  fs.renameSync(staging, file);
  return { file, replaced };
}
