import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../app.js';
import { errorResponses, idParams, okSchema } from '../http/common.schemas.js';
import { principalOf } from '../http/auth-hooks.js';
import {
  bulkSetBody,
  bulkSetResultSchema,
  createCustomFieldBody,
  customFieldListSchema,
  customFieldSchema,
  itemDefaultsSchema,
  partTypeFieldParams,
  reorderCustomFieldsBody,
  serialCustomFieldsSchema,
  setDefaultsBody,
  setSerialValuesBody,
  updateCustomFieldBody,
} from './custom-fields.schemas.js';

export function registerCustomFieldsRoutes(
  app: FastifyInstance,
  { customFields, serialCustomValues }: Services,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Custom fields'];

  r.get('/api/part-types/:id/custom-fields', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: "A part type's custom fields, in order",
      params: idParams,
      response: { 200: customFieldListSchema, ...errorResponses },
    },
    handler: async (req) => ({ fields: await customFields.list(req.params.id) }),
  });

  r.post('/api/part-types/:id/custom-fields', {
    config: { access: 'INV_EDIT_ITEMS' },
    schema: {
      tags,
      summary: 'Add a custom field to a part type (placed last)',
      params: idParams,
      body: createCustomFieldBody,
      response: { 201: customFieldSchema, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await customFields.create(req.params.id, req.body)),
  });

  r.put('/api/part-types/:id/custom-fields/order', {
    config: { access: 'INV_EDIT_ITEMS' },
    schema: {
      tags,
      summary: "Reorder a part type's custom fields",
      params: idParams,
      body: reorderCustomFieldsBody,
      response: { 200: customFieldListSchema, ...errorResponses },
    },
    handler: async (req) => ({ fields: await customFields.reorder(req.params.id, req.body.fieldIds) }),
  });

  r.patch('/api/part-types/:id/custom-fields/:fieldId', {
    config: { access: 'INV_EDIT_ITEMS' },
    schema: {
      tags,
      summary:
        'Rename a custom field, make it required or not, change its choices or (while unused) its type',
      params: partTypeFieldParams,
      body: updateCustomFieldBody,
      response: { 200: customFieldSchema, ...errorResponses },
    },
    handler: (req) => customFields.update(req.params.id, req.params.fieldId, req.body),
  });

  r.delete('/api/part-types/:id/custom-fields/:fieldId', {
    config: { access: 'INV_EDIT_ITEMS' },
    schema: {
      tags,
      summary: 'Delete a custom field no serial has a value for',
      params: partTypeFieldParams,
      response: { 200: okSchema, ...errorResponses },
    },
    handler: async (req) => {
      await customFields.remove(req.params.id, req.params.fieldId);
      return { ok: true as const };
    },
  });

  r.get('/api/serials/:id/custom-fields', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: "One serial's custom field values (the fields of its item's part type)",
      params: idParams,
      response: { 200: serialCustomFieldsSchema, ...errorResponses },
    },
    handler: (req) => serialCustomValues.getSerialValues(req.params.id),
  });

  r.put('/api/serials/:id/custom-fields', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary: "Set a serial's custom field values (validated by type; each change is a history row)",
      params: idParams,
      body: setSerialValuesBody,
      response: { 200: serialCustomFieldsSchema, ...errorResponses },
    },
    handler: (req) => serialCustomValues.setSerialValues(principalOf(req), req.params.id, req.body),
  });

  r.get('/api/items/:id/custom-field-defaults', {
    config: { access: 'INV_VIEW' },
    schema: {
      tags,
      summary: "The item's Default Serial Q&A: values newly created serials start with",
      params: idParams,
      response: { 200: itemDefaultsSchema, ...errorResponses },
    },
    handler: (req) => serialCustomValues.getDefaults(req.params.id),
  });

  r.put('/api/items/:id/custom-field-defaults', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary: "Set the item's Default Serial Q&A (affects only serials created from now on)",
      params: idParams,
      body: setDefaultsBody,
      response: { 200: itemDefaultsSchema, ...errorResponses },
    },
    handler: (req) => serialCustomValues.setDefaults(req.params.id, req.body),
  });

  r.post('/api/items/:id/serials/custom-fields/bulk', {
    config: { access: 'INV_MANAGE_SERIALS' },
    schema: {
      tags,
      summary: 'Set one custom field to one value on selected serials of the item (a history row per change)',
      params: idParams,
      body: bulkSetBody,
      response: { 200: bulkSetResultSchema, ...errorResponses },
    },
    handler: (req) => serialCustomValues.bulkSet(principalOf(req), req.params.id, req.body),
  });
}
