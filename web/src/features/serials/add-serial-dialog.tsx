import { useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post, toApiError } from '../../api/client';
import type { Item, Location } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';

export function AddSerialDialog({
  item,
  open,
  onOpenChange,
}: {
  item: Item;
  open: boolean;
  onOpenChange: (o: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const locations = useQuery({
    queryKey: ['locations'],
    queryFn: () => get<{ locations: Location[] }>('/api/locations'),
  });
  const [serialNumber, setSerialNumber] = useState('');
  const [locationId, setLocationId] = useState('');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<string[] | null>(null);
  const [nextCount, setNextCount] = useState('1');

  // Several serials, a range (SN100-SN199), a start and count (SN100+50) or ~: preview the exact list.
  useEffect(() => {
    const value = serialNumber.trim();
    setPreview(null);
    if (!value || !/[\s,+~]|\d-\D*\d/.test(value)) return;
    const timer = setTimeout(() => {
      post<{ serials: string[] }>('/api/serial-expressions/expand', { expression: value, itemId: item.id })
        .then((r) => setPreview(r.serials))
        .catch(() => setPreview(null));
    }, 250);
    return () => clearTimeout(timer);
  }, [serialNumber, item.id]);

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['serials', item.id] }),
      queryClient.invalidateQueries({ queryKey: ['stock', item.id] }),
    ]);

  const addNext = async () => {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/items/${item.id}/serials/next`, {
        count: Number(nextCount),
        ...(locationId && { locationId: Number(locationId) }),
        ...(notes.trim() && { conditionNotes: notes }),
      });
      await refresh();
      onOpenChange(false);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (open) {
      setSerialNumber('');
      setNotes('');
      setError(null);
      setLocationId(item.primaryLocationId ? String(item.primaryLocationId) : '');
    }
  }, [open, item.primaryLocationId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!serialNumber.trim()) {
      setError(new ApiError(422, 'EMPTY', 'Enter the serial number.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const numbers = preview && preview.length > 0 ? preview : [serialNumber];
      await post(`/api/items/${item.id}/serials`, {
        serials: numbers.map((n) => ({
          serialNumber: n,
          ...(locationId && { locationId: Number(locationId) }),
          ...(notes.trim() && { conditionNotes: notes }),
        })),
      });
      await refresh();
      onOpenChange(false);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Add Serial">
      <form onSubmit={(e) => void submit(e)} aria-label="Add Serial">
        <label>
          Serial Number
          <input
            autoFocus
            value={serialNumber}
            onChange={(e) => setSerialNumber(e.target.value)}
            aria-invalid={error !== null}
          />
        </label>
        {preview && preview.length > 1 && (
          <p className="preview" aria-label="Preview">
            Will add {preview.length} serials: {preview.slice(0, 20).join(', ')}
            {preview.length > 20 ? ` … ${preview.at(-1)}` : ''}
          </p>
        )}
        <label>
          Location
          <select value={locationId} onChange={(e) => setLocationId(e.target.value)}>
            <option value="">Choose…</option>
            {locations.data?.locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.code}
              </option>
            ))}
          </select>
        </label>
        <label>
          Condition Notes
          <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} />
        </label>
        {item.serialPattern && (
          <div className="inline-form">
            <span>
              Or number them from the pattern <code>{item.serialPattern}</code>:
            </span>
            <input
              type="number"
              min={1}
              max={10000}
              aria-label="How many next serials"
              value={nextCount}
              onChange={(e) => setNextCount(e.target.value)}
              style={{ width: 80 }}
            />
            <button type="button" disabled={busy} onClick={() => void addNext()}>
              Add next {nextCount || ''}
            </button>
          </div>
        )}
        <FormError error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
          <button type="button" onClick={() => onOpenChange(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
