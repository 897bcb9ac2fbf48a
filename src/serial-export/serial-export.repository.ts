import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../db/database.js';

export const serialExportRepository = {
  /** Keyset page over every item's serials in (item, serial number) order, the unique index's order. */
  listAll(
    db: Executor,
    q: {
      after?: [number, string] | undefined;
      limit: number;
      statuses?: string[] | undefined;
      locationId?: number | undefined;
    },
  ) {
    let query = db
      .selectFrom('serials')
      .innerJoin('items', 'items.id', 'serials.item_id')
      .innerJoin('locations', 'locations.id', 'serials.location_id')
      .leftJoin('customers', 'customers.id', 'serials.customer_id')
      .select([
        'serials.id',
        'serials.item_id',
        'items.sku',
        'items.part_type_id',
        'serials.serial_number',
        'serials.status',
        'locations.code as location_code',
        'customers.name as customer_name',
        'serials.warranty_end_date',
        'serials.date_received',
        'serials.source_document_type',
        'serials.source_document_number',
        'serials.last_document_type',
        'serials.last_document_number',
        'serials.condition_notes',
      ])
      // Hidden serials (Track Serials turned off with "hide") stay out, as on the Serials tab.
      .where('items.track_serials', '=', 1);
    // Voided serials (entered in error) are exported only when their status is asked for, as the grid shows.
    if (q.statuses && q.statuses.length > 0) query = query.where('serials.status', 'in', q.statuses);
    else query = query.where('serials.void_key', '=', 0);
    if (q.locationId !== undefined) query = query.where('serials.location_id', '=', q.locationId);
    if (q.after) {
      query = query.where(
        sql<SqlBool>`(${sql.ref('serials.item_id')}, ${sql.ref('serials.serial_number')}) > (${q.after[0]}, ${q.after[1]})`,
      );
    }
    return query.orderBy('serials.item_id').orderBy('serials.serial_number').limit(q.limit).execute();
  },

  customValues(db: Executor, serialIds: number[]) {
    if (serialIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('serial_custom_values')
      .select(['serial_id', 'field_id', 'value'])
      .where('serial_id', 'in', serialIds)
      .execute();
  },

  fieldDefinitions(db: Executor, partTypeId?: number | null) {
    let query = db.selectFrom('custom_field_definitions').select(['id', 'part_type_id', 'name', 'position']);
    if (partTypeId !== undefined) {
      if (partTypeId === null) return Promise.resolve([]);
      query = query.where('part_type_id', '=', partTypeId);
    }
    return query.orderBy('position').orderBy('id').execute();
  },
};
