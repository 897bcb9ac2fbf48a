import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import PDFDocument from 'pdfkit';
import { encodeLabelPayload } from './label-payload.js';
import { layoutLabel, type LabelContent, type LabelLayout, type MeasureText } from './label-layout.js';
import type { LabelSize } from './label-sizes.js';
import { encodeCode128, encodeQr } from './label-symbols.js';

/** Text widths from pdfkit's own metrics for the standard fonts, so layout and print agree exactly. */
export function pdfTextMeasurer(
  doc: PDFKit.PDFDocument = new PDFDocument({ autoFirstPage: false }),
): MeasureText {
  return (text, font, size) => doc.font(font).fontSize(size).widthOfString(text);
}

/** The layout of one label, its symbols encoded by bwip-js. */
export function layoutOf(size: LabelSize, label: LabelContent, measure: MeasureText): LabelLayout {
  return layoutLabel(
    size,
    label,
    { code128: encodeCode128(label.serialNumber), qr: encodeQr(encodeLabelPayload(label)) },
    measure,
  );
}

function drawLabel(doc: PDFKit.PDFDocument, layout: LabelLayout): void {
  doc.addPage({ size: [layout.width, layout.height], margin: 0 });
  // Every bar and QR run as one path filled once: small pages, fast to write and to print.
  for (const r of layout.rects) doc.rect(r.x, r.y, r.w, r.h);
  if (layout.rects.length > 0) doc.fill('#000000');
  for (const line of layout.lines) {
    doc
      .font(line.font)
      .fontSize(line.size)
      .fillColor('#000000')
      .text(line.text, line.x, line.y, { lineBreak: false });
  }
}

/** pdfkit pushes without waiting for the reader; past this many buffered bytes, rendering pauses. */
const MAX_BUFFERED = 1024 * 1024;
/** Labels drawn between yields to the event loop, so a big print job never stalls other requests. */
const LABELS_PER_SLICE = 4;

/**
 * A PDF with one page per label, each page exactly the label's size, streamed as it is drawn: nothing per
 * serial is kept once its page is written, so thousands of labels cost no more memory than one.
 */
export function createLabelsPdf(
  size: LabelSize,
  labels: readonly LabelContent[],
  options: { title?: string; compress?: boolean } = {},
): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    autoFirstPage: false,
    compress: options.compress ?? true,
    info: { Title: options.title ?? 'Serial labels', Creator: 'Serialtrack' },
  });
  const measure = pdfTextMeasurer(doc);
  const render = async () => {
    for (let i = 0; i < labels.length; i++) {
      if (doc.destroyed) return; // the client went away
      drawLabel(doc, layoutOf(size, labels[i]!, measure));
      if (i % LABELS_PER_SLICE === LABELS_PER_SLICE - 1) await yieldToEventLoop();
      while (doc.readableLength > MAX_BUFFERED && !doc.destroyed) await sleep(5);
    }
    doc.end();
  };
  render().catch((err: unknown) => doc.destroy(err instanceof Error ? err : new Error(String(err))));
  return doc;
}
