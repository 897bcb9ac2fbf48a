import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { get, post } from '../../api/client';
import type { CountDetail, CountReview, CountScanResult, Item } from '../../api/types';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';
import { beep } from './scan-sound';
import './counts.css';

const RESULT_TEXT: Record<CountScanResult['result'], string> = {
  expected: 'Expected here',
  misplaced: 'Misplaced',
  missing: 'Was Missing: found',
  not_in_stock: 'Not in stock',
  not_in_count: 'Not in this count',
  unknown: 'Unknown serial',
  duplicate: 'Already scanned',
  ambiguous: 'Several items',
};

/** One count: the counting screen while open, the review, reconcile and the result once closed. */
export function CountPage() {
  const id = Number(useParams().id);
  const count = useQuery({
    queryKey: ['count', id],
    queryFn: () => get<CountDetail>(`/api/counts/${id}`),
    refetchInterval: (q) => (q.state.data?.status === 'open' ? 3000 : false),
  });
  const [tab, setTab] = useState<'count' | 'review'>('count');
  if (count.isError) return <FormError error={count.error} />;
  if (!count.data) return <p className="loading">Loading…</p>;
  const c = count.data;
  return (
    <section className="count-page">
      <h1>
        Count {c.number}{' '}
        <span className={`count-status ${c.status}`}>{c.status === 'open' ? 'Open' : 'Closed'}</span>
      </h1>
      <p className="muted">
        {c.locations.map((l) => l.code).join(', ')}
        {c.allItems ? ' · every item' : ` · ${c.items.map((i) => i.sku).join(', ')}`}
        {c.note && ` · ${c.note}`} · <Link to="/counts">All counts</Link>
      </p>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'count'} onClick={() => setTab('count')}>
          {c.status === 'open' ? 'Scan' : 'Result'}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'review'} onClick={() => setTab('review')}>
          Review
        </button>
      </div>
      {tab === 'count' && c.status === 'open' && <ScanPanel count={c} />}
      {tab === 'count' && c.status === 'closed' && <ResultPanel count={c} />}
      {tab === 'review' && <ReviewPanel count={c} />}
    </section>
  );
}

function Tallies({ count }: { count: CountDetail }) {
  const t = count.tallies;
  return (
    <dl className="count-tallies" aria-label="Tallies">
      <div className="good">
        <dt>Found</dt>
        <dd>
          {t.foundExpected.toLocaleString()} / {t.expected.toLocaleString()}
        </dd>
      </div>
      <div className="warn">
        <dt>Misplaced</dt>
        <dd>{t.misplaced}</dd>
      </div>
      <div className="good">
        <dt>Missing found</dt>
        <dd>{t.foundMissing}</dd>
      </div>
      <div className="bad">
        <dt>Unexpected</dt>
        <dd>{t.notInStock + t.notInCount}</dd>
      </div>
      <div className="bad">
        <dt>Unknown</dt>
        <dd>{t.unknown}</dd>
      </div>
      <div>
        <dt>Scans</dt>
        <dd>{t.scans}</dd>
      </div>
    </dl>
  );
}

/**
 * The big scan field: a keyboard-wedge scanner types and presses Enter; the field is emptied and keeps the
 * focus after every scan. `onScan(text)` is the one entry point, so a camera reader can feed it too.
 */
