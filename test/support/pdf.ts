import { inflateSync } from 'node:zlib';

export interface PdfPage {
  /** [width, height] in points, from the page's MediaBox. */
  size: [number, number];
  /** The text the page shows, one entry per text object (BT … ET), decoded from pdfkit's hex strings. */
  texts: string[];
  /** How many rectangles the page draws (bars and QR module runs). */
  rects: number;
}

/**
 * Just enough of a PDF reader for pdfkit's output: every `/Type /Page` object with its MediaBox and its
 * content stream (inflated when FlateDecode). Not a general PDF parser, and it need not be one: the tests
 * read what our writer wrote.
 */
export function readPdf(pdf: Buffer): { header: string; pages: PdfPage[] } {
  const text = pdf.toString('latin1');
  const objects = new Map<string, { dict: string; stream: Buffer | null }>();
  const objRe = /(\d+) 0 obj\s*(<<[\s\S]*?>>)\s*(stream\r?\n)?/g;
  for (let m = objRe.exec(text); m; m = objRe.exec(text)) {
    let stream: Buffer | null = null;
    if (m[3]) {
      const start = m.index + m[0].length;
      const end = text.indexOf('endstream', start);
      const raw = pdf.subarray(start, end);
      stream = m[2]!.includes('/FlateDecode') ? inflateSync(raw) : raw;
    }
    objects.set(m[1]!, { dict: m[2]!, stream });
  }
  const pages: PdfPage[] = [];
  for (const { dict } of objects.values()) {
    if (!/\/Type \/Page\b/.test(dict)) continue;
    const box = /\/MediaBox \[([^\]]+)\]/.exec(dict)![1]!.trim().split(/\s+/).map(Number);
    const contentRef = /\/Contents (\d+) 0 R/.exec(dict)![1]!;
    const content = objects.get(contentRef)!.stream!.toString('latin1');
    const texts = [...content.matchAll(/BT([\s\S]*?)ET/g)].map((bt) =>
      [...bt[1]!.matchAll(/<([0-9a-fA-F]*)>/g)]
        .map((h) => Buffer.from(h[1]!, 'hex').toString('latin1'))
        .join('')
        // WinAnsi's one code the labels use outside Latin-1: the ellipsis of cut text.
        .replaceAll('\x85', '…'),
    );
    pages.push({
      size: [box[2]! - box[0]!, box[3]! - box[1]!],
      texts,
      rects: content.match(/ re\b/g)?.length ?? 0,
    });
  }
  return { header: text.slice(0, 8), pages };
}
