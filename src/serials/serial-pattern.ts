/** An item's auto-numbering pattern such as "SN-{#####}": prefix, counter width, suffix. */
export interface SerialPattern {
  prefix: string;
  width: number;
  suffix: string;
}

export function parseSerialPattern(pattern: string | null): SerialPattern | null {
  if (!pattern) return null;
  const m = /^(.*?)\{(#+)\}(.*)$/.exec(pattern);
  if (!m) return null;
  return { prefix: m[1]!, width: m[2]!.length, suffix: m[3]! };
}

export function formatSerial(p: SerialPattern, counter: number): string {
  return `${p.prefix}${String(counter).padStart(p.width, '0')}${p.suffix}`;
}

/** The counter of a serial that follows the pattern, or null. */
export function counterOf(p: SerialPattern, serial: string): number | null {
  if (!serial.startsWith(p.prefix) || !serial.endsWith(p.suffix)) return null;
  const middle = serial.slice(p.prefix.length, serial.length - p.suffix.length);
  return /^\d+$/.test(middle) ? Number(middle) : null;
}
