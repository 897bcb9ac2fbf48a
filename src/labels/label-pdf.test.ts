import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { readPdf } from '../../test/support/pdf.js';
import { createLabelsPdf } from './label-pdf.js';
import { LABEL_SIZE_PRESETS, parseLabelSize } from './label-sizes.js';

describe('labels PDF', () => {
  it('has one page per label, each exactly the label size, showing serial, SKU and name', async () => {
    const labels = Array.from({ length: 250 }, (_, i) => ({
      serialNumber: `SN-${String(i).padStart(5, '0')}`,
      sku: 'BRK-1234',
      itemName: 'Brake caliper',
    }));
    const pdf = readPdf(await buffer(createLabelsPdf(parseLabelSize('2.25x1.25in')!, labels)));
    expect(pdf.header).toBe('%PDF-1.3');
    expect(pdf.pages).toHaveLength(250);
    for (const [i, page] of pdf.pages.entries()) {
      expect(page.size).toEqual([162, 90]);
      expect(page.texts).toEqual([labels[i]!.serialNumber, 'BRK-1234', 'Brake caliper']);
    }
  });

  it('keeps one page per label at every size, however long or unusual the text', async () => {
    const labels = [
      { serialNumber: 'W'.repeat(100), sku: 'S'.repeat(100), itemName: 'Name '.repeat(60) },
      { serialNumber: 'Ünï-序列-7', sku: 'ÄÖ', itemName: 'x' },
    ];
    for (const id of [...LABEL_SIZE_PRESETS.map((p) => p.id), '30x15mm', '300x300mm']) {
      const pdf = readPdf(await buffer(createLabelsPdf(parseLabelSize(id)!, labels)));
      expect(pdf.pages, id).toHaveLength(2);
    }
  });
});
