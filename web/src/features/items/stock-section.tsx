import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../../api/client';
import { get, post, toApiError } from '../../api/client';
import type { Location, StockSummary } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';
import { mismatchText } from './stock-text';

export function useStock(itemId: number) {
  return useQuery({
    queryKey: ['stock', itemId],
    queryFn: () => get<StockSummary>(`/api/items/${itemId}/stock`),
  });
}

/** Quantity on hand against serials present, with the mismatch called out either way. */
export function StockSummaryLine({ stock }: { stock: StockSummary }) {
  const text = mismatchText(stock.quantityOnHand, stock.serialsPresent);
  return (
    <p className={stock.mismatch === 0 ? 'stock-line' : 'stock-line mismatch'} data-testid="stock-summary">
      Quantity on hand: <strong>{stock.quantityOnHand}</strong> · Serials in stock:{' '}
      <strong>{stock.serialsPresent}</strong>
      {text && <span className="mismatch-note"> — {text}</span>}
    </p>
  );
}

export function StockSection({ itemId }: { itemId: number }) {
  const stock = useStock(itemId);
  const canAdjust = useCan('INV_ADJUST_STOCK');
  const [open, setOpen] = useState(false);
  return (
    <fieldset className="card">
      <legend>Stocking</legend>
      {stock.data && (
        <>
          <StockSummaryLine stock={stock.data} />
          {stock.data.locations.length > 0 && (
            <table className="table compact">
              <thead>
                <tr>
                  <th>Location</th>
                  <th>Quantity on hand</th>
                  {stock.data.trackSerials && <th>Serials present</th>}
                </tr>
              </thead>
              <tbody>
                {stock.data.locations.map((l) => (
                  <tr
                    key={l.locationId}
                    className={stock.data.trackSerials && l.mismatch !== 0 ? 'mismatch' : ''}
                  >
                    <td>{l.locationCode}</td>
                    <td>{l.quantityOnHand}</td>
                    {stock.data.trackSerials && <td>{l.serialsPresent}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {canAdjust && (
        <button type="button" onClick={() => setOpen(true)}>
          Adjust stock
        </button>
      )}
      <AdjustStockDialog itemId={itemId} open={open} onOpenChange={setOpen} />
    </fieldset>
  );
}

function AdjustStockDialog({
  itemId,
  open,
  onOpenChange,
}: {
  itemId: number;
  open: boolean;
  onOpenChange: (o: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const locations = useQuery({
    queryKey: ['locations'],
    queryFn: () => get<{ locations: Location[] }>('/api/locations'),
  });
  const [locationId, setLocationId] = useState('');
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/api/stock-adjustments', {
        itemId,
        locationId: Number(locationId),
        delta: Number(delta),
        reason,
      });
      await queryClient.invalidateQueries({ queryKey: ['stock', itemId] });
      setDelta('');
      setReason('');
      onOpenChange(false);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Adjust stock">
      <form onSubmit={(e) => void submit(e)}>
        <label>
          Location
          <select value={locationId} onChange={(e) => setLocationId(e.target.value)} required>
            <option value="">Choose…</option>
            {locations.data?.locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.code}
              </option>
            ))}
          </select>
        </label>
        <label>
          Quantity to add (negative to remove)
          <input type="number" step={1} value={delta} onChange={(e) => setDelta(e.target.value)} required />
        </label>
        <label>
          Reason
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="Opening stock, count…"
            required
          />
        </label>
        <FormError error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
