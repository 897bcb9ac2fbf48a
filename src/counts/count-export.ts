import PDFDocument from 'pdfkit';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { toEscapedCsvLines } from '../serial-export/serial-csv.js';
import { statusLabel } from '../serials/serial-status.js';
import type { Review, ReviewSerial } from './count-review.js';
import type { CountView } from './counts.service.js';
import type { CsvExport } from '../serial-export/serial-export.service.js';

/** The review's lists under the names a person reads in the export. */
const SECTIONS: { key: Exclude<keyof Review, 'lines'>; title: string }[] = [
  { key: 'missing', title: 'Not found' },
  { key: 'misplaced', title: 'Misplaced' },
  { key: 'foundMissing', title: 'Missing, found again' },
  { key: 'unexpected', title: 'Unexpected (not in stock or not counted)' },
  { key: 'unknown', title: 'Unknown serials' },
];

const status = (s: ReviewSerial) => (s.status ? statusLabel(s.status) : '');

/** Every line and every serial of the review as CSV rows, cells escaped against spreadsheet formulas. */
export function reviewCsv(count: CountView, review: Review, bom: boolean): CsvExport {
  const rows: string[][] = [
    [
      'Count',
      count.number,
      'Locations',
      count.locations.map((l) => l.code).join(' '),
      'Status',
      count.status,
    ],
    [],
    ['SKU', 'Location', 'Expected', 'Found', 'Not found', 'Misplaced here', 'Quantity on hand', 'Difference'],
    ...review.lines.map((l) => [
      l.sku,
      l.locationCode,
      String(l.expected),
      String(l.found),
      String(l.missing),
      String(l.misplaced),
      String(l.quantityOnHand),
      String(l.difference),
    ]),
    [],
    ['List', 'Serial Number', 'SKU', 'Status', 'Recorded at', 'Found at', 'Scanned by', 'Scanned at'],
  ];
  for (const section of SECTIONS) {
    for (const s of review[section.key]) {
      rows.push([
        section.title,
        s.serialNumber,
        s.sku ?? '',
        status(s),
        s.recordedLocationCode ?? '',
        s.foundLocationCode ?? '',
        s.username ?? '',
        s.at ?? '',
      ]);
    }
  }
  async function* chunks() {
    if (bom) yield '\uFEFF';
    for (let i = 0; i < rows.length; i += 1000) {
      yield toEscapedCsvLines(rows.slice(i, i + 1000));
      await yieldToEventLoop();
    }
  }
  return { fileName: `${count.number}.csv`, chunks: chunks() };
}

/** The review as a printable A4 report (pdfkit, as the labels), streamed as it is drawn. */
export function reviewPdf(count: CountView, review: Review): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    info: { Title: `Count ${count.number}`, Creator: 'Serialtrack' },
  });
  const render = async () => {
    doc.font('Helvetica-Bold').fontSize(16).text(`Count ${count.number}`);
    doc
      .font('Helvetica')
      .fontSize(10)
      .text(
        `Locations: ${count.locations.map((l) => l.code).join(', ')} · ${count.status === 'open' ? 'Open' : 'Closed'} · started ${count.createdAt} by ${count.createdBy}`,
      );
    doc.moveDown();
    const columns = [40, 170, 260, 320, 380, 440, 500];
    const row = (cells: string[], bold = false) => {
      if (doc.y > 780) doc.addPage();
      const y = doc.y;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
      cells.forEach((c, i) =>
        doc.text(c, columns[i], y, {
          width: (columns[i + 1] ?? 555) - columns[i]! - 4,
          lineBreak: false,
          ellipsis: true,
        }),
      );
      doc.x = 40;
      doc.y = y + 13;
    };
    row(['SKU', 'Location', 'Expected', 'Found', 'Not found', 'Misplaced', 'On hand'], true);
    for (const l of review.lines) {
      row([
        l.sku,
        l.locationCode,
        String(l.expected),
        String(l.found),
        String(l.missing),
        String(l.misplaced),
        String(l.quantityOnHand),
      ]);
    }
    let n = 0;
    for (const section of SECTIONS) {
      const list = review[section.key];
      doc.moveDown();
      if (doc.y > 760) doc.addPage();
      doc.font('Helvetica-Bold').fontSize(12).text(`${section.title} (${list.length})`, 40);
      if (list.length > 0)
        row(['Serial Number', 'SKU', 'Status', 'Recorded at', 'Found at', 'Scanned by'], true);
      for (const s of list) {
        row([
          s.serialNumber,
          s.sku ?? '',
          status(s),
          s.recordedLocationCode ?? '',
          s.foundLocationCode ?? '',
          s.username ?? '',
        ]);
        if (++n % 200 === 0) await yieldToEventLoop();
      }
    }
    doc.end();
  };
  render().catch((err: unknown) => doc.destroy(err instanceof Error ? err : new Error(String(err))));
  return doc;
}
