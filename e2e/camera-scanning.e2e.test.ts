import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type APIRequestContext, type Browser, type BrowserContext } from 'playwright-core';
import { launchBrowser, SCREENSHOTS, startServer, type RunningServer } from './support/server.js';
import { ADMIN } from './support/admin-session.js';

// Scanning with the device's camera, for real: Chromium's fake camera plays a video that the test makes from
// the product's own label PDFs (pdftoppm, then ffmpeg), and the app decodes it with its own WebAssembly.
describe('camera scanning in Chromium (fake camera fed with label PDFs)', () => {
  let server: RunningServer;
  let api: APIRequestContext;
  let csrf: string;
  let work: string;
  const browsers: Browser[] = [];
  let pumpA: number;
  let pumpB: number;
  let bin: number;
  const serialIds = new Map<string, number>();

  const post = async <T>(url: string, data: unknown): Promise<T> => {
    const res = await api.post(url, { data, headers: { 'x-csrf-token': csrf } });
    if (!res.ok()) throw new Error(`${url}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    server = await startServer();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-camera-'));
    api = await request.newContext({ baseURL: server.url });
    await api.post('/api/setup', { data: ADMIN });
    csrf = ((await (await api.post('/api/auth/login', { data: ADMIN })).json()) as { csrfToken: string })
      .csrfToken;
    bin = (await post<{ id: number }>('/api/locations', { code: 'R1-1A' })).id;
    const item = async (sku: string, name: string) =>
      (await post<{ id: number }>('/api/items', { sku, name, primaryLocationId: bin, trackSerials: true }))
        .id;
    pumpA = await item('PUMP-A', 'Water pump, cast iron housing');
    pumpB = await item('PUMP-B', 'Water pump, aluminium housing');
    const add = async (itemId: number, sku: string, numbers: string[]) => {
      const made = await post<{ serials: { id: number; serialNumber: string }[] }>(
        `/api/items/${itemId}/serials`,
        {
          serials: numbers.map((serialNumber) => ({ serialNumber })),
        },
      );
      for (const s of made.serials) serialIds.set(`${sku}/${s.serialNumber}`, s.id);
    };
    await add(pumpA, 'PUMP-A', ['WP-0001', 'WP-0002', 'WP-0003']);
    // The same serial number on another item: only the label's QR code (which names the SKU) tells them apart.
    await add(pumpB, 'PUMP-B', ['WP-0001']);
  });
  afterAll(async () => {
    for (const b of browsers) await b.close();
    await api?.dispose();
    await server?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** The label PDF exactly as the API serves it, one PNG per page (pdftoppm). */
  async function labelPngs(name: string, serials: string[]): Promise<string[]> {
    const res = await api.post('/api/labels', {
      data: { serialIds: serials.map((s) => serialIds.get(s)!) },
      headers: { 'x-csrf-token': csrf },
    });
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const pdf = path.join(work, `${name}.pdf`);
    fs.writeFileSync(pdf, await res.body());
    execFileSync('pdftoppm', ['-r', '200', '-png', pdf, path.join(work, name)]);
    const pages = fs
      .readdirSync(work)
      .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
      .sort()
      .map((f) => path.join(work, f));
    expect(pages).toHaveLength(serials.length);
    return pages;
  }

  /**
   * A camera video (MJPEG, 640 × 480, 30 frames a second, as Chromium's fake camera reads it): each picture
   * held in front of the camera for `seconds`, then an empty white view for `tailSeconds` (the file loops).
   */
  function cameraFeed(name: string, pictures: string[], seconds: number, tailSeconds: number): string {
    const out = path.join(work, `${name}.mjpeg`);
    const inputs = pictures.flatMap((p) => [
      '-loop',
      '1',
      '-framerate',
      '30',
      '-t',
      String(seconds),
      '-i',
      p,
    ]);
    const frame = (i: number) =>
      `[${i}:v]scale=480:360:force_original_aspect_ratio=decrease:flags=neighbor,` +
      `pad=640:480:(ow-iw)/2:(oh-ih)/2:white,setsar=1,fps=30,format=yuvj420p[v${i}]`;
    const tail = pictures.length;
    const filter = [
      ...pictures.map((_, i) => frame(i)),
      `[${tail}:v]format=yuvj420p,setsar=1[v${tail}]`,
      `${pictures.map((_, i) => `[v${i}]`).join('')}[v${tail}]concat=n=${tail + 1}:v=1:a=0[out]`,
    ].join(';');
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      ...inputs,
      '-f',
      'lavfi',
      '-t',
      String(tailSeconds),
      '-i',
      'color=c=white:s=640x480:r=30',
      '-filter_complex',
      filter,
      '-map',
      '[out]',
      '-c:v',
      'mjpeg',
      '-q:v',
      '2',
      '-f',
      'mjpeg',
      out,
    ]);
    expect(fs.statSync(out).size).toBeGreaterThan(10_000);
    return out;
  }

  /** A browser whose only camera plays `feed`, and a signed-in context; every request it makes is recorded. */
  async function cameraSession(feed: string, options: Parameters<Browser['newContext']>[0]) {
    const browser = await launchBrowser([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${feed}`,
    ]);
    browsers.push(browser);
    const context: BrowserContext = await browser.newContext(options);
    await context.request.post(`${server.url}/api/auth/login`, { data: ADMIN });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    return { page, requests };
  }

  it('looks a serial up by camera on a 390 px phone: the QR code opens exactly its Serial Detail', async () => {
    const [label] = await labelPngs('lookup', ['PUMP-B/WP-0001']);
    const feed = cameraFeed('lookup', [label!], 3, 0.5);
    const { page, requests } = await cameraSession(feed, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const response = await page.goto(`${server.url}/items`);
    // The decoder is WebAssembly: the page's policy lets it compile, and still loads nothing from elsewhere.
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    await page.getByRole('heading', { name: 'Items' }).waitFor();

    // The header folds its navigation behind Menu on a phone.
    const purchaseOrders = page.getByRole('link', { name: 'Purchase orders' });
    expect(await purchaseOrders.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await purchaseOrders.waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Menu' }).click();
    await purchaseOrders.waitFor({ state: 'hidden' });

    // The lookup sits at the bottom of the screen, in reach of the thumb, with a camera button 44 px tall.
    const box = page.getByLabel('Serial lookup');
    const camera = page.getByRole('button', { name: 'Scan with camera' });
    const boxAt = (await box.boundingBox())!;
    const cameraAt = (await camera.boundingBox())!;
    expect(boxAt.y + boxAt.height).toBeGreaterThan(844 - 70);
    expect(cameraAt.height).toBeGreaterThanOrEqual(44);
    expect(cameraAt.x + cameraAt.width).toBeLessThanOrEqual(390);

    // Nothing of the decoder is loaded until the camera opens.
    expect(requests.filter((u) => /camera-scanner|\.wasm/.test(u))).toEqual([]);
    await camera.click();
    const detail = page.getByRole('dialog', { name: 'Serial Detail — WP-0001' });
    await detail.waitFor();
    await detail.getByText('PUMP-B', { exact: false }).first().waitFor();
    expect(page.url()).toContain(`/items/${pumpB}?serial=`);
    // The camera closed after the one read: its view is gone.
    expect(await page.getByRole('dialog', { name: 'Scan with camera' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'camera-lookup-phone.png') });

    const wasm = requests.filter((u) => u.endsWith('.wasm'));
    expect(wasm).toHaveLength(1);
    // Everything, the decoder's JavaScript and WebAssembly included, came from the app itself.
    expect(requests.filter((u) => !u.startsWith(server.url))).toEqual([]);
    const wasmResponse = await page.request.get(wasm[0]!);
    expect(wasmResponse.headers()['content-type']).toBe('application/wasm');
  });
});
