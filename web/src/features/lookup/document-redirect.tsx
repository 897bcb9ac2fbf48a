import { useQuery } from '@tanstack/react-query';
import { Navigate, useParams } from 'react-router-dom';
import { get, qs } from '../../api/client';
import { FormError } from '../../components/form-error';

interface Resolved {
  type: string;
  id: number;
  saleId?: number;
}

/** /documents/:type/:number — where the Source and Used On links of a serial lead. */
export function DocumentRedirect() {
  const { type = '', number = '' } = useParams();
  const q = useQuery({
    queryKey: ['document', type, number],
    queryFn: () => get<Resolved>(`/api/documents/resolve${qs({ type, number })}`),
  });
  if (q.isError) return <FormError error={q.error} />;
  if (!q.data) return <p className="loading">Loading…</p>;
  const d = q.data;
  const to =
    d.type === 'purchase_order'
      ? `/purchase-orders/${d.id}`
      : d.type === 'sale'
        ? `/sales/${d.id}`
        : d.type === 'return'
          ? `/sales/${d.saleId}#return-${d.id}`
          : d.type === 'import'
            ? `/imports/${d.id}`
            : d.type === 'count'
              ? `/counts/${d.id}`
              : '/transfers';
  return <Navigate replace to={to} />;
}
