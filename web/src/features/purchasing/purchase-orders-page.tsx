import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { get, post, toApiError, type ApiError } from '../../api/client';
import type { Partner, PurchaseOrder, PurchaseOrderSummary } from '../../api/types';
import { formatLocalDate } from '../../components/dates';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';
import { emptyOrderLine, OrderLinesEditor, toOrderLines, type OrderLineDraft } from './order-lines-editor';

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
              <td>{formatLocalDate(po.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function NewPurchaseOrder() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const suppliers = useQuery({
    queryKey: ['suppliers'],
    queryFn: () => get<{ suppliers: Partner[] }>('/api/suppliers?limit=500'),
  });
  const [supplierId, setSupplierId] = useState('');
  const [newSupplier, setNewSupplier] = useState('');
  const [lines, setLines] = useState<OrderLineDraft[]>([emptyOrderLine()]);
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (status: 'open' | 'draft') => {
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
        status,
        ...(notes.trim() && { notes }),
        lines: toOrderLines(lines),
      });
      await queryClient.invalidateQueries({ queryKey: ['purchase-orders'] });
      void navigate(`/purchase-orders/${po.id}`);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save('open');
  };

  return (
    <form className="card" onSubmit={submit} aria-label="New purchase order">
      <h2>New purchase order</h2>
      <div className="inline-form">
        <label>
          Supplier
          <select aria-label="Supplier" value={supplierId} onChange={(e) => setSupplierId(e.target.value)}>
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
      <OrderLinesEditor lines={lines} onChange={setLines} />
      <label>
        Notes
        <textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void save('draft')}>
          Save as draft
        </button>
        <button type="submit" className="primary" disabled={busy}>
          Create purchase order
        </button>
      </div>
      <FormError error={error} />
    </form>
  );
}
