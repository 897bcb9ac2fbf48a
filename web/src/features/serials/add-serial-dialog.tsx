import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post, toApiError } from '../../api/client';
import type { Item, Location } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';
import { describeExpansion, expandSerials } from '../../components/serial-entry';
import { CameraScanButton } from '../scan/camera-scan-button';

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
  // A scanned or typed serial is one serial whatever its dashes; this also keeps text such as "SN1+" whole.
  const [asTyped, setAsTyped] = useState(false);
  // What an expansion makes, shown for confirmation before anything is saved; it belongs to the text it was
  // made for and is dropped as soon as the text changes.
  const [confirming, setConfirming] = useState<{
    text: string;
    serials: string[];
    continued: boolean;
  } | null>(null);
  const [nextCount, setNextCount] = useState('1');
  const serialInput = useRef<HTMLInputElement>(null);
  const text = serialNumber.trim();
  const confirm = confirming?.text === text ? confirming : null;

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
      setConfirming(null);
      setNotes('');
      setError(null);
      setLocationId(item.primaryLocationId ? String(item.primaryLocationId) : '');
    }
  }, [open, item.primaryLocationId]);

  const place = () => ({
    ...(locationId && { locationId: Number(locationId) }),
    ...(notes.trim() && { conditionNotes: notes }),
  });

  const save = async (run: () => Promise<unknown>, count: number) => {
    setBusy(true);
    setError(null);
    setProgress(savingText(count));
    try {
      await run();
      await refresh();
      onOpenChange(false);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  const saveList = (numbers: string[]) =>
    save(
      () =>
        post(`/api/items/${item.id}/serials`, {
          serials: numbers.map((n) => ({ serialNumber: n, ...place() })),
        }),
      numbers.length,
    );

  // Enter (a scanner's too) or Save: text whose every item is one serial as typed is saved as it is, at once;
  // anything that expands (a range, a count, ~) is only shown, and saved by Confirm. The text is read from the
  // field itself at that moment, so a fast scanner's Enter never meets an older value.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const current = (serialInput.current?.value ?? serialNumber).trim();
    if (!current) {
      setError(new ApiError(422, 'EMPTY', 'Enter the serial number.'));
      return;
    }
    if (asTyped) return saveList([current]);
    setBusy(true);
    setError(null);
    setConfirming(null);
    setProgress('Reading the serials…');
    let expansion;
    try {
      expansion = await expandSerials({ expression: current, itemId: item.id });
    } catch (err) {
      const problem = toApiError(err);
      // A single item that is refused as an expression may well be one real serial ("SN1+-1").
      setError(
        problem.code === 'BAD_SERIAL_EXPRESSION' && !/[\s,]/.test(current)
          ? new ApiError(
              problem.status,
              problem.code,
              `${problem.message} If "${current}" is one serial number, tick "Take as typed".`,
              problem.errors,
            )
          : problem,
      );
      return;
    } finally {
      setBusy(false);
      setProgress(null);
    }
    if (!expansion.expands) return saveList(expansion.serials);
    setConfirming({ text: current, serials: expansion.serials, continued: expansion.continuedAt.length > 0 });
  };

  // The server makes the serials again inside its transaction: the same list, except that `~` takes the next
  // free number at that moment; a different count is refused.
  const confirmSave = (c: NonNullable<typeof confirm>) =>
    save(
      () =>
        post(`/api/items/${item.id}/serials/from-expression`, {
          expression: c.text,
          quantity: c.serials.length,
          ...place(),
        }),
      c.serials.length,
    );

  // Closing mid-save would hide whether the serials were saved: the dialog stays until the server answers.
  const requestOpenChange = (o: boolean) => {
    if (!o && busy) return;
    onOpenChange(o);
  };

  return (
    <Dialog open={open} onOpenChange={requestOpenChange} title="Add Serial">
      <form onSubmit={(e) => void submit(e)} aria-label="Add Serial">
        <div className="field-with-camera">
          <label>
            Serial Number
            <input
              autoFocus
              ref={serialInput}
              value={serialNumber}
              onChange={(e) => setSerialNumber(e.target.value)}
              readOnly={busy}
              aria-invalid={error !== null}
            />
          </label>
          <CameraScanButton field={serialInput} />
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={asTyped}
            disabled={busy}
            onChange={(e) => setAsTyped(e.target.checked)}
          />
          Take as typed (one serial, no ranges)
        </label>
        {confirm && (
          <div className="preview" role="group" aria-label="Confirm serials">
            <p>
              {describeExpansion(confirm.serials)}
              {confirm.continued &&
                ' (each ~ takes the next free number when saved, after anyone saving at the same moment)'}
            </p>
            <div className="actions">
              <button
                type="button"
                className="primary"
                disabled={busy}
                onClick={() => void confirmSave(confirm)}
              >
                Confirm
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setConfirming(null);
                  serialInput.current?.focus();
                }}
              >
                Back
              </button>
            </div>
          </div>
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
