import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { get, post, qs, toApiError, type ApiError } from '../../api/client';
import type { Item, Partner, Sale, SaleSummary } from '../../api/types';
import { formatLocalDate } from '../../components/dates';
import { FormError } from '../../components/form-error';
import { SerialEntry } from '../../components/serial-entry';
import { useCan } from '../auth/session';

export function SalesPage() {
  const canSell = useCan('SALES_MANAGE');
  const list = useQuery({
    queryKey: ['sales'],
    queryFn: () => get<{ sales: SaleSummary[] }>('/api/sales?limit=200'),
  });
  return (
    <section>
      <h1>Sales</h1>
      {canSell && <NewSale />}
      <FormError error={list.error} />
      <table className="table">
        <thead>
          <tr>
            <th>Sale #</th>
            <th>Customer</th>
            <th>Status</th>
            <th>Date</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.sales.map((s) => (
            <tr key={s.id}>
              <td>
                <Link to={`/sales/${s.id}`}>{s.number}</Link>
              </td>
              <td>{s.customerName}</td>
              <td className="doc-status">{s.status}</td>
              <td>{s.saleDate ?? formatLocalDate(s.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface SaleLineDraft {
  itemId: string;
  quantity: string;
  locationId: string;
  serials: string[];
  unitPrice: string;
}

function NewSale() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [customerSearch, setCustomerSearch] = useState('');
  const customers = useQuery({
    queryKey: ['customers', customerSearch],
    queryFn: () => get<{ customers: Partner[] }>(`/api/customers${qs({ q: customerSearch, limit: 50 })}`),
  });
  const items = useQuery({
    queryKey: ['items', 'all'],
    queryFn: () => get<{ items: Item[] }>(`/api/items${qs({ limit: 500 })}`),
  });
  const locations = useQuery({
    queryKey: ['locations'],
    queryFn: () => get<{ locations: { id: number; code: string }[] }>('/api/locations'),
  });
  const [customerId, setCustomerId] = useState('');
  // "Sell" on the Serials tab arrives with ?itemId=…&serials=… (serials picked from the grid).
  const [searchParams] = useSearchParams();
  const [lines, setLines] = useState<SaleLineDraft[]>(() => {
    const picked = (searchParams.get('serials') ?? '').split('\n').filter(Boolean);
    return [
      {
        itemId: searchParams.get('itemId') ?? '',
        quantity: String(Math.max(picked.length, 1)),
        locationId: '',
        serials: picked,
        unitPrice: '',
      },
    ];
  });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const itemOf = (id: string) => items.data?.items.find((i) => String(i.id) === id);
  const setLine = (i: number, p: Partial<SaleLineDraft>) =>
    setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...p } : l)));

  // A serialized line sells one unit per serial: its quantity says how many serials to expect, so a typed
  // range expands to that many and the running count means something.
  const setSerials = (i: number, serials: string[]) =>
    setLines((ls) =>
      ls.map((l, j) =>
        j === i ? { ...l, serials, quantity: String(Math.max(serials.length, Number(l.quantity) || 1)) } : l,
      ),
    );

  const submit = async (complete: boolean) => {
    setBusy(true);
    setError(null);
    try {
      let customer = Number(customerId);
      if (!customer && customerSearch.trim()) {
        customer = (await post<Partner>('/api/customers', { name: customerSearch })).id;
      }
      const sale = await post<Sale>('/api/sales', {
        customerId: customer,
        complete,
        lines: lines
          .filter((l) => l.itemId)
          .map((l) => {
            const item = itemOf(l.itemId);
            const price = l.unitPrice ? { unitPrice: Number(l.unitPrice) } : {};
            return item?.trackSerials
              ? { itemId: item.id, serialNumbers: l.serials, quantity: Number(l.quantity) || 1, ...price }
              : {
                  itemId: Number(l.itemId),
                  quantity: Number(l.quantity),
                  locationId: Number(l.locationId),
                  ...price,
                };
          }),
      });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['sales'] }),
        queryClient.invalidateQueries({ queryKey: ['serials'] }),
        queryClient.invalidateQueries({ queryKey: ['stock'] }),
      ]);
      void navigate(`/sales/${sale.id}`);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" aria-label="New sale" onSubmit={(e) => e.preventDefault()}>
      <h2>New sale</h2>
      <div className="inline-form">
        <label>
          Find or add customer
          <input
            value={customerSearch}
            onChange={(e) => setCustomerSearch(e.target.value)}
            placeholder="Customer name"
          />
        </label>
        <label>
          Customer
          <select value={customerId} onChange={(e) => setCustomerId(e.target.value)}>
            <option value="">{customerSearch ? `New: ${customerSearch}` : 'Choose…'}</option>
            {customers.data?.customers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {lines.map((l, i) => {
        const item = itemOf(l.itemId);
        return (
          <div key={i} className="card">
            <div className="inline-form">
              <label>
                Item
                <select
                  aria-label={`Sale line ${i + 1} item`}
                  value={l.itemId}
                  onChange={(e) => setLine(i, { itemId: e.target.value, serials: [], quantity: '1' })}
                >
                  <option value="">Choose…</option>
                  {items.data?.items.map((it) => (
                    <option key={it.id} value={it.id}>
                      {it.sku} — {it.name}
                    </option>
                  ))}
                </select>
              </label>
              {item && (
                <label>
                  Quantity
                  <input
                    aria-label={`Sale line ${i + 1} quantity`}
                    type="number"
                    min={item.trackSerials ? Math.max(l.serials.length, 1) : 1}
                    value={l.quantity}
                    onChange={(e) => setLine(i, { quantity: e.target.value })}
                  />
                </label>
              )}
              {item && !item.trackSerials && (
                <>
                  <label>
                    From location
                    <select value={l.locationId} onChange={(e) => setLine(i, { locationId: e.target.value })}>
                      <option value="">Choose…</option>
                      {locations.data?.locations.map((loc) => (
                        <option key={loc.id} value={loc.id}>
                          {loc.code}
                        </option>
                      ))}
                    </select>
                  </label>
                </>
              )}
              <label>
                Unit price
                <input
                  type="number"
                  min={0}
                  step="0.01"
                  value={l.unitPrice}
                  onChange={(e) => setLine(i, { unitPrice: e.target.value })}
                />
              </label>
            </div>
            {item?.trackSerials && (
              <SerialEntry
                label={`Sale line ${i + 1}`}
                quantity={Math.max(l.serials.length, Number(l.quantity) || 1)}
                itemId={item.id}
                serials={l.serials.map((serial) => ({ serial, continued: false }))}
                onChange={(chips) =>
                  setSerials(
                    i,
                    chips.map((c) => c.serial),
                  )
                }
              />
            )}
          </div>
        );
      })}
      <div className="actions">
        <button
          type="button"
          onClick={() =>
            setLines((ls) => [
              ...ls,
              { itemId: '', quantity: '1', locationId: '', serials: [], unitPrice: '' },
            ])
          }
        >
          Add line
        </button>
        <button type="button" disabled={busy} onClick={() => void submit(false)}>
          Save as open (reserve)
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => void submit(true)}>
          Complete sale
        </button>
      </div>
      <FormError error={error} />
    </form>
  );
}
