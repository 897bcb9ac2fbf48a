import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router-dom';
import { get, post, toApiError, type ApiError } from '../../api/client';
import type { CustomerReturn, Location, Sale } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';
import { ScanToPick } from '../scan/scan-to-pick';
import { formatLocalDateTime } from '../../components/dates';

export function SalePage() {
  const id = Number(useParams().id);
  const queryClient = useQueryClient();
  const canSell = useCan('SALES_MANAGE');
  const canReturn = useCan('RETURNS_MANAGE');
  const sale = useQuery({ queryKey: ['sale', id], queryFn: () => get<Sale>(`/api/sales/${id}`) });
  const [error, setError] = useState<ApiError | null>(null);
  const [returning, setReturning] = useState(false);

  if (sale.isError) return <FormError error={sale.error} />;
  if (!sale.data) return <p className="loading">Loading…</p>;
  const s = sale.data;

  const act = async (action: 'complete' | 'cancel') => {
    setError(null);
    try {
      queryClient.setQueryData(['sale', id], await post<Sale>(`/api/sales/${id}/${action}`));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['sales'] }),
        queryClient.invalidateQueries({ queryKey: ['serials'] }),
        queryClient.invalidateQueries({ queryKey: ['stock'] }),
      ]);
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <section>
      <div className="page-header">
        <h1>
          Sale {s.number} — {s.customerName}
        </h1>
        <div className="actions">
          {canSell && s.status === 'open' && (
            <>
              <button type="button" className="primary" onClick={() => void act('complete')}>
                Complete sale
              </button>
              <button type="button" onClick={() => void act('cancel')}>
                Cancel sale
              </button>
            </>
          )}
          {canReturn && s.status === 'completed' && (
            <button type="button" onClick={() => setReturning(true)}>
              Customer return
            </button>
          )}
        </div>
      </div>
      <p>
        Status: <strong className="doc-status">{s.status}</strong>
        {s.saleDate && <> · sold on {s.saleDate}</>}
      </p>
      <FormError error={error} />
      <table className="table">
        <thead>
          <tr>
            <th>#</th>
            <th>Item</th>
            <th>Quantity</th>
            <th>Serials</th>
          </tr>
        </thead>
        <tbody>
          {s.lines.map((l) => (
            <tr key={l.id}>
              <td>{l.lineNo}</td>
              <td>
                <Link to={`/items/${l.itemId}`}>{l.itemSku}</Link> {l.itemName}
              </td>
              <td>{l.quantity}</td>
              <td>
                {l.serials.map((x) => (
                  <span key={x.id} className="chip">
                    <Link to={`/items/${l.itemId}?serial=${x.id}`}>{x.serialNumber}</Link> (
                    {x.status.replace('_', ' ')})
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ReturnsSection sale={s} canDispose={canReturn} />
      {returning && <ReturnDialog sale={s} onClose={() => setReturning(false)} />}
    </section>
  );
}

function ReturnDialog({ sale, onClose }: { sale: Sale; onClose: () => void }) {
  const queryClient = useQueryClient();
  const locations = useQuery({
    queryKey: ['locations'],
    queryFn: () => get<{ locations: Location[] }>('/api/locations'),
  });
  const sold = sale.lines.flatMap((l) =>
    l.serials.filter((s) => s.status === 'sold').map((s) => ({ ...s, itemId: l.itemId })),
  );
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [locationId, setLocationId] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<CustomerReturn | null>(null);

  const submit = async () => {
    setError(null);
    try {
      const result = await post<CustomerReturn>('/api/returns', {
        saleId: sale.id,
        locationId: Number(locationId),
        serials: [...chosen].map((serialId) => ({
          serialId,
          ...(notes[serialId]?.trim() && { conditionNotes: notes[serialId] }),
        })),
      });
      setDone(result);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['sale', sale.id] }),
        queryClient.invalidateQueries({ queryKey: ['serials'] }),
        queryClient.invalidateQueries({ queryKey: ['stock'] }),
      ]);
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={`Customer return — sale ${sale.number}`}>
      {done ? (
        <div>
          <p role="status">
            Return {done.number}: {done.serials.length} serial(s) Returned to {done.locationCode}.
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <>
          {sold.length === 0 && <p>Nothing on this sale is still out with the customer.</p>}
          {sold.length > 0 && (
            <ScanToPick
              label="Scan a returned serial"
              onPick={(serial) => {
                const unit = sold.find((s) => s.serialNumber === serial);
                if (!unit) return `"${serial}" is not on this sale, or not out with the customer.`;
                setChosen((c) => new Set(c).add(unit.id));
                return null;
              }}
            />
          )}
          {sold.map((s) => (
            <div key={s.id} className="inline-form">
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={chosen.has(s.id)}
                  onChange={(e) =>
                    setChosen((c) => {
                      const n = new Set(c);
                      if (e.target.checked) n.add(s.id);
                      else n.delete(s.id);
                      return n;
                    })
                  }
                />
                {s.serialNumber}
              </label>
              <input
                aria-label={`Condition notes for ${s.serialNumber}`}
                placeholder="Condition notes"
                value={notes[s.id] ?? ''}
                onChange={(e) => setNotes((n) => ({ ...n, [s.id]: e.target.value }))}
              />
            </div>
          ))}
          <label>
            Return to location
            <select value={locationId} onChange={(e) => setLocationId(e.target.value)}>
              <option value="">Choose…</option>
              {locations.data?.locations.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.code}
                </option>
              ))}
            </select>
          </label>
          <FormError error={error} />
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={chosen.size === 0 || !locationId}
              onClick={() => void submit()}
            >
              Take return
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}

type SaleReturn = Sale['returns'][number];
type Disposition = NonNullable<SaleReturn['serials'][number]['disposition']>;

const DISPOSITIONS: { value: Disposition; label: string }[] = [
  { value: 'restock', label: 'Restock (In Stock)' },
  { value: 'damaged', label: 'Damaged' },
  { value: 'scrapped', label: 'Scrapped' },
];
const dispositionLabel = (d: Disposition) => DISPOSITIONS.find((x) => x.value === d)?.label ?? d;

/** The customer returns taken against the sale: where a Return link (Used On) lands. */
function ReturnsSection({ sale, canDispose }: { sale: Sale; canDispose: boolean }) {
  const { hash } = useLocation();
  useEffect(() => {
    if (hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [hash, sale.returns.length]);
  if (sale.returns.length === 0) return null;
  return (
    <section aria-label="Returns">
      <h2>Returns</h2>
      {sale.returns.map((r) => (
        <ReturnCard
          key={r.id}
          saleId={sale.id}
          ret={r}
          canDispose={canDispose}
          highlighted={hash === `#return-${r.id}`}
        />
      ))}
    </section>
  );
}

function ReturnCard({
  saleId,
  ret,
  canDispose,
  highlighted,
}: {
  saleId: number;
  ret: SaleReturn;
  canDispose: boolean;
  highlighted: boolean;
}) {
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<Record<number, Disposition | ''>>({});
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = ret.serials.filter((x) => x.awaitingDisposition && choice[x.id]);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await post<CustomerReturn>(`/api/returns/${ret.id}/disposition`, {
        serials: chosen.map((x) => ({
          serialId: x.id,
          disposition: choice[x.id],
          ...(notes[x.id]?.trim() && { note: notes[x.id] }),
        })),
      });
      setChoice({});
      setNotes({});
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['sale', saleId] }),
        queryClient.invalidateQueries({ queryKey: ['serials'] }),
        queryClient.invalidateQueries({ queryKey: ['serial'] }),
        queryClient.invalidateQueries({ queryKey: ['stock'] }),
      ]);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      id={`return-${ret.id}`}
      className="card"
      style={highlighted ? { outline: '2px solid var(--accent)' } : undefined}
      role="group"
      aria-label={`Return ${ret.number}`}
    >
      <h3>Return {ret.number}</h3>
      <p>
        {formatLocalDateTime(ret.at)} · to {ret.locationCode} · by {ret.username}
        {ret.notes && <> · {ret.notes}</>}
      </p>
      <table className="table compact">
        <thead>
          <tr>
            <th>Serial Number</th>
            <th>Condition notes</th>
            <th>Status</th>
            <th>Disposition</th>
          </tr>
        </thead>
        <tbody>
          {ret.serials.map((x) => (
            <tr key={x.id}>
              <td>
                <Link to={`/items/${x.itemId}?serial=${x.id}`}>{x.serialNumber}</Link>
              </td>
              <td>{x.conditionNotes}</td>
              <td>{x.statusLabel}</td>
              <td>
                {x.disposition ? (
                  dispositionLabel(x.disposition)
                ) : x.awaitingDisposition && canDispose ? (
                  <div className="inline-form">
                    <select
                      aria-label={`Disposition for ${x.serialNumber}`}
                      value={choice[x.id] ?? ''}
                      onChange={(e) =>
                        setChoice((c) => ({ ...c, [x.id]: e.target.value as Disposition | '' }))
                      }
                    >
                      <option value="">Choose…</option>
                      {DISPOSITIONS.map((d) => (
                        <option key={d.value} value={d.value}>
                          {d.label}
                        </option>
                      ))}
                    </select>
                    <input
                      aria-label={`Disposition note for ${x.serialNumber}`}
                      placeholder="Why (kept in the history)"
                      value={notes[x.id] ?? ''}
                      onChange={(e) => setNotes((n) => ({ ...n, [x.id]: e.target.value }))}
                    />
                  </div>
                ) : x.awaitingDisposition ? (
                  'Awaiting disposition'
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <FormError error={error} />
      {canDispose && ret.serials.some((x) => x.awaitingDisposition) && (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={busy || chosen.length === 0}
            onClick={() => void save()}
          >
            Save disposition
          </button>
        </div>
      )}
    </div>
  );
}
