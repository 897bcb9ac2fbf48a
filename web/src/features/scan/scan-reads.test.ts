import { describe, expect, it } from 'vitest';
import { encodeLabelPayload } from '../../../../src/labels/label-payload.js';
import { createRepeatFilter, fieldValue, orderFrameReads, readSerial } from './scan-reads';

const qr = (sku: string, serialNumber: string) => ({
  text: encodeLabelPayload({ sku, serialNumber }),
  format: 'QRCode',
});

describe('camera reads', () => {
  it('a label QR payload stands for its serial; any other code is the serial itself', () => {
    expect(readSerial(qr('PUMP/B', 'WP 0001/x').text)).toBe('WP 0001/x');
    expect(readSerial('WID-100-0200')).toBe('WID-100-0200');
    // Not one of our payloads (bad %-sequence): the text as scanned.
    expect(readSerial('ST1/A/%E0%A4%A')).toBe('ST1/A/%E0%A4%A');
  });

  it('the lookup gets the payload as a scanner types it; serial fields get the serial', () => {
    const read = qr('PUMP-B', 'WP-0001');
    expect(fieldValue(read, 'raw')).toBe('ST1/PUMP-B/WP-0001');
    expect(fieldValue(read, 'serial')).toBe('WP-0001');
    expect(fieldValue({ text: '4006381333931', format: 'EAN13' }, 'serial')).toBe('4006381333931');
  });

  it("one frame: our payloads first, and a label's QR code and Code 128 count once", () => {
    const frame = [
      { text: 'WP-0001', format: 'Code128' },
      qr('PUMP-B', 'WP-0001'),
      { text: 'OTHER-9', format: 'DataMatrix' },
      { text: '  ', format: 'Code128' },
    ];
    expect(orderFrameReads(frame).map((r) => r.text)).toEqual(['ST1/PUMP-B/WP-0001', 'OTHER-9']);
  });

  it('a code held in view is read once; out of view longer than the window, it is read again', () => {
    const take = createRepeatFilter(1500);
    expect(take('SN-1', 0)).toBe(true);
    // Seen every frame: ignored, and each sighting extends the window.
    for (let t = 100; t <= 5000; t += 100) expect(take('SN-1', t)).toBe(false);
    expect(take('SN-2', 5000)).toBe(true);
    // The QR payload of the same serial is the same code.
    expect(take(qr('ITEM', 'SN-2').text, 5100)).toBe(false);
    // Gone for 2 s, then back: a new read.
    expect(take('SN-1', 7001)).toBe(true);
  });
});
