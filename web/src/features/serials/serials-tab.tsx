import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type RowData,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useNavigate } from 'react-router-dom';
import { get, qs } from '../../api/client';
import type { Item, Location, Serial, SerialPage, Statuses } from '../../api/types';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';
import { StockSummaryLine, useStock } from '../items/stock-section';
import { AddSerialDialog } from './add-serial-dialog';
import { SerialDetailDialog } from './serial-detail-dialog';
import { VoidSerialsDialog } from './void-serials-dialog';
import { TransferDialog } from '../transfers/transfer-dialog';
import { ExportButton } from './export-button';
import { ImportButton } from '../imports/import-dialog';
import { PrintLabelsButton } from '../labels/print-labels';
import { formatWarranty } from './serial-format';
import { DocumentLink } from '../../components/document-link';
import {
  CustomFieldsBox,
  DefaultSerialQaRow,
  useItemCustomFields,
  type CustomFieldsTarget,
} from '../custom-fields/custom-fields-box';
import { BulkSetDialog } from '../custom-fields/bulk-set-dialog';
import { CustomFieldListControls } from '../custom-fields/custom-field-list-options';
import {
  formatCustomValue,
  NO_CUSTOM_FIELD_OPTIONS,
  withCustomFieldParams,
} from '../custom-fields/custom-field-format';

type SortKey = 'serialNumber' | 'dateReceived' | 'status';
export interface SerialFilters {
  status: string;
  locationId: string;
  q: string;
  warrantyDays: string;
  sort: SortKey;
  direction: 'asc' | 'desc';
}

const PAGE = 200;
const ROW_HEIGHT = 36;
// The limits of the API's warrantyExpiringWithinDays (0 is today only, which the fixed choices do not need).
const WARRANTY_DAYS_MIN = 1;
const WARRANTY_DAYS_MAX = 3650;
const isWarrantyDays = (text: string) =>
  /^\d+$/.test(text.trim()) && Number(text) >= WARRANTY_DAYS_MIN && Number(text) <= WARRANTY_DAYS_MAX;

export function serialListUrl(itemId: number, f: SerialFilters, cursor?: string, limit = PAGE): string {
  return `/api/items/${itemId}/serials${qs({
    status: f.status,
    locationId: f.locationId,
    q: f.q.trim(),
    warrantyExpiringWithinDays: f.warrantyDays,
    sort: f.sort,
    direction: f.direction,
    cursor,
    limit,
  })}`;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

declare module '@tanstack/react-table' {
  // The server-side sort a column header asks for.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    sort?: SortKey;
  }
}

const col = createColumnHelper<Serial>();

/** A request to open one serial's Serial Detail; `key` is new on every navigation (the lookup, a QR code). */
export interface OpenSerialRequest {
  serialId: number;
  key: string;
}

