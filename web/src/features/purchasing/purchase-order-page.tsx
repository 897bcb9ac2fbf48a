import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { get, patch, post, toApiError, type ApiError } from '../../api/client';
import type { Location, PurchaseOrder, ReceiptResult } from '../../api/types';
import { formatLocalDateTime } from '../../components/dates';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';
import { chipsExpression, SerialEntry, type SerialChip } from '../../components/serial-entry';
import { useCan } from '../auth/session';
import { PrintLabelsButton } from '../labels/print-labels';
import { EditDraftOrder } from './edit-draft-order';

export function PurchaseOrderPage() {
  const id = Number(useParams().id);
  const queryClient = useQueryClient();
  const canReceive = useCan('PO_RECEIVE');
  const canManage = useCan('PO_MANAGE');
  const po = useQuery({
    queryKey: ['purchase-order', id],
    queryFn: () => get<PurchaseOrder>(`/api/purchase-orders/${id}`),
  });
  const [receiving, setReceiving] = useState(false);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  if (po.isError) return <FormError error={po.error} />;
  if (!po.data) return <p className="loading">Loading…</p>;
  const order = po.data;
  const receivable = order.status === 'open' || order.status === 'partially_received';

  const setStatus = async (status: string) => {
    setError(null);
    try {
      queryClient.setQueryData(
        ['purchase-order', id],
        await patch<PurchaseOrder>(`/api/purchase-orders/${id}`, { status }),
      );
      await queryClient.invalidateQueries({ queryKey: ['purchase-orders'] });
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <section>
      <div className="page-header">
        <h1>
          PO {order.number} — {order.supplierName}
        </h1>
        <div className="actions">
          {canReceive && receivable && (
            <button type="button" className="primary" onClick={() => setReceiving(true)}>
              Receive
            </button>
          )}
          {canManage && order.status === 'draft' && (
            <>
              <button type="button" onClick={() => setEditing(true)}>
                Edit draft
              </button>
              <button type="button" onClick={() => void setStatus('open')}>
                Open
              </button>
            </>
          )}
          {canManage && order.status !== 'closed' && (
            <button type="button" onClick={() => void setStatus('closed')}>
              Close
            </button>
          )}
        </div>
      </div>
      <p>
        Status: <strong className="doc-status">{order.status.replace('_', ' ')}</strong>
        {order.notes && <> · {order.notes}</>}
      </p>
      <FormError error={error} />
      {editing && order.status === 'draft' && (
        <EditDraftOrder key={order.updatedAt} order={order} onDone={() => setEditing(false)} />
      )}
      <table className="table">
        <thead>
          <tr>
            <th>#</th>
            <th>Item</th>
            <th>Ordered</th>
            <th>Received</th>
            <th>Unit cost</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l) => (
            <tr key={l.id}>
              <td>{l.lineNo}</td>
              <td>
                <Link to={`/items/${l.itemId}`}>{l.itemSku}</Link> {l.itemName}
                {l.trackSerials && <span className="muted"> (serialized)</span>}
              </td>
              <td>{l.quantityOrdered}</td>
              <td>{l.quantityReceived}</td>
              <td>{l.unitCost.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {order.receipts.length > 0 && (
        <>
          <h2>Receipts</h2>
          <ul>
            {order.receipts.map((r) => (
              <li key={r.id}>
                {r.number} · {formatLocalDateTime(r.at)} · {r.username}:{' '}
                {r.lines.map((l) => `${l.quantity} into ${l.locationCode}`).join(', ')}{' '}
                {receiptHasSerials(order, r) && (
                  <PrintLabelsButton target={{ kind: 'receipt', id: r.id, number: r.number }} />
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {receiving && <ReceiveDialog order={order} onClose={() => setReceiving(false)} />}
    </section>
  );
}

/** Only receipts of serialized lines created serials to label. */
const receiptHasSerials = (order: PurchaseOrder, receipt: PurchaseOrder['receipts'][number]) =>
  receipt.lines.some((rl) => order.lines.find((l) => l.id === rl.lineId)?.trackSerials);

interface AllocationDraft {
  locationId: string;
  quantity: string;
  serials: SerialChip[];
  autoNumber: boolean;
}

function ReceiveDialog({ order, onClose }: { order: PurchaseOrder; onClose: () => void }) {
  const queryClient = useQueryClient();
  const locations = useQuery({
    queryKey: ['locations'],
    queryFn: () => get<{ locations: Location[] }>('/api/locations'),
  });
  const open = order.lines.filter((l) => l.quantityReceived < l.quantityOrdered);
  const [drafts, setDrafts] = useState<Record<number, AllocationDraft[]>>(() =>
    Object.fromEntries(
      open.map((l) => [l.id, [{ locationId: '', quantity: '', serials: [], autoNumber: false }]]),
    ),
  );
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<ReceiptResult | null>(null);
  const [busy, setBusy] = useState(false);

  const update = (lineId: number, j: number, patchValue: Partial<AllocationDraft>) =>
    setDrafts((d) => ({ ...d, [lineId]: d[lineId]!.map((a, k) => (k === j ? { ...a, ...patchValue } : a)) }));
  // `~` in a later split continues after the serials `~` made in the splits before it, as the server does.
  const continuedBefore = (lineIndex: number, j: number) =>
    open
      .slice(0, lineIndex + 1)
      .filter((l) => l.itemId === open[lineIndex]!.itemId)
      .flatMap((l, k, same) => (k === same.length - 1 ? drafts[l.id]!.slice(0, j) : drafts[l.id]!))
      .filter((a) => !a.autoNumber && Number(a.quantity) > 0)
      .flatMap((a) => a.serials.filter((c) => c.continued))
      .at(-1)?.serial;
  const addSplit = (lineId: number) =>
    setDrafts((d) => ({
      ...d,
      [lineId]: [...d[lineId]!, { locationId: '', quantity: '', serials: [], autoNumber: false }],
    }));

  // Serials made by `~` are sent as `~`, so the server gives the next free numbers inside the receipt even
  // when another clerk receives the same item at the same moment.
  const serialsOf = (a: AllocationDraft) =>
    a.autoNumber
      ? { autoNumber: true }
      : a.serials.some((c) => c.continued)
        ? { serialExpression: chipsExpression(a.serials) }
        : { serials: a.serials.map((c) => c.serial) };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const lines = open
        .map((l) => ({
          lineId: l.id,
          allocations: drafts[l.id]!.filter((a) => Number(a.quantity) > 0).map((a) => ({
            locationId: Number(a.locationId),
            quantity: Number(a.quantity),
            ...(l.trackSerials && serialsOf(a)),
          })),
        }))
        .filter((l) => l.allocations.length > 0);
      const result = await post<ReceiptResult>(`/api/purchase-orders/${order.id}/receipts`, { lines });
      setDone(result);
      queryClient.setQueryData(['purchase-order', order.id], result.purchaseOrder);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['purchase-orders'] }),
        queryClient.invalidateQueries({ queryKey: ['serials'] }),
        queryClient.invalidateQueries({ queryKey: ['stock'] }),
      ]);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={`Receive PO ${order.number}`} wide>
      {done ? (
        <div>
          <p role="status">
            Receipt {done.receipt.number} saved
            {done.serials.length > 0 ? `: ${done.serials.length} serial(s) created` : ''}.
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <>
          {open.map((l, i) => {
            const allocations = drafts[l.id]!;
            const remaining = l.quantityOrdered - l.quantityReceived;
            return (
              <fieldset key={l.id} className="card" aria-label={`Line ${l.lineNo} ${l.itemSku}`}>
                <legend>
                  {l.itemSku} — {l.itemName}: {remaining} to receive
                </legend>
                {allocations.map((a, j) => (
                  <div key={j}>
                    <div className="allocation">
                      <label>
                        Location
                        <select
                          aria-label={`${l.itemSku} split ${j + 1} location`}
                          value={a.locationId}
                          onChange={(e) => update(l.id, j, { locationId: e.target.value })}
                        >
                          <option value="">Choose…</option>
                          {locations.data?.locations.map((loc) => (
                            <option key={loc.id} value={loc.id}>
                              {loc.code}
                            </option>
                          ))}
                        </select>
                      </label>
                      <label>
                        Quantity
                        <input
                          aria-label={`${l.itemSku} split ${j + 1} quantity`}
                          type="number"
                          min={0}
                          max={remaining}
                          value={a.quantity}
                          onChange={(e) => update(l.id, j, { quantity: e.target.value })}
                        />
                      </label>
                      {l.trackSerials && (
                        <label className="checkbox">
                          <input
                            type="checkbox"
                            checked={a.autoNumber}
                            onChange={(e) => update(l.id, j, { autoNumber: e.target.checked })}
                          />
                          Number automatically
                        </label>
                      )}
                    </div>
                    {l.trackSerials && !a.autoNumber && Number(a.quantity) > 0 && (
                      <SerialEntry
                        label={`${l.itemSku} split ${j + 1}`}
                        quantity={Number(a.quantity)}
                        itemId={l.itemId}
                        continuedBefore={continuedBefore(i, j)}
                        serials={a.serials}
                        onChange={(serials) => update(l.id, j, { serials })}
                      />
                    )}
                  </div>
                ))}
                <button type="button" onClick={() => addSplit(l.id)}>
                  Split to another location
                </button>
              </fieldset>
            );
          })}
          <FormError error={error} />
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void submit()}>
              Receive
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
