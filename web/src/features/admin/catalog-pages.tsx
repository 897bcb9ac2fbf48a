import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../../api/client';
import { get, patch, post, toApiError } from '../../api/client';
import type { Location, PartType } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { FormError } from '../../components/form-error';
import { useCan } from '../auth/session';
import { CustomFieldsEditor } from '../custom-fields/custom-fields-editor';

export function LocationsPage() {
  const queryClient = useQueryClient();
  const canEdit = useCan('INV_EDIT_ITEMS');
  const list = useQuery({
    queryKey: ['locations', 'all'],
    queryFn: () => get<{ locations: Location[] }>('/api/locations?includeInactive=true'),
  });
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState<Location | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['locations'] });
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await post('/api/locations', { code, ...(name.trim() && { name }) });
      setCode('');
      setName('');
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const toggle = async (l: Location) => {
    setError(null);
    try {
      await patch(`/api/locations/${l.id}`, { active: !l.active });
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <section>
      <h1>Locations</h1>
      {canEdit && (
        <form className="inline-form card" onSubmit={(e) => void create(e)} aria-label="New location">
          <input
            placeholder="Code, e.g. R1-1A"
            aria-label="Location code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
          />
          <input
            placeholder="Name (optional)"
            aria-label="Location name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" className="primary">
            Add location
          </button>
        </form>
      )}
      <FormError error={error} />
      <table className="table">
        <thead>
          <tr>
            <th>Code</th>
            <th>Name</th>
            <th>Active</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {list.data?.locations.map((l) => (
            <tr key={l.id} className={l.active ? '' : 'muted'}>
              <td>{l.code}</td>
              <td>{l.name}</td>
              <td>{l.active ? 'Yes' : 'No'}</td>
              {canEdit && (
                <td className="row-actions">
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Edit ${l.code}`}
                    onClick={() => setEditing(l)}
                  >
                    Edit
                  </button>
                  <button type="button" className="link-button" onClick={() => void toggle(l)}>
                    {l.active ? 'Deactivate' : 'Activate'}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && <EditLocationDialog location={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}

/** The fields of an edit dialog, sent only when changed; the server's refusal is shown above the buttons. */
function EditDialog({
  title,
  open,
  onClose,
  onSave,
  children,
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  onSave: () => Promise<void>;
  children: ReactNode;
}) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) setError(null);
  }, [open]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSave();
      // A location's code and a part type's name show on serials, stock, documents and items: refetch them all.
      await queryClient.invalidateQueries();
      onClose();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={(o) => !o && !busy && onClose()} title={title}>
      <form onSubmit={(e) => void submit(e)} aria-label={title}>
        {children}
        <FormError error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function EditLocationDialog({ location, onClose }: { location: Location | null; onClose: () => void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  useEffect(() => {
    setCode(location?.code ?? '');
    setName(location?.name ?? '');
  }, [location]);

  const save = async () => {
    if (!location) return;
    await patch(`/api/locations/${location.id}`, {
      ...(code !== location.code && { code }),
      ...(name !== location.name && { name }),
    });
  };

  return (
    <EditDialog
      title={`Edit location ${location?.code ?? ''}`}
      open={location !== null}
      onClose={onClose}
      onSave={save}
    >
      <label>
        Code
        <input autoFocus value={code} onChange={(e) => setCode(e.target.value)} />
      </label>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
    </EditDialog>
  );
}

function EditPartTypeDialog({ partType, onClose }: { partType: PartType | null; onClose: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  useEffect(() => {
    setName(partType?.name ?? '');
    setDescription(partType?.description ?? '');
  }, [partType]);

  const save = async () => {
    if (!partType) return;
    await patch(`/api/part-types/${partType.id}`, {
      ...(name !== partType.name && { name }),
      ...(description !== partType.description && { description }),
    });
  };

  return (
    <EditDialog
      title={`Edit part type ${partType?.name ?? ''}`}
      open={partType !== null}
      onClose={onClose}
      onSave={save}
    >
      <label>
        Name
        <input autoFocus value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Description
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
    </EditDialog>
  );
}

export function PartTypesPage() {
  const queryClient = useQueryClient();
  const canEdit = useCan('INV_EDIT_ITEMS');
  const list = useQuery({
    queryKey: ['part-types'],
    queryFn: () => get<{ partTypes: PartType[] }>('/api/part-types'),
  });
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [fieldsOf, setFieldsOf] = useState<number | null>(null);
  const [renaming, setRenaming] = useState<PartType | null>(null);
  const editing = list.data?.partTypes.find((p) => p.id === fieldsOf);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await post('/api/part-types', { name, ...(description.trim() && { description }) });
      setName('');
      setDescription('');
      await queryClient.invalidateQueries({ queryKey: ['part-types'] });
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <section>
      <h1>Part types</h1>
      {canEdit && (
        <form className="inline-form card" onSubmit={(e) => void create(e)} aria-label="New part type">
          <input
            placeholder="Name"
            aria-label="Part type name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
          <input
            placeholder="Description"
            aria-label="Part type description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
          <button type="submit" className="primary">
            Add part type
          </button>
        </form>
      )}
      <FormError error={error} />
      <table className="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Description</th>
            <th>Custom fields</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {list.data?.partTypes.map((p) => (
            <tr key={p.id} className={p.id === fieldsOf ? 'selected' : ''}>
              <td>{p.name}</td>
              <td>{p.description}</td>
              <td>
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Custom fields of ${p.name}`}
                  onClick={() => setFieldsOf(p.id === fieldsOf ? null : p.id)}
                >
                  {p.id === fieldsOf ? 'Hide custom fields' : 'Custom fields'}
                </button>
              </td>
              {canEdit && (
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Edit ${p.name}`}
                    onClick={() => setRenaming(p)}
                  >
                    Edit
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {editing && <CustomFieldsEditor key={editing.id} partType={editing} canEdit={canEdit} />}
      {canEdit && <EditPartTypeDialog partType={renaming} onClose={() => setRenaming(null)} />}
    </section>
  );
}
