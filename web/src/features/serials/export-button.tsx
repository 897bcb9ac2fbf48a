import { useRef, useState } from 'react';
import { ApiError, qs, toApiError } from '../../api/client';
import type { Item, Problem } from '../../api/types';
import type { SerialFilters } from './serials-tab';
import { withCustomFieldParams, type CustomFieldListOptions } from '../custom-fields/custom-field-format';

export type ExportFormat = 'csv' | 'xlsx';

const TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv;charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * The server's streamed export of what the Serials tab shows (its filters and sort): CSV with a BOM for
 * spreadsheets, or XLSX with every cell text (what survives a round trip through a spreadsheet unchanged).
 */
export function serialExportUrl(itemId: number, f: SerialFilters, format: ExportFormat = 'csv'): string {
  return `/api/items/${itemId}/serials.${format}${qs({
    status: f.status,
    locationId: f.locationId,
    q: f.q.trim(),
    warrantyExpiringWithinDays: f.warrantyDays,
    sort: f.sort,
    direction: f.direction,
    bom: format === 'csv' ? 1 : undefined,
  })}`;
}

/**
 * Exports every serial that matches the current filters. The server streams the file (keyset-paged reads);
 * the button counts rows (CSV) or bytes (XLSX, compressed) as they arrive, can cancel, and saves the file
 * when the stream is complete.
 */
export function ExportButton({
  item,
  filters,
  format = 'csv',
  cfOptions,
  disabled = false,
}: {
  item: Item;
  filters: SerialFilters;
  format?: ExportFormat;
  cfOptions?: CustomFieldListOptions;
  disabled?: boolean;
}) {
  const [progress, setProgress] = useState<{ rows: number; bytes: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const controller = useRef<AbortController | null>(null);

  const run = async () => {
    setError(null);
    const abort = new AbortController();
    controller.current = abort;
    setProgress({ rows: 0, bytes: 0 });
    try {
      const source = serialExportUrl(item.id, filters, format);
      const res = await fetch(cfOptions ? withCustomFieldParams(source, cfOptions) : source, {
        credentials: 'same-origin',
        signal: abort.signal,
      });
      if (!res.ok || !res.body) {
        let problem: Partial<Problem> = {};
        try {
          problem = (await res.json()) as Problem;
        } catch {
          // not a problem document
        }
        throw new ApiError(
          res.status,
          problem.code ?? 'HTTP_ERROR',
          problem.detail ?? `The server answered ${res.status}.`,
        );
      }
      const parts: Uint8Array[] = [];
      const reader = res.body.getReader();
      let lines = 0;
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        bytes += value.length;
        // Record ends are CRLF; a line break inside a quoted cell is a lone LF, so this counts rows.
        if (format === 'csv') {
          for (let i = 1; i < value.length; i++) if (value[i] === 10 && value[i - 1] === 13) lines++;
        }
        setProgress({ rows: Math.max(0, lines - 1), bytes });
      }
      const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: TYPES[format] }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${item.sku}-serials.${format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      if (!abort.signal.aborted) setError(toApiError(err));
    } finally {
      controller.current = null;
      setProgress(null);
    }
  };

  if (progress) {
    return (
      <span className="export-progress" role="status">
        {format === 'csv'
          ? `Exporting ${progress.rows.toLocaleString()} serials…`
          : `Exporting XLSX: ${(progress.bytes / 1024 / 1024).toFixed(1)} MB…`}
        <button type="button" className="link-button" onClick={() => controller.current?.abort()}>
          Cancel
        </button>
      </span>
    );
  }
  return (
    <>
      <button type="button" disabled={disabled} onClick={() => void run()}>
        {format === 'csv' ? 'Export CSV' : 'Export XLSX'}
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
