import { useRef, useState, type KeyboardEvent } from 'react';
import { post, toApiError, type ApiError } from '../api/client';
import { CameraScanButton } from '../features/scan/camera-scan-button';
import { FormError } from './form-error';

/** What the server's one grammar makes of an expression. */
export interface Expansion {
  serials: string[];
  /** False when every item is one serial as typed (nothing to confirm). */
  expands: boolean;
  /** Positions of the serials made by `~`. */
  continuedAt: number[];
}

/**
 * The exact serials an expression makes, from the server's one grammar; rejects with every problem found.
 * `~` continues from `after` when given, otherwise from the item's latest saved serial.
 */
export async function expandSerials(input: {
  expression: string;
  quantity?: number | undefined;
  itemId?: number | undefined;
  after?: string | undefined;
}): Promise<Expansion> {
  return post<Expansion>('/api/serial-expressions/expand', {
    expression: input.expression,
    ...(input.quantity !== undefined && { quantity: input.quantity }),
    ...(input.itemId !== undefined && { itemId: input.itemId }),
    ...(input.after !== undefined && { after: input.after }),
  });
}

/** "This makes 101 serials: WID-100 … WID-200": what the user confirms before an expansion is used. */
export function describeExpansion(serials: readonly string[]): string {
  const n = serials.length;
  const list = n <= 3 ? serials.join(', ') : `${serials[0]} … ${serials.at(-1)}`;
  return `This makes ${n.toLocaleString('en')} serial${n === 1 ? '' : 's'}: ${list}`;
}

/** One entered serial; `continued` when a `~` made it, so the server makes it again inside the save. */
export interface SerialChip {
  serial: string;
  continued: boolean;
}

/** An expression that writes the chips exactly: each literal quoted, each `~`-made one as `~`. */
export function chipsExpression(chips: readonly SerialChip[]): string {
  return chips.map((c) => (c.continued ? '~' : `"${c.serial.replaceAll('"', '""')}"`)).join(', ');
}

/**
 * Enter serials for a quantity of units: scan (a scanner types fast and presses Enter; each scan adds exactly
 * the scanned text as one serial) or type an expression (lists, ranges AB01..AB05, S+N, S+, ~) and confirm
 * what it makes before it is added. Shows a running count against the quantity. `continuedBefore` is the
 * last serial a `~` made for the same item earlier in the same form (another split), so `~` continues after
 * it as the server will when it saves.
 */
export function SerialEntry({
  label,
  quantity,
  itemId,
  continuedBefore,
  serials,
  onChange,
}: {
  label: string;
  quantity: number;
  itemId?: number | undefined;
  continuedBefore?: string | undefined;
  serials: SerialChip[];
  onChange: (serials: SerialChip[]) => void;
}) {
  const [scan, setScan] = useState('');
  const scanInput = useRef<HTMLInputElement>(null);
  const [expression, setExpression] = useState('');
  // A preview belongs to the text, the list and the `~` start it was made for; once any of them changes it
  // is stale and is neither shown nor added.
  const [preview, setPreview] = useState<{ key: string; chips: SerialChip[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const remaining = quantity - serials.length;
  const after = serials.filter((c) => c.continued).at(-1)?.serial ?? continuedBefore;
  const previewKey = JSON.stringify([expression, remaining, after ?? null]);
  const current = preview?.key === previewKey ? preview.chips : null;
  const has = (value: string) => serials.some((c) => c.serial === value);

  const onScanKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const value = scan.trim();
    setScan('');
    if (!value) return;
    if (has(value)) {
      setError(toApiError(new Error(`"${value}" is already in the list.`)));
      return;
    }
    setError(null);
    onChange([...serials, { serial: value, continued: false }]);
  };

  const previewExpression = async () => {
    setError(null);
    setPreview(null);
    const key = previewKey;
    try {
      const expanded = await expandSerials({
        expression,
        quantity: remaining > 0 ? remaining : undefined,
        itemId,
        after,
      });
      const continued = new Set(expanded.continuedAt);
      setPreview({
        key,
        chips: expanded.serials.map((serial, i) => ({ serial, continued: continued.has(i) })),
      });
    } catch (err) {
      setError(toApiError(err));
    }
  };

  const addPreview = () => {
    if (!current) return;
    const dupes = current.filter((c) => has(c.serial)).map((c) => c.serial);
    if (dupes.length > 0) {
      setError(toApiError(new Error(`Already in the list: ${dupes.slice(0, 5).join(', ')}`)));
      return;
    }
    onChange([...serials, ...current]);
    setPreview(null);
    setExpression('');
  };

  const complete = serials.length === quantity;
  return (
    <div className="serial-entry" role="group" aria-label={label}>
      <div className="inline-form">
        <input
          ref={scanInput}
          aria-label={`${label}: scan or type a serial and press Enter`}
          placeholder="Scan or type a serial, Enter"
          value={scan}
          onChange={(e) => setScan(e.target.value)}
          onKeyDown={onScanKey}
        />
        <CameraScanButton field={scanInput} />
        <span
          className={complete ? 'count-ok' : 'count-pending'}
          aria-live="polite"
          data-testid="serial-count"
        >
          {serials.length} of {quantity} serials
        </span>
      </div>
      <div className="inline-form">
        <input
          aria-label={`${label}: serial expression`}
          placeholder="Or an expression: AB01..AB05, SN100+4, SN1+, ~"
          value={expression}
          onChange={(e) => setExpression(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void previewExpression();
            }
          }}
        />
        <button type="button" onClick={() => void previewExpression()} disabled={!expression.trim()}>
          Preview
        </button>
      </div>
      {current && (
        <div className="preview" aria-label="Preview">
          <p>
            {describeExpansion(current.map((c) => c.serial))}
            {current.some((c) => c.continued) &&
              ' (each ~ takes the next free number when saved, after anyone saving at the same moment)'}
          </p>
          <button type="button" className="primary" onClick={addPreview}>
            Confirm
          </button>
          <button type="button" onClick={() => setPreview(null)}>
            Back
          </button>
        </div>
      )}
      <FormError error={error} />
      {serials.length > 0 && (
        <ul className="serial-chips" aria-label={`${label}: serials entered`}>
          {serials.map((c) => (
            <li key={c.serial} title={c.continued ? 'Made by ~: the next free number when saved' : undefined}>
              {c.serial}
              {c.continued ? ' (~)' : ''}
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${c.serial}`}
                onClick={() => onChange(serials.filter((x) => x.serial !== c.serial))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
