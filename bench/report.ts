export type Target =
  /** product ÷ raw must be at least `value` (rates: fraction of the raw floor's rate). */
  | { kind: 'ratioAtLeast'; value: number }
  /** the product figure must be below `value` (latencies in ms, memory in MB). */
  | { kind: 'below'; value: number };

export interface Figure {
  key: string;
  label: string;
  unit: string;
  product: number;
  /** The raw-driver floor for the same work, when there is one. */
  raw: number | null;
  /** product ÷ raw. For rates higher is better (1 = as fast as raw); for latencies it is "× raw time". */
  ratio: number | null;
  target: Target | null;
  targetText: string | null;
  pass: boolean | null;
}

export function figure(
  key: string,
  label: string,
  unit: string,
  product: number,
  raw: number | null,
  target: Target | null = null,
): Figure {
  const ratio = raw !== null && raw > 0 ? product / raw : null;
  let pass: boolean | null = null;
  let targetText: string | null = null;
  if (target?.kind === 'ratioAtLeast') {
    targetText = `ratio >= ${target.value}`;
    pass = ratio !== null && ratio >= target.value;
  } else if (target?.kind === 'below') {
    targetText = `< ${target.value} ${unit}`;
    pass = product < target.value;
  }
  return { key, label, unit, product, raw, ratio, target, targetText, pass };
}

function fmt(value: number | null, unit: string): string {
  if (value === null || Number.isNaN(value)) return '—';
  if (unit === 'ms') return value < 10 ? value.toFixed(3) : value.toFixed(1);
  if (unit === 'MB') return value.toFixed(1);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

/** A Markdown table (readable as plain text too). */
export function renderTable(figures: readonly Figure[]): string {
  const header = ['figure', 'unit', 'product', 'raw floor', 'ratio (product/raw)', 'target', 'result'];
  const rows = figures.map((f) => [
    f.label,
    f.unit,
    fmt(f.product, f.unit),
    fmt(f.raw, f.unit),
    f.ratio === null ? '—' : f.ratio.toFixed(2),
    f.targetText ?? '—',
    f.pass === null ? '—' : f.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i >= 2 && i <= 4 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}

/** Per-phase wall time, main-thread GC pauses, CPU used by other processes and hypervisor steal: the context for the tail latencies. */
export function renderPhases(
  phases: Record<
    string,
    {
      seconds: number;
      gc: { count: number; totalMs: number; maxMs: number };
      cpu: { stealPct: number | null; otherPct: number | null };
    }
  >,
): string {
  const header = [
    'phase',
    'seconds',
    'GC pauses',
    'GC total ms',
    'GC max ms',
    'other procs CPU %',
    'steal %',
  ];
  const rows = Object.entries(phases).map(([name, p]) => [
    name,
    p.seconds.toFixed(2),
    String(p.gc.count),
    p.gc.totalMs.toFixed(1),
    p.gc.maxMs.toFixed(1),
    p.cpu.otherPct === null ? '—' : p.cpu.otherPct.toFixed(1),
    p.cpu.stealPct === null ? '—' : p.cpu.stealPct.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}
