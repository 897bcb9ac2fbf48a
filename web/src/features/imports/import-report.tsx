import type { ImportView } from '../../api/types';

const STATUS_LABELS: Record<string, string> = {
  in_stock: 'In Stock',
  damaged: 'Damaged',
  scrapped: 'Scrapped',
};

/** The dry run: every bad row with line, column and reason, and the effect on serial counts. */
export function ImportReport({ view }: { view: ImportView }) {
  const r = view.report;
  if (!r) return null;
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
                {r.errors.map((e, i) => (
                  <tr key={i}>
                    <td>{e.line}</td>
                    <td>{e.column}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {r.errorsTruncated && (
            <p className="muted">
              Showing the first {r.errors.length} of {r.errorCount.toLocaleString()} errors:{' '}
              {r.errorsByCode.map((c) => `${c.count.toLocaleString()} × ${c.code} (${c.column})`).join(', ')}.
            </p>
          )}
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
