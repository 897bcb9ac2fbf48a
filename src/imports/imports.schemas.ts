import { z } from 'zod';
import { idSchema, idFromText } from '../http/common.schemas.js';

export const IMPORT_STATUSES = ['uploading', 'staged', 'committed', 'cancelled', 'failed'] as const;

const mappingSchema = z
  .record(z.string().max(200), z.string().max(210))
  .refine((m) => Object.keys(m).length <= 200, 'At most 200 columns')
  .describe(
    'Header as written in the file → sku, serialNumber, location, status, dateReceived, conditionNotes, ' +
      'warrantyEnd, custom:<field name> or ignore',
  );

export const createImportBody = z.object({
  fileName: z.string().trim().min(1).max(255),
  itemId: idSchema.optional().describe('The item the file is for; omit when the file has a SKU column'),
  delimiter: z.enum([',', ';']).optional().describe('Detected from the header line when omitted'),
  mapping: mappingSchema.optional(),
});

export const importErrorSchema = z.object({
  line: z.number(),
  column: z.string(),
  code: z.string(),
  message: z.string(),
  value: z.string().nullable().describe('The cell as the file had it (null for a whole-row error)'),
});

export const importViewSchema = z
  .object({
    id: z.number(),
    number: z.string().describe('The document number: Source of the serials is "Import #<number>"'),
    status: z.enum(IMPORT_STATUSES),
    fileName: z.string(),
    itemId: z.number().nullable(),
    itemSku: z.string().nullable(),
    delimiter: z.string().nullable(),
    columns: z
      .object({ headers: z.array(z.string()), targets: z.array(z.string()), ignored: z.array(z.string()) })
      .nullable(),
    progress: z.object({
      bytesRead: z.number(),
      rowsParsed: z.number(),
      serialsWritten: z
        .number()
        .describe('While a commit runs (on the server that runs it): serials written so far'),
    }),
    message: z.string().nullable().describe('Why the import failed'),
    serialsCreated: z.number(),
    createdAt: z.string(),
    committedAt: z.string().nullable(),
    report: z
      .object({
        rows: z.number(),
        validRows: z.number(),
        rowsWithErrors: z.number(),
        errorCount: z.number(),
        errorsByCode: z.array(z.object({ code: z.string(), column: z.string(), count: z.number() })),
        errors: z.array(importErrorSchema).describe('The first errors by line; page on with /errors'),
        errorsTruncated: z.boolean(),
        effect: z
          .array(
            z.object({
              itemId: z.number(),
              sku: z.string(),
              locationId: z.number(),
              locationCode: z.string(),
              adding: z.record(z.string(), z.number()).describe('Serials added per status'),
              quantityOnHand: z.number(),
              serialsPresentBefore: z.number(),
              serialsPresentAfter: z.number(),
              mismatchAfter: z
                .number()
                .describe('Serials present minus quantity on hand after the import: 0 when they agree'),
            }),
          )
          .describe('What the error-free rows add, against quantity on hand (an import never changes it)'),
      })
      .nullable()
      .describe('The dry run; present while the import is staged'),
  })
  .meta({ id: 'Import' });

export const importIdParams = z.object({ id: idFromText });

export const importErrorsQuery = z.object({
  afterLine: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const inspectQuery = z.object({ itemId: idFromText.optional() });

export const inspectResultSchema = z.object({
  delimiter: z.enum([',', ';']).nullable().describe('The CSV delimiter; null for an XLSX workbook'),
  headers: z.array(z.string()),
  targets: z.array(z.string()).describe('Suggested target of each column, by position'),
  complete: z.boolean().describe('True when the file imports without a mapping step'),
  problems: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
  fields: z
    .array(z.object({ target: z.string(), label: z.string(), required: z.boolean() }))
    .describe('What a column can be mapped to'),
});

export const uploadQuery = z.object({});
