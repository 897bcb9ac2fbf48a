import type { Db, Executor } from '../db/database.js';
import type { LocationRow } from '../db/schema.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { nowIso } from '../shared/time.js';
import { locationsRepository } from './locations.repository.js';

export interface LocationView {
  id: number;
  code: string;
  name: string;
  active: boolean;
}

export const toLocationView = (r: LocationRow): LocationView => ({
  id: r.id,
  code: r.code,
  name: r.name,
  active: r.active === 1,
});

/** A location that can receive stock: it exists and is active. */
export async function requireActiveLocation(
  db: Executor,
  id: number,
  field = 'locationId',
): Promise<LocationRow> {
  const loc = await locationsRepository.findById(db, id);
  if (!loc) {
    throw invalid('UNKNOWN_LOCATION', `Location ${id} does not exist. Pick an existing location.`, [
      { field, code: 'unknown_location', message: `No location with id ${id}` },
    ]);
  }
  if (loc.active !== 1) {
    throw invalid('INACTIVE_LOCATION', `Location ${loc.code} is inactive. Reactivate it or pick another.`, [
      { field, code: 'inactive_location', message: `${loc.code} is inactive` },
    ]);
  }
  return loc;
}

function codeTaken(code: string) {
  return conflict('LOCATION_CODE_TAKEN', `A location with code "${code}" already exists.`, [
    { field: 'code', code: 'taken', message: 'Already taken' },
  ]);
}

export function createLocationsService(db: Db) {
  const service = {
    /** The pickers' search: active locations whose code or name starts with `prefix`, ignoring case. */
    async search(prefix: string, limit: number): Promise<LocationView[]> {
      return (await locationsRepository.searchByPrefix(db, prefix, limit)).map(toLocationView);
    },

    async list(includeInactive: boolean): Promise<LocationView[]> {
      return (await locationsRepository.list(db, { includeInactive })).map(toLocationView);
    },

    async get(id: number): Promise<LocationView> {
      const row = await locationsRepository.findById(db, id);
      if (!row) throw notFound('Location', id);
      return toLocationView(row);
    },

    async create(input: { code: string; name?: string | undefined }): Promise<LocationView> {
      try {
        const id = await locationsRepository.insert(db, {
          code: input.code,
          name: input.name ?? input.code,
          at: nowIso(),
        });
        return await service.get(id);
      } catch (err) {
        if (isUniqueViolation(err)) throw codeTaken(input.code);
        throw err;
      }
    },

    async update(
      id: number,
      patch: { code?: string | undefined; name?: string | undefined; active?: boolean | undefined },
    ): Promise<LocationView> {
      await service.get(id);
      try {
        await locationsRepository.update(db, id, { ...patch, at: nowIso() });
      } catch (err) {
        if (isUniqueViolation(err)) throw codeTaken(patch.code ?? '');
        throw err;
      }
      return service.get(id);
    },
  };
  return service;
}

export type LocationsService = ReturnType<typeof createLocationsService>;
