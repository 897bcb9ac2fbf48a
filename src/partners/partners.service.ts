import type { Db } from '../db/database.js';
import { AppError, conflict, notFound } from '../shared/errors.js';
import { nowIso, todayIso } from '../shared/time.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { MAX_SQL_INT } from '../shared/sql.js';
import { isSerialStatus, STATUS_INFO, statusLabel, type SerialStatus } from '../serials/serial-status.js';
import { serialsRepository } from '../serials/serials.repository.js';
import { warrantyStatus, type WarrantyStatus } from '../serials/warranty.js';
import { partnersRepository, type PartnerTable } from './partners.repository.js';

export interface PartnerView {
  id: number;
  name: string;
  contact: string;
  notes: string;
}

export interface CustomerSerialView {
  id: number;
  serialNumber: string;
  itemId: number;
  itemSku: string;
  itemName: string;
  status: SerialStatus;
  statusLabel: string;
  statusColor: string;
  warrantyEndDate: string | null;
  warrantyStatus: WarrantyStatus;
  usedOn: { type: string; number: string | null } | null;
  locationId: number;
  locationCode: string;
  updatedAt: string;
}

/** The [updated_at, id] of the last serial shown; anything else is BAD_CURSOR, never a database error. */
function decodeSerialCursor(cursor: string): [string, number] {
  const [updatedAt, id] = decodeCursor(cursor, 2);
  if (typeof updatedAt === 'string' && Number.isInteger(id) && Number(id) >= 1 && Number(id) <= MAX_SQL_INT) {
    return [updatedAt, Number(id)];
  }
  throw new AppError(
    'bad_request',
    'BAD_CURSOR',
    'The page cursor is not valid for this list. Start again from the first page.',
  );
}

export interface PartnerInput {
  name: string;
  contact?: string | undefined;
  notes?: string | undefined;
}

export interface NewPartnerInput extends PartnerInput {
  /** Creates it even when a partner of the same name (case and spaces ignored) exists. */
  allowDuplicateName?: boolean | undefined;
}

/** One service per partner table: suppliers or customers. */
export function createPartnersService(db: Db, table: PartnerTable) {
  const label = table === 'suppliers' ? 'Supplier' : 'Customer';
  const service = {
    async list(q: { search?: string | undefined; cursor?: string | undefined; limit: number }) {
      const after = q.cursor ? decodeCursor(q.cursor, 2) : undefined;
      const rows = await partnersRepository.list(db, table, {
        search: q.search,
        ...(after && { afterName: [String(after[0]), Number(after[1])] as [string, number] }),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        [table]: page,
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.name, last.id]) : null,
      };
    },

    async get(id: number): Promise<PartnerView> {
      const row = await partnersRepository.findById(db, table, id);
      if (!row) throw notFound(label, id);
      return row;
    },

    async search(q: { prefix: string; limit: number }) {
      return { [table]: await partnersRepository.searchByPrefix(db, table, q.prefix, q.limit) };
    },

    /**
     * A second "Bob Smith" is almost always the first one typed again: refused unless the caller says it is
     * intended. A check, not a constraint (two people may share a name), so two simultaneous creates of
     * one new name can both pass.
     */
    async create(input: NewPartnerInput): Promise<PartnerView> {
      if (!input.allowDuplicateName) {
        const [existing] = await partnersRepository.findByNameKey(db, table, input.name, 1);
        if (existing) {
          const noun = label.toLowerCase();
          throw conflict(
            'DUPLICATE_NAME',
            `A ${noun} named "${existing.name}" already exists (${noun} ${existing.id}). Choose that ${noun}, ` +
              `or confirm that "${input.name}" is a different ${noun}.`,
            [{ field: 'name', code: 'duplicate', message: `${label} "${existing.name}" already exists` }],
          );
        }
      }
      const id = await partnersRepository.insert(db, table, {
        name: input.name,
        contact: input.contact ?? '',
        notes: input.notes ?? '',
        at: nowIso(),
      });
      return service.get(id);
    },

    async update(id: number, patch: Partial<PartnerInput>): Promise<PartnerView> {
      await service.get(id);
      await partnersRepository.update(db, table, id, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.contact !== undefined && { contact: patch.contact }),
        ...(patch.notes !== undefined && { notes: patch.notes }),
      });
      return service.get(id);
    },

    /** The serials sold to a customer (suppliers have none), most recently changed first. */
    async listSerialsSold(id: number, q: { cursor?: string | undefined; limit: number }) {
      await service.get(id);
      const rows = await serialsRepository.listByCustomer(db, {
        customerId: id,
        ...(q.cursor && { after: decodeSerialCursor(q.cursor) }),
        limit: q.limit + 1,
      });
      const today = todayIso();
      const page = rows.slice(0, q.limit).map((r): CustomerSerialView => ({
        id: r.id,
        serialNumber: r.serial_number,
        itemId: r.item_id,
        itemSku: r.item_sku,
        itemName: r.item_name,
        status: r.status as SerialStatus,
        statusLabel: statusLabel(r.status),
        statusColor: isSerialStatus(r.status) ? STATUS_INFO[r.status].color : '#000000',
        warrantyEndDate: r.warranty_end_date,
        warrantyStatus: warrantyStatus(r.warranty_end_date, today),
        usedOn: r.last_document_type ? { type: r.last_document_type, number: r.last_document_number } : null,
        locationId: r.location_id,
        locationCode: r.location_code,
        updatedAt: r.updated_at,
      }));
      const last = page.at(-1);
      return {
        serials: page,
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.updatedAt, last.id]) : null,
      };
    },
  };
  return service;
}

export type PartnersService = ReturnType<typeof createPartnersService>;
