export type WarrantyStatus = 'under_warranty' | 'expired' | 'no_warranty';

/** Warranty status as of `today` (YYYY-MM-DD): the end date itself is still covered. */
export function warrantyStatus(endDate: string | null, today: string): WarrantyStatus {
  if (!endDate) return 'no_warranty';
  return endDate >= today ? 'under_warranty' : 'expired';
}

/** Adds whole months to a YYYY-MM-DD date, clamping to the month's last day (Jan 31 + 1 → Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
