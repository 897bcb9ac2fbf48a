/** Timestamps are stored as ISO-8601 UTC text. */
export const nowIso = (): string => new Date().toISOString();

/** Today's date (UTC) as YYYY-MM-DD. */
export const todayIso = (): string => new Date().toISOString().slice(0, 10);

export function isValidIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A YYYY-MM-DD date plus whole days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
