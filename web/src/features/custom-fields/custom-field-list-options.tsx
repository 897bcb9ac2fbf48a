import type { CustomField } from '../../api/types';
import { CustomFieldInput } from './custom-field-input';
import type { CustomFieldListOptions } from './custom-field-format';

export function CustomFieldListControls({
  fields,
  options,
  onChange,
}: {
  fields: CustomField[];
  options: CustomFieldListOptions;
  onChange: (o: CustomFieldListOptions) => void;
}) {
  if (fields.length === 0) return null;
  const field = fields.find((f) => String(f.id) === options.filterFieldId);
  return (
    <>
      <label className="checkbox inline">
        <input
          type="checkbox"
          checked={options.showColumns}
          onChange={(e) => onChange({ ...options, showColumns: e.target.checked })}
        />{' '}
        Custom field columns
      </label>
      <select
        aria-label="Filter by custom field"
        value={options.filterFieldId}
        onChange={(e) => onChange({ ...options, filterFieldId: e.target.value, filterValue: '' })}
      >
        <option value="">Any custom field</option>
        {fields.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name}
          </option>
        ))}
      </select>
      {field && (
        <CustomFieldInput
          field={field}
          value={options.filterValue}
          label={`${field.name} equals`}
          onChange={(v) => onChange({ ...options, filterValue: v })}
        />
      )}
    </>
  );
}
