import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Client } from './test-app.js';

/** Shapes of the document endpoints' answers, as far as the tests read them. */
export interface PoLineJson {
  id: number;
  lineNo: number;
  itemId: number;
  quantityOrdered: number;
  quantityReceived: number;
  unitCost: number;
  trackSerials: boolean;
}
export interface PoJson {
  id: number;
  number: string;
  supplierId: number;
  supplierName: string;
  status: string;
  notes: string;
  lines: PoLineJson[];
  receipts: {
    id: number;
    number: string;
    username: string;
    lines: { lineId: number; locationId: number; locationCode: string; quantity: number }[];
  }[];
}
export interface ReceiptJson {
  receipt: { id: number; number: string };
  serials: { id: number; serialNumber: string; itemId: number; locationId: number }[];
  purchaseOrder: PoJson;
}
export interface SaleJson {
  id: number;
  number: string;
  customerId: number;
  customerName: string;
  status: string;
  saleDate: string | null;
  lines: {
    id: number;
    itemId: number;
    quantity: number;
    locationId: number | null;
    serials: { id: number; serialNumber: string; status: string }[];
  }[];
}
export interface ReturnJson {
  id: number;
  number: string;
  saleId: number;
  saleNumber: string;
  customerName: string;
  locationId: number;
  locationCode: string;
  username: string;
  serials: { id: number; serialNumber: string; itemId: number; conditionNotes: string }[];
}
export interface ProblemJson {
  code: string;
  detail: string;
  errors?: { field: string; code: string; message: string }[];
}
export interface EventJson {
  kind: string;
  username: string | null;
  document: { type: string; number: string | null } | null;
  fromLocationId: number | null;
  fromLocationCode: string | null;
  toLocationId: number | null;
  toLocationCode: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  customerId: number | null;
  customerName: string | null;
  data: Record<string, unknown> | null;
}
export interface SerialDetailJson {
  serial: {
    id: number;
    itemId: number;
    serialNumber: string;
    status: string;
    locationId: number;
    locationCode: string;
    customerId: number | null;
    customerName: string | null;
    warrantyEndDate: string | null;
    warrantyStatus: string;
    conditionNotes: string;
    source: { type: string; number: string | null };
    usedOn: { type: string; number: string | null } | null;
    version: number;
  };
  history: EventJson[];
}
export interface StockJson {
  quantityOnHand: number;
  serialsPresent: number;
  mismatch: number;
  locations: {
    locationId: number;
    locationCode: string;
    quantityOnHand: number;
    serialsPresent: number;
    mismatch: number;
  }[];
}

function created(res: LightMyRequestResponse, what: string): void {
  if (res.statusCode !== 201) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
}

export async function makeSupplier(client: Client, name: string, fields: Record<string, unknown> = {}) {
  const res = await client.post('/api/suppliers', { name, ...fields });
  created(res, `supplier ${name}`);
  return res.json<{ id: number }>().id;
}

export async function makeCustomer(client: Client, name: string, fields: Record<string, unknown> = {}) {
  const res = await client.post('/api/customers', { name, ...fields });
  created(res, `customer ${name}`);
  return res.json<{ id: number }>().id;
}

export async function createPo(
  client: Client,
  supplierId: number,
  lines: { itemId: number; quantityOrdered: number; unitCost?: number }[],
  extra: Record<string, unknown> = {},
): Promise<PoJson> {
  const res = await client.post('/api/purchase-orders', { supplierId, lines, ...extra });
  created(res, 'purchase order');
  return res.json<PoJson>();
}

export async function adjustStock(client: Client, itemId: number, locationId: number, delta: number) {
  const res = await client.post('/api/stock-adjustments', {
    itemId,
    locationId,
    delta,
    reason: 'Opening stock',
  });
  created(res, 'stock adjustment');
}

export async function stockOf(client: Client, itemId: number): Promise<StockJson> {
  const res = await client.get(`/api/items/${itemId}/stock`);
  expect(res.statusCode).toBe(200);
  return res.json<StockJson>();
}

/** Quantity on hand per location code, leaving out locations at zero. */
export async function stockByCode(client: Client, itemId: number): Promise<Record<string, number>> {
  const s = await stockOf(client, itemId);
  return Object.fromEntries(
    s.locations.filter((l) => l.quantityOnHand !== 0).map((l) => [l.locationCode, l.quantityOnHand]),
  );
}

export async function serialDetail(client: Client, serialId: number): Promise<SerialDetailJson> {
  const res = await client.get(`/api/serials/${serialId}`);
  expect(res.statusCode).toBe(200);
  return res.json<SerialDetailJson>();
}

/** The serials of an item (first 500), by serial number. */
export async function serialsOf(
  client: Client,
  itemId: number,
): Promise<{ id: number; serialNumber: string; status: string; locationId: number }[]> {
  const res = await client.get(`/api/items/${itemId}/serials?limit=500`);
  expect(res.statusCode).toBe(200);
  return res.json<{ serials: { id: number; serialNumber: string; status: string; locationId: number }[] }>()
    .serials;
}

/** The replay check lives with the database-wide one; re-exported for the document tests. */
export { expectHistoryReplays } from './history-replay.js';

export function problemOf(res: LightMyRequestResponse): ProblemJson {
  expect(res.headers['content-type']).toContain('application/problem+json');
  return res.json<ProblemJson>();
}

/** The errors of a problem as "field code" strings, sorted, for exact comparison. */
export function errorList(res: LightMyRequestResponse): string[] {
  return (problemOf(res).errors ?? []).map((e) => `${e.field} ${e.code}`).sort();
}

/** Today (UTC) plus whole months, clamped to the month's end, computed independently of the app. */
export function todayPlusMonths(months: number): string {
  const now = new Date();
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = new Date(Date.UTC(y, m, Math.min(now.getUTCDate(), lastDay)));
  return d.toISOString().slice(0, 10);
}

export const todayUtc = (): string => new Date().toISOString().slice(0, 10);
