import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { get, patch, toApiError, type ApiError } from '../../api/client';
import type { Settings } from '../../api/types';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';

export const settingsQuery = {
  queryKey: ['settings'],
  queryFn: () => get<Settings>('/api/settings'),
};

type TrackingOff = Settings['serialTrackingOff'];

/** The choices of the setting "serialTrackingOff", in the words the lock message points to. */
const TRACKING_OFF_CHOICES: { value: TrackingOff; label: string; explanation: string }[] = [
  {
    value: 'lock',
    label: 'Keep Track Serials on (lock)',
    explanation:
      'Once an item has serial records, Track Serials cannot be turned off, so no unit drops out of view. ' +
      'Items without serials can still be turned off. This is the default.',
  },
  {
    value: 'hide',
    label: 'Hide the serials',
    explanation:
      'Track Serials can be turned off after a confirmation. The Serials tab disappears, the serial records ' +
      'are kept unchanged, and they come back when Track Serials is turned on again.',
  },
];

/** Settings (SETTINGS_ADMIN): what turning Track Serials off does, the purchase order prefix, labels. */
export function SettingsPage() {
  const queryClient = useQueryClient();
  const canChange = useCan('SETTINGS_ADMIN');
  const settings = useQuery(settingsQuery);
  const [trackingOff, setTrackingOff] = useState<TrackingOff | null>(null);
  const [prefix, setPrefix] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  if (settings.isError) return <FormError error={toApiError(settings.error)} />;
  if (!settings.data) return <p className="loading">Loading…</p>;
  const current = settings.data;
  const mode = trackingOff ?? current.serialTrackingOff;
  const poPrefix = prefix ?? current.purchaseOrderPrefix;
  const changes: Partial<Settings> = {
    ...(mode !== current.serialTrackingOff && { serialTrackingOff: mode }),
    ...(poPrefix.trim() !== current.purchaseOrderPrefix && { purchaseOrderPrefix: poPrefix.trim() }),
  };
  const changed = Object.keys(changes).length > 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const next = await patch<Settings>('/api/settings', changes);
      queryClient.setQueryData(settingsQuery.queryKey, next);
      setTrackingOff(null);
      setPrefix(null);
      setSaved(true);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const prefixError = error?.errors.find((x) => x.field.endsWith('purchaseOrderPrefix'));

  return (
    <section className="settings-page">
      <h1>Settings</h1>
      {!canChange && (
        <p className="notice">
          Only users with the SETTINGS_ADMIN permission can change settings. Ask your administrator.
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} aria-label="Settings">
        <fieldset className="card" disabled={!canChange}>
          <legend>Turning Track Serials off</legend>
          <p className="muted">
            What happens when someone unchecks Track Serials on an item that already has serial records.
          </p>
          <div role="radiogroup" aria-label="Turning Track Serials off">
            {TRACKING_OFF_CHOICES.map((c) => (
              <label key={c.value} className="choice">
                <span className="choice-title">
                  <input
                    type="radio"
                    name="serialTrackingOff"
                    value={c.value}
                    checked={mode === c.value}
                    onChange={() => {
                      setSaved(false);
                      setTrackingOff(c.value);
                    }}
                  />
                  {c.label}
                </span>
                <span className="muted">{c.explanation}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="card" disabled={!canChange}>
          <legend>Purchase orders</legend>
          <label>
            Purchase order number prefix
            <input
              value={poPrefix}
              onChange={(e) => {
                setSaved(false);
                setPrefix(e.target.value);
              }}
              maxLength={20}
              required
              aria-describedby="po-prefix-help"
            />
            {prefixError && <span className="field-error">{prefixError.message}</span>}
          </label>
          <p className="muted" id="po-prefix-help">
            New purchase orders are numbered with this prefix plus a sequence: with <code>1-</code> they are
            1-1, 1-2 … 1-14. Letters, digits and - / . only.
          </p>
        </fieldset>
        <FormError error={error} />
        {saved && <p role="status">Settings saved.</p>}
        {canChange && (
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || !changed}>
              Save settings
            </button>
          </div>
        )}
      </form>
      <section className="card" aria-label="Labels">
        <h2>Labels</h2>
        <p>
          New labels print at <strong>{current.labelSize}</strong>.{' '}
          <Link to="/settings/labels">Change the default label size</Link> on the Labels page.
        </p>
      </section>
    </section>
  );
}
