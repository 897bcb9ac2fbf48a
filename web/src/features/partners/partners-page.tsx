import { useState, type ReactNode } from 'react';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { get, patch, post, qs } from '../../api/client';
import type { Partner } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';
import { PartnerForm, type PartnerFields } from './partner-form';
import './partners.css';

export type PartnerKind = 'suppliers' | 'customers';

const WORDS = {
  suppliers: { title: 'Suppliers', one: 'supplier', One: 'Supplier', documents: 'purchase-orders' },
  customers: { title: 'Customers', one: 'customer', One: 'Customer', documents: 'sales' },
} as const;

type PartnerPage = Partial<Record<PartnerKind, Partner[]>> & { nextCursor: string | null };

/**
 * The Suppliers or Customers page: search by name or contact, add, and open one to edit it and see what
 * `related` shows for it. The open one is `?id=` in the address, so it can be linked to.
 */
export function PartnersPage({
  kind,
  related,
}: {
  kind: PartnerKind;
  related?: (partner: Partner) => ReactNode;
}) {
  const words = WORDS[kind];
  const queryClient = useQueryClient();
  const canManage = useCan('PARTNERS_MANAGE');
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedId = Number(searchParams.get('id')) || null;
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);

  const list = useInfiniteQuery({
    queryKey: [kind, 'directory', search],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<PartnerPage>(`/api/${kind}${qs({ q: search.trim(), cursor: pageParam, limit: 100 })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p[kind] ?? []) ?? [];
  const selected = useQuery({
    queryKey: [kind, 'one', selectedId],
    enabled: selectedId !== null,
    queryFn: () => get<Partner>(`/api/${kind}/${selectedId}`),
  });

  const select = (id: number) => setSearchParams({ id: String(id) });
  // Names show on the documents too (the PO and sale lists), and the PO and sale forms list partners.
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: [kind] }),
      queryClient.invalidateQueries({ queryKey: [words.documents] }),
    ]);

  const create = async (fields: PartnerFields) => {
    const created = await post<Partner>(`/api/${kind}`, fields);
    await refresh();
    setCreating(false);
    select(created.id);
    return `${words.One} ${created.name} added.`;
  };
  const update = async (partner: Partner, fields: PartnerFields) => {
    const changes = Object.fromEntries(
      (['name', 'contact', 'notes'] as const)
        .filter((key) => fields[key] !== partner[key])
        .map((key) => [key, fields[key]]),
    );
    if (Object.keys(changes).length === 0) return 'Nothing changed.';
    await patch<Partner>(`/api/${kind}/${partner.id}`, changes);
    await refresh();
    return 'Saved.';
  };

  return (
    <section>
      <div className="page-header">
        <h1>{words.title}</h1>
        {canManage && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New {words.one}
          </button>
        )}
      </div>
      <div className="partners-layout">
        <div>
          <input
            type="search"
            className="search"
            placeholder="Search name or contact"
            aria-label={`Search ${kind}`}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <FormError error={list.error} />
          <table className="table" aria-label={words.title}>
            <thead>
              <tr>
                <th>Name</th>
                <th>Contact</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id} className={p.id === selectedId ? 'selected' : ''}>
                  <td>
                    <Link to={`?id=${p.id}`}>{p.name}</Link>
                  </td>
                  <td>{p.contact}</td>
                </tr>
              ))}
              {rows.length === 0 && !list.isPending && (
                <tr>
                  <td colSpan={2} className="muted">
                    No {kind}
                    {search.trim() ? ` match "${search.trim()}"` : ' yet'}.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          {list.hasNextPage && (
            <button
              type="button"
              onClick={() => void list.fetchNextPage()}
              disabled={list.isFetchingNextPage}
            >
              Load more
            </button>
          )}
        </div>
        {selectedId !== null && (
          <div className="card partner-detail" aria-label={`${words.One} details`} role="region">
            <FormError error={selected.error} />
            {selected.data && (
              <PartnerDetail
                partner={selected.data}
                kind={kind}
                canManage={canManage}
                onSave={update}
                related={related}
              />
            )}
          </div>
        )}
      </div>
      <Dialog open={creating} onOpenChange={setCreating} title={`New ${words.one}`}>
        <PartnerForm
          label={`New ${words.one}`}
          initial={{ name: '', contact: '', notes: '' }}
          submitLabel={`Add ${words.one}`}
          onSubmit={create}
        />
      </Dialog>
    </section>
  );
}

function PartnerDetail({
  partner,
  kind,
  canManage,
  onSave,
  related,
}: {
  partner: Partner;
  kind: PartnerKind;
  canManage: boolean;
  onSave: (partner: Partner, fields: PartnerFields) => Promise<string>;
  related: ((partner: Partner) => ReactNode) | undefined;
}) {
  return (
    <>
      <h2>{partner.name}</h2>
      {canManage ? (
        <PartnerForm
          key={partner.id}
          label={`Edit ${WORDS[kind].one}`}
          initial={partner}
          submitLabel="Save"
          onSubmit={(fields) => onSave(partner, fields)}
        />
      ) : (
        <dl className="record">
          <dt>Contact</dt>
          <dd>{partner.contact || '—'}</dd>
          <dt>Notes</dt>
          <dd className="partner-notes">{partner.notes || '—'}</dd>
        </dl>
      )}
      {related?.(partner)}
    </>
  );
}
