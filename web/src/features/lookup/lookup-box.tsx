import { useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, get, qs } from '../../api/client';
import type { LookupResult } from '../../api/types';

type Match = LookupResult['matches'][number];

export const serialUrl = (m: { itemId: number; id: number }) => `/items/${m.itemId}?serial=${m.id}`;

/**
 * The global lookup: type or scan a serial and press Enter (keyboard-wedge scanners do exactly that).
 * One exact match opens its Serial Detail; several, or only prefix matches, give a short pick list.
 */
export function LookupBox() {
  const navigate = useNavigate();
  const [value, setValue] = useState('');
  const [matches, setMatches] = useState<Match[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const open = (m: Match) => {
    setMatches(null);
    setMessage(null);
    setValue('');
    void navigate(serialUrl(m));
  };

  const search = async (raw: string) => {
    const q = raw.trim();
    if (!q) return;
    setMessage(null);
    try {
      const exact = await get<LookupResult>(`/api/serials/lookup${qs({ q, mode: 'exact' })}`);
      if (exact.matches.length === 1) return open(exact.matches[0]!);
      if (exact.matches.length > 1) return setMatches(exact.matches);
      const prefix = await get<LookupResult>(`/api/serials/lookup${qs({ q, mode: 'prefix', limit: 10 })}`);
      if (prefix.matches.length === 0) {
        setMatches(null);
        setMessage(`No serial "${q}" found.`);
      } else setMatches(prefix.matches);
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : String(err));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void search(value);
    } else if (e.key === 'Escape') {
      setMatches(null);
      setMessage(null);
    }
  };

  return (
    <div className="lookup">
      <input
        type="search"
        aria-label="Serial lookup"
        placeholder="Find serial… (type or scan, Enter)"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setMatches(null);
          setMessage(null);
        }}
      />
      {(matches || message) && (
        <div className="lookup-results" role="listbox" aria-label="Serial matches">
          {message && <p className="muted">{message}</p>}
          {matches?.map((m) => (
            <button
              type="button"
              role="option"
              aria-selected={false}
              key={m.id}
              // Keep focus in the box so its blur does not close the list before the click lands.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => open(m)}
            >
              <strong>{m.serialNumber}</strong> <span>{m.itemSku}</span>{' '}
              <span className="muted">{m.itemName}</span> <span>{m.statusLabel}</span>{' '}
              <span className="muted">{m.locationCode}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
