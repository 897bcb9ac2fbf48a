import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, on the connection that
 * commits: here the writer, on the event loop. During a big import that copies tens of MB into the database
 * file and fsyncs it while every request waits (2.3 s at 300,000 rows). So the writer does not checkpoint
 * (`wal_autocheckpoint = 0`) and this worker thread does, with its own connection, in PASSIVE mode: it copies
 * what no reader still needs and never blocks the writer or the readers. The WAL is reused from its start once
 * a checkpoint has caught up, and `journal_size_limit` trims the file then.
 *
 * The worker is plain JavaScript evaluated from a string, so the same code runs from src/ (tests) and dist/.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma('busy_timeout = 0');
let timer = null;
function checkpoint(id) {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ checkpointed: result, id });
  } catch (err) {
    parentPort.postMessage({ failed: String(err && err.message ? err.message : err), id });
  }
}
parentPort.on('message', (message) => {
  if (typeof message === 'number') return checkpoint(message);
  if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.postMessage({ stopped: true });
    parentPort.close();
  }
});
timer = setInterval(() => checkpoint(0), workerData.intervalMs);
`;

export interface CheckpointResult {
  /** 1 when a reader or writer kept it from finishing (PASSIVE never waits). */
  busy: number;
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

export interface SqliteCheckpointer {
  /** Checkpoints once now (besides the timer) and resolves with SQLite's answer. */
  checkpointNow(): Promise<CheckpointResult>;
  /** Stops the timer and closes the worker's connection. */
  stop(): Promise<void>;
}

export function startSqliteCheckpointer(
  file: string,
  options: { intervalMs?: number; onFailure?: (message: string) => void } = {},
): SqliteCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver, intervalMs: options.intervalMs ?? 1000 },
  });
  // The worker never keeps the process alive; stop() is called on close (Database.destroy).
  worker.unref();
  const waiting = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let stopped: Promise<void> | null = null;
  let gone = false;
  const fail = (message: string) => options.onFailure?.(message);
  worker.on('message', (message: { checkpointed?: CheckpointResult; failed?: string; id?: number }) => {
    const waiter = message.id ? waiting.get(message.id) : undefined;
    if (message.id) waiting.delete(message.id);
    if (waiting.size === 0 && !stopped) worker.unref();
    if (message.checkpointed) waiter?.resolve(message.checkpointed);
    if (message.failed) {
      if (waiter) waiter.reject(new Error(message.failed));
      else fail(message.failed);
    }
  });
  worker.on('error', (err) => fail(err.message));
  worker.on('exit', (code) => {
    gone = true;
    for (const waiter of waiting.values()) waiter.reject(new Error('the checkpointer stopped'));
    waiting.clear();
    if (!stopped) fail(`the checkpoint worker exited (code ${code})`);
  });
  return {
    checkpointNow() {
      if (gone || stopped) return Promise.reject(new Error('the checkpointer is stopped'));
      return new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.ref(); // an answer awaited keeps the process alive until it comes
        worker.postMessage(id);
      });
    },
    stop() {
      if (!stopped) {
        stopped = gone
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              worker.once('exit', () => resolve());
              worker.ref();
              worker.postMessage('stop');
              // A worker stuck in a checkpoint of a huge WAL is not waited for at shutdown.
              setTimeout(() => void worker.terminate(), 5000).unref();
            });
      }
      return stopped;
    },
  };
}
