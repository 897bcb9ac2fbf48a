import type { Db } from '../db/database.js';
import { notFound } from '../shared/errors.js';
import { nowIso } from '../shared/time.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { partnersRepository, type PartnerTable } from './partners.repository.js';

export interface PartnerView {
  id: number;
  name: string;
  contact: string;
  notes: string;
}

export interface PartnerInput {
  name: string;
  contact?: string | undefined;
  notes?: string | undefined;
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

    async create(input: PartnerInput): Promise<PartnerView> {
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
  };
  return service;
}

export type PartnersService = ReturnType<typeof createPartnersService>;
