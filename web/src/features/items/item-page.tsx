import { useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import * as Tabs from '@radix-ui/react-tabs';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError, get, patch, post, toApiError } from '../../api/client';
import type { Item, Location, PartType } from '../../api/types';
import { FormError } from '../../components/form-error';
import { Dialog } from '../../components/dialog';
import { useCan } from '../auth/session';
import { SerialsTab, type OpenSerialRequest } from '../serials/serials-tab';
import { StockSection } from './stock-section';

interface ItemForm {
  sku: string;
  name: string;
  description: string;
  partTypeId: string;
  primaryLocationId: string;
  warrantyMonths: string;
  serialPattern: string;
  trackSerials: boolean;
}

const emptyForm: ItemForm = {
  sku: '',
  name: '',
  description: '',
  partTypeId: '',
  primaryLocationId: '',
  warrantyMonths: '0',
  serialPattern: '',
  trackSerials: false,
};

const toForm = (item: Item): ItemForm => ({
  sku: item.sku,
  name: item.name,
  description: item.description,
  partTypeId: item.partTypeId ? String(item.partTypeId) : '',
  primaryLocationId: item.primaryLocationId ? String(item.primaryLocationId) : '',
  warrantyMonths: String(item.warrantyMonths),
  serialPattern: item.serialPattern ?? '',
  trackSerials: item.trackSerials,
});

