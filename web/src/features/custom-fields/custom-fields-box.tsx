import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get, toApiError, type ApiError } from '../../api/client';
import type { CustomFieldValue, Item, ItemCustomFieldDefaults, SerialCustomFields } from '../../api/types';
import { FormError } from '../../components/form-error';
import { CustomFieldInput } from './custom-field-input';
import { formatCustomValue } from './custom-field-format';
import './custom-fields.css';

/** What the custom-fields box edits: the item's Default Serial Q&A or one serial. */
export type CustomFieldsTarget =
  { kind: 'defaults' } | { kind: 'serial'; serialId: number; serialNumber: string };

export const itemDefaultsKey = (itemId: number) => ['custom-field-defaults', itemId] as const;
export const serialValuesKey = (serialId: number) => ['serial-custom-fields', serialId] as const;

/** The item's fields and Default Serial Q&A answers (one request serves the row, columns and filters). */
export function useItemCustomFields(itemId: number) {
  return useQuery({
    queryKey: itemDefaultsKey(itemId),
    queryFn: () => get<ItemCustomFieldDefaults>(`/api/items/${itemId}/custom-field-defaults`),
  });
}

/** The Default Serial Q&A line above the serials: selecting it puts the item's defaults in the box. */
export function DefaultSerialQaRow({ active, onSelect }: { active: boolean; onSelect: () => void }) {
  return (
    <button
      type="button"
      className={active ? 'default-qa-row active' : 'default-qa-row'}
      aria-pressed={active}
      onClick={onSelect}
    >
      Default Serial Q&amp;A
    </button>
  );
}

/**
 * The custom fields box below the serials: its title names the serial it edits (or the Default Serial
 * Q&A), so the user can see they are on the right one, as the manual asks.
 */
export function CustomFieldsBox({
  item,
  target,
  canEdit,
}: {
  item: Item;
  target: CustomFieldsTarget;
  canEdit: boolean;
}) {
  const defaults = useItemCustomFields(item.id);
  const serialId = target.kind === 'serial' ? target.serialId : null;
  const serial = useQuery({
    queryKey: serialValuesKey(serialId ?? 0),
    queryFn: () => get<SerialCustomFields>(`/api/serials/${serialId}/custom-fields`),
    enabled: serialId !== null,
  });
  const data = target.kind === 'defaults' ? defaults.data : serial.data;
  const fields = data?.fields;
  const title =
    target.kind === 'defaults'
      ? 'Custom fields — Default Serial Q&A'
      : `Custom fields — Serial ${target.serialNumber}`;

  return (
    <section className="card custom-fields-box" aria-label={title}>
      <h3>{title}</h3>
      <FormError error={target.kind === 'defaults' ? defaults.error : serial.error} />
      {fields && fields.length === 0 && (
        <p className="muted">
          {item.partTypeId === null
            ? 'No custom field data: this item has no part type, so custom fields are not configured for it.'
            : 'No custom field data: custom fields are not configured for that part type.'}
        </p>
      )}
      {fields && fields.length > 0 && (
        <CustomFieldsForm
          key={target.kind === 'defaults' ? 'defaults' : `serial-${serialId}`}
          item={item}
          target={target}
          fields={fields}
          version={target.kind === 'serial' ? serial.data?.version : undefined}
          canEdit={canEdit}
        />
      )}
    </section>
  );
}

function CustomFieldsForm({
  item,
  target,
  fields,
  version,
  canEdit,
}: {
  item: Item;
  target: CustomFieldsTarget;
  fields: CustomFieldValue[];
  version: number | undefined;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const stored = useMemo(() => Object.fromEntries(fields.map((f) => [f.id, f.value ?? ''])), [fields]);
  const [draft, setDraft] = useState<Record<number, string>>(stored);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(stored), [stored]);

  const changed = fields.filter((f) => (draft[f.id] ?? '') !== (stored[f.id] ?? ''));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const values = Object.fromEntries(changed.map((f) => [String(f.id), draft[f.id] ?? '']));
    try {
      if (target.kind === 'defaults') {
        const updated = await api<ItemCustomFieldDefaults>(
          'PUT',
          `/api/items/${item.id}/custom-field-defaults`,
          {
            values,
          },
        );
        queryClient.setQueryData(itemDefaultsKey(item.id), updated);
      } else {
        const updated = await api<SerialCustomFields>(
          'PUT',
          `/api/serials/${target.serialId}/custom-fields`,
          {
            values,
            ...(version !== undefined && { version }),
          },
        );
        queryClient.setQueryData(serialValuesKey(target.serialId), updated);
        await queryClient.invalidateQueries({ queryKey: ['serial', target.serialId] });
        await queryClient.invalidateQueries({ queryKey: ['serials', item.id] });
      }
      setSaved(true);
    } catch (err) {
      setError(toApiError(err));
      if (target.kind === 'serial')
        await queryClient.invalidateQueries({ queryKey: serialValuesKey(target.serialId) });
    } finally {
      setBusy(false);
    }
  };

  if (!canEdit) {
    return (
      <dl className="custom-fields-values">
        {fields.map((f) => (
          <div key={f.id} style={{ display: 'contents' }}>
            <dt>{f.name}</dt>
            <dd>{formatCustomValue(f.type, f.value)}</dd>
          </div>
        ))}
      </dl>
    );
  }

  return (
    <form onSubmit={(e) => void save(e)}>
      {target.kind === 'defaults' && (
        <p className="muted">
          Newly created serials of {item.sku} start with these values. Existing serials are not changed.
        </p>
      )}
      <div className="custom-fields-form">
        {fields.map((f) => (
          <label key={f.id}>
            <span>
              {f.name}
              {f.required && target.kind === 'serial' && (
                <span className="required-mark" title="Required">
                  {' '}
                  *
                </span>
              )}
            </span>
            <CustomFieldInput
              field={f}
              value={draft[f.id] ?? ''}
              onChange={(v) => {
                setSaved(false);
                setDraft((d) => ({ ...d, [f.id]: v }));
              }}
            />
          </label>
        ))}
      </div>
      <FormError error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || changed.length === 0}>
          {target.kind === 'defaults' ? 'Save Default Serial Q&A' : 'Save custom fields'}
        </button>
        {saved && changed.length === 0 && (
          <span className="muted" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