function ScanPanel({ count }: { count: CountDetail }) {
  const queryClient = useQueryClient();
  const canCount = useCan('INV_COUNT');
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [locationId, setLocationId] = useState<number>(count.locations[0]?.id ?? 0);
  const [last, setLast] = useState<CountScanResult | null>(null);
  const scan = useMutation({
    mutationFn: (value: string) =>
      post<CountScanResult>(`/api/counts/${count.id}/scans`, { text: value, locationId }),
    onSuccess: (r) => {
      setLast(r);
      beep(r.good);
      void queryClient.invalidateQueries({ queryKey: ['count', count.id] });
    },
    onError: () => beep(false),
    onSettled: () => input.current?.focus(),
  });
  const onScan = (value: string) => {
    if (value.trim()) scan.mutate(value);
  };
  useEffect(() => input.current?.focus(), []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onScan(text);
    setText('');
    input.current?.focus();
  };
  return (
    <div className="scan-panel">
      {count.locations.length > 1 && (
        <label>
          Scanning at{' '}
          <select value={locationId} onChange={(e) => setLocationId(Number(e.target.value))}>
            {count.locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.code}
              </option>
            ))}
          </select>
        </label>
      )}
      {canCount ? (
        <form onSubmit={submit} className="scan-form">
          <input
            ref={input}
            className="scan-input"
            aria-label="Scan serial"
            placeholder="Scan or type a serial, then Enter"
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onBlur={() => {
              // Keep the scanner's target: return the focus unless the person moved to another control.
              setTimeout(() => {
                if (document.activeElement === document.body) input.current?.focus();
              }, 0);
            }}
          />
          <button type="submit" className="primary">
            Scan
          </button>
        </form>
      ) : (
        <p className="muted">You can see this count; scanning needs the INV_COUNT permission.</p>
      )}
      <FormError error={scan.error} />
      {last && (
        <div
          className={`scan-result ${last.result} ${last.good ? 'good' : 'bad'}`}
          role="status"
          aria-live="polite"
        >
          <strong>{RESULT_TEXT[last.result]}</strong>
          <span>{last.message}</span>
        </div>
      )}
      <Tallies count={count} />
      <h2>Latest scans</h2>
      <ul className="scan-log">
        {count.recentScans.map((s) => (
          <li key={s.id} className={`scan-log-row ${s.result}`}>
            <span className="scan-text">{s.text}</span> <span>{RESULT_TEXT[s.result]}</span>{' '}
            <span className="muted">
              {s.locationCode} · {s.username}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ReviewList({ title, list }: { title: string; list: CountReview['missing'] }) {
  return (
    <details className="review-list" open={list.total > 0 && list.total <= 50}>
      <summary>
        {title} ({list.total.toLocaleString()})
      </summary>
      <ul>
        {list.serials.map((s) => (
          <li key={`${s.serialId ?? s.serialNumber}`}>
            {s.serialId ? <Link to={`/serials/${s.serialId}`}>{s.serialNumber}</Link> : s.serialNumber}
            {s.sku && ` (${s.sku})`}
            {s.recordedLocationCode && ` · recorded at ${s.recordedLocationCode}`}
            {s.foundLocationCode && ` · found at ${s.foundLocationCode}`}
          </li>
        ))}
        {list.total > list.serials.length && <li className="muted">… and more in the CSV export</li>}
      </ul>
    </details>
  );
}

function ReviewPanel({ count }: { count: CountDetail }) {
  const canReconcile = useCan('INV_MANAGE_SERIALS');
  const review = useQuery({
    queryKey: ['count-review', count.id, count.tallies.scans, count.status],
    queryFn: () => get<CountReview>(`/api/counts/${count.id}/review`),
  });
  if (review.isError) return <FormError error={review.error} />;
  const r = review.data;
  if (!r) return <p className="loading">Loading…</p>;
  return (
    <div className="review-panel">
      <p>
        <a href={`/api/counts/${count.id}/review.csv?bom=1`}>Export CSV</a> ·{' '}
        <a href={`/api/counts/${count.id}/review.pdf`} target="_blank" rel="noreferrer">
          Export PDF
        </a>
      </p>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>SKU</th>
              <th>Location</th>
              <th>Expected</th>
              <th>Found</th>
              <th>Not found</th>
              <th>On hand</th>
            </tr>
          </thead>
          <tbody>
            {r.lines.map((l) => (
              <tr key={`${l.itemId}-${l.locationId}`}>
                <td>{l.sku}</td>
                <td>{l.locationCode}</td>
                <td>{l.expected}</td>
                <td>{l.found}</td>
                <td>{l.missing}</td>
                <td className={l.difference !== 0 ? 'mismatch' : undefined}>{l.quantityOnHand}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ReviewList title="Not found" list={r.missing} />
      <ReviewList title="Misplaced" list={r.misplaced} />
      <ReviewList title="Missing, found again" list={r.foundMissing} />
      <ReviewList title="Unexpected" list={r.unexpected} />
      <ReviewList title="Unknown serials" list={r.unknown} />
      {count.status === 'open' && canReconcile && <ReconcileForm count={count} review={r} />}
    </div>
  );
}

function Choice<T extends string>(props: {
  name: string;
  legend: string;
  value: T | '';
  options: [T, string][];
  onChange: (v: T) => void;
}) {
  return (
    <fieldset className="choice">
      <legend>{props.legend}</legend>
      {props.options.map(([v, label]) => (
        <label key={v} className="check">
          <input
            type="radio"
            name={props.name}
            checked={props.value === v}
            onChange={() => props.onChange(v)}
          />{' '}
          {label}
        </label>
      ))}
    </fieldset>
  );
}

/** Every choice is explicit: nothing is preselected, and Reconcile waits until each one is made. */
function ReconcileForm({ count, review }: { count: CountDetail; review: CountReview }) {
  const queryClient = useQueryClient();
  const [misplaced, setMisplaced] = useState<'transfer' | 'leave' | ''>('');
  const [notFound, setNotFound] = useState<'mark_missing' | 'leave' | ''>('');
  const [foundMissing, setFoundMissing] = useState<'mark_found' | 'leave' | ''>('');
  const [quantity, setQuantity] = useState<'set_to_counted' | 'leave' | ''>('');
  const [addTo, setAddTo] = useState<Record<string, number>>({});
  const items = useQuery({
    queryKey: ['items', 'tracked'],
    queryFn: () => get<{ items: Item[] }>('/api/items?limit=500'),
  });
  const reconcile = useMutation({
    mutationFn: () =>
      post(`/api/counts/${count.id}/reconcile`, {
        misplaced,
        notFound,
        foundMissing,
        quantity,
        addUnknown: Object.entries(addTo)
          .filter(([, itemId]) => itemId > 0)
          .map(([serialNumber, itemId]) => ({ serialNumber, itemId })),
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['count', count.id] }),
  });
  const ready = misplaced && notFound && foundMissing && quantity;
  return (
    <form
      className="card reconcile-form"
      aria-label="Reconcile"
      onSubmit={(e) => {
        e.preventDefault();
        reconcile.mutate();
      }}
    >
      <h2>Reconcile</h2>
      <Choice
        name="misplaced"
        legend={`Misplaced units (${review.misplaced.total})`}
        value={misplaced}
        onChange={setMisplaced}
        options={[
          ['transfer', 'Transfer them to where they were found'],
          ['leave', 'Leave their records'],
        ]}
      />
      <Choice
        name="notFound"
        legend={`Units not found (${review.missing.total})`}
        value={notFound}
        onChange={setNotFound}
        options={[
          ['mark_missing', 'Mark them Missing'],
          ['leave', 'Leave them'],
        ]}
      />
      <Choice
        name="foundMissing"
        legend={`Missing units found (${review.foundMissing.total})`}
        value={foundMissing}
        onChange={setFoundMissing}
        options={[
          ['mark_found', 'Mark found: In Stock where they were found'],
          ['leave', 'Leave them Missing'],
        ]}
      />
      <Choice
        name="quantity"
        legend="Quantity on hand"
        value={quantity}
        onChange={setQuantity}
        options={[
          ['set_to_counted', 'Set it to the units counted (stock adjustment naming the count)'],
          ['leave', 'Leave it'],
        ]}
      />
      {review.unknown.serials.length > 0 && (
        <fieldset className="choice">
          <legend>Unknown serials: add to an item</legend>
          {review.unknown.serials.map((s) => (
            <label key={s.serialNumber} className="unknown-row">
              {s.serialNumber}{' '}
              <select
                aria-label={`Add ${s.serialNumber} to`}
                value={addTo[s.serialNumber] ?? 0}
                onChange={(e) => setAddTo({ ...addTo, [s.serialNumber]: Number(e.target.value) })}
              >
                <option value={0}>Do not add</option>
                {(items.data?.items ?? [])
                  .filter((i) => i.trackSerials)
                  .map((i) => (
                    <option key={i.id} value={i.id}>
                      {i.sku}
                    </option>
                  ))}
              </select>
            </label>
          ))}
        </fieldset>
      )}
      <FormError error={reconcile.error} />
      <button type="submit" className="primary" disabled={!ready || reconcile.isPending}>
        Reconcile and close
      </button>
      {!ready && <p className="muted">Make each choice above first.</p>}
    </form>
  );
}

function ResultPanel({ count }: { count: CountDetail }) {
  const r = count.result;
  if (!r) return <p>Closed.</p>;
  return (
    <div className="card count-result" aria-label="Reconcile result">
      <p>
        Reconciled by {count.closedBy}: {r.markedMissing} marked Missing, {r.markedFound} found, {r.added}{' '}
        added, {r.transfers.length} transfer(s){r.transfers.length > 0 && `: ${r.transfers.join(', ')}`}.
      </p>
      {r.adjustments.length > 0 && (
        <ul>
          {r.adjustments.map((a) => (
            <li key={a.number}>
              {a.number}: {a.sku} at {a.locationCode} {a.delta > 0 ? `+${a.delta}` : a.delta}
            </li>
          ))}
        </ul>
      )}
      {r.skippedTotal > 0 && (
        <>
          <h2>Skipped ({r.skippedTotal})</h2>
          <ul>
            {r.skipped.map((s) => (
              <li key={`${s.serialNumber}-${s.code}`}>{s.reason}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
