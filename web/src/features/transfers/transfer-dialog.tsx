import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../../api/client';
import { get, post, toApiError } from '../../api/client';
import type { Location, Serial, TransferBatch, TransferDetail } from '../../api/types';
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
  const [done, setDone] = useState<TransferDetail[] | null>(null);
  const sources = [...new Map(serials.map((s) => [s.locationId, s.locationCode])).entries()].sort((x, y) =>
    x[1].localeCompare(y[1]),
  );
  const sourceCodes = sources.map(([, code]) => code);
  // The one location every selected unit is at, if any: the transfer's stated source, and no destination.
  const onlySource = sources.length === 1 ? sources[0]![0] : undefined;
  const alreadyThere = serials.filter((s) => String(s.locationId) === toLocationId);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (serials.length === 0 || alreadyThere.length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const body = {
        toLocationId: Number(toLocationId),
        serialIds: serials.map((s) => s.id),
        ...(note.trim() && { note }),
      };
      // One source, as the dialog says "From: X": the server refuses a unit someone has moved meanwhile
      // instead of moving it from its new place. Several sources: each unit moves from where it is now,
      // one transfer per source.
      setDone(
        onlySource === undefined
          ? (await post<TransferBatch>('/api/transfers', body)).transfers
          : [await post<TransferDetail>('/api/transfers', { ...body, fromLocationId: onlySource })],
      );
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
          <div role="status">
            {done.length > 1 && <p>{done.length} transfers done, one per source location:</p>}
            {done.map((t) => (
              <p key={t.id}>
                Transfer {t.number} done: {t.serials.length} serial(s) moved from {t.fromLocationCode} to{' '}
                {t.toLocationCode}.
              </p>
            ))}
          </div>
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
            <p>
              {serials.length} serials from {sources.length} locations ({sourceCodes.join(', ')}) → one
              transfer per location
            </p>
          ) : (
            <p>From: {sourceCodes[0]}</p>
          )}
          <label>
            Destination location
            <select value={toLocationId} onChange={(e) => setTo(e.target.value)} required>
              <option value="">Choose…</option>
              {locations.data?.locations
                .filter((l) => l.id !== onlySource)
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
          {alreadyThere.length > 0 && (
            <p className="form-error">
              {alreadyThere
                .slice(0, 8)
                .map((s) => s.serialNumber)
                .join(', ')}
              {alreadyThere.length > 8 ? '…' : ''} {alreadyThere.length === 1 ? 'is' : 'are'} already there:
              deselect {alreadyThere.length === 1 ? 'it' : 'them'} or pick another destination.
            </p>
          )}
          <FormError error={error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || alreadyThere.length > 0}>
              Transfer
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
