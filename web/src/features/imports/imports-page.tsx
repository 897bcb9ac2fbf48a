import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { get } from '../../api/client';
import type { ImportView } from '../../api/types';
import { formatLocalDateTime } from '../../components/dates';
import { FormError } from '../../components/form-error';
import { ImportFlow } from './import-flow';
import { ImportReport } from './import-report';

/** Import serials of many items at once: each row of the file names its item by SKU. */
export function ImportsPage() {
  return (
    <section>
      <h1>Import Serials</h1>
      <p>
        <a href="/api/serials.csv?bom=1" download>
          Export all serials (CSV)
        </a>{' '}
        or{' '}
        <a href="/api/serials.xlsx" download>
          Export XLSX
        </a>{' '}
        — the same columns this page imports (for a round trip through Excel or LibreOffice use XLSX: its
        cells are text, so SKUs, locations and serials such as 00042 keep their leading zeros), so its In
        Stock, Damaged and Scrapped serials can be edited and imported into another database (sold, reserved
        and returned units come in through their sale or return).
      </p>
      <ImportFlow />
    </section>
  );
}

const STATUS_TEXT: Record<ImportView['status'], string> = {
  uploading: 'Uploading',
  staged: 'Dry run, waiting for commit',
  committed: 'Committed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** Where a serial's Source "Import #N" links to: what the import was and what it created. */
export function ImportPage() {
  const { id = '' } = useParams();
  const q = useQuery({ queryKey: ['import', id], queryFn: () => get<ImportView>(`/api/imports/${id}`) });
  if (q.isError) return <FormError error={q.error} />;
  if (!q.data) return <p className="loading">Loading…</p>;
  const v = q.data;
  return (
    <section>
      <h1>Import #{v.number}</h1>
      <dl>
        <dt>File</dt>
        <dd>{v.fileName}</dd>
        <dt>Status</dt>
        <dd>{STATUS_TEXT[v.status]}</dd>
        {v.itemId !== null && (
          <>
            <dt>Item</dt>
            <dd>
              <Link to={`/items/${v.itemId}`}>{v.itemSku}</Link>
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{formatLocalDateTime(v.createdAt)}</dd>
        {v.committedAt && (
          <>
            <dt>Serials created</dt>
            <dd>
              {v.serialsCreated.toLocaleString()} on {formatLocalDateTime(v.committedAt)}
            </dd>
          </>
        )}
        {v.message && (
          <>
            <dt>Why it stopped</dt>
            <dd>{v.message}</dd>
          </>
        )}
      </dl>
      <ImportReport view={v} />
    </section>
  );
}
