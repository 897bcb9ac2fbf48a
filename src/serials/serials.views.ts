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

export function toSerialView(r: SerialRowWithRefs, today: string): SerialView {
  return {
    id: r.id,
    itemId: r.item_id,
    serialNumber: r.serial_number,
    status: r.status as SerialStatus,
    statusLabel: statusLabel(r.status),
    statusColor: isSerialStatus(r.status) ? STATUS_INFO[r.status].color : '#000000',
    locationId: r.location_id,
    locationCode: r.location_code,
    customerId: r.customer_id,
    customerName: r.customer_name,
    warrantyEndDate: r.warranty_end_date,
    warrantyStatus: warrantyStatus(r.warranty_end_date, today),
    dateReceived: r.date_received,
    conditionNotes: r.condition_notes,
    source: { type: r.source_document_type, number: r.source_document_number },
    usedOn: r.last_document_type ? { type: r.last_document_type, number: r.last_document_number } : null,
    version: r.version,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
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
