import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * One type for every table. Timestamps are ISO-8601 UTC text and dates are YYYY-MM-DD text on both
 * SQLite and PostgreSQL, so the same code and the same comparisons work on either; flags are 0/1 integers.
 */
export interface DB {
  users: UsersTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  sign_in_throttle: SignInThrottleTable;
  settings: SettingsTable;
  document_sequences: DocumentSequencesTable;
  locations: LocationsTable;
  part_types: PartTypesTable;
  items: ItemsTable;
  stock_levels: StockLevelsTable;
  stock_adjustments: StockAdjustmentsTable;
  customers: CustomersTable;
  serials: SerialsTable;
  serial_counts: SerialCountsTable;
  serial_events: SerialEventsTable;
  serial_former_numbers: SerialFormerNumbersTable;
  transfers: TransfersTable;
  transfer_lines: TransferLinesTable;
  suppliers: SuppliersTable;
  purchase_orders: PurchaseOrdersTable;
  purchase_order_lines: PurchaseOrderLinesTable;
  receipts: ReceiptsTable;
  receipt_lines: ReceiptLinesTable;
  receipt_serials: ReceiptSerialsTable;
  sales: SalesTable;
  sale_lines: SaleLinesTable;
  sale_line_serials: SaleLineSerialsTable;
  customer_returns: CustomerReturnsTable;
  customer_return_lines: CustomerReturnLinesTable;
  imports: ImportsTable;
  import_rows: ImportRowsTable;
  import_row_values: ImportRowValuesTable;
  import_errors: ImportErrorsTable;
  custom_field_definitions: CustomFieldDefinitionsTable;
  serial_custom_values: SerialCustomValuesTable;
  item_custom_defaults: ItemCustomDefaultsTable;
  counts: CountsTable;
  count_locations: CountLocationsTable;
  count_items: CountItemsTable;
  count_entries: CountEntriesTable;
  count_scans: CountScansTable;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface RolesTable {
  id: Generated<number>;
  name: string;
  description: string;
  built_in: number;
  created_at: string;
}

export interface RolePermissionsTable {
  role_id: number;
  permission: string;
}

export interface UserRolesTable {
  user_id: number;
  role_id: number;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SignInThrottleTable {
  key: string;
  attempts: number;
  window_started_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface DocumentSequencesTable {
  name: string;
  next_value: number;
}

export interface LocationsTable {
  id: Generated<number>;
  code: string;
  name: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface PartTypesTable {
  id: Generated<number>;
  name: string;
  description: string;
  created_at: string;
}

export interface ItemsTable {
  id: Generated<number>;
  sku: string;
  name: string;
  description: string;
  part_type_id: number | null;
  primary_location_id: number | null;
  warranty_months: number;
  serial_pattern: string | null;
  track_serials: number;
  created_at: string;
  updated_at: string;
}

export interface StockLevelsTable {
  item_id: number;
  location_id: number;
  quantity: number;
}

export interface StockAdjustmentsTable {
  id: Generated<number>;
  number: string;
  item_id: number;
  location_id: number;
  delta: number;
  reason: string;
  user_id: number;
  at: string;
}

export interface CustomersTable {
  id: Generated<number>;
  name: string;
  contact: string;
  notes: string;
  created_at: string;
}

export interface SerialsTable {
  id: Generated<number>;
  item_id: number;
  serial_number: string;
  status: string;
  location_id: number;
  customer_id: number | null;
  warranty_end_date: string | null;
  date_received: string;
  condition_notes: string;
  source_document_type: string;
  source_document_number: string | null;
  last_document_type: string | null;
  last_document_number: string | null;
  version: number;
  created_at: string;
  created_by: number | null;
  updated_at: string;
  updated_by: number | null;
  /** 0 while the serial is live; its own id once voided, so its number can be entered again. */
  void_key: Generated<number>;
}

/** A number a serial was renumbered from: lookup by the old number still finds the unit. */
export interface SerialFormerNumbersTable {
  serial_id: number;
  serial_number: string;
  renumbered_at: string;
}

/** Maintained in the same transaction as every serial write: counts per item, location and status. */
export interface SerialCountsTable {
  item_id: number;
  location_id: number;
  status: string;
  count: number;
}

export interface SerialEventsTable {
  id: Generated<number>;
  serial_id: number;
  item_id: number;
  kind: string;
  at: string;
  user_id: number | null;
  document_type: string | null;
  document_number: string | null;
  from_location_id: number | null;
  to_location_id: number | null;
  from_status: string | null;
  to_status: string | null;
  customer_id: number | null;
  data: string | null;
}

export interface TransfersTable {
  id: Generated<number>;
  number: string;
  at: string;
  user_id: number;
  from_location_id: number;
  to_location_id: number;
  note: string;
}

export interface TransferLinesTable {
  transfer_id: number;
  serial_id: number;
}

export interface SuppliersTable {
  id: Generated<number>;
  name: string;
  contact: string;
  notes: string;
  created_at: string;
}

export interface PurchaseOrdersTable {
  id: Generated<number>;
  number: string;
  supplier_id: number;
  /** draft, open, partially_received, received, closed */
  status: string;
  notes: string;
  created_at: string;
  created_by: number;
  updated_at: string;
}

export interface PurchaseOrderLinesTable {
  id: Generated<number>;
  purchase_order_id: number;
  line_no: number;
  item_id: number;
  quantity_ordered: number;
  quantity_received: number;
  /** bigint on PostgreSQL (0011): up to 10^10 cents, read back as a number. */
  unit_cost_cents: number;
}

export interface ReceiptsTable {
  id: Generated<number>;
  number: string;
  purchase_order_id: number;
  at: string;
  user_id: number;
}

export interface ReceiptLinesTable {
  receipt_id: number;
  purchase_order_line_id: number;
  location_id: number;
  quantity: number;
}

/** Which receipt created which serial (one row per serial received). */
export interface ReceiptSerialsTable {
  receipt_id: number;
  serial_id: number;
}

export interface SalesTable {
  id: Generated<number>;
  number: string;
  customer_id: number;
  /** open, completed, cancelled */
  status: string;
  sale_date: string | null;
  notes: string;
  created_at: string;
  created_by: number;
  updated_at: string;
}

export interface SaleLinesTable {
  id: Generated<number>;
  sale_id: number;
  line_no: number;
  item_id: number;
  quantity: number;
  location_id: number | null;
  /** bigint on PostgreSQL (0011): up to 10^10 cents, read back as a number. */
  unit_price_cents: number;
}

export interface SaleLineSerialsTable {
  sale_line_id: number;
  serial_id: number;
}

export interface CustomerReturnsTable {
  id: Generated<number>;
  number: string;
  sale_id: number;
  location_id: number;
  at: string;
  user_id: number;
  notes: string;
}

export interface CustomerReturnLinesTable {
  return_id: number;
  serial_id: number;
  condition_notes: string;
}

/** A custom field of a part type; every serial of an item of that part type may carry a value. */
export interface CustomFieldDefinitionsTable {
  id: Generated<number>;
  part_type_id: number;
  name: string;
  /** text, number, date, boolean, choice */
  type: string;
  required: number;
  position: number;
  /** JSON array of allowed values for type choice; null otherwise. */
  choices: string | null;
  created_at: string;
  updated_at: string;
}

/** Canonical text values (see custom-fields/custom-field-values.ts); an empty value is no row. */
export interface SerialCustomValuesTable {
  serial_id: number;
  field_id: number;
  value: string;
}

/** An item's Default Serial Q&A: values that seed newly created serials of the item. */
export interface ItemCustomDefaultsTable {
  item_id: number;
  field_id: number;
  value: string;
}

/** A CSV import of serials: a document (Import #N) with its staging rows until it is committed. */
export interface ImportsTable {
  id: Generated<number>;
  number: string;
  /** uploading, staged, committed, cancelled, failed */
  status: string;
  file_name: string;
  item_id: number | null;
  delimiter: string | null;
  /** JSON: the file's header → field mapping used. */
  mapping: string | null;
  /** JSON: the file's columns as read, and which were ignored. */
  columns: string | null;
  bytes_read: number;
  rows_parsed: number;
  rows_with_errors: number;
  error_count: number;
  serials_created: number;
  message: string | null;
  created_by: number;
  created_at: string;
  updated_at: string;
  committed_at: string | null;
}

/** One parsed CSV row waiting for commit; ids are resolved, values canonical. */
export interface ImportRowsTable {
  import_id: number;
  line: number;
  item_id: number | null;
  serial_number: string | null;
  location_id: number | null;
  status: string | null;
  date_received: string | null;
  warranty_end_date: string | null;
  condition_notes: string;
  /** The created history row's data, prepared at staging so the commit stays one INSERT … SELECT. */
  event_data: string | null;
}

export interface ImportRowValuesTable {
  import_id: number;
  line: number;
  field_id: number;
  value: string;
}

export interface ImportErrorsTable {
  import_id: number;
  line: number;
  column_name: string;
  code: string;
  message: string;
  /** The cell as the file had it (null for a whole-row error). */
  value?: string | null;
}

/** A stocktake (cycle count) document, CNT-000001. */
export interface CountsTable {
  id: Generated<number>;
  number: string;
  /** open, closed */
  status: string;
  note: string;
  /** 1 when the count covers every item; else only the items in count_items. */
  all_items: number;
  created_by: number;
  created_at: string;
  closed_by: number | null;
  closed_at: string | null;
  /** JSON: what the reconcile did and what it skipped, and why. */
  result: string | null;
}

export interface CountLocationsTable {
  count_id: number;
  location_id: number;
}

export interface CountItemsTable {
  count_id: number;
  item_id: number;
}

/** One found unit per count: `serial_key` is `s:<serial id>` or `u:<text>` (unknown), unique per count. */
export interface CountEntriesTable {
  id: Generated<number>;
  count_id: number;
  serial_key: string;
  serial_id: number | null;
  serial_number: string;
  /** Where it was found. */
  location_id: number;
  /** expected, misplaced, not_in_stock, missing, unknown */
  result: string;
  recorded_location_id: number | null;
  recorded_status: string | null;
  user_id: number;
  at: string;
}

/** Every scan as it happened, duplicates included. */
export interface CountScansTable {
  id: Generated<number>;
  count_id: number;
  scanned_text: string;
  serial_id: number | null;
  location_id: number;
  result: string;
  user_id: number;
  at: string;
}

export type SerialRow = Selectable<SerialsTable>;
export type NewSerialRow = Insertable<SerialsTable>;
export type NewSerialEventRow = Insertable<SerialEventsTable>;
export type ItemRow = Selectable<ItemsTable>;
export type LocationRow = Selectable<LocationsTable>;
export type UserRow = Selectable<UsersTable>;