export function SerialsTab({
  item,
  openSerial,
  onDetailClosed,
}: {
  item: Item;
  openSerial: OpenSerialRequest | null;
  onDetailClosed?: () => void;
}) {
  const canManage = useCan('INV_MANAGE_SERIALS');
  const canTransfer = useCan('INV_TRANSFER');
  const canSell = useCan('SALES_MANAGE');
  const navigate = useNavigate();
  const [status, setStatus] = useState('');
  const [locationId, setLocationId] = useState('');
  const [text, setText] = useState('');
  // The warranty window: one of the usual choices, or "custom" with any whole number of days the API takes.
  const [warrantyChoice, setWarrantyChoice] = useState('');
  const [customDaysText, setCustomDaysText] = useState('');
  const customDays = useDebounced(customDaysText, 250);
  // While the custom days are empty or out of range, the last valid number stays applied: the grid and
  // Export CSV never fall back to every serial while the select says custom. Before any valid number,
  // nothing is listed (and nothing exported) rather than everything.
  const [appliedCustomDays, setAppliedCustomDays] = useState('');
  if (isWarrantyDays(customDays) && String(Number(customDays)) !== appliedCustomDays) {
    setAppliedCustomDays(String(Number(customDays)));
  }
  const warrantyDays = warrantyChoice === 'custom' ? appliedCustomDays : warrantyChoice;
  const awaitingCustomDays = warrantyChoice === 'custom' && appliedCustomDays === '';
  const [sort, setSort] = useState<SortKey>('serialNumber');
  const [direction, setDirection] = useState<'asc' | 'desc'>('asc');
  const q = useDebounced(text, 250);
  const filters: SerialFilters = { status, locationId, q, warrantyDays, sort, direction };
  const [selected, setSelected] = useState<Map<number, Serial>>(new Map());
  const [detailId, setDetailId] = useState<number | null>(openSerial?.serialId ?? null);
  const [adding, setAdding] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [voiding, setVoiding] = useState(false);
  // Keyed on the navigation, not the id: scanning the same serial again opens it again.
  const openId = openSerial?.serialId;
  const openKey = openSerial?.key;
  useEffect(() => {
    if (openId !== undefined) setDetailId(openId);
  }, [openId, openKey]);
  const closeDetail = () => {
    setDetailId(null);
    onDetailClosed?.();
  };
  // Custom fields: the box's target (a selected row or the Default Serial Q&A), columns, filter, bulk set.
  const customFields = useItemCustomFields(item.id);
  const cfFields = useMemo(() => customFields.data?.fields ?? [], [customFields.data]);
  const [cfTarget, setCfTarget] = useState<CustomFieldsTarget | null>(null);
  const [cfOptionsRaw, setCfOptions] = useState(NO_CUSTOM_FIELD_OPTIONS);
  const cfOptions = useDebounced(cfOptionsRaw, 250);
  const [bulkSetting, setBulkSetting] = useState(false);
  const cfColumns = useMemo(() => (cfOptions.showColumns ? cfFields : []), [cfOptions.showColumns, cfFields]);

  const stock = useStock(item.id);
  const statuses = useQuery({ queryKey: ['statuses'], queryFn: () => get<Statuses>('/api/serial-statuses') });
  const locations = useQuery({
    queryKey: ['locations'],
    queryFn: () => get<{ locations: Location[] }>('/api/locations'),
  });
  const page = useInfiniteQuery({
    // Awaiting days has a key of its own: the unfiltered list cached under the same filters must not show.
    queryKey: ['serials', item.id, filters, cfOptions, awaitingCustomDays],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<SerialPage>(withCustomFieldParams(serialListUrl(item.id, filters, pageParam), cfOptions)),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: !awaitingCustomDays,
  });
  const rows = useMemo(() => page.data?.pages.flatMap((p) => p.serials) ?? [], [page.data]);
  const counts = page.data?.pages[0]?.counts;

  const toggle = (s: Serial) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (next.has(s.id)) next.delete(s.id);
      else next.set(s.id, s);
      return next;
    });

  const columns = useMemo(
    () => [
      col.display({
        id: 'select',
        // Selects every serial loaded under the current filters (a mistaken batch to void, say).
        header: () => (
          <input
            type="checkbox"
            aria-label="Select all shown serials"
            checked={rows.length > 0 && rows.every((r) => selected.has(r.id))}
            onChange={(e) => {
              const all = e.target.checked;
              setSelected((prev) => {
                const next = new Map(prev);
                for (const r of rows) {
                  if (all) next.set(r.id, r);
                  else next.delete(r.id);
                }
                return next;
              });
            }}
          />
        ),
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select ${row.original.serialNumber}`}
            checked={selected.has(row.original.id)}
            onChange={() => toggle(row.original)}
            onDoubleClick={(e) => e.stopPropagation()}
          />
        ),
      }),
      col.accessor('serialNumber', {
        header: 'Serial Number',
        meta: { sort: 'serialNumber' },
        // One tap opens the Serial Detail: a tablet has no double-click and no Enter key.
        cell: ({ row }) => (
          <button
            type="button"
            className="link-button serial-open"
            title="Open the Serial Detail"
            onClick={() => setDetailId(row.original.id)}
          >
            {row.original.serialNumber}
          </button>
        ),
      }),
      col.accessor('statusLabel', {
        header: 'Status',
        meta: { sort: 'status' },
        cell: ({ row }) => (
          <span className="status">
            <span className="status-dot" style={{ background: row.original.statusColor }} aria-hidden />
            {row.original.statusLabel}
          </span>
        ),
      }),
      col.accessor('locationCode', { header: 'Location' }),
      col.accessor('customerName', { header: 'Customer', cell: ({ getValue }) => getValue() ?? '' }),
      col.accessor('warrantyStatus', {
        header: 'Warranty Status',
        cell: ({ row }) => formatWarranty(row.original),
      }),
      col.accessor('dateReceived', { header: 'Date Received', meta: { sort: 'dateReceived' } }),
      col.accessor('source', {
        header: 'Source',
        cell: ({ row }) => <DocumentLink doc={row.original.source} />,
      }),
      col.accessor('usedOn', {
        header: 'Used On',
        cell: ({ row }) => <DocumentLink doc={row.original.usedOn} />,
      }),
      ...cfColumns.map((f) =>
        col.display({
          id: `cf-${f.id}`,
          header: f.name,
          cell: ({ row }) => formatCustomValue(f.type, row.original.customValues?.[String(f.id)]),
        }),
      ),
    ],
    [selected, cfColumns, rows],
  );
  // The grid's fixed columns (as in styles.css .grid-row, keep them in step) plus one per custom field shown.
  const cfGridStyle =
    cfColumns.length > 0
      ? {
          gridTemplateColumns: `32px minmax(140px, 1.4fr) 110px 90px minmax(100px, 1fr) minmax(210px, 1.5fr) 152px minmax(110px, 1fr) minmax(100px, 1fr) repeat(${cfColumns.length}, minmax(120px, 1fr))`,
          minWidth: 1080 + 120 * cfColumns.length,
        }
      : undefined;
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
  });

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: page.hasNextPage ? rows.length + 1 : rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastIndex = virtualRows.at(-1)?.index ?? 0;
  useEffect(() => {
    if (lastIndex >= rows.length - 1 && page.hasNextPage && !page.isFetchingNextPage)
      void page.fetchNextPage();
  }, [lastIndex, rows.length, page]);

  const sortBy = (key: SortKey) => {
    if (sort === key) setDirection((d) => (d === 'asc' ? 'desc' : 'asc'));
    else {
      setSort(key);
      setDirection('asc');
    }
  };

  const onRowKey = (e: KeyboardEvent<HTMLDivElement>, s: Serial, index: number) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      setDetailId(s.id);
    } else if (e.key === ' ') {
      e.preventDefault();
      toggle(s);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = index + (e.key === 'ArrowDown' ? 1 : -1);
      if (next < 0 || next >= rows.length) return;
      virtualizer.scrollToIndex(next);
      requestAnimationFrame(() =>
        scrollRef.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus(),
      );
    }
  };

  const selectedList = [...selected.values()];

  return (
    <div className="serials-tab">
      {stock.data && <StockSummaryLine stock={stock.data} />}
      <div className="status-chips" role="group" aria-label="Filter by status">
        <button
          type="button"
          className={status === '' ? 'chip active' : 'chip'}
          onClick={() => setStatus('')}
        >
          All <span className="count">{counts?.total.toLocaleString() ?? '…'}</span>
        </button>
        {statuses.data?.statuses.map((s) => (
          <button
            type="button"
            key={s.status}
            className={status === s.status ? 'chip active' : 'chip'}
            onClick={() => setStatus(status === s.status ? '' : s.status)}
          >
            <span className="status-dot" style={{ background: s.color }} aria-hidden />
            {s.label}{' '}
            <span className="count">
              {(counts?.byStatus[s.status as keyof typeof counts.byStatus] ?? 0).toLocaleString()}
            </span>
          </button>
        ))}
      </div>
      <div className="toolbar">
        {canManage && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add Serial
          </button>
        )}
        {canManage && <ImportButton item={item} />}
        {canTransfer && (
          <button type="button" disabled={selected.size === 0} onClick={() => setTransferring(true)}>
            Transfer{selected.size > 0 ? ` (${selected.size})` : ''}
          </button>
        )}
        {canSell && (
          <button
            type="button"
            disabled={selected.size === 0 || selectedList.some((s) => s.status !== 'in_stock')}
            title="Start a sale with the selected In Stock serials"
            onClick={() =>
              void navigate(
                `/sales${qs({ itemId: item.id, serials: selectedList.map((s) => s.serialNumber).join('\n') })}`,
              )
            }
          >
            Sell{selected.size > 0 ? ` (${selected.size})` : ''}
          </button>
        )}
        <PrintLabelsButton
          target={{ kind: 'serials', ids: selectedList.map((s) => s.id) }}
          disabled={selected.size === 0}
          label={`Print labels${selected.size > 0 ? ` (${selected.size})` : ''}`}
        />
        {canManage && cfFields.length > 0 && (
          <button type="button" disabled={selected.size === 0} onClick={() => setBulkSetting(true)}>
            Set field on selected{selected.size > 0 ? ` (${selected.size})` : ''}
          </button>
        )}
        {canManage && (
          <button
            type="button"
            disabled={selected.size === 0 || selectedList.some((s) => s.status !== 'in_stock')}
            title="Void the selected serials as entered in error (In Stock serials nothing has touched since)"
            onClick={() => setVoiding(true)}
          >
            Void{selected.size > 0 ? ` (${selected.size})` : ''}
          </button>
        )}
        {selected.size > 0 && (
          <button type="button" className="link-button" onClick={() => setSelected(new Map())}>
            Clear selection
          </button>
        )}
        <select
          aria-label="Filter by location"
          value={locationId}
          onChange={(e) => setLocationId(e.target.value)}
        >
          <option value="">All locations</option>
          {locations.data?.locations.map((l) => (
            <option key={l.id} value={l.id}>
              {l.code}
            </option>
          ))}
        </select>
        <select
          aria-label="Warranty expiring within"
          value={warrantyChoice}
          onChange={(e) => setWarrantyChoice(e.target.value)}
        >
          <option value="">Any warranty</option>
          <option value="30">Warranty expiring within 30 days</option>
          <option value="60">Warranty expiring within 60 days</option>
          <option value="90">Warranty expiring within 90 days</option>
          <option value="365">Warranty expiring within a year</option>
          <option value="custom">Warranty expiring within… (custom days)</option>
        </select>
        {warrantyChoice === 'custom' && (
          <label className="warranty-days">
            <input
              type="number"
              min={WARRANTY_DAYS_MIN}
              max={WARRANTY_DAYS_MAX}
              step={1}
              inputMode="numeric"
              autoFocus
              aria-label="Warranty expiring within days"
              aria-invalid={customDaysText !== '' && !isWarrantyDays(customDaysText)}
              title={`A whole number of days, ${WARRANTY_DAYS_MIN} to ${WARRANTY_DAYS_MAX}`}
              value={customDaysText}
              onChange={(e) => setCustomDaysText(e.target.value)}
            />
            days
            {customDaysText !== '' && !isWarrantyDays(customDaysText) && (
              <span className="field-error" role="alert">
                Enter a whole number of days, {WARRANTY_DAYS_MIN} to {WARRANTY_DAYS_MAX}
                {appliedCustomDays && ` (still showing within ${appliedCustomDays} days)`}
              </span>
            )}
          </label>
        )}
        <input
          type="search"
          aria-label="Search serials"
          placeholder="Serial number starts with…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <ExportButton item={item} filters={filters} cfOptions={cfOptions} disabled={awaitingCustomDays} />
        <ExportButton
          item={item}
          filters={filters}
          format="xlsx"
          cfOptions={cfOptions}
          disabled={awaitingCustomDays}
        />
        <CustomFieldListControls fields={cfFields} options={cfOptionsRaw} onChange={setCfOptions} />
      </div>
      <FormError error={page.error} />
      <DefaultSerialQaRow
        active={cfTarget?.kind === 'defaults'}
        onSelect={() => setCfTarget({ kind: 'defaults' })}
      />
      <div className="grid" role="grid" aria-label="Serials" aria-rowcount={counts?.total ?? rows.length}>
        <div className="grid-row grid-head" role="row" style={cfGridStyle}>
          {table.getFlatHeaders().map((h) => {
            const key = h.column.columnDef.meta?.sort;
            return (
              <div
                key={h.id}
                role="columnheader"
                className={`cell cell-${h.id}`}
                aria-sort={key === sort ? (direction === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {key ? (
                  <button type="button" className="sort-button" onClick={() => sortBy(key)}>
                    {flexRender(h.column.columnDef.header, h.getContext())}
                    {key === sort ? (direction === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                ) : (
                  flexRender(h.column.columnDef.header, h.getContext())
                )}
              </div>
            );
          })}
        </div>
        <div className="grid-body" ref={scrollRef} style={cfGridStyle && { minWidth: cfGridStyle.minWidth }}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualRows.map((v) => {
              const row = table.getRowModel().rows[v.index];
              if (!row) {
                return (
                  <div
                    key="loader"
                    className="grid-row loading-row"
                    style={{ transform: `translateY(${v.start}px)` }}
                  >
                    Loading more…
                  </div>
                );
              }
              const s = row.original;
              return (
                <div
                  key={s.id}
                  role="row"
                  tabIndex={0}
                  data-index={v.index}
                  aria-selected={selected.has(s.id)}
                  className={selected.has(s.id) ? 'grid-row selected' : 'grid-row'}
                  style={{ ...cfGridStyle, transform: `translateY(${v.start}px)` }}
                  data-current={cfTarget?.kind === 'serial' && cfTarget.serialId === s.id}
                  onClick={() =>
                    setCfTarget({ kind: 'serial', serialId: s.id, serialNumber: s.serialNumber })
                  }
                  onDoubleClick={() => setDetailId(s.id)}
                  onKeyDown={(e) => onRowKey(e, s, v.index)}
                >
                  {row.getVisibleCells().map((c) => (
                    <div key={c.id} role="gridcell" className={`cell cell-${c.column.id}`}>
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {awaitingCustomDays && (
            <p className="muted empty">
              Enter the number of days to list the serials whose warranty expires within them.
            </p>
          )}
          {!page.isPending && rows.length === 0 && (
            <p className="muted empty">
              No serials
              {status || locationId || q || warrantyDays || (cfOptions.filterFieldId && cfOptions.filterValue)
                ? ' match these filters'
                : ' yet. Click Add Serial to add one'}
              .
            </p>
          )}
        </div>
      </div>
      <p className="muted">
        Tap or click a serial number (or double-click a row, or press Enter on it) to open the Serial Detail.
      </p>
      {cfTarget ? (
        <CustomFieldsBox item={item} target={cfTarget} canEdit={canManage} />
      ) : (
        cfFields.length > 0 && (
          <p className="muted">Select a serial (or the Default Serial Q&amp;A) to see its custom fields.</p>
        )
      )}
      <BulkSetDialog
        item={item}
        fields={cfFields}
        serialIds={selectedList.map((s) => s.id)}
        open={bulkSetting}
        onOpenChange={setBulkSetting}
      />
      <AddSerialDialog item={item} open={adding} onOpenChange={setAdding} />
      {detailId !== null && <SerialDetailDialog serialId={detailId} onClose={closeDetail} />}
      <VoidSerialsDialog
        itemId={item.id}
        serials={selectedList}
        open={voiding}
        onOpenChange={setVoiding}
        onDone={() => setSelected(new Map())}
      />
      <TransferDialog
        open={transferring}
        onOpenChange={setTransferring}
        serials={selectedList}
        onDone={() => setSelected(new Map())}
      />
    </div>
  );
}
