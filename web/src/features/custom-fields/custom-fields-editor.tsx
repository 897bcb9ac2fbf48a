import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, del, get, patch, post, toApiError, type ApiError } from '../../api/client';
import type { CustomField, PartType } from '../../api/types';
import { FormError } from '../../components/form-error';
import './custom-fields.css';

const TYPE_LABELS: Record<CustomField['type'], string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  boolean: 'Yes/No',
  choice: 'Choice list',
};
const TYPES = Object.keys(TYPE_LABELS) as CustomField['type'][];

/** Choices are typed one per line (or comma-separated), so a choice may not contain a line break. */
const parseChoices = (text: string) =>
  text
    .split(/\r?\n|,/)
    .map((c) => c.trim())
    .filter(Boolean);

const fieldsKey = (partTypeId: number) => ['part-type-custom-fields', partTypeId] as const;

/** The custom field editor of one part type: name, type, required, order and choices. */
export function CustomFieldsEditor({ partType, canEdit }: { partType: PartType; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: fieldsKey(partType.id),
    queryFn: () => get<{ fields: CustomField[] }>(`/api/part-types/${partType.id}/custom-fields`),
  });
  const [error, setError] = useState<ApiError | null>(null);
  const fields = list.data?.fields ?? [];

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      await queryClient.invalidateQueries({ queryKey: fieldsKey(partType.id) });
      // Items of this part type show these fields on their Serials tab.
      await queryClient.invalidateQueries({ queryKey: ['custom-field-defaults'] });
      return true;
    } catch (err) {
      setError(toApiError(err));
      return false;
    }
  };
  const base = `/api/part-types/${partType.id}/custom-fields`;
  const move = (index: number, by: number) => {
    const ids = fields.map((f) => f.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    return run(() => api('PUT', `${base}/order`, { fieldIds: ids }));
  };

  return (
    <section className="card custom-field-editor" aria-label={`Custom fields of ${partType.name}`}>
      <h2>Serialized Custom Fields — {partType.name}</h2>
      <p className="muted">
        Every serial of an item of this part type carries its own values for these fields.
      </p>
      <FormError error={list.error} />
      {fields.length === 0 && list.isSuccess && <p>No custom fields yet.</p>}
      {fields.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Order</th>
              <th>Name</th>
              <th>Type</th>
              <th>Required</th>
              <th>Choices</th>
              {canEdit && <th />}
            </tr>
          </thead>
          <tbody>
            {fields.map((f, i) =>
              canEdit ? (
                <FieldRow
                  key={f.id}
                  field={f}
                  first={i === 0}
                  last={i === fields.length - 1}
                  onMove={(by) => void move(i, by)}
                  onSave={(body) => run(() => patch(`${base}/${f.id}`, body))}
                  onDelete={() => void run(() => del(`${base}/${f.id}`))}
                />
              ) : (
                <tr key={f.id}>
                  <td>{i + 1}</td>
                  <td>{f.name}</td>
                  <td>{TYPE_LABELS[f.type]}</td>
                  <td>{f.required ? 'Yes' : 'No'}</td>
                  <td>{f.choices?.join(', ') ?? ''}</td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      <FormError error={error} />
      {canEdit && <NewFieldForm onCreate={(body) => run(() => post(base, body))} />}
    </section>
  );
}

function FieldRow({
  field,
  first,
  last,
  onMove,
  onSave,
  onDelete,
}: {
  field: CustomField;
  first: boolean;
  last: boolean;
  onMove: (by: number) => void;
  onSave: (body: Record<string, unknown>) => Promise<boolean>;
  onDelete: () => void;
}) {
  const [name, setName] = useState(field.name);
  const [type, setType] = useState(field.type);
  const [required, setRequired] = useState(field.required);
  const [choices, setChoices] = useState((field.choices ?? []).join('\n'));
  const dirty =
    name !== field.name ||
    type !== field.type ||
    required !== field.required ||
    (type === 'choice' && choices !== (field.choices ?? []).join('\n'));
  return (
    <tr>
      <td>
        <button
          type="button"
          className="icon-button"
          aria-label={`Move ${field.name} up`}
          disabled={first}
          onClick={() => onMove(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Move ${field.name} down`}
          disabled={last}
          onClick={() => onMove(1)}
        >
          ↓
        </button>
      </td>
      <td>
        <input aria-label={`Name of ${field.name}`} value={name} onChange={(e) => setName(e.target.value)} />
      </td>
      <td>
        <select
          aria-label={`Type of ${field.name}`}
          value={type}
          onChange={(e) => setType(e.target.value as CustomField['type'])}
        >
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_LABELS[t]}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input
          type="checkbox"
          aria-label={`${field.name} is required`}
          checked={required}
          onChange={(e) => setRequired(e.target.checked)}
        />
      </td>
      <td>
        {type === 'choice' && (
          <textarea
            aria-label={`Choices of ${field.name}`}
            rows={3}
            value={choices}
            onChange={(e) => setChoices(e.target.value)}
          />
        )}
      </td>
      <td>
        <button
          type="button"
          disabled={!dirty}
          onClick={() =>
            void onSave({
              ...(name !== field.name && { name }),
              ...(type !== field.type && { type }),
              ...(required !== field.required && { required }),
              ...(type === 'choice' && { choices: parseChoices(choices) }),
            })
          }
        >
          Save
        </button>{' '}
        <button type="button" className="link-button" onClick={onDelete}>
          Delete
        </button>
      </td>
    </tr>
  );
}

function NewFieldForm({ onCreate }: { onCreate: (body: Record<string, unknown>) => Promise<boolean> }) {
  const [name, setName] = useState('');
  const [type, setType] = useState<CustomField['type']>('text');
  const [required, setRequired] = useState(false);
  const [choices, setChoices] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await onCreate({
      name,
      type,
      required,
      ...(type === 'choice' && { choices: parseChoices(choices) }),
    });
    if (ok) {
      setName('');
      setType('text');
      setRequired(false);
      setChoices('');
    }
  };
  return (
    <form className="inline-form" aria-label="New custom field" onSubmit={(e) => void submit(e)}>
      <input
        placeholder="Field name"
        aria-label="Custom field name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
      />
      <select
        aria-label="Custom field type"
        value={type}
        onChange={(e) => setType(e.target.value as CustomField['type'])}
      >
        {TYPES.map((t) => (
          <option key={t} value={t}>
            {TYPE_LABELS[t]}
          </option>
        ))}
      </select>
      <label className="checkbox inline">
        <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} /> Required
      </label>
      {type === 'choice' && (
        <textarea
          aria-label="Choices (one per line)"
          placeholder="Choices, one per line"
          rows={2}
          value={choices}
          onChange={(e) => setChoices(e.target.value)}
        />
      )}
      <button type="submit" className="primary">
        Add custom field
      </button>
    </form>
  );
}
