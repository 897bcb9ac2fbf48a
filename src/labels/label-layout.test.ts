import { describe, expect, it } from 'vitest';
import { encodeLabelPayload } from './label-payload.js';
import { layoutOf, pdfTextMeasurer } from './label-pdf.js';
import { LINE_HEIGHT, type LabelContent, type LabelLayout, type Rect } from './label-layout.js';
import { LABEL_SIZE_PRESETS, parseLabelSize } from './label-sizes.js';
import { encodeCode128, encodeQr } from './label-symbols.js';

const measure = pdfTextMeasurer();
const SIZES = [...LABEL_SIZE_PRESETS.map((p) => p.id), '30x15mm', '100x50mm', '50x150mm', '300x300mm'];
const LONG_NAME = `Alternator ${'heavy duty remanufactured '.repeat(12)}`.trim();
const CONTENTS: LabelContent[] = [
  { serialNumber: 'SN-000123', sku: 'BRK-1234', itemName: 'Brake caliper' },
  { serialNumber: '00123456789012', sku: 'X', itemName: LONG_NAME },
  { serialNumber: 'AF5-69H^b\\q', sku: 'SKU-'.repeat(25), itemName: 'Supercalifragilistic'.repeat(8) },
  { serialNumber: 'W'.repeat(100), sku: 'LONG', itemName: 'Serial too long for any bars' },
  { serialNumber: 'Ünï-序列-7', sku: 'ÄÖ', itemName: 'Ölpumpe' },
];

const barsOf = (layout: LabelLayout) =>
  layout.code128
    ? layout.rects.filter((r) => r.y === layout.code128!.box.y && r.h === layout.code128!.box.h)
    : [];
const qrRectsOf = (layout: LabelLayout) => {
  const bars = new Set(barsOf(layout));
  return layout.rects.filter((r) => !bars.has(r));
};
const inside = (r: Rect, W: number, H: number) =>
  r.x >= 0 && r.y >= 0 && r.x + r.w <= W + 1e-6 && r.y + r.h <= H + 1e-6;

/** Reads the bars back as alternating bar/space widths in modules: what a scanner measures. */
function scanBars(layout: LabelLayout): number[] {
  const module = layout.code128!.moduleWidth;
  const bars = [...barsOf(layout)].sort((a, b) => a.x - b.x);
  const widths: number[] = [];
  bars.forEach((bar, i) => {
    if (i > 0) {
      const prev = bars[i - 1]!;
      widths.push(Math.round((bar.x - (prev.x + prev.w)) / module));
    }
    widths.push(Math.round(bar.w / module));
  });
  return widths;
}

/** Reads the QR modules back as a dark/light matrix. */
function scanQr(layout: LabelLayout, size: number): Uint8Array {
  const m = layout.qr.moduleSize;
  const x0 = layout.qr.box.x + 2 * m;
  const y0 = layout.qr.box.y + 2 * m;
  const dark = new Uint8Array(size * size);
  for (const r of qrRectsOf(layout)) {
    const row = Math.round((r.y - y0) / m);
    const col = Math.round((r.x - x0) / m);
    for (let c = 0; c < Math.round(r.w / m); c++) dark[row * size + col + c] = 1;
  }
  return dark;
}

