import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../../api/client';
import { get, patch, post, toApiError } from '../../api/client';
import type { SerialDetail, Statuses } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';
import { formatLocalDateTime } from '../../components/dates';
import { formatEventKind, formatWarranty } from './serial-format';
import { DocumentLink } from '../../components/document-link';
import { PrintLabelsButton } from '../labels/print-labels';
import { SerialCustomFieldsSection } from '../custom-fields/serial-custom-fields-section';
import { describeCustomFieldData } from '../custom-fields/custom-field-format';

export function SerialDetailDialog({ serialId, onClose }: { serialId: number; onClose: () => void }) {
  const queryClient = useQueryClient();
  const canManage = useCan('INV_MANAGE_SERIALS');
  const detail = useQuery({
    queryKey: ['serial', serialId],
    queryFn: () => get<SerialDetail>(`/api/serials/${serialId}`),
  });
  const statuses = useQuery({ queryKey: ['statuses'], queryFn: () => get<Statuses>('/api/serial-statuses') });
  const [notes, setNotes] = useState('');
  const [newStatus, setNewStatus] = useState('');
  const [statusNote, setStatusNote] = useState('');
  const [warrantyEnd, setWarrantyEnd] = useState('');
  const [newNumber, setNewNumber] = useState('');
  const [renumberReason, setRenumberReason] = useState('');
  const [voidReason, setVoidReason] = useState('');
  const [confirmingVoid, setConfirmingVoid] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const serial = detail.data?.serial;

  useEffect(() => {
    if (serial) {
      setNotes(serial.conditionNotes);
      setWarrantyEnd(serial.warrantyEndDate ?? '');
    }
  }, [serial]);

  /** Sends one change (an edit, a renumber, a void) with the version shown, and shows the answer. */
  const apply = async (body: Record<string, unknown>, action: 'edit' | 'renumber' | 'void' = 'edit') => {
    if (!serial) return;
    setBusy(true);
    setError(null);
    try {
      const payload = { ...body, version: serial.version };
      const updated =
        action === 'edit'
          ? await patch<SerialDetail>(`/api/serials/${serialId}`, payload)
          : await post<SerialDetail>(`/api/serials/${serialId}/${action}`, payload);
      queryClient.setQueryData(['serial', serialId], updated);
      await queryClient.invalidateQueries({ queryKey: ['serials', updated.item.id] });
      await queryClient.invalidateQueries({ queryKey: ['stock', updated.item.id] });
      setNewStatus('');
      setStatusNote('');
      setNewNumber('');
      setRenumberReason('');
      setVoidReason('');
      setConfirmingVoid(false);
    } catch (err) {
      setError(toApiError(err));
      await detail.refetch();
    } finally {
      setBusy(false);
    }
  };

  const next = statuses.data?.statuses.find((s) => s.status === serial?.status)?.manualNext ?? [];
  // The return the unit is out on: its latest return in the history (a transfer since changes Used On).
  const latestReturn = detail.data?.history.findLast((h) => h.document?.type === 'return')?.document ?? null;
  const voided = serial?.status === 'voided';
  const voidEvent = voided ? detail.data?.history.findLast((h) => h.kind === 'voided') : undefined;
  const labelOf = (status: string | null) =>
    statuses.data?.statuses.find((s) => s.status === status)?.label ?? status ?? '';

  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={serial ? `Serial Detail — ${serial.serialNumber}` : 'Serial Detail'}
      wide
    >
      <FormError error={detail.error} />
      {detail.data && serial && (
        <div className="serial-detail">
          <div className="actions">
            <PrintLabelsButton
              target={{ kind: 'serial', id: serial.id, title: serial.serialNumber }}
              label="Print label"
            />
          </div>
          <dl className="record">
            <dt>Serial Number</dt>
            <dd>{serial.serialNumber}</dd>
            <dt>Item</dt>
            <dd>
              {detail.data.item.sku} — {detail.data.item.name}
            </dd>
            <dt>Status</dt>
            <dd>
              <span className="status">
                <span className="status-dot" style={{ background: serial.statusColor }} aria-hidden />
                {serial.statusLabel}
              </span>
            </dd>
            <dt>Location</dt>
            <dd>{serial.locationCode}</dd>
            <dt>Customer</dt>
            <dd>{serial.customerName ?? '—'}</dd>
            <dt>Warranty</dt>
            <dd>
              {formatWarranty(serial)}
              {detail.data.item.warrantyMonths > 0
                ? ` · item warranty ${detail.data.item.warrantyMonths} months from sale`
                : ' · the item has no warranty period'}
            </dd>
            <dt>Date Received</dt>
            <dd>{serial.dateReceived}</dd>
            <dt>Source</dt>
            <dd>
              <DocumentLink doc={serial.source} />
            </dd>
            <dt>Used On</dt>
            <dd>{serial.usedOn ? <DocumentLink doc={serial.usedOn} /> : '—'}</dd>
            <dt>Last changed</dt>
            <dd>{formatLocalDateTime(serial.updatedAt)}</dd>
          </dl>

          {voided && (
            <p className="notice" role="status">
              Voided as entered in error
              {voidEvent
                ? ` on ${formatLocalDateTime(voidEvent.at)} by ${voidEvent.username ?? 'an unknown user'}: ${describeData(voidEvent.data)}`
                : ''}
              . It is left out of the grid, the counts and the lookup, and its number can be entered again.
            </p>
          )}

          <section aria-label="Condition Notes">
            <h3>Condition Notes</h3>
            {canManage ? (
              <>
                <textarea
                  value={notes}
                  onChange={(e) => setNotes(e.target.value)}
                  rows={3}
                  aria-label="Condition Notes"
                />
                <button
                  type="button"
                  disabled={busy || notes.trim() === serial.conditionNotes}
                  onClick={() => void apply({ conditionNotes: notes })}
                >
                  Save notes
                </button>
              </>
            ) : (
              <p>{serial.conditionNotes || '—'}</p>
            )}
          </section>

          {canManage && (
            <section aria-label="Correct warranty">
              <h3>Correct warranty</h3>
              <div className="inline-form">
                <input
                  type="date"
                  aria-label="Warranty end date"
                  value={warrantyEnd}
                  onChange={(e) => setWarrantyEnd(e.target.value)}
                />
                <button
                  type="button"
                  disabled={busy || !warrantyEnd || warrantyEnd === serial.warrantyEndDate}
                  onClick={() => void apply({ warrantyEndDate: warrantyEnd })}
                >
                  Save warranty end date
                </button>
                <button
                  type="button"
                  disabled={busy || serial.warrantyEndDate === null}
                  onClick={() => void apply({ warrantyEndDate: null })}
                >
                  No warranty
                </button>
              </div>
            </section>
          )}

          {serial.status === 'returned' && (
            <p className="notice">
              Returned units are restocked, marked Damaged or Scrapped on their return:{' '}
              {latestReturn ? <DocumentLink doc={latestReturn} /> : 'the customer return'}.
            </p>
          )}

          {canManage && next.length > 0 && (
            <section aria-label="Change status">
              <h3>Change status</h3>
              <div className="inline-form">
                <select
                  aria-label="New status"
                  value={newStatus}
                  onChange={(e) => setNewStatus(e.target.value)}
                >
                  <option value="">Choose…</option>
                  {next.map((s) => (
                    <option key={s} value={s}>
                      {labelOf(s)}
                    </option>
                  ))}
                </select>
                <input
                  placeholder="Why (kept in the history)"
                  aria-label="Reason for status change"
                  value={statusNote}
                  onChange={(e) => setStatusNote(e.target.value)}
                />
                <button
                  type="button"
                  disabled={busy || !newStatus}
                  onClick={() =>
                    void apply({ status: newStatus, ...(statusNote.trim() && { note: statusNote }) })
                  }
                >
                  Change status
                </button>
              </div>
            </section>
          )}
          {canManage && !voided && (
            <section aria-label="Correct serial number">
              <h3>Correct serial number</h3>
              <div className="inline-form">
                <input
                  aria-label="Corrected serial number"
                  placeholder={serial.serialNumber}
                  value={newNumber}
                  onChange={(e) => setNewNumber(e.target.value)}
                />
                <input
                  placeholder="Why (kept in the history)"
                  aria-label="Reason for correcting the serial number"
                  value={renumberReason}
                  onChange={(e) => setRenumberReason(e.target.value)}
                />
                <button
                  type="button"
                  disabled={busy || newNumber.trim() === '' || newNumber.trim() === serial.serialNumber}
                  onClick={() =>
                    void apply(
                      { serialNumber: newNumber, ...(renumberReason.trim() && { reason: renumberReason }) },
                      'renumber',
                    )
                  }
                >
                  Correct serial number
                </button>
              </div>
              <p className="muted">
                The history keeps the old and the new number; looking up the old number still finds this
                serial.
              </p>
            </section>
          )}

          {canManage && serial.status === 'in_stock' && (
            <section aria-label="Void serial">
              <h3>Void serial</h3>
              <p className="muted">
                For a serial entered in error that nothing has touched since: it leaves the grid, the counts
                and the lookup, its number can be entered again, and its history keeps the void.
              </p>
              <div className="inline-form">
                <input
                  placeholder="Why (kept in the history)"
                  aria-label="Reason for voiding"
                  value={voidReason}
                  onChange={(e) => {
                    setVoidReason(e.target.value);
                    setConfirmingVoid(false);
                  }}
                />
                {confirmingVoid ? (
                  <>
                    <button
                      type="button"
                      className="danger"
                      disabled={busy}
                      onClick={() => void apply({ reason: voidReason }, 'void')}
                    >
                      Confirm: void {serial.serialNumber}
                    </button>
                    <button type="button" onClick={() => setConfirmingVoid(false)}>
                      Cancel
                    </button>
                  </>
                ) : (
                  <button
                    type="button"
                    disabled={busy || voidReason.trim() === ''}
                    onClick={() => setConfirmingVoid(true)}
                  >
                    Void serial
                  </button>
                )}
              </div>
            </section>
          )}
          <FormError error={error} />

          <SerialCustomFieldsSection fields={detail.data.customFields} />

          <section aria-label="History">
            <h3>History</h3>
            <table className="table compact history">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>Event</th>
                  <th>Document</th>
                  <th>User</th>
                  <th>From location</th>
                  <th>To location</th>
                  <th>Status</th>
                  <th>Customer</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {detail.data.history.map((h) => (
                  <tr key={h.id}>
                    <td>{formatLocalDateTime(h.at)}</td>
                    <td>{formatEventKind(h.kind)}</td>
                    <td>
                      <DocumentLink doc={h.document} />
                    </td>
                    <td>{h.username ?? ''}</td>
                    <td>{h.fromLocationCode ?? ''}</td>
                    <td>{h.toLocationCode ?? ''}</td>
                    <td>
                      {h.fromStatus && h.toStatus && h.fromStatus !== h.toStatus
                        ? `${labelOf(h.fromStatus)} → ${labelOf(h.toStatus)}`
                        : labelOf(h.toStatus)}
                    </td>
                    <td>{h.customerName ?? ''}</td>
                    <td>{describeData(h.data)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
    </Dialog>
  );
}

function describeData(data: Record<string, unknown> | null): string {
  if (!data) return '';
  const custom = describeCustomFieldData(data);
  if (custom !== null) return custom;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : '(empty)');
  if (typeof data['field'] === 'string') {
    const change = `${text(data['old'])} → ${text(data['new'])}`;
    return typeof data['reason'] === 'string' ? `${change} · ${data['reason']}` : change;
  }
  if ('previousWarrantyEndDate' in data) {
    // A return's disposition: the unit is no longer the customer's.
    const cleared = 'customer and warranty cleared';
    return typeof data['note'] === 'string' ? `${data['note']} · ${cleared}` : cleared;
  }
  if (typeof data['note'] === 'string') return data['note'];
  if (typeof data['reason'] === 'string') {
    // A void: one reason for the whole batch it was part of.
    const size = typeof data['batchSize'] === 'number' ? data['batchSize'] : 1;
    return size > 1 ? `${data['reason']} · one of ${size} voided together` : data['reason'];
  }
  if (typeof data['conditionNotes'] === 'string') return data['conditionNotes'];
  return '';
}
