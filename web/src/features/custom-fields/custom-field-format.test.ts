import { describe, expect, it } from 'vitest';
import {
  describeCustomFieldData,
  formatCustomValue,
  NO_CUSTOM_FIELD_OPTIONS,
  withCustomFieldParams,
} from './custom-field-format';

describe('custom field display', () => {
  it('shows yes/no fields as Yes/No and no value as a dash', () => {
    expect(formatCustomValue('boolean', 'true')).toBe('Yes');
    expect(formatCustomValue('boolean', 'false')).toBe('No');
    expect(formatCustomValue('number', '1234.5')).toBe('1234.5');
    expect(formatCustomValue('text', null)).toBe('—');
    expect(formatCustomValue('text', undefined)).toBe('—');
  });

  it('describes a change as "Custom field X: old → new"', () => {
    expect(describeCustomFieldData({ field: 'Grade', fieldId: 3, type: 'choice', from: 'B', to: 'A' })).toBe(
      'Custom field Grade: B → A',
    );
    expect(
      describeCustomFieldData({
        field: 'Core charge paid',
        fieldId: 1,
        type: 'boolean',
        from: null,
        to: 'true',
      }),
    ).toBe('Custom field Core charge paid: (empty) → Yes');
  });

  it('lists the values a serial was created with, after its condition notes', () => {
    expect(describeCustomFieldData({ conditionNotes: 'Sealed', customFields: { Grade: 'B' } })).toBe(
      'Sealed; Custom fields: Grade = B',
    );
    expect(
      describeCustomFieldData({
        customFields: [
          { fieldId: 3, field: 'Grade', value: 'A' },
          { fieldId: 4, field: 'Amperage', value: '95' },
        ],
      }),
    ).toBe('Custom fields: Grade = A, Amperage = 95');
    expect(describeCustomFieldData({ conditionNotes: 'Sealed' })).toBeNull();
    expect(describeCustomFieldData({ field: 'conditionNotes', old: 'a', new: 'b' })).toBeNull();
  });
});

describe('withCustomFieldParams', () => {
  it('adds columns and the filter to the list URL only when asked', () => {
    const url = '/api/items/7/serials?sort=serialNumber';
    expect(withCustomFieldParams(url, NO_CUSTOM_FIELD_OPTIONS)).toBe(url);
    expect(
      withCustomFieldParams(url, { showColumns: true, filterFieldId: '12', filterValue: ' Red & Blue ' }),
    ).toBe(`${url}&fields=1&cf.12=Red+%26+Blue`);
    expect(
      withCustomFieldParams('/api/items/7/serials', { ...NO_CUSTOM_FIELD_OPTIONS, filterFieldId: '12' }),
    ).toBe('/api/items/7/serials');
  });
});
