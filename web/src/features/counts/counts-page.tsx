import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { get, post } from '../../api/client';
import type { Count, CountDetail, Item, Location } from '../../api/types';
import { FormError } from '../../components/form-error';
import { formatLocalDateTime } from '../../components/dates';
import { useCan } from '../auth/session';
import './counts.css';

/** Counts: the list, and New count (locations, optionally some items). */
export function CountsPage() {
  const canCount = useCan('INV_COUNT');
  const [creating, setCreating] = useState(false);
  const list = useQuery({
    queryKey: ['counts'],
    queryFn: () => get<{ counts: Count[]; nextCursor: string | null }>('/api/counts?limit=100'),
  });
  return (
    <section className="counts-page">
      <h1>Counts</h1>
      <p className="muted">
        Count a location by scanning every serial on its shelves, review what was expected against what was
        found, then reconcile.
      </p>
      {canCount && !creating && (
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New count
        </button>
      )}
      {creating && <NewCount onCancel={() => setCreating(false)} />}
      <FormError error={list.error} />
      <table className="table">
        <thead>
          <tr>
            <th>Number</th>
            <th>Locations</th>
            <th>Status</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.counts.map((c) => (
            <tr key={c.id}>
              <td>
                <Link to={`/counts/${c.id}`}>{c.number}</Link>
              </td>
              <td>{c.locations.map((l) => l.code).join(', ')}</td>
              <td>{c.status === 'open' ? 'Open' : 'Closed'}</td>
              <td>
                {formatLocalDateTime(c.createdAt)} by {c.createdBy}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function NewCount({ onCancel }: { onCancel: () => void }) {
  const navigate = useNavigate();
  const [locationIds, setLocationIds] = useState<number[]>([]);
  const [itemIds, setItemIds] = useState<number[]>([]);
  const [note, setNote] = useState('');
  const locations = useQuery({
    queryKey: ['locations', 'for-count'],
    queryFn: () => get<{ locations: Location[] }>('/api/locations'),
  });
  const items = useQuery({
    queryKey: ['items', 'tracked'],
    queryFn: () => get<{ items: Item[] }>('/api/items?limit=500'),
  });
  const create = useMutation({
    mutationFn: () => post<CountDetail>('/api/counts', { locationIds, itemIds, note }),
    onSuccess: (c) => navigate(`/counts/${c.id}`),
  });
  const toggle = (list: number[], id: number) =>
    list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const tracked = (items.data?.items ?? []).filter((i) => i.trackSerials);
  return (
    <form className="card count-new" onSubmit={submit} aria-label="New count">
      <h2>New count</h2>
      <fieldset>
        <legend>Locations to count</legend>
        {(locations.data?.locations ?? []).map((l) => (
          <label key={l.id} className="check">
            <input
              type="checkbox"
              checked={locationIds.includes(l.id)}
              onChange={() => setLocationIds(toggle(locationIds, l.id))}
            />{' '}
            {l.code} {l.name}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Items (none checked: every item)</legend>
        {tracked.map((i) => (
          <label key={i.id} className="check">
            <input
              type="checkbox"
              checked={itemIds.includes(i.id)}
              onChange={() => setItemIds(toggle(itemIds, i.id))}
            />{' '}
            {i.sku} {i.name}
          </label>
        ))}
      </fieldset>
      <label>
        Note <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
      </label>
      <FormError error={create.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending || locationIds.length === 0}>
          Start count
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
