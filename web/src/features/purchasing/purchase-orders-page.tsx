import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { get, post, qs, toApiError, type ApiError } from '../../api/client';
import type { Item, Partner, PurchaseOrder, PurchaseOrderSummary } from '../../api/types';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';

export function PurchaseOrdersPage() {
  const canManage = useCan('PO_MANAGE');
  const list = useQuery({
    queryKey: ['purchase-orders'],
    queryFn: () => get<{ purchaseOrders: PurchaseOrderSummary[] }>('/api/purchase-orders?limit=200'),
  });
  return (
    <section>
      <h1>Purchase orders</h1>
      {canManage && <NewPurchaseOrder />}
      <FormError error={list.error} />
      <table className="table">
        <thead>
          <tr>
            <th>PO #</th>
            <th>Supplier</th>
            <th>Status</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.purchaseOrders.map((po) => (
            <tr key={po.id}>
              <td>
                <Link to={`/purchase-orders/${po.id}`}>{po.number}</Link>
              </td>
              <td>{po.supplierName}</td>
              <td className="doc-status">{po.status.replace('_', ' ')}</td>
              <td>{po.createdAt.slice(0, 10)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface LineDraft {
  itemId: string;
  quantity: string;
  unitCost: string;
}

function NewPurchaseOrder() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const suppliers = useQuery({
    queryKey: ['suppliers'],
    queryFn: () => get<{ suppliers: Partner[] }>('/api/suppliers?limit=500'),
  });
  const items = useQuery({
    queryKey: ['items', 'all'],
    queryFn: () => get<{ items: Item[] }>(`/api/items${qs({ limit: 500 })}`),
  });
  const [supplierId, setSupplierId] = useState('');
  const [newSupplier, setNewSupplier] = useState('');
  const [lines, setLines] = useState<LineDraft[]>([{ itemId: '', quantity: '1', unitCost: '' }]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const setLine = (i: number, patch: Partial<LineDraft>) =>
    setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      let supplier = Number(supplierId);
      if (!supplier && newSupplier.trim()) {
        supplier = (await post<Partner>('/api/suppliers', { name: newSupplier })).id;
        await queryClient.invalidateQueries({ queryKey: ['suppliers'] });
      }
      const po = await post<PurchaseOrder>('/api/purchase-orders', {
        supplierId: supplier,
        lines: lines
          .filter((l) => l.itemId)
          .map((l) => ({
            itemId: Number(l.itemId),
            quantityOrdered: Number(l.quantity),
            ...(l.unitCost && { unitCost: Number(l.unitCost) }),
          })),
      });
      await queryClient.invalidateQueries({ queryKey: ['purchase-orders'] });
      void navigate(`/purchase-orders/${po.id}`);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="New purchase order">
      <h2>New purchase order</h2>
      <div className="inline-form">
        <label>
          Supplier
          <select value={supplierId} onChange={(e) => setSupplierId(e.target.value)}>
            <option value="">New supplier…</option>
            {suppliers.data?.suppliers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        {!supplierId && (
          <label>
            New supplier name
            <input value={newSupplier} onChange={(e) => setNewSupplier(e.target.value)} />
          </label>
        )}
      </div>
      {lines.map((l, i) => (
        <div className="inline-form" key={i}>
          <label>
            Item
            <select
              aria-label={`Line ${i + 1} item`}
              value={l.itemId}
              onChange={(e) => setLine(i, { itemId: e.target.value })}
            >
              <option value="">Choose…</option>
              {items.data?.items.map((it) => (
                <option key={it.id} value={it.id}>
                  {it.sku} — {it.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Quantity
            <input
              aria-label={`Line ${i + 1} quantity`}
              type="number"
              min={1}
              value={l.quantity}
              onChange={(e) => setLine(i, { quantity: e.target.value })}
            />
          </label>
          <label>
            Unit cost
            <input
              aria-label={`Line ${i + 1} unit cost`}
              type="number"
              min={0}
              step="0.01"
              value={l.unitCost}
              onChange={(e) => setLine(i, { unitCost: e.target.value })}
            />
          </label>
        </div>
      ))}
      <div className="actions">
        <button
          type="button"
          onClick={() => setLines((ls) => [...ls, { itemId: '', quantity: '1', unitCost: '' }])}
        >
          Add line
        </button>
        <button type="submit" className="primary" disabled={busy}>
          Create purchase order
        </button>
      </div>
      <FormError error={error} />
    </form>
  );
}
