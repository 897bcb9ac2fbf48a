import type { SerialDetail } from '../../api/types';
import { formatCustomValue } from './custom-field-input';
import './custom-fields.css';

/** The Serial Detail's custom fields: the part type's fields with this serial's values. */
export function SerialCustomFieldsSection({ fields }: { fields: SerialDetail['customFields'] }) {
  return (
    <section aria-label="Custom fields">
      <h3>Custom fields</h3>
      {fields.length === 0 ? (
        <p className="muted">No custom field data: custom fields are not configured for that part type.</p>
      ) : (
        <dl className="custom-fields-values">
          {fields.map((f) => (
            <div key={f.id} style={{ display: 'contents' }}>
              <dt>{f.name}</dt>
              <dd>{formatCustomValue(f.type, f.value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
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
    const values = Object.entries(initial as Record<string, unknown>)
      .map(([name, v]) => `${name} = ${typeof v === 'string' ? v : ''}`)
      .join(', ');
    const notes = typeof data['conditionNotes'] === 'string' ? `${data['conditionNotes']}; ` : '';
    return `${notes}Custom fields: ${values}`;
  }
  return null;
}
