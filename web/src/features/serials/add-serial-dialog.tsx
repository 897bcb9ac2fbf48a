import { useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post, toApiError } from '../../api/client';
import type { Item, Location } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';
import { expandSerials } from '../../components/serial-entry';

// Text that may make more than one serial (a list, a range, S+N, ~) is worth a preview while typing.
const looksLikeExpression = (value: string) => /[\s,+~]|\d-\D*\d/.test(value);
const savingText = (count: number) => `Saving ${count.toLocaleString()} serial${count === 1 ? '' : 's'}…`;

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
  // What the dialog is doing while busy: reading the expression, then saving that many serials.
  const [progress, setProgress] = useState<string | null>(null);
  // Some real serials look like ranges ("123-456", "00-11-22-33-44-55"): this saves the text as one serial.
  const [asTyped, setAsTyped] = useState(false);
  const [preview, setPreview] = useState<{ text: string; serials: string[] } | null>(null);
  const [nextCount, setNextCount] = useState('1');
  const text = serialNumber.trim();

  // Several serials, a range (SN100-SN199), a start and count (SN100+50) or ~: preview the exact list. Only a
  // guide while typing: Save expands the text again and saves exactly that.
  useEffect(() => {
    if (asTyped || !text || !looksLikeExpression(text)) return;
    const timer = setTimeout(() => {
      expandSerials({ expression: text, itemId: item.id })
        .then((serials) => setPreview({ text, serials }))
        .catch(() => setPreview(null));
    }, 250);
    return () => clearTimeout(timer);
  }, [text, asTyped, item.id]);
  const previewed = !asTyped && preview?.text === text ? preview.serials : null;

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['serials', item.id] }),
      queryClient.invalidateQueries({ queryKey: ['stock', item.id] }),
    ]);

  const addNext = async () => {
    setBusy(true);
    setError(null);
    setProgress(savingText(Number(nextCount)));
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
      setProgress(null);
    }
  };

  useEffect(() => {
    if (open) {
      setSerialNumber('');
      setAsTyped(false);
      setNotes('');
      setError(null);
      setLocationId(item.primaryLocationId ? String(item.primaryLocationId) : '');
    }
  }, [open, item.primaryLocationId]);

  // Saves exactly what the expansion of the text makes at the moment of Save, never a preview of older text;
  // when the expansion is refused nothing is saved and its problems are shown.
  const expandForSave = async (): Promise<string[]> => {
    if (asTyped) return [text];
    try {
      return await expandSerials({ expression: text, itemId: item.id });
    } catch (err) {
      const problem = toApiError(err);
      // A single item that fails as an expression may well be one real serial ("SN5-SN1").
      if (problem.code !== 'BAD_SERIAL_EXPRESSION' || /[\s,]/.test(text)) throw problem;
      throw new ApiError(
        problem.status,
        problem.code,
        `${problem.message} If "${text}" is one serial number, tick "Take as typed".`,
        problem.errors,
      );
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!text) {
      setError(new ApiError(422, 'EMPTY', 'Enter the serial number.'));
      return;
    }
    setBusy(true);
    setError(null);
    setProgress(asTyped ? null : 'Reading the serials…');
    try {
      const numbers = await expandForSave();
      setProgress(savingText(numbers.length));
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
      setProgress(null);
    }
  };

  // Closing mid-save would hide whether the serials were saved: the dialog stays until the server answers.
  const requestOpenChange = (o: boolean) => {
    if (!o && busy) return;
    onOpenChange(o);
  };

  return (
    <Dialog open={open} onOpenChange={requestOpenChange} title="Add Serial">
      <form onSubmit={(e) => void submit(e)} aria-label="Add Serial">
        <label>
          Serial Number
          <input
            autoFocus
            value={serialNumber}
            onChange={(e) => setSerialNumber(e.target.value)}
            readOnly={busy}
            aria-invalid={error !== null}
          />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={asTyped}
            disabled={busy}
            onChange={(e) => setAsTyped(e.target.checked)}
          />
          Take as typed (one serial, no ranges)
        </label>
        {previewed && (previewed.length !== 1 || previewed[0] !== text) && (
          <p className="preview" aria-label="Preview">
            Will add {previewed.length} serial{previewed.length === 1 ? '' : 's'}:{' '}
            {previewed.slice(0, 20).join(', ')}
            {previewed.length > 20 ? ` … ${previewed.at(-1)}` : ''}
          </p>
        )}
        <label>
          Location
          <select value={locationId} disabled={busy} onChange={(e) => setLocationId(e.target.value)}>
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
          <textarea value={notes} readOnly={busy} onChange={(e) => setNotes(e.target.value)} rows={3} />
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
              readOnly={busy}
              onChange={(e) => setNextCount(e.target.value)}
              style={{ width: 80 }}
            />
            <button type="button" disabled={busy} onClick={() => void addNext()}>
              Add next {nextCount || ''}
            </button>
          </div>
        )}
        <p role="status" className="saving-status">
          {progress}
        </p>
        <FormError error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
          <button type="button" disabled={busy} onClick={() => onOpenChange(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
