import type { Db } from '../db/database.js';
import { conflict, notFound } from '../shared/errors.js';
import { isUniqueViolation } from '../shared/db-errors.js';
import { nowIso } from '../shared/time.js';
import { partTypesRepository } from './part-types.repository.js';

export interface PartTypeView {
  id: number;
  name: string;
  description: string;
}

const nameTaken = (name: string) =>
  conflict('PART_TYPE_NAME_TAKEN', `A part type named "${name}" already exists.`, [
    { field: 'name', code: 'taken', message: 'Already taken' },
  ]);

export function createPartTypesService(db: Db) {
  const service = {
    async list(): Promise<PartTypeView[]> {
      return partTypesRepository.list(db);
    },

    async get(id: number): Promise<PartTypeView> {
      const row = await partTypesRepository.findById(db, id);
      if (!row) throw notFound('Part type', id);
      return row;
    },

    async create(input: { name: string; description?: string | undefined }): Promise<PartTypeView> {
      try {
        const id = await partTypesRepository.insert(db, {
          name: input.name,
          description: input.description ?? '',
          at: nowIso(),
        });
        return await service.get(id);
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken(input.name);
        throw err;
      }
    },

    async update(
      id: number,
      patch: { name?: string | undefined; description?: string | undefined },
    ): Promise<PartTypeView> {
      await service.get(id);
      try {
        await partTypesRepository.update(db, id, patch);
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken(patch.name ?? '');
        throw err;
      }
      return service.get(id);
    },
  };
  return service;
}

export type PartTypesService = ReturnType<typeof createPartTypesService>;
