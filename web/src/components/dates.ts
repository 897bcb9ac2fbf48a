// The server sends instants as UTC ISO timestamps; people read them in their own time zone.
// Business dates that are already YYYY-MM-DD (sale date, warranty end) are not instants: show them as they are.

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant's local calendar date, "YYYY-MM-DD". */
export function formatLocalDate(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** An instant's local date and time to the minute, "YYYY-MM-DD HH:mm". */
export function formatLocalDateTime(iso: string): string {
  const d = new Date(iso);
  return `${formatLocalDate(iso)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
