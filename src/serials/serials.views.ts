import { statusLabel, STATUS_INFO, isSerialStatus, type SerialStatus } from './serial-status.js';
import { warrantyStatus, type WarrantyStatus } from './warranty.js';
import type { serialsRepository } from './serials.repository.js';

type SerialRowWithRefs = NonNullable<Awaited<ReturnType<typeof serialsRepository.findById>>>;
type EventRow = Awaited<ReturnType<typeof serialsRepository.events>>[number];

export interface DocumentRef {
  type: string;
  number: string | null;
}

export interface SerialView {
  id: number;
  itemId: number;
  serialNumber: string;
  status: SerialStatus;
  statusLabel: string;
  statusColor: string;
  locationId: number;
  locationCode: string;
  customerId: number | null;
  customerName: string | null;
  warrantyEndDate: string | null;
  warrantyStatus: WarrantyStatus;
  dateReceived: string;
  conditionNotes: string;
  source: DocumentRef;
  usedOn: DocumentRef | null;
  version: number;
  createdAt: string;
  createdBy: number | null;
  updatedAt: string;
  updatedBy: number | null;
}

export interface SerialEventView {
  id: number;
  kind: string;
  at: string;
  userId: number | null;
  username: string | null;
  document: DocumentRef | null;
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

/*
 * Serial views are built with `new`, not object literals, on purpose. V8 tracks an object literal's allocation
 * site and, once most of its objects survive a minor GC (addSerials returns up to 10,000 views at once),
 * allocates every later object of that site directly in the old generation. Each page of 50 views is
 * short-lived, but from the old generation it keeps its strings alive through every minor GC until the next
 * full one: minor-GC pauses grew from about 1 ms to 10–20 ms and set the serial list's p99 (bench/README.md).
 * Objects made by `new` are not pretenured this way.
 */
class DocumentRefObject implements DocumentRef {
  constructor(
    readonly type: string,
    readonly number: string | null,
  ) {}
}

class SerialViewObject implements SerialView {
  id: number;
  itemId: number;
  serialNumber: string;
  status: SerialStatus;
  statusLabel: string;
  statusColor: string;
  locationId: number;
  locationCode: string;
  customerId: number | null;
  customerName: string | null;
  warrantyEndDate: string | null;
  warrantyStatus: WarrantyStatus;
  dateReceived: string;
  conditionNotes: string;
  source: DocumentRef;
  usedOn: DocumentRef | null;
  version: number;
  createdAt: string;
  createdBy: number | null;
  updatedAt: string;
  updatedBy: number | null;

  constructor(r: SerialRowWithRefs, today: string) {
    this.id = r.id;
    this.itemId = r.item_id;
    this.serialNumber = r.serial_number;
    this.status = r.status as SerialStatus;
    this.statusLabel = statusLabel(r.status);
    this.statusColor = isSerialStatus(r.status) ? STATUS_INFO[r.status].color : '#000000';
    this.locationId = r.location_id;
    this.locationCode = r.location_code;
    this.customerId = r.customer_id;
    this.customerName = r.customer_name;
    this.warrantyEndDate = r.warranty_end_date;
    this.warrantyStatus = warrantyStatus(r.warranty_end_date, today);
    this.dateReceived = r.date_received;
    this.conditionNotes = r.condition_notes;
    this.source = new DocumentRefObject(r.source_document_type, r.source_document_number);
    this.usedOn = r.last_document_type
      ? new DocumentRefObject(r.last_document_type, r.last_document_number)
      : null;
    this.version = r.version;
    this.createdAt = r.created_at;
    this.createdBy = r.created_by;
    this.updatedAt = r.updated_at;
    this.updatedBy = r.updated_by;
  }
}

export function toSerialView(r: SerialRowWithRefs, today: string): SerialView {
  return new SerialViewObject(r, today);
}

export function toSerialEventView(e: EventRow): SerialEventView {
  return {
    id: e.id,
    kind: e.kind,
    at: e.at,
    userId: e.user_id,
    username: e.username,
    document: e.document_type ? { type: e.document_type, number: e.document_number } : null,
    fromLocationId: e.from_location_id,
    fromLocationCode: e.from_location_code,
    toLocationId: e.to_location_id,
    toLocationCode: e.to_location_code,
    fromStatus: e.from_status,
    toStatus: e.to_status,
    customerId: e.customer_id,
    customerName: e.customer_name,
    data: e.data ? (JSON.parse(e.data) as Record<string, unknown>) : null,
  };
}
