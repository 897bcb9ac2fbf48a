import type { CustomField } from '../../api/types';

/**
 * One input per field type. Values are the API's text: booleans 'true'/'false', dates YYYY-MM-DD; the
 * server parses what is typed (e.g. "1,234.5") and answers with the canonical value.
 */
export function CustomFieldInput({
  field,
  value,
  onChange,
  disabled,
  label,
}: {
  field: Pick<CustomField, 'name' | 'type' | 'choices' | 'required'>;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  label?: string;
}) {
  const aria = label ?? field.name;
  if (field.type === 'boolean') {
    return (
      <select aria-label={aria} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        <option value="true">Yes</option>
        <option value="false">No</option>
      </select>
    );
  }
  if (field.type === 'choice') {
    const choices = field.choices ?? [];
    return (
      <select aria-label={aria} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {/* A value no longer among the choices still shows, so saving never drops it silently. */}
        {value !== '' && !choices.includes(value) && <option value={value}>{value}</option>}
        {choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      aria-label={aria}
      type={field.type === 'date' ? 'date' : 'text'}
      inputMode={field.type === 'number' ? 'decimal' : undefined}
      value={value}
      disabled={disabled}
      maxLength={1000}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
