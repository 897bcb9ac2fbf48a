import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { post, toApiError, type ApiError } from '../../api/client';
import type { BulkSetResult, CustomField, Item } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';
import { CustomFieldInput } from './custom-field-input';

/**
 * The explicit bulk action: one field, one value, the selected serials. The Default Serial Q&A never
 * changes existing serials; this is how a user chooses to.
 */
export function BulkSetDialog({
  item,
  fields,
  serialIds,
  open,
  onOpenChange,
}: {
  item: Item;
  fields: CustomField[];
  serialIds: number[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [fieldId, setFieldId] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<BulkSetResult | null>(null);
  const [busy, setBusy] = useState(false);
  const field = fields.find((f) => String(f.id) === fieldId);

  const close = (o: boolean) => {
    if (!o) {
      setFieldId('');
      setValue('');
      setError(null);
      setResult(null);
    }
    onOpenChange(o);
  };

  const apply = async (e: FormEvent) => {
    e.preventDefault();
    if (!field) return;
    setBusy(true);
    setError(null);
    try {
      const res = await post<BulkSetResult>(`/api/items/${item.id}/serials/custom-fields/bulk`, {
        serialIds,
        fieldId: field.id,
        value,
      });
      setResult(res);
      await queryClient.invalidateQueries({ queryKey: ['serials', item.id] });
      await queryClient.invalidateQueries({ queryKey: ['serial-custom-fields'] });
      await queryClient.invalidateQueries({ queryKey: ['serial'] });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={close} title="Set field on selected">
      <form onSubmit={(e) => void apply(e)}>
        <p>
          Sets one custom field on the {serialIds.length} selected serial{serialIds.length === 1 ? '' : 's'}.
          Each serial whose value changes gets a history row.
        </p>
        <div className="inline-form">
          <select
            aria-label="Custom field"
            value={fieldId}
            onChange={(e) => {
              setFieldId(e.target.value);
              setValue('');
              setResult(null);
            }}
          >
            <option value="">Choose a field…</option>
            {fields.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
          {field && <CustomFieldInput field={field} value={value} label="New value" onChange={setValue} />}
        </div>
        <FormError error={error} />
        {result && (
          <p role="status">
            Changed {result.changed} serial{result.changed === 1 ? '' : 's'}
            {result.unchanged > 0 ? `; ${result.unchanged} already had this value` : ''}.
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !field || serialIds.length === 0}>
            Apply
          </button>
          <button type="button" onClick={() => close(false)}>
            Done
          </button>
        </div>
      </form>
    </Dialog>
  );
}
