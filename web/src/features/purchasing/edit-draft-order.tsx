import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { patch, toApiError, type ApiError } from '../../api/client';
import type { PurchaseOrder } from '../../api/types';
import { FormError } from '../../components/form-error';
import { OrderLinesEditor, toOrderLines, type OrderLineDraft } from './order-lines-editor';

/** A Draft purchase order's lines and notes, edited until it is opened. */
export function EditDraftOrder({ order, onDone }: { order: PurchaseOrder; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [lines, setLines] = useState<OrderLineDraft[]>(() =>
    order.lines.map((l) => ({
      itemId: String(l.itemId),
      quantity: String(l.quantityOrdered),
      unitCost: l.unitCost ? String(l.unitCost) : '',
    })),
  );
  const [notes, setNotes] = useState(order.notes);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      queryClient.setQueryData(
        ['purchase-order', order.id],
        await patch<PurchaseOrder>(`/api/purchase-orders/${order.id}`, { notes, lines: toOrderLines(lines) }),
      );
      await queryClient.invalidateQueries({ queryKey: ['purchase-orders'] });
      onDone();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" aria-label="Edit draft" onSubmit={(e) => e.preventDefault()}>
      <h2>Edit draft</h2>
      <OrderLinesEditor lines={lines} onChange={setLines} />
      <label>
        Notes
        <textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      <FormError error={error} />
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void save()}>
          Save draft
        </button>
        <button type="button" disabled={busy} onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
