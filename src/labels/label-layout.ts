import type { LabelSize } from './label-sizes.js';
import type { Code128Symbol, QrSymbol } from './label-symbols.js';

export type LabelFont = 'Helvetica' | 'Helvetica-Bold';
/** Width in points of `text` set in `font` at `size` points (the PDF writer's own font metrics). */
export type MeasureText = (text: string, font: LabelFont, size: number) => number;

export interface LabelContent {
  serialNumber: string;
  sku: string;
  itemName: string;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One line of text: `y` is the top of its line box, which is LINE_HEIGHT × size tall. */
export interface TextLine {
  text: string;
  font: LabelFont;
  size: number;
  x: number;
  y: number;
}

export interface LabelLayout {
  width: number;
  height: number;
  /** Every dark bar and QR module run, in page coordinates (points, origin top left). */
  rects: Rect[];
  lines: TextLine[];
  code128: { box: Rect; moduleWidth: number } | null;
  qr: { box: Rect; moduleSize: number };
}

export const LINE_HEIGHT = 1.2;
const MIN_FONT = 4;
const MM = 72 / 25.4;
/**
 * Most label printers print 203 dots per inch: a module that is a whole number of dots prints every bar
 * the same width, which is what keeps a Code 128 readable at small sizes. At 300 dpi the rounding error is
 * at most one dot either way, no worse than not snapping.
 */
const DOT = 72 / 203;
/** Below 0.19 mm (7.5 mil) handheld scanners stop reading Code 128 reliably: print no Code 128 then. */
const MIN_BAR_MODULE = 0.19 * MM;
/** Wider bars read no better and only look odd on a shipping label. */
const MAX_BAR_MODULE = 0.5 * MM;
/** Code 128 needs 10 modules of quiet zone each side; QR asks for 4, of which the label margin gives most. */
const CODE128_QUIET = 10;
const QR_QUIET = 2;

const snapToDots = (x: number) => (x >= 2 * DOT ? Math.floor(x / DOT + 1e-9) * DOT : x);

/** Standard PDF fonts speak WinAnsi only; anything else would print as garbage, so it prints as "?". */
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
export function printableText(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    out += (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.includes(ch) ? ch : '?';
  }
  return out;
}

/** The largest size from max down to MIN_FONT at which `text` fits `width`; cut with "…" if even MIN_FONT is too wide. */
export function fitLine(
  text: string,
  font: LabelFont,
  maxSize: number,
  width: number,
  measure: MeasureText,
): { text: string; size: number } {
  const natural = measure(text, font, maxSize);
  if (natural <= width) return { text, size: maxSize };
  const floor = Math.min(MIN_FONT, maxSize);
  const size = Math.floor(((maxSize * width) / natural) * 4) / 4;
  if (size >= floor) return { text, size };
  return { text: truncate(text, font, floor, width, measure), size: floor };
}

function truncate(text: string, font: LabelFont, size: number, width: number, measure: MeasureText): string {
  if (measure(text, font, size) <= width) return text;
  const chars = [...text];
  // Binary search the longest prefix that fits with the ellipsis.
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${chars.slice(0, mid).join('')}…`, font, size) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('').trimEnd()}…`;
}

/** Word-wraps into at most `maxLines` lines, shrinking to MIN_FONT first and cutting the last line after. */
export function fitLines(
  text: string,
  font: LabelFont,
  maxSize: number,
  width: number,
  maxLines: number,
  measure: MeasureText,
): { lines: string[]; size: number } {
  const floor = Math.min(MIN_FONT, maxSize);
  for (let size = maxSize; ; size = Math.max(floor, size - 0.5)) {
    const lines = wrap(text, font, size, width, measure);
    if (lines.length <= maxLines) return { lines, size };
    if (size === floor) {
      const kept = lines.slice(0, maxLines);
      kept[maxLines - 1] = truncate(lines.slice(maxLines - 1).join(' '), font, size, width, measure);
      return { lines: kept, size };
    }
  }
}

function wrap(text: string, font: LabelFont, size: number, width: number, measure: MeasureText): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate, font, size) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    // A word wider than the line (a long part number) breaks between characters.
    line = '';
    for (const ch of word) {
      if (line && measure(line + ch, font, size) > width) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function barRects(symbol: Code128Symbol, box: Rect, module: number): Rect[] {
  const rects: Rect[] = [];
  const width = (symbol.modules + 2 * CODE128_QUIET) * module;
  // Centred, with the left edge on the printer's dot grid.
  let x = box.x + Math.floor((box.w - width) / 2 / DOT) * DOT + CODE128_QUIET * module;
  symbol.widths.forEach((w, i) => {
    if (i % 2 === 0) rects.push({ x, y: box.y, w: w * module, h: box.h });
    x += w * module;
  });
  return rects;
}

function qrRects(symbol: QrSymbol, x0: number, y0: number, module: number): Rect[] {
  const rects: Rect[] = [];
  // One rectangle per horizontal run of dark modules: a quarter of the drawing operations of one per module.
  for (let row = 0; row < symbol.size; row++) {
    let col = 0;
    while (col < symbol.size) {
      if (!symbol.dark[row * symbol.size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < symbol.size && symbol.dark[row * symbol.size + col]) col++;
      rects.push({ x: x0 + start * module, y: y0 + row * module, w: (col - start) * module, h: module });
    }
  }
  return rects;
}

/**
 * Lays out one label: Code 128 of the serial across the full width (what a 1D scanner needs), the QR code,
 * and the serial number, SKU and item name as text. Wide labels put the QR beside the text under the bars;
 * tall ones stack text, bars and QR. Text shrinks, then is cut with "…", so nothing ever leaves the label.
 */
export function layoutLabel(
  size: LabelSize,
  content: LabelContent,
  symbols: { code128: Code128Symbol | null; qr: QrSymbol },
  measure: MeasureText,
): LabelLayout {
  const W = size.widthPt;
  const H = size.heightPt;
  const margin = Math.min(14, Math.max(4, Math.min(W, H) * 0.06));
  const inner: Rect = { x: margin, y: margin, w: W - 2 * margin, h: H - 2 * margin };
  const gap = Math.max(2, inner.h * 0.04);
  const tall = H > W;

  let barBox: Rect;
  let qrBox: Rect;
  let textBox: Rect;
  if (tall) {
    const textH = inner.h * 0.26;
    const barH = Math.min(inner.h * 0.18, 72);
    textBox = { x: inner.x, y: inner.y, w: inner.w, h: textH };
    barBox = { x: inner.x, y: inner.y + textH + gap, w: inner.w, h: barH };
    const qrTop = barBox.y + barH + gap;
    const side = Math.min(inner.w, inner.y + inner.h - qrTop);
    qrBox = { x: inner.x + (inner.w - side) / 2, y: qrTop, w: side, h: side };
  } else {
    const barH = Math.min(inner.h * 0.34, 72);
    barBox = { x: inner.x, y: inner.y, w: inner.w, h: barH };
    const lowerY = inner.y + barH + gap;
    const lowerH = inner.y + inner.h - lowerY;
    const side = Math.min(lowerH, inner.w * 0.45);
    qrBox = { x: inner.x, y: lowerY, w: side, h: side };
    textBox = { x: inner.x + side + gap, y: lowerY, w: inner.w - side - gap, h: lowerH };
  }

  const rects: Rect[] = [];
  const lines: TextLine[] = [];

  let code128: LabelLayout['code128'] = null;
  if (symbols.code128) {
    const fitted = barBox.w / (symbols.code128.modules + 2 * CODE128_QUIET);
    const module = snapToDots(Math.min(fitted, MAX_BAR_MODULE));
    if (module >= MIN_BAR_MODULE) {
      code128 = { box: barBox, moduleWidth: module };
      rects.push(...barRects(symbols.code128, barBox, module));
    }
  }
  if (!code128) {
    // Said on the label, so nobody hunts for a barcode that cannot be there; the QR code still works.
    const why = symbols.code128
      ? 'Serial too long for a Code 128 at this size'
      : 'No Code 128 for this serial';
    const note = fitLine(`${why}: scan the QR code`, 'Helvetica', 7, barBox.w, measure);
    lines.push({
      ...note,
      font: 'Helvetica',
      x: barBox.x,
      y: barBox.y + (barBox.h - note.size * LINE_HEIGHT) / 2,
    });
  }

  const qrModule = snapToDots(qrBox.w / (symbols.qr.size + 2 * QR_QUIET));
  rects.push(...qrRects(symbols.qr, qrBox.x + QR_QUIET * qrModule, qrBox.y + QR_QUIET * qrModule, qrModule));

  // Height shares: serial 1.35, SKU 1, item name two lines of 1.
  const unit = textBox.h / ((1.35 + 1 + 2) * LINE_HEIGHT);
  const serial = fitLine(
    printableText(content.serialNumber),
    'Helvetica-Bold',
    Math.min(unit * 1.35, 28),
    textBox.w,
    measure,
  );
  const sku = fitLine(printableText(content.sku), 'Helvetica', Math.min(unit, 20), textBox.w, measure);
  const name = fitLines(
    printableText(content.itemName),
    'Helvetica',
    Math.min(unit, 20),
    textBox.w,
    2,
    measure,
  );
  let y = textBox.y;
  lines.push({ ...serial, font: 'Helvetica-Bold', x: textBox.x, y });
  y += serial.size * LINE_HEIGHT;
  lines.push({ ...sku, font: 'Helvetica', x: textBox.x, y });
  y += sku.size * LINE_HEIGHT;
  for (const text of name.lines) {
    lines.push({ text, font: 'Helvetica', size: name.size, x: textBox.x, y });
    y += name.size * LINE_HEIGHT;
  }

  return { width: W, height: H, rects, lines, code128, qr: { box: qrBox, moduleSize: qrModule } };
}