describe('label layout', () => {
  for (const sizeId of SIZES) {
    it(`keeps everything on a ${sizeId} label and the codes apart from the text`, () => {
      const size = parseLabelSize(sizeId)!;
      for (const content of CONTENTS) {
        const layout = layoutOf(size, content, measure);
        const { width: W, height: H } = layout;
        expect([W, H]).toEqual([size.widthPt, size.heightPt]);
        for (const r of layout.rects)
          expect(inside(r, W, H), `${sizeId} rect ${JSON.stringify(r)}`).toBe(true);
        for (const line of layout.lines) {
          const box = {
            x: line.x,
            y: line.y,
            w: measure(line.text, line.font, line.size),
            h: line.size * LINE_HEIGHT,
          };
          expect(inside(box, W, H), `${sizeId} "${line.text}" ${JSON.stringify(box)}`).toBe(true);
          // No text over the QR code.
          const qr = layout.qr.box;
          const overlaps =
            box.x < qr.x + qr.w && box.x + box.w > qr.x && box.y < qr.y + qr.h && box.y + box.h > qr.y;
          expect(overlaps, `${sizeId} "${line.text}" over the QR`).toBe(false);
        }
        // Serial first in bold, then SKU: a reader finds them in the same place on every label.
        const texts = layout.lines.filter((l) => l.font === 'Helvetica-Bold');
        expect(texts).toHaveLength(1);
      }
    });
  }

  it('shrinks, then cuts a long item name with "…" in two lines', () => {
    const layout = layoutOf(parseLabelSize('2x1in')!, CONTENTS[1]!, measure);
    const name = layout.lines.slice(-2);
    expect(name.map((l) => l.text).join(' ').length).toBeLessThan(LONG_NAME.length);
    expect(name[1]!.text.endsWith('…')).toBe(true);
    expect(LONG_NAME.startsWith(name[0]!.text)).toBe(true);
    // A short name keeps its full size and text.
    const short = layoutOf(parseLabelSize('2x1in')!, CONTENTS[0]!, measure);
    expect(short.lines.at(-1)!.text).toBe('Brake caliper');
  });

  it('draws exactly the Code 128 bwip-js encodes for the serial, with whole printer dots per module', () => {
    for (const sizeId of ['2x1in', '62x29mm', '4x6in']) {
      for (const content of CONTENTS.slice(0, 3)) {
        const layout = layoutOf(parseLabelSize(sizeId)!, content, measure);
        const symbol = encodeCode128(content.serialNumber)!;
        expect(layout.code128, `${sizeId} ${content.serialNumber}`).not.toBeNull();
        expect(scanBars(layout)).toEqual(symbol.widths);
        // It is a Code 128: a start code (A, B or C), 11 modules per character, the stop pattern.
        expect([
          [2, 1, 1, 4, 1, 2],
          [2, 1, 1, 2, 1, 4],
          [2, 1, 1, 2, 3, 2],
        ]).toContainEqual(symbol.widths.slice(0, 6));
        expect(symbol.widths.slice(-7)).toEqual([2, 3, 3, 1, 1, 1, 2]);
        expect((symbol.modules - 2) % 11).toBe(0);
        const dots = layout.code128!.moduleWidth / (72 / 203);
        expect(Math.abs(dots - Math.round(dots))).toBeLessThan(1e-6);
        expect(layout.code128!.moduleWidth).toBeGreaterThanOrEqual(0.19 * (72 / 25.4));
      }
    }
  });

  it('draws exactly the QR code of the payload the lookup resolves', () => {
    for (const sizeId of ['2x1in', '62x29mm', '4x6in']) {
      for (const content of CONTENTS) {
        const layout = layoutOf(parseLabelSize(sizeId)!, content, measure);
        const qr = encodeQr(encodeLabelPayload(content));
        expect(scanQr(layout, qr.size)).toEqual(qr.dark);
        // It is a QR code: 21 + 4n modules square, finder patterns in three corners.
        expect((qr.size - 21) % 4).toBe(0);
        for (const [r0, c0] of [
          [0, 0],
          [0, qr.size - 7],
          [qr.size - 7, 0],
        ] as const) {
          for (let i = 0; i < 7; i++) {
            expect(qr.dark[r0 * qr.size + c0 + i]).toBe(1);
            expect(qr.dark[(r0 + 6) * qr.size + c0 + i]).toBe(1);
          }
          expect(qr.dark[(r0 + 1) * qr.size + c0 + 1]).toBe(0);
        }
      }
    }
  });

  it('leaves the Code 128 off, and says so, when the serial is not ASCII or too long for the label', () => {
    const unicode = layoutOf(parseLabelSize('2x1in')!, CONTENTS[4]!, measure);
    expect(unicode.code128).toBeNull();
    expect(unicode.lines[0]!.text).toBe('No Code 128 for this serial: scan the QR code');
    expect(unicode.lines[1]!.text).toBe('Ünï-??-7');
    const long = layoutOf(parseLabelSize('2x1in')!, CONTENTS[3]!, measure);
    expect(long.code128).toBeNull();
    expect(long.lines[0]!.text).toBe('Serial too long for a Code 128 at this size: scan the QR code');
    // A wide enough label has room for it.
    expect(layoutOf(parseLabelSize('300x60mm')!, CONTENTS[3]!, measure).code128).not.toBeNull();
  });
});
