/**
 * Bounded HTTP load over loopback. The client runs in a worker thread (its own event loop, so on a 2-core
 * machine it takes the second core and does not queue behind the server's work), uses node:http with a
 * keep-alive agent of `concurrency` sockets, and sends a fixed list of requests with a global deadline.
 */
import { Worker } from 'node:worker_threads';

export interface HttpLoadOptions {
  port: number;
  token: string;
  /** Request paths, sent in this order; the first `warmup` are not measured. */
  paths: string[];
  warmup: number;
  concurrency: number;
  /** Stop issuing new requests after this long (the run is then reported as truncated). */
  deadlineMs: number;
  requestTimeoutMs: number;
  /** Expected number of `matches` in each 200 response (a correctness check). */
  expectMatches: number;
}

export interface HttpLoadResult {
  /** Latency of each measured, successful request in ms, client-side (send → full body received). */
  latenciesMs: number[];
  measured: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  truncated: boolean;
}

// Plain CommonJS so it runs as an eval'd worker without any TypeScript loader.
const WORKER_SOURCE = String.raw`
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { parentPort, workerData } = require('node:worker_threads');
const o = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });

function request(path) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(
      { host: '127.0.0.1', port: o.port, path, agent, headers: { authorization: 'Bearer ' + o.token } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', (e) => resolve({ ok: false, ms: performance.now() - t0, error: e.message }));
        res.on('end', () => {
          const ms = performance.now() - t0;
          if (res.statusCode !== 200) {
            resolve({ ok: false, ms, error: 'HTTP ' + res.statusCode + ': ' + Buffer.concat(chunks).toString().slice(0, 200) });
            return;
          }
          try {
            const n = JSON.parse(Buffer.concat(chunks).toString()).matches.length;
            resolve(n === o.expectMatches ? { ok: true, ms } : { ok: false, ms, error: 'got ' + n + ' matches for ' + path });
          } catch (e) {
            resolve({ ok: false, ms, error: 'bad body: ' + e.message });
          }
        });
      },
    );
    req.setTimeout(o.requestTimeoutMs, () => req.destroy(new Error('request timeout')));
    req.on('error', (e) => resolve({ ok: false, ms: performance.now() - t0, error: e.message }));
    req.end();
  });
}

async function phase(paths, deadline) {
  const latencies = [];
  let next = 0, errors = 0, firstError = null, truncated = false;
  async function lane() {
    while (next < paths.length) {
      if (performance.now() > deadline) { truncated = true; return; }
      const r = await request(paths[next++]);
      if (r.ok) latencies.push(r.ms);
      else { errors++; if (firstError === null) firstError = r.error; }
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.concurrency }, lane));
  return { latencies, errors, firstError, truncated, elapsedMs: performance.now() - t0 };
}

(async () => {
  const deadline = performance.now() + o.deadlineMs;
  const warm = await phase(o.paths.slice(0, o.warmup), deadline);
  const run = await phase(o.paths.slice(o.warmup), deadline);
  agent.destroy();
  parentPort.postMessage({
    latenciesMs: run.latencies,
    measured: run.latencies.length + run.errors,
    errors: run.errors + warm.errors,
    firstError: warm.firstError ?? run.firstError,
    elapsedMs: run.elapsedMs,
    truncated: warm.truncated || run.truncated,
  });
})().catch((e) => { throw e; });
`;

export function runHttpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: options });
    let settled = false;
    // Hard stop a little after the deadline in case the server hangs on a request.
    const guard = setTimeout(
      () => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        reject(
          new Error(`HTTP load did not finish within ${options.deadlineMs + options.requestTimeoutMs} ms`),
        );
      },
      options.deadlineMs + options.requestTimeoutMs + 5000,
    );
    worker.once('message', (result: HttpLoadResult) => {
      settled = true;
      clearTimeout(guard);
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      reject(err);
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      reject(new Error(`HTTP load worker exited with code ${code}`));
    });
  });
}
