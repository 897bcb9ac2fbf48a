import { useRef, useState } from 'react';
import { get, toApiError, type ApiError } from '../../api/client';
import type { Item, SerialPage } from '../../api/types';
import { CSV_HEADER, serialCsvRow, toCsv } from './serial-format';
import { serialListUrl, type SerialFilters } from './serials-tab';

/** Exports every serial that matches the current filters, page by page, with progress and cancel. */
export function ExportButton({ item, filters }: { item: Item; filters: SerialFilters }) {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const cancelled = useRef(false);

  const run = async () => {
    cancelled.current = false;
    setError(null);
    const parts: string[] = [toCsv([CSV_HEADER])];
    let cursor: string | undefined;
    let done = 0;
    setProgress({ done: 0, total: 0 });
    try {
      do {
        const page = await get<SerialPage>(serialListUrl(item.id, filters, cursor, 500));
        if (page.serials.length > 0) parts.push(toCsv(page.serials.map(serialCsvRow)));
        done += page.serials.length;
        setProgress({ done, total: page.counts.total });
        cursor = page.nextCursor ?? undefined;
      } while (cursor && !cancelled.current);
      if (cancelled.current) return;
      const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${item.sku}-serials.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setProgress(null);
    }
  };

  if (progress) {
    return (
      <span className="export-progress" role="status">
        Exporting {progress.done}
        {progress.total ? ` of about ${progress.total}` : ''}…
        <button type="button" className="link-button" onClick={() => (cancelled.current = true)}>
          Cancel
        </button>
      </span>
    );
  }
  return (
    <>
      <button type="button" onClick={() => void run()}>
        Export CSV
      </button>
      {error && (
        <span className="export-error" role="alert">
          The export stopped: {error.message}
          <button type="button" className="link-button" onClick={() => setError(null)}>
            Dismiss
          </button>
        </span>
      )}
    </>
  );
}
