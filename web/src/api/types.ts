// API data types come from the server's zod schemas: one definition, no retyping.
import type { z } from 'zod';
import type { itemSchema, stockSummarySchema } from '../../../src/items/items.schemas.js';
import type {
  lookupResultSchema,
  serialDetailSchema,
  serialPageSchema,
  serialSchema,
  serialEventSchema,
  statusesSchema,
  voidResultSchema,
} from '../../../src/serials/serials.schemas.js';
import type { locationSchema } from '../../../src/locations/locations.schemas.js';
import type { partTypeSchema } from '../../../src/part-types/part-types.schemas.js';
import type { sessionSchema, tokenSchema, createdTokenSchema } from '../../../src/auth/auth.schemas.js';
import type { roleSchema, userSchema, permissionListSchema } from '../../../src/users/users.schemas.js';
import type { problemSchema } from '../../../src/http/problem.js';
import type { transferBatchSchema, transferDetailSchema } from '../../../src/transfers/transfers.schemas.js';
import type { settingsSchema } from '../../../src/settings/settings.service.js';
import type { partnerSchema } from '../../../src/partners/partners.schemas.js';
import type {
  purchaseOrderSchema,
  purchaseOrderSummarySchema,
  receiptResultSchema,
} from '../../../src/purchasing/purchasing.schemas.js';
import type { returnSchema, saleSchema, saleSummarySchema } from '../../../src/sales/sales.schemas.js';
import type { importViewSchema, inspectResultSchema } from '../../../src/imports/imports.schemas.js';
import type { labelSizesSchema } from '../../../src/labels/labels.schemas.js';
import type {
  bulkSetResultSchema,
  customFieldSchema,
  customFieldValueSchema,
  itemDefaultsSchema,
  serialCustomFieldsSchema,
} from '../../../src/custom-fields/custom-fields.schemas.js';

import type {
  countDetailSchema,
  countSchema,
  reviewSchema,
  scanResultSchema,
} from '../../../src/counts/counts.schemas.js';

export type Item = z.infer<typeof itemSchema>;
export type Count = z.infer<typeof countSchema>;
export type CountDetail = z.infer<typeof countDetailSchema>;
export type CountReview = z.infer<typeof reviewSchema>;
export type CountScanResult = z.infer<typeof scanResultSchema>;
export type StockSummary = z.infer<typeof stockSummarySchema>;
export type Serial = z.infer<typeof serialSchema>;
export type SerialEvent = z.infer<typeof serialEventSchema>;
export type SerialDetail = z.infer<typeof serialDetailSchema>;
export type SerialPage = z.infer<typeof serialPageSchema>;
export type LookupResult = z.infer<typeof lookupResultSchema>;
export type Statuses = z.infer<typeof statusesSchema>;
export type VoidResult = z.infer<typeof voidResultSchema>;
export type Location = z.infer<typeof locationSchema>;
export type PartType = z.infer<typeof partTypeSchema>;
export type Session = z.infer<typeof sessionSchema>;
export type ApiToken = z.infer<typeof tokenSchema>;
export type CreatedToken = z.infer<typeof createdTokenSchema>;
export type Role = z.infer<typeof roleSchema>;
export type User = z.infer<typeof userSchema>;
export type PermissionList = z.infer<typeof permissionListSchema>;
export type Problem = z.infer<typeof problemSchema>;
export type TransferDetail = z.infer<typeof transferDetailSchema>;
export type TransferBatch = z.infer<typeof transferBatchSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type Partner = z.infer<typeof partnerSchema>;
export type PurchaseOrder = z.infer<typeof purchaseOrderSchema>;
export type PurchaseOrderSummary = z.infer<typeof purchaseOrderSummarySchema>;
export type ReceiptResult = z.infer<typeof receiptResultSchema>;
export type Sale = z.infer<typeof saleSchema>;
export type SaleSummary = z.infer<typeof saleSummarySchema>;
export type CustomerReturn = z.infer<typeof returnSchema>;
export type ImportView = z.infer<typeof importViewSchema>;
export type InspectResult = z.infer<typeof inspectResultSchema>;
export type LabelSizes = z.infer<typeof labelSizesSchema>;
export type CustomField = z.infer<typeof customFieldSchema>;
export type CustomFieldValue = z.infer<typeof customFieldValueSchema>;
export type SerialCustomFields = z.infer<typeof serialCustomFieldsSchema>;
export type ItemCustomFieldDefaults = z.infer<typeof itemDefaultsSchema>;
export type BulkSetResult = z.infer<typeof bulkSetResultSchema>;
