import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
// Bundled by vite and served by the app itself: zxing-wasm would otherwise fetch its WebAssembly from a CDN.
import readerWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { CodeRead } from './scan-reads';

// Set before any read: the library re-instantiates only when these overrides change (shallow comparison).
const OVERRIDES = {
  locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? readerWasmUrl : prefix + path),
};
prepareZXingModule({ overrides: OVERRIDES });

const OPTIONS: ReaderOptions = {
  // Our labels' Code 128 and QR code, retail EAN/UPC, and the DataMatrix many manufacturers print.
  formats: ['Code128', 'QRCode', 'EANUPC', 'DataMatrix'],
  tryHarder: true,
  maxNumberOfSymbols: 4,
};

/** Compiles the decoder now, so the first frame is not the one that waits for it. */
export async function loadDecoder(): Promise<void> {
  await prepareZXingModule({ overrides: OVERRIDES, fireImmediately: true });
}

/** The codes in one camera frame. */
export async function decodeFrame(image: ImageData): Promise<CodeRead[]> {
  const results = await readBarcodes(image, OPTIONS);
  return results.filter((r) => r.isValid).map((r) => ({ text: r.text, format: r.format }));
}
