import { useState } from 'react';
import { get, toApiError, type ApiError } from '../../api/client';
import type { ImportView } from '../../api/types';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';

type ImportError = NonNullable<ImportView['report']>['errors'][number];

/** Errors per "Show more": whole lines, so a page may hold a few more. */
const ERRORS_PAGE = 500;

const STATUS_LABELS: Record<string, string> = {
  in_stock: 'In Stock',
  damaged: 'Damaged',
  scrapped: 'Scrapped',
};

/** The dry run: every bad row with line, column and reason, and the effect on serial counts. */
export function ImportReport({ view }: { view: ImportView }) {
  const r = view.report;
  const canDownload = useCan('INV_MANAGE_SERIALS');
  // Errors past the report's first page, loaded by line as the user asks for them.
  const [more, setMore] = useState<{ importId: number; errors: ImportError[]; exhausted: boolean }>({
    importId: view.id,
    errors: [],
    exhausted: false,
  });
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  if (!r) return null;
  const loaded = more.importId === view.id ? more.errors : [];
  const errors = loaded.length > 0 ? [...r.errors, ...loaded] : r.errors;
  // An empty page ends the list even if the count says more (the import was cancelled or retired meanwhile).
  const exhausted = more.importId === view.id && more.exhausted;
  const remaining = exhausted ? 0 : r.errorCount - errors.length;

  const showMore = async () => {
    const last = errors[errors.length - 1];
    if (!last) return;
    setLoading(true);
    setLoadError(null);
    try {
      const page = await get<{ errors: ImportError[] }>(
        `/api/imports/${view.id}/errors?afterLine=${last.line}&limit=${ERRORS_PAGE}`,
      );
      setMore({
        importId: view.id,
        errors: [...loaded, ...page.errors],
        exhausted: page.errors.length === 0,
      });
    } catch (err) {
      setLoadError(toApiError(err));
    } finally {
      setLoading(false);
    }
  };

  return (
    <div className="import-report">
      <p>
        Dry run of Import #{view.number} (<strong>{view.fileName}</strong>): {r.rows.toLocaleString()} rows,{' '}
        {r.validRows.toLocaleString()} valid,{' '}
        <strong style={r.rowsWithErrors > 0 ? { color: 'var(--danger)' } : undefined}>
          {r.rowsWithErrors.toLocaleString()} with errors
        </strong>
        .
      </p>
      {view.columns && view.columns.ignored.length > 0 && (
        <p className="muted">
          Ignored columns: {view.columns.ignored.map((c) => c || '(blank)').join(', ')}.
        </p>
      )}
      {r.errors.length > 0 && (
        <>
          <div className="table-scroll" style={{ maxHeight: 320, overflowY: 'auto' }}>
            <table className="table compact" aria-label="Rows with errors">
              <thead>
                <tr>
                  <th>Line</th>
                  <th>Column</th>
                  <th>Problem</th>
                </tr>
              </thead>
              <tbody>
                {errors.map((e, i) => (
                  <tr key={i}>
                    <td>{e.line}</td>
                    <td>{e.column}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted" role="status">
            {errors.length < r.errorCount
              ? `Showing ${errors.length.toLocaleString()} of ${r.errorCount.toLocaleString()} errors: `
              : `All ${r.errorCount.toLocaleString()} errors shown: `}
            {r.errorsByCode.map((c) => `${c.count.toLocaleString()} × ${c.code} (${c.column})`).join(', ')}.
          </p>
          <p>
            {remaining > 0 && (
              <button type="button" onClick={() => void showMore()} disabled={loading}>
                {loading ? 'Loading…' : `Show ${Math.min(remaining, ERRORS_PAGE).toLocaleString()} more`}
              </button>
            )}{' '}
            {canDownload && (
              <a href={`/api/imports/${view.id}/errors.csv?bom=1`} download>
                Download errors (CSV)
              </a>
            )}
          </p>
          <FormError error={loadError} />
        </>
      )}
      {r.effect.length > 0 && (
        <>
          <h3>Effect on serial counts</h3>
          <p className="muted">
            An import adds serial records for units already in stock: quantity on hand does not change.
          </p>
          <table className="table compact" aria-label="Effect on serial counts">
            <thead>
              <tr>
                <th>SKU</th>
                <th>Location</th>
                <th>Adding</th>
                <th>Serials in stock</th>
                <th>Quantity on hand</th>
                <th>Mismatch</th>
              </tr>
            </thead>
            <tbody>
              {r.effect.map((e) => (
                <tr
                  key={`${e.sku}|${e.locationCode}`}
                  className={e.mismatchAfter !== 0 ? 'mismatch' : undefined}
                >
                  <td>{e.sku}</td>
                  <td>{e.locationCode}</td>
                  <td>
                    {Object.entries(e.adding)
                      .map(([s, n]) => `${n.toLocaleString()} ${STATUS_LABELS[s] ?? s}`)
                      .join(', ')}
                  </td>
                  <td>
                    {e.serialsPresentBefore.toLocaleString()} → {e.serialsPresentAfter.toLocaleString()}
                  </td>
                  <td>{e.quantityOnHand.toLocaleString()}</td>
                  <td>
                    {e.mismatchAfter === 0 ? 'None' : `${e.mismatchAfter > 0 ? '+' : ''}${e.mismatchAfter}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
