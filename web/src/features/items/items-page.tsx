import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { get, qs } from '../../api/client';
import type { Item } from '../../api/types';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';

export function ItemsPage() {
  const [search, setSearch] = useState('');
  const canEdit = useCan('INV_EDIT_ITEMS');
  const items = useInfiniteQuery({
    queryKey: ['items', search],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<{ items: Item[]; nextCursor: string | null }>(
        `/api/items${qs({ q: search, cursor: pageParam, limit: 100 })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = items.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section>
      <div className="page-header">
        <h1>Items</h1>
        {canEdit && (
          <Link className="button primary" to="/items/new">
            New item
          </Link>
        )}
      </div>
      <input
        type="search"
        className="search"
        placeholder="Search SKU or name"
        aria-label="Search items"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <FormError error={items.error} />
      <table className="table">
        <thead>
          <tr>
            <th>SKU</th>
            <th>Name</th>
            <th>Track Serials</th>
            <th>Warranty</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((item) => (
            <tr key={item.id}>
              <td>
                <Link to={`/items/${item.id}`}>{item.sku}</Link>
              </td>
              <td>{item.name}</td>
              <td>{item.trackSerials ? 'Yes' : 'No'}</td>
              <td>{item.warrantyMonths > 0 ? `${item.warrantyMonths} months` : 'No warranty'}</td>
            </tr>
          ))}
          {rows.length === 0 && !items.isPending && (
            <tr>
              <td colSpan={4} className="muted">
                No items{search ? ` match "${search}"` : ' yet'}.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {items.hasNextPage && (
        <button type="button" onClick={() => void items.fetchNextPage()} disabled={items.isFetchingNextPage}>
          Load more
        </button>
      )}
    </section>
  );
}
