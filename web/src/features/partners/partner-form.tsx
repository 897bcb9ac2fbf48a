import { useState, type FormEvent } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { FormError } from '../../components/form-error';

export interface PartnerFields {
  name: string;
  contact: string;
  notes: string;
}

/**
 * Name, contact and notes of a supplier or customer, for creating and editing alike. The server checks
 * every value; its message is shown under the form.
 */
export function PartnerForm({
  label,
  initial,
  submitLabel,
  onSubmit,
}: {
  label: string;
  initial: PartnerFields;
  submitLabel: string;
  /** Saves the fields and returns what to tell the user. */
  onSubmit: (fields: PartnerFields) => Promise<string>;
}) {
  const [fields, setFields] = useState(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (key: keyof PartnerFields, value: string) => {
    setFields((f) => ({ ...f, [key]: value }));
    setSaved('');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved('');
    try {
      setSaved(await onSubmit(fields));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} aria-label={label}>
      <label>
        Name
        <input value={fields.name} onChange={(e) => set('name', e.target.value)} maxLength={200} />
      </label>
      <label>
        Contact
        <input
          value={fields.contact}
          onChange={(e) => set('contact', e.target.value)}
          placeholder="Person, phone, e-mail"
          maxLength={500}
        />
      </label>
      <label>
        Notes
        <textarea
          value={fields.notes}
          onChange={(e) => set('notes', e.target.value)}
          rows={4}
          maxLength={5000}
        />
      </label>
      <FormError error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
        {saved && <span role="status">{saved}</span>}
      </div>
    </form>
  );
}
