import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ApiError, get, toApiError } from '../../api/client';
import type { LabelSizes, Problem } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';
import { useSession } from '../auth/session';

/** What to print: one serial, a selection, or the serials a purchase order receipt created. */
export type LabelTarget =
  | { kind: 'serial'; id: number; title: string }
  | { kind: 'serials'; ids: number[] }
  | { kind: 'receipt'; id: number; number: string };

const CUSTOM = 'custom';

export const labelSizesQuery = {
  queryKey: ['label-sizes'],
  queryFn: () => get<LabelSizes>('/api/label-sizes'),
};

/** Fetches the labels PDF; the server's problem (unknown serial, too many labels…) comes back as an ApiError. */
async function fetchLabels(
  target: LabelTarget,
  size: string,
  copies: number,
  csrfToken: string | null,
): Promise<{ blob: Blob; filename: string }> {
  const query = new URLSearchParams({ size, copies: String(copies) }).toString();
  const init: RequestInit =
    target.kind === 'serials'
      ? {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken ?? '' },
          body: JSON.stringify({ serialIds: target.ids, size, copies }),
        }
      : { method: 'GET' };
  const url =
    target.kind === 'serials'
      ? '/api/labels'
      : target.kind === 'serial'
        ? `/api/serials/${target.id}/labels?${query}`
        : `/api/receipts/${target.id}/labels?${query}`;
  let res: Response;
  try {
    res = await fetch(url, { ...init, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check the connection and try again.');
  }
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as Partial<Problem>;
    throw new ApiError(
      res.status,
      problem.code ?? 'HTTP_ERROR',
      problem.detail ?? `The server answered ${res.status}.`,
      problem.errors,
    );
  }
  const filename =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'labels.pdf';
  return { blob: await res.blob(), filename };
}

/** Opens the PDF in a new tab to print; where a pop-up blocker refuses, downloads it instead. */
function showPdf(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  if (!window.open(url, '_blank')) {
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.click();
  }
  // The new tab has loaded it by then; the URL is only a handle to memory.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function describe(target: LabelTarget): string {
  if (target.kind === 'serial') return `Label for serial ${target.title}.`;
  if (target.kind === 'receipt') return `Labels for the serials received on ${target.number}.`;
  return `Labels for ${target.ids.length} selected serial(s).`;
}

/** "Print labels": a size (the default from Settings), copies per serial, then the PDF in a new tab. */
export function PrintLabelsButton({
  target,
  disabled,
  label = 'Print labels',
}: {
  target: LabelTarget;
  disabled?: boolean;
  label?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </button>
      {open && <PrintLabelsDialog target={target} onClose={() => setOpen(false)} />}
    </>
  );
}

function PrintLabelsDialog({ target, onClose }: { target: LabelTarget; onClose: () => void }) {
  const { csrfToken } = useSession();
  const sizes = useQuery(labelSizesQuery);
  const [choice, setChoice] = useState<string | null>(null);
  const [custom, setCustom] = useState('');
  const [copies, setCopies] = useState('1');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const defaultSize = sizes.data?.defaultSize ?? '';
  const presets = sizes.data?.presets ?? [];
  // The default may be a custom size an administrator set: offer it as a choice of its own.
  const options =
    presets.some((p) => p.id === defaultSize) || !defaultSize
      ? presets
      : [{ id: defaultSize, label: `${defaultSize} (default)` }, ...presets];
  const selected = choice ?? defaultSize;
  const size = selected === CUSTOM ? custom.trim() : selected;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { blob, filename } = await fetchLabels(target, size, Number(copies) || 1, csrfToken);
      showPdf(blob, filename);
      setDone(filename);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="Print labels">
      <form onSubmit={(e) => void submit(e)} aria-label="Print labels">
        <p>{describe(target)}</p>
        <label>
          Label size
          <select value={selected} onChange={(e) => setChoice(e.target.value)} disabled={sizes.isPending}>
            {options.map((p) => (
              <option key={p.id} value={p.id}>
                {p.id === defaultSize && !p.label.includes('(default)') ? `${p.label} (default)` : p.label}
              </option>
            ))}
            <option value={CUSTOM}>Custom size…</option>
          </select>
        </label>
        {selected === CUSTOM && (
          <label>
            Custom size (width x height, mm or in)
            <input
              value={custom}
              onChange={(e) => setCustom(e.target.value)}
              placeholder="50x30mm"
              required
            />
          </label>
        )}
        <label>
          Copies of each label
          <input type="number" min={1} max={20} value={copies} onChange={(e) => setCopies(e.target.value)} />
        </label>
        <FormError error={error ?? (sizes.error ? toApiError(sizes.error) : null)} />
        {done && (
          <p role="status">
            {done} opened in a new tab (or downloaded). Print it on the label printer at 100% scale.
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !size}>
            {busy ? 'Preparing…' : 'Print'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
