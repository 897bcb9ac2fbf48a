import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { post, toApiError, type ApiError } from '../../api/client';
import type { VoidResult } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';

const SHOWN = 10;

/**
 * Voids serials entered in error, all or nothing, with one reason: a mistaken batch is one action. The
 * server refuses (naming each serial) any that a sale, transfer or status change has touched.
 */
export function VoidSerialsDialog({
  itemId,
  serials,
  open,
  onOpenChange,
  onDone,
}: {
  itemId: number;
  serials: { id: number; serialNumber: string }[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDone: (result: VoidResult) => void;
}) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const n = serials.length;
  const noun = n === 1 ? 'serial' : 'serials';

  const close = (o: boolean) => {
    if (!o) {
      setReason('');
      setError(null);
    }
    onOpenChange(o);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await post<VoidResult>('/api/serials/void', {
        serialIds: serials.map((s) => s.id),
        reason,
      });
      await queryClient.invalidateQueries({ queryKey: ['serials', itemId] });
      await queryClient.invalidateQueries({ queryKey: ['stock', itemId] });
      await queryClient.invalidateQueries({ queryKey: ['serial'] });
      close(false);
      onDone(result);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={close} title={`Void ${n} ${noun}`}>
      <form onSubmit={(e) => void submit(e)}>
        <p>
          Void the {n} selected {noun} as entered in error:{' '}
          {serials
            .slice(0, SHOWN)
            .map((s) => s.serialNumber)
            .join(', ')}
          {n > SHOWN ? ` and ${n - SHOWN} more` : ''}.
        </p>
        <p className="muted">
          Voided serials leave the grid, the counts and the lookup, and their numbers can be entered again.
          Each keeps its history with the void, who did it and why (the Voided filter shows them). Only
          serials nothing has touched since they were entered can be voided; correct a typo with Correct
          serial number on the Serial Detail instead.
        </p>
        <label>
          Reason (kept in the history)
          <input
            autoFocus
            required
            maxLength={1000}
            aria-label="Reason for voiding"
            placeholder="e.g. Scanner read the serial as a range"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <FormError error={error} />
        <div className="actions">
          <button type="submit" className="danger" disabled={busy || n === 0 || reason.trim() === ''}>
            Void {n} {noun}
          </button>
          <button type="button" onClick={() => close(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
