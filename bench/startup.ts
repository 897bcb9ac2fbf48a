/**
 * Start-up figures of the server as a deployment runs it: `npx tsx bench/startup.ts [-- COMMAND ARGS…]`.
 * Starts COMMAND (default: `node dist/cli/main.js serve`, what `npm start` runs after its build) on a fresh
 * SQLite file, times the first 200 from /api/health, then reads the resident memory of the whole process tree
 * after 5 s idle. Five runs; prints the median and range of each figure. See bench/README.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 5;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The resident set of pid and all its descendants, in MB (from /proc). */
function treeRssMb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  let kb = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // ended
    }
    stack.push(...(children.get(p) ?? []));
  }
  return kb / 1024;
}

async function once(command: string[]): Promise<{ firstAnswerMs: number; idleRssMb: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-startup-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      SERIALTRACK_DB_FILE: path.join(dir, 'db.sqlite'),
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
    detached: true,
  });
  try {
    let firstAnswerMs = NaN;
    while (Number.isNaN(firstAnswerMs)) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok)
          firstAnswerMs = performance.now() - started;
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      }
      if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}`);
      if (performance.now() - started > 60_000) throw new Error('no answer within 60 s');
    }
    await new Promise((r) => setTimeout(r, 5000));
    return { firstAnswerMs, idleRssMb: treeRssMb(child.pid!) };
  } finally {
    process.kill(-child.pid!, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const dash = process.argv.indexOf('--');
const command = dash === -1 ? [process.execPath, 'dist/cli/main.js', 'serve'] : process.argv.slice(dash + 1);
const results = [];
for (let i = 0; i < RUNS; i++) results.push(await once(command));
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} (${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)})`;
};
console.log(`command: ${command.join(' ')}  (${RUNS} runs, median (min–max))`);
console.log(`time to first answer, ms: ${summary(results.map((r) => r.firstAnswerMs))}`);
console.log(`idle RSS of the process tree after 5 s, MB: ${summary(results.map((r) => r.idleRssMb))}`);
console.log(
  `load average: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
