import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, get, qs } from '../../api/client';
import type { LookupResult } from '../../api/types';
import { CameraScanButton } from '../scan/camera-scan-button';

type Match = LookupResult['matches'][number];

export const serialUrl = (m: { itemId: number; id: number }) => `/items/${m.itemId}?serial=${m.id}`;

/**
 * The global lookup: type or scan a serial and press Enter (keyboard-wedge scanners do exactly that).
 * One exact match opens its Serial Detail; several, or only prefix matches, give a short pick list that
 * works with the mouse and with the keyboard (arrow keys, Enter, Escape) while focus stays in the box.
 */
export function LookupBox() {
  const navigate = useNavigate();
  const listId = useId();
  const [value, setValue] = useState('');
  const [matches, setMatches] = useState<Match[] | null>(null);
  const [active, setActive] = useState(-1);
  const [message, setMessage] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const close = () => {
    setMatches(null);
    setActive(-1);
    setMessage(null);
  };

  const open = (m: Match) => {
    close();
    setValue('');
    // A fresh navigation every time (its own history entry and state), so scanning the serial that was
    // just looked up opens it again.
    void navigate(serialUrl(m), { state: { lookupAt: Date.now() } });
  };

  const showMatches = (list: Match[]) => {
    setMatches(list);
    setActive(-1);
  };

  const search = async (raw: string) => {
    const q = raw.trim();
    if (!q) return;
    setMessage(null);
    try {
      const exact = await get<LookupResult>(`/api/serials/lookup${qs({ q, mode: 'exact' })}`);
      if (exact.matches.length === 1) return open(exact.matches[0]!);
      if (exact.matches.length > 1) return showMatches(exact.matches);
      const prefix = await get<LookupResult>(`/api/serials/lookup${qs({ q, mode: 'prefix', limit: 10 })}`);
      if (prefix.matches.length === 0) {
        close();
        setMessage(`No serial "${q}" found.`);
      } else showMatches(prefix.matches);
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : String(err));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const count = matches?.length ?? 0;
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && count > 0) {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i < 0 ? (step > 0 ? 0 : count - 1) : (i + step + count) % count));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const chosen = active >= 0 ? matches?.[active] : undefined;
      if (chosen) open(chosen);
      else void search(value);
    } else if (e.key === 'Escape') {
      close();
    }
  };

  const expanded = (matches?.length ?? 0) > 0;
  const optionId = (i: number) => `${listId}-option-${i}`;

  return (
    <div className="lookup">
      <div className="lookup-field">
        <input
          ref={input}
          type="search"
          role="combobox"
          aria-label="Serial lookup"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={expanded ? listId : undefined}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          placeholder="Find serial… (type or scan, Enter)"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            // The list belongs to what was searched; typing something else starts over.
            if (matches) close();
          }}
          onKeyDown={onKeyDown}
          onBlur={close}
        />
        {/* The lookup opens one serial: the camera closes on the first code, as a scan into the box would. */}
        <CameraScanButton field={input} target="raw" closeOnRead compact />
      </div>
      {(expanded || message) && (
        <div className="lookup-results">
          {message && (
            <p className="muted" role="status">
              {message}
            </p>
          )}
          {expanded && (
            <ul id={listId} role="listbox" aria-label="Serial matches">
              {matches!.map((m, i) => (
                <li
                  key={m.id}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? 'active' : undefined}
                  // Keep focus in the box so its blur does not close the list before the click lands.
                  onMouseDown={(e) => e.preventDefault()}
                  onMouseMove={() => setActive(i)}
                  onClick={() => open(m)}
                >
                  <strong>{m.serialNumber}</strong> <span>{m.itemSku}</span>{' '}
                  <span className="muted">{m.itemName}</span> <span>{m.statusLabel}</span>{' '}
                  <span className="muted">{m.locationCode}</span>
                  {m.renumberedFrom !== null && (
                    <span className="muted"> · renumbered from {m.renumberedFrom}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
          {expanded && <p className="muted hint">↑ ↓ to choose, Enter to open, Esc to close</p>}
        </div>
      )}
    </div>
  );
}
