import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from './server.js';

export const ADMIN = { username: 'admin', password: 'admin-password-123' };

export interface AdminSession {
  /** A 1280 × 900 page signed in as the first administrator. */
  page: Page;
  /** POSTs JSON with the session's cookie and CSRF token; throws with the server's answer unless 2xx. */
  api: <T>(url: string, data: unknown) => Promise<T>;
}

/** First-run setup on the fresh server, then a page signed in as that administrator. */
export async function openAdminSession(server: RunningServer, browser: Browser): Promise<AdminSession> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  const request = page.request;
  await request.post(`${server.url}/api/setup`, { data: ADMIN });
  const session = (await (await request.post(`${server.url}/api/auth/login`, { data: ADMIN })).json()) as {
    csrfToken: string;
  };
  const api = async <T>(url: string, data: unknown): Promise<T> => {
    const res = await request.post(`${server.url}${url}`, {
      data,
      headers: { 'x-csrf-token': session.csrfToken },
    });
    if (!res.ok()) throw new Error(`${url}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return { page, api };
}

/** A location and a serial-tracked item stored there by default; answers the item's id. */
export async function makeTrackedItem(
  api: AdminSession['api'],
  item: { sku: string; name: string; locationCode: string },
): Promise<number> {
  const primaryLocationId = (await api<{ id: number }>('/api/locations', { code: item.locationCode })).id;
  const created = await api<{ id: number }>('/api/items', {
    sku: item.sku,
    name: item.name,
    primaryLocationId,
    trackSerials: true,
  });
  return created.id;
}
