import { describe, expect, it } from 'vitest';
import { documentPath, formatDocument, formatWarranty } from './serial-format';

describe('serial formatting', () => {
  it('names documents the way the grid shows them', () => {
    expect(formatDocument({ type: 'manual', number: null })).toBe('Manual entry');
    expect(formatDocument({ type: 'transfer', number: 'TR-000003' })).toBe('TR-000003');
    expect(formatDocument({ type: 'purchase_order', number: '1-14' })).toBe('PO 1-14');
    expect(formatDocument({ type: 'import', number: '3' })).toBe('Import #3');
    expect(documentPath({ type: 'purchase_order', number: '1-14' })).toBe('/documents/purchase_order/1-14');
    expect(documentPath({ type: 'manual', number: null })).toBeNull();
    expect(formatDocument(null)).toBe('');
  });

  it('describes warranty status with its date', () => {
    expect(formatWarranty({ warrantyStatus: 'under_warranty', warrantyEndDate: '2027-05-01' })).toBe(
      'Under warranty (until 2027-05-01)',
    );
    expect(formatWarranty({ warrantyStatus: 'expired', warrantyEndDate: '2025-01-01' })).toBe(
      'Expired (on 2025-01-01)',
    );
    expect(formatWarranty({ warrantyStatus: 'no_warranty', warrantyEndDate: null })).toBe('No warranty');
  });
});
