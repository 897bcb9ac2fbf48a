import type { SerialDetail } from '../../api/types';
import { formatCustomValue } from './custom-field-format';
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
