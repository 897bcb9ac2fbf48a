import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { patch, toApiError, type ApiError } from '../../api/client';
import type { Settings } from '../../api/types';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';
import { labelSizesQuery } from './print-labels';

/** Settings › Labels: the label size every "Print labels" starts from (SETTINGS_ADMIN changes it). */
export function LabelSettingsPage() {
  const queryClient = useQueryClient();
  const canChange = useCan('SETTINGS_ADMIN');
  const sizes = useQuery(labelSizesQuery);
  const [value, setValue] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  const current = sizes.data?.defaultSize ?? '';
  const size = value ?? current;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const settings = await patch<Settings>('/api/settings', { labelSize: size.trim() });
      queryClient.setQueryData(labelSizesQuery.queryKey, { ...sizes.data!, defaultSize: settings.labelSize });
      queryClient.setQueryData(['settings'], settings);
      setValue(null);
      setSaved(true);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Label settings</h1>
      <p className="muted">
        Labels carry a Code 128 of the serial number, a QR code that opens the exact serial from the lookup
        box, the serial number, SKU and item name. One label per PDF page, each page exactly the label size:
        print at 100% scale.
      </p>
      {canChange && (
        <p className="muted">
          Other settings (turning Track Serials off, the purchase order prefix) are on the{' '}
          <Link to="/settings">Settings</Link> page.
        </p>
      )}
      {sizes.data && (
        <form onSubmit={(e) => void submit(e)} aria-label="Label settings">
          <label>
            Default label size
            <input
              list="label-size-presets"
              value={size}
              onChange={(e) => setValue(e.target.value)}
              disabled={!canChange}
              required
            />
            <datalist id="label-size-presets">
              {sizes.data.presets.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </datalist>
          </label>
          <ul className="muted">
            {sizes.data.presets.map((p) => (
              <li key={p.id}>
                <code>{p.id}</code> — {p.label}
              </li>
            ))}
            <li>or any WIDTHxHEIGHT in mm or in, e.g. 50x30mm</li>
          </ul>
          <FormError error={error} />
          {saved && <p role="status">Saved: new labels default to {current}.</p>}
          {canChange ? (
            <div className="actions">
              <button type="submit" className="primary" disabled={busy || size.trim() === current}>
                Save
              </button>
            </div>
          ) : (
            <p className="muted">Only users with the SETTINGS_ADMIN permission can change it.</p>
          )}
        </form>
      )}
      <FormError error={sizes.error ? toApiError(sizes.error) : null} />
    </section>
  );
}
