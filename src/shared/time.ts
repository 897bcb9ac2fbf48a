/** Timestamps are stored as ISO-8601 UTC text. */
export const nowIso = (): string => new Date().toISOString();

/** An IANA time zone name that this runtime knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const dateFormatIn = (zone: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * Business dates (a sale's date, so its warranty end; a serial's date received; "today" for Warranty
 * Status) are the calendar date where the shop is, not in UTC: an evening sale in Chicago is today's sale.
 * Set once at start-up from the TIME_ZONE setting (config.ts); UTC until then.
 */
let businessDateFormat = dateFormatIn('UTC');

export function setBusinessTimeZone(zone: string): void {
  businessDateFormat = dateFormatIn(zone);
}

/** The business date (YYYY-MM-DD) of an instant, given as a Date or as ISO text. */
export function businessDateOf(instant: Date | string): string {
  const parts = businessDateFormat.formatToParts(typeof instant === 'string' ? new Date(instant) : instant);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Today's business date as YYYY-MM-DD. */
export const todayIso = (): string => businessDateOf(new Date());

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
