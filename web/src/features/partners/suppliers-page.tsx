import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { get, qs } from '../../api/client';
import type { Partner, PurchaseOrderSummary } from '../../api/types';
import { formatLocalDate } from '../../components/dates';
import { FormError } from '../../components/form-error';
import { PartnersPage } from './partners-page';

export function SuppliersPage() {
  return (
    <PartnersPage kind="suppliers" related={(s) => <SupplierPurchaseOrders key={s.id} supplier={s} />} />
  );
}

/** The supplier's purchase orders, newest first. */
function SupplierPurchaseOrders({ supplier }: { supplier: Partner }) {
  const orders = useInfiniteQuery({
    queryKey: ['purchase-orders', 'supplier', supplier.id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<{ purchaseOrders: PurchaseOrderSummary[]; nextCursor: string | null }>(
        `/api/purchase-orders${qs({ supplierId: supplier.id, cursor: pageParam, limit: 50 })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = orders.data?.pages.flatMap((p) => p.purchaseOrders) ?? [];

  return (
    <>
      <h3>Purchase orders</h3>
      <FormError error={orders.error} />
      {rows.length === 0 && !orders.isPending && !orders.isError ? (
        <p className="muted">No purchase orders from this supplier yet.</p>
      ) : (
        <table className="table" aria-label={`Purchase orders from ${supplier.name}`}>
          <thead>
            <tr>
              <th>PO #</th>
              <th>Status</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((po) => (
              <tr key={po.id}>
                <td>
                  <Link to={`/purchase-orders/${po.id}`}>{po.number}</Link>
                </td>
                <td className="doc-status">{po.status.replace('_', ' ')}</td>
                <td>{formatLocalDate(po.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {orders.hasNextPage && (
        <button
          type="button"
          onClick={() => void orders.fetchNextPage()}
          disabled={orders.isFetchingNextPage}
        >
          Load more
        </button>
      )}
    </>
  );
}
