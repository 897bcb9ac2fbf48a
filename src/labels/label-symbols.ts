import bwipjs from 'bwip-js';

/** A Code 128 symbol as alternating bar/space widths in modules, starting with a bar (bwip-js `sbs`). */
export interface Code128Symbol {
  widths: number[];
  modules: number;
}

/** A QR code as a square matrix of dark (1) and light (0) modules, row by row. */
export interface QrSymbol {
  size: number;
  dark: Uint8Array;
}

/**
 * Code 128 carries the serial only when every character is printable ASCII. Code 128 can encode Latin-1
 * through FNC4, but scanners in keyboard mode type those bytes in whatever code page the PC uses, and
 * anything beyond Latin-1 it cannot hold at all (bwip-js silently mangles it): such a label prints without
 * the Code 128 and says so, and its QR code (percent-encoded ASCII) still finds the serial.
 */
export function isCode128Safe(text: string): boolean {
  return /^[\x20-\x7e]+$/.test(text);
}

/** Encodes with bwip-js; null when the text is not Code 128 safe (see isCode128Safe). */
export function encodeCode128(text: string): Code128Symbol | null {
  if (!isCode128Safe(text)) return null;
  // parsefnc off: a serial containing "^" is data, never a function-character escape.
  const [symbol] = bwipjs.raw({ bcid: 'code128', text, parse: false, parsefnc: false });
  if (!symbol || !('sbs' in symbol)) throw new Error('bwip-js returned no Code 128 bars');
  return { widths: symbol.sbs, modules: symbol.sbs.reduce((n, w) => n + w, 0) };
}

/** Encodes with bwip-js at error-correction level M (15%): labels get scuffed, and M keeps codes small. */
export function encodeQr(text: string): QrSymbol {
  // eclevel is a BWIPP option the bwip-js typings do not list.
  const options: bwipjs.RawOptions & { eclevel: string } = { bcid: 'qrcode', text, eclevel: 'M' };
  const [symbol] = bwipjs.raw(options);
  if (!symbol || !('pixs' in symbol) || symbol.pixx !== symbol.pixy) {
    throw new Error('bwip-js returned no QR matrix');
  }
  return { size: symbol.pixx, dark: Uint8Array.from(symbol.pixs) };
}
