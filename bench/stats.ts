import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { PerformanceObserver, performance } from 'node:perf_hooks';

/** Monotonic high-resolution clock in milliseconds (sub-microsecond resolution). */
export const nowMs = (): number => performance.now();

export interface LatencySummary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}

/**
 * Calls `fn` once per input, sequentially, and returns each call's duration in ms. Every 50 calls it yields to
 * the event loop (outside the timed window): with better-sqlite3 every call completes synchronously, and
 * without a real turn of the loop neither Ctrl-C nor the GC observer would be handled until the phase ends.
 */
export async function timeEach<T>(
  inputs: readonly T[],
  fn: (input: T) => Promise<unknown>,
): Promise<number[]> {
  const out: number[] = [];
  for (const input of inputs) {
    const t0 = nowMs();
    await fn(input);
    out.push(nowMs() - t0);
    if (out.length % 50 === 0) await yieldToLoop();
  }
  return out;
}

/** Small deterministic PRNG (mulberry32) so every run picks the same "random" serials. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(rand: () => number, maxExclusive: number): number {
  return Math.floor(rand() * maxExclusive);
}

export interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
}

const MB = 1024 * 1024;

export function memorySample(): MemorySample {
  const m = process.memoryUsage();
  return { rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB };
}

/** Process RSS high-water mark in MB (resourceUsage().maxRSS is in kilobytes). */
export const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024;

export interface GcStats {
  count: number;
  totalMs: number;
  maxMs: number;
}

/**
 * Records garbage-collection pauses of this thread with their start times, so a phase can count exactly
 * the pauses that began inside it (entries are delivered late, on the event loop).
 */
export function gcTracker(): { between(fromMs: number, toMs: number): GcStats; stop(): void } {
  const entries: { start: number; duration: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) entries.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    between(fromMs, toMs) {
      const inside = entries.filter((e) => e.start >= fromMs && e.start < toMs);
      return {
        count: inside.length,
        totalMs: inside.reduce((a, e) => a + e.duration, 0),
        maxMs: inside.reduce((a, e) => Math.max(a, e.duration), 0),
      };
    },
    stop: () => observer.disconnect(),
  };
}

/** A full collection on demand, to start each measured phase from a clean heap (not the last phase's garbage). */
export const forceGc: () => void = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return () => void (gc as () => unknown)();
  } catch {
    // not available: phases simply start with whatever the heap holds
  }
  return () => undefined;
})();

/** Lets queued macrotasks (e.g. GC observer entries) run. */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Machine-wide CPU time counters from /proc/stat (Linux, in USER_HZ ticks); null elsewhere. */
function cpuTimes(): { idle: number; steal: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu  user nice system idle iowait irq softirq steal
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { idle: (v[3] ?? 0) + (v[4] ?? 0), steal: v[7] ?? 0, total: v.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

export interface CpuShare {
  /** CPU time the hypervisor took away, % of all CPU time. */
  stealPct: number | null;
  /** CPU used by other processes on the machine, % of all CPU time (all cores). */
  otherPct: number | null;
}

/** Starts measuring; the returned function reports the CPU shares since then. */
export function cpuMeter(): () => CpuShare {
  const t0 = cpuTimes();
  const own0 = process.cpuUsage();
  return () => {
    const t1 = cpuTimes();
    if (!t0 || !t1 || t1.total === t0.total) return { stealPct: null, otherPct: null };
    const total = t1.total - t0.total;
    const busy = total - (t1.idle - t0.idle) - (t1.steal - t0.steal);
    const own = process.cpuUsage(own0);
    const ownTicks = ((own.user + own.system) / 1e6) * 100; // USER_HZ is 100 on Linux
    return {
      stealPct: (100 * (t1.steal - t0.steal)) / total,
      otherPct: Math.max(0, (100 * (busy - ownTicks)) / total),
    };
  };
}

/** 1-minute load average (0 where the platform has none). */
export const loadAverage = (): number => os.loadavg()[0] ?? 0;
