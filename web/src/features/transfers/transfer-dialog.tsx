import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../../api/client';
import { get, post, toApiError } from '../../api/client';
import type { Location, Serial, TransferDetail } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';

export function TransferDialog({
  open,
  onOpenChange,
  serials,
  onDone,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  serials: Serial[];
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const locations = useQuery({
    queryKey: ['locations'],
    queryFn: () => get<{ locations: Location[] }>('/api/locations'),
  });
  const [toLocationId, setTo] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<TransferDetail | null>(null);
  const sources = [...new Set(serials.map((s) => s.locationCode))];
  const from = serials[0]?.locationId;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (sources.length !== 1 || from === undefined) return;
    setBusy(true);
    setError(null);
    try {
      const transfer = await post<TransferDetail>('/api/transfers', {
        fromLocationId: from,
        toLocationId: Number(toLocationId),
        serialIds: serials.map((s) => s.id),
        ...(note.trim() && { note }),
      });
      setDone(transfer);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['serials'] }),
        queryClient.invalidateQueries({ queryKey: ['serial'] }),
        queryClient.invalidateQueries({ queryKey: ['stock'] }),
        queryClient.invalidateQueries({ queryKey: ['transfers'] }),
      ]);
      onDone();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const close = (o: boolean) => {
    if (!o) {
      setDone(null);
      setError(null);
      setNote('');
      setTo('');
    }
    onOpenChange(o);
  };

  return (
    <Dialog open={open} onOpenChange={close} title="Transfer serials">
      {done ? (
        <div>
          <p role="status">
            Transfer {done.number} done: {done.serials.length} serial(s) moved from {done.fromLocationCode} to{' '}
            {done.toLocationCode}.
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => close(false)}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form onSubmit={(e) => void submit(e)} aria-label="Transfer">
          <p>
            {serials.length} serial(s) selected:{' '}
            {serials
              .slice(0, 8)
              .map((s) => s.serialNumber)
              .join(', ')}
            {serials.length > 8 ? '…' : ''}
          </p>
          {sources.length > 1 ? (
            <p className="form-error">
              The selected serials are at different locations ({sources.join(', ')}). Select serials from one
              location.
            </p>
          ) : (
            <p>From: {sources[0]}</p>
          )}
          <label>
            Destination location
            <select value={toLocationId} onChange={(e) => setTo(e.target.value)} required>
              <option value="">Choose…</option>
              {locations.data?.locations
                .filter((l) => l.id !== from)
                .map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.code}
                  </option>
                ))}
            </select>
          </label>
          <label>
            Note
            <input value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <FormError error={error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || sources.length !== 1}>
              Transfer
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
