import { useState, type KeyboardEvent } from 'react';
import { post, toApiError, type ApiError } from '../api/client';
import { FormError } from './form-error';

/**
 * The exact serials an expression makes, from the server's one grammar; rejects with every problem found.
 * `~` continues from `after` when given, otherwise from the item's latest saved serial.
 */
export async function expandSerials(input: {
  expression: string;
  quantity?: number | undefined;
  itemId?: number | undefined;
  after?: string | undefined;
}): Promise<string[]> {
  const res = await post<{ serials: string[] }>('/api/serial-expressions/expand', {
    expression: input.expression,
    ...(input.quantity !== undefined && { quantity: input.quantity }),
    ...(input.itemId !== undefined && { itemId: input.itemId }),
    ...(input.after !== undefined && { after: input.after }),
  });
  return res.serials;
}

/**
 * Enter serials for a quantity of units: scan (a scanner types fast and presses Enter; each scan adds one
 * literal serial) or type an expression (lists, ranges AB01-AB05, S+N, S+, ~) and preview it before adding.
 * Shows a running count against the quantity. `enteredBefore` is the last serial typed for the same item
 * earlier in the same form (another split), so `~` continues after it instead of repeating its numbers.
 */
export function SerialEntry({
  label,
  quantity,
  itemId,
  enteredBefore,
  serials,
  onChange,
}: {
  label: string;
  quantity: number;
  itemId?: number | undefined;
  enteredBefore?: string | undefined;
  serials: string[];
  onChange: (serials: string[]) => void;
}) {
  const [scan, setScan] = useState('');
  const [expression, setExpression] = useState('');
  // A preview belongs to the text, the list and the `~` start it was made for; once any of them changes it
  // is stale and is neither shown nor added.
  const [preview, setPreview] = useState<{ key: string; serials: string[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const remaining = quantity - serials.length;
  const after = serials.at(-1) ?? enteredBefore;
  const previewKey = JSON.stringify([expression, remaining, after ?? null]);
  const current = preview?.key === previewKey ? preview.serials : null;

  const onScanKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const value = scan.trim();
    setScan('');
    if (!value) return;
    if (serials.includes(value)) {
      setError(toApiError(new Error(`"${value}" is already in the list.`)));
      return;
    }
    setError(null);
    onChange([...serials, value]);
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
      setPreview({ key, serials: expanded });
    } catch (err) {
      setError(toApiError(err));
    }
  };

  const addPreview = () => {
    if (!current) return;
    const existing = new Set(serials);
    const dupes = current.filter((s) => existing.has(s));
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
          aria-label={`${label}: scan or type a serial and press Enter`}
          placeholder="Scan or type a serial, Enter"
          value={scan}
          onChange={(e) => setScan(e.target.value)}
          onKeyDown={onScanKey}
        />
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
          placeholder="Or an expression: AB01-AB05, SN100+4, SN1+, ~"
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
            {current.length} serial(s): {current.slice(0, 30).join(', ')}
            {current.length > 30 ? ` … ${current.at(-1)}` : ''}
          </p>
          <button type="button" className="primary" onClick={addPreview}>
            Add these
          </button>
        </div>
      )}
      <FormError error={error} />
      {serials.length > 0 && (
        <ul className="serial-chips" aria-label={`${label}: serials entered`}>
          {serials.map((s) => (
            <li key={s}>
              {s}
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${s}`}
                onClick={() => onChange(serials.filter((x) => x !== s))}
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