export function ItemPage() {
  const params = useParams();
  const isNew = params.id === undefined;
  const id = Number(params.id);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const location = useLocation();
  const [searchParams, setSearchParams] = useSearchParams();
  const canEdit = useCan('INV_EDIT_ITEMS');
  const canManageSerials = useCan('INV_MANAGE_SERIALS');
  const canAdminSettings = useCan('SETTINGS_ADMIN');
  // Someone who may manage serials but not edit items can still turn Track Serials on or off.
  const canSave = isNew ? canEdit : canEdit || canManageSerials;

  const item = useQuery({
    queryKey: ['item', id],
    enabled: !isNew,
    queryFn: () => get<Item>(`/api/items/${id}`),
  });
  const locations = useQuery({
    queryKey: ['locations'],
    queryFn: () => get<{ locations: Location[] }>('/api/locations'),
  });
  const partTypes = useQuery({
    queryKey: ['part-types'],
    queryFn: () => get<{ partTypes: PartType[] }>('/api/part-types'),
  });

  const [form, setForm] = useState<ItemForm>(emptyForm);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirmHide, setConfirmHide] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const serialParam = searchParams.get('serial');
  const [tab, setTab] = useState(serialParam ? 'serials' : 'basic');
  // The Serials tab stays mounted once shown, so going to Basic Info and back keeps its filters.
  const [serialsShown, setSerialsShown] = useState(tab === 'serials');
  if (tab === 'serials' && !serialsShown) setSerialsShown(true);
  const openSerial: OpenSerialRequest | null = serialParam
    ? { serialId: Number(serialParam), key: location.key }
    : null;
  // Once its Serial Detail is closed the link has done its job; leaving it would reopen the dialog.
  const clearSerialParam = () => {
    if (!searchParams.has('serial')) return;
    setSearchParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.delete('serial');
        return next;
      },
      { replace: true },
    );
  };

  useEffect(() => {
    if (item.data) setForm(toForm(item.data));
  }, [item.data]);
  useEffect(() => {
    if (serialParam) setTab('serials');
  }, [serialParam, location.key]);

  const set = <K extends keyof ItemForm>(key: K, value: ItemForm[K]) => {
    setSaved(false);
    setForm((f) => ({ ...f, [key]: value }));
  };

  const body = (confirmHideSerials?: boolean) => ({
    sku: form.sku,
    name: form.name,
    description: form.description,
    partTypeId: form.partTypeId ? Number(form.partTypeId) : null,
    primaryLocationId: form.primaryLocationId ? Number(form.primaryLocationId) : null,
    warrantyMonths: Number(form.warrantyMonths || 0),
    serialPattern: form.serialPattern.trim() || null,
    ...(canManageSerials && { trackSerials: form.trackSerials }),
    ...(confirmHideSerials && { confirmHideSerials: true }),
  });

  // Back to what the server holds, so a refused or cancelled turn-off never leaves the box unchecked.
  const resetTrackSerials = () => {
    if (item.data) setForm((f) => ({ ...f, trackSerials: item.data.trackSerials }));
  };

  const save = async (confirmHideSerials?: boolean) => {
    setSaving(true);
    setError(null);
    try {
      if (isNew) {
        const created = await post<Item>('/api/items', body());
        await queryClient.invalidateQueries({ queryKey: ['items'] });
        void navigate(`/items/${created.id}`, { replace: true });
      } else {
        const updated = canEdit
          ? await patch<Item>(`/api/items/${id}`, body(confirmHideSerials))
          : await api<Item>('PUT', `/api/items/${id}/track-serials`, {
              trackSerials: form.trackSerials,
              ...(confirmHideSerials && { confirmHideSerials: true }),
            });
        // Saving reloads the form from the server, so the Serials tab follows Track Serials.
        queryClient.setQueryData(['item', id], updated);
        await queryClient.invalidateQueries({ queryKey: ['items'] });
        await queryClient.invalidateQueries({ queryKey: ['stock', id] });
        setConfirmHide(null);
        setSaved(true);
      }
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CONFIRMATION_REQUIRED') setConfirmHide(err.message);
      else {
        if (err instanceof ApiError && err.code === 'SERIAL_TRACKING_LOCKED') resetTrackSerials();
        setError(toApiError(err));
      }
    } finally {
      setSaving(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };

  if (!isNew && item.isError) return <FormError error={item.error} />;
  if (!isNew && !item.data) return <p className="loading">Loading…</p>;
  const tracksSerials = item.data?.trackSerials === true;
  const fieldError = (field: string) =>
    error?.errors.find((e) => e.field === field || e.field === `body.${field}`);

  const basicInfo = (
    <form className="item-form" onSubmit={submit} aria-label="Item form">
      <fieldset className="card" disabled={!canEdit}>
        <legend>General</legend>
        <div className="grid-2">
          <label>
            SKU
            <input value={form.sku} onChange={(e) => set('sku', e.target.value)} required />
            {fieldError('sku') && <span className="field-error">{fieldError('sku')!.message}</span>}
          </label>
          <label>
            Name
            <input value={form.name} onChange={(e) => set('name', e.target.value)} required />
          </label>
          <label>
            Part type
            <select value={form.partTypeId} onChange={(e) => set('partTypeId', e.target.value)}>
              <option value="">—</option>
              {partTypes.data?.partTypes.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Primary location
            <select value={form.primaryLocationId} onChange={(e) => set('primaryLocationId', e.target.value)}>
              <option value="">—</option>
              {locations.data?.locations.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.code} {l.name !== l.code ? `— ${l.name}` : ''}
                </option>
              ))}
            </select>
          </label>
          <label>
            Warranty (months, 0 = no warranty)
            <input
              type="number"
              min={0}
              max={1200}
              value={form.warrantyMonths}
              onChange={(e) => set('warrantyMonths', e.target.value)}
            />
          </label>
          <label>
            Serial pattern (e.g. SN-{'{#####}'})
            <input value={form.serialPattern} onChange={(e) => set('serialPattern', e.target.value)} />
          </label>
        </div>
        <label>
          Description
          <textarea value={form.description} onChange={(e) => set('description', e.target.value)} rows={2} />
        </label>
      </fieldset>
      {!isNew && <StockSection itemId={id} />}
      <fieldset className="card" disabled={!canEdit && !canManageSerials}>
        <legend>Item Settings</legend>
        {canManageSerials ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.trackSerials}
              onChange={(e) => set('trackSerials', e.target.checked)}
            />
            Track Serials
          </label>
        ) : (
          <p className="muted">Serial tracking: {tracksSerials ? 'on' : 'off'}.</p>
        )}
      </fieldset>
      <FormError error={error} />
      {error?.code === 'SERIAL_TRACKING_LOCKED' && canAdminSettings && (
        <p>
          <Link to="/settings">Open Settings</Link> to change what turning Track Serials off does.
        </p>
      )}
      {canSave && (
        <div className="actions">
          <button type="submit" className="primary" disabled={saving}>
            Save
          </button>
          {saved && <span className="muted">Saved.</span>}
        </div>
      )}
    </form>
  );

  return (
    <section>
      <div className="page-header">
        <h1>{isNew ? 'New item' : `${item.data!.sku} — ${item.data!.name}`}</h1>
      </div>
      {isNew ? (
        basicInfo
      ) : (
        <Tabs.Root value={tab} onValueChange={setTab}>
          <Tabs.List className="tabs" aria-label="Item">
            <Tabs.Trigger value="basic">Basic Info</Tabs.Trigger>
            {tracksSerials && <Tabs.Trigger value="serials">Serials</Tabs.Trigger>}
          </Tabs.List>
          <Tabs.Content value="basic">{basicInfo}</Tabs.Content>
          {tracksSerials && (
            <Tabs.Content value="serials" className="tab-panel" forceMount={serialsShown || undefined}>
              <SerialsTab item={item.data!} openSerial={openSerial} onDetailClosed={clearSerialParam} />
            </Tabs.Content>
          )}
        </Tabs.Root>
      )}
      <Dialog
        open={confirmHide !== null}
        onOpenChange={(o) => {
          if (o) return;
          setConfirmHide(null);
          resetTrackSerials();
        }}
        title="Turn off Track Serials?"
      >
        <p>{confirmHide}</p>
        <p>
          The serial records are kept in the database and shown again when Track Serials is turned back on.
        </p>
        <div className="actions">
          <button type="button" className="primary" onClick={() => void save(true)} disabled={saving}>
            Turn off and keep records
          </button>
          <button
            type="button"
            onClick={() => {
              setConfirmHide(null);
              resetTrackSerials();
            }}
          >
            Cancel
          </button>
        </div>
      </Dialog>
    </section>
  );
}
