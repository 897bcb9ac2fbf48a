import { describe, expect, it } from 'vitest';
import { encodeLabelPayload, parseLabelPayload } from './label-payload.js';

describe('the QR payload of a label', () => {
  it('names SKU and serial, and reads back exactly, whatever characters they hold', () => {
    const cases = [
      { sku: 'BRK-1234', serialNumber: 'SN000123' },
      { sku: 'PUMP/A', serialNumber: 'DUP 1/ü' },
      { sku: 'a%b', serialNumber: '%41' },
      { sku: 'ÄÖÜ', serialNumber: '序列号-😀' },
      { sku: 'x', serialNumber: 'ST1/x/y' },
    ];
    for (const c of cases) {
      const payload = encodeLabelPayload(c);
      // Plain printable ASCII without spaces: what keyboard-wedge scanners type reliably.
      expect(payload).toMatch(/^ST1\/[\x21-\x7e]+$/);
      expect(parseLabelPayload(payload)).toEqual(c);
    }
    expect(encodeLabelPayload({ sku: 'BRK-1234', serialNumber: 'SN000123' })).toBe('ST1/BRK-1234/SN000123');
  });

  it('tolerates the spaces a scanner or a paste adds around it', () => {
    expect(parseLabelPayload('  ST1/A/B\n')).toEqual({ sku: 'A', serialNumber: 'B' });
  });

  it('is not fooled by plain serials or broken payloads', () => {
    for (const text of [
      'SN000123',
      'ST1/',
      'ST1/A',
      'ST1/A/B/C',
      'ST1//B',
      'ST1/A/',
      'ST1/A/%E0%A4',
      'st1/A/B',
      'ST2/A/B',
    ])
      expect(parseLabelPayload(text), text).toBeNull();
  });
});
