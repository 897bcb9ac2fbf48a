import { useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { get, qs } from '../../api/client';
import type { TransferDetail } from '../../api/types';
import { FormError } from '../../components/form-error';
import { formatLocalDateTime } from '../../components/dates';

type TransferRow = Omit<TransferDetail, 'serials'>;

export function TransfersPage() {
  const [openId, setOpenId] = useState<number | null>(null);
  const list = useInfiniteQuery({
    queryKey: ['transfers'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<{ transfers: TransferRow[]; nextCursor: string | null }>(
        `/api/transfers${qs({ cursor: pageParam })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const detail = useQuery({
    queryKey: ['transfer', openId],
    enabled: openId !== null,
    queryFn: () => get<TransferDetail>(`/api/transfers/${openId}`),
  });
  const rows = list.data?.pages.flatMap((p) => p.transfers) ?? [];
  return (
    <section>
      <h1>Transfers</h1>
      <p className="muted">
        To transfer serials, select them on an item&apos;s Serials tab and click Transfer.
      </p>
      <FormError error={list.error} />
      <table className="table">
        <thead>
          <tr>
            <th>Number</th>
            <th>Date</th>
            <th>User</th>
            <th>From</th>
            <th>To</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.id}>
              <td>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setOpenId(openId === t.id ? null : t.id)}
                >
                  {t.number}
                </button>
              </td>
              <td>{formatLocalDateTime(t.at)}</td>
              <td>{t.username}</td>
              <td>{t.fromLocationCode}</td>
              <td>{t.toLocationCode}</td>
              <td>{t.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()}>
          Load more
        </button>
      )}
      {detail.data && (
        <div className="card">
          <h2>{detail.data.number}</h2>
          <ul>
            {detail.data.serials.map((s) => (
              <li key={s.id}>
                <Link to={`/items/${s.itemId}?serial=${s.id}`}>{s.serialNumber}</Link> ({s.itemSku})
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
