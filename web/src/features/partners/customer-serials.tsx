import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import type { z } from 'zod';
import type { customerSerialPageSchema } from '../../../../src/partners/partners.schemas.js';
import { get, qs } from '../../api/client';
import type { Partner } from '../../api/types';
import { DocumentLink } from '../../components/document-link';
import { FormError } from '../../components/form-error';
import { serialUrl } from '../lookup/lookup-box';
import { formatWarranty } from '../serials/serial-format';

type CustomerSerialPage = z.infer<typeof customerSerialPageSchema>;

/** The serials sold to the customer, most recently changed first: what a warranty dispute starts from. */
export function CustomerSerials({ customer }: { customer: Partner }) {
  const serials = useInfiniteQuery({
    queryKey: ['customers', customer.id, 'serials'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<CustomerSerialPage>(`/api/customers/${customer.id}/serials${qs({ cursor: pageParam, limit: 50 })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = serials.data?.pages.flatMap((p) => p.serials) ?? [];

  return (
    <div className="customer-serials">
      <h3>Serials sold</h3>
      <FormError error={serials.error} />
      {rows.length === 0 && !serials.isPending && !serials.isError ? (
        <p className="muted">No serials sold to this customer yet.</p>
      ) : (
        <div className="customer-serials-scroll">
          <table className="table" aria-label={`Serials sold to ${customer.name}`}>
            <thead>
              <tr>
                <th>Serial Number</th>
                <th>Item</th>
                <th>Status</th>
                <th>Warranty Status</th>
                <th>Used On</th>
                <th>Location</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <td className="nowrap">
                    <Link to={serialUrl(s)} title="Open the Serial Detail">
                      {s.serialNumber}
                    </Link>
                  </td>
                  <td>
                    {s.itemSku}
                    <div className="muted">{s.itemName}</div>
                  </td>
                  <td>
                    <span className="status">
                      <span className="status-dot" style={{ background: s.statusColor }} aria-hidden />
                      {s.statusLabel}
                    </span>
                  </td>
                  <td>{formatWarranty(s)}</td>
                  <td className="nowrap">
                    <DocumentLink doc={s.usedOn} />
                  </td>
                  <td className="nowrap">{s.locationCode}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {serials.hasNextPage && (
        <button
          type="button"
          onClick={() => void serials.fetchNextPage()}
          disabled={serials.isFetchingNextPage}
        >
          Load more
        </button>
      )}
    </div>
  );
}
