/** How a stored value reads: booleans as Yes/No, nothing as a dash. */
export function formatCustomValue(type: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (type === 'boolean') return value === 'true' ? 'Yes' : 'No';
  return value;
}

const shown = (type: unknown, v: unknown) =>
  typeof v === 'string' && v !== ''
    ? formatCustomValue(typeof type === 'string' ? type : 'text', v)
    : '(empty)';

/**
 * History details of custom fields: "Custom field Grade: A → B" for a change, and the values a serial
 * started with on its "created" row. Null when the event is not about custom fields.
 */
export function describeCustomFieldData(data: Record<string, unknown> | null): string | null {
  if (!data) return null;
  if (typeof data['fieldId'] === 'number' && typeof data['field'] === 'string') {
    return `Custom field ${data['field']}: ${shown(data['type'], data['from'])} → ${shown(data['type'], data['to'])}`;
  }
  const initial = data['customFields'];
  if (initial && typeof initial === 'object') {
    // [{ fieldId, field, value }] by field id; rows written before that are { name: value }.
    const pairs: [unknown, unknown][] = Array.isArray(initial)
      ? initial.map((v: { field?: unknown; value?: unknown }) => [v.field, v.value])
      : Object.entries(initial as Record<string, unknown>);
    const values = pairs
      .map(([name, v]) => `${typeof name === 'string' ? name : ''} = ${typeof v === 'string' ? v : ''}`)
      .join(', ');
    const notes = typeof data['conditionNotes'] === 'string' ? `${data['conditionNotes']}; ` : '';
    return `${notes}Custom fields: ${values}`;
  }
  return null;
}

/** Custom-field options of the serial list: optional columns and one exact-value filter. */
export interface CustomFieldListOptions {
  showColumns: boolean;
  filterFieldId: string;
  filterValue: string;
}

export const NO_CUSTOM_FIELD_OPTIONS: CustomFieldListOptions = {
  showColumns: false,
  filterFieldId: '',
  filterValue: '',
};

/** The list URL with `fields=1` (columns) and `cf.<fieldId>=value` (filter) added. */
export function withCustomFieldParams(url: string, o: CustomFieldListOptions): string {
  const extra = new URLSearchParams();
  if (o.showColumns) extra.set('fields', '1');
  if (o.filterFieldId && o.filterValue.trim()) extra.set(`cf.${o.filterFieldId}`, o.filterValue.trim());
  const s = extra.toString();
  if (!s) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${s}`;
}
