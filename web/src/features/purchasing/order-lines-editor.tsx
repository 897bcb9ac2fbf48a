import { useQuery } from '@tanstack/react-query';
import { get, qs } from '../../api/client';
import type { Item } from '../../api/types';

export interface OrderLineDraft {
  itemId: string;
  quantity: string;
  unitCost: string;
}

export const emptyOrderLine = (): OrderLineDraft => ({ itemId: '', quantity: '1', unitCost: '' });

/** The lines as the API takes them; lines without an item are left out. */
export const toOrderLines = (lines: OrderLineDraft[]) =>
  lines
    .filter((l) => l.itemId)
    .map((l) => ({
      itemId: Number(l.itemId),
      quantityOrdered: Number(l.quantity),
      ...(l.unitCost && { unitCost: Number(l.unitCost) }),
    }));

/** Item, quantity and unit cost per line of a purchase order, for a new order and a draft alike. */
export function OrderLinesEditor({
  lines,
  onChange,
}: {
  lines: OrderLineDraft[];
  onChange: (lines: OrderLineDraft[]) => void;
}) {
  const items = useQuery({
    queryKey: ['items', 'all'],
    queryFn: () => get<{ items: Item[] }>(`/api/items${qs({ limit: 500 })}`),
  });
  const setLine = (i: number, patch: Partial<OrderLineDraft>) =>
    onChange(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));

  return (
    <>
      {lines.map((l, i) => (
        <div className="inline-form" key={i}>
          <label>
            Item
            <select
              aria-label={`Line ${i + 1} item`}
              value={l.itemId}
              onChange={(e) => setLine(i, { itemId: e.target.value })}
            >
              <option value="">Choose…</option>
              {items.data?.items.map((it) => (
                <option key={it.id} value={it.id}>
                  {it.sku} — {it.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Quantity
            <input
              aria-label={`Line ${i + 1} quantity`}
              type="number"
              min={1}
              value={l.quantity}
              onChange={(e) => setLine(i, { quantity: e.target.value })}
            />
          </label>
          <label>
            Unit cost
            <input
              aria-label={`Line ${i + 1} unit cost`}
              type="number"
              min={0}
              step="0.01"
              value={l.unitCost}
              onChange={(e) => setLine(i, { unitCost: e.target.value })}
            />
          </label>
          {lines.length > 1 && (
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove line ${i + 1}`}
              onClick={() => onChange(lines.filter((_, j) => j !== i))}
            >
              ×
            </button>
          )}
        </div>
      ))}
      <div className="actions">
        <button type="button" onClick={() => onChange([...lines, emptyOrderLine()])}>
          Add line
        </button>
      </div>
    </>
  );
}
