import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../../api/client';
import { get, patch, post, toApiError } from '../../api/client';
import type { Location, PartType } from '../../api/types';
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
                <td>
                  <button type="button" className="link-button" onClick={() => void toggle(l)}>
                    {l.active ? 'Deactivate' : 'Activate'}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
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
            </tr>
          ))}
        </tbody>
      </table>
      {editing && <CustomFieldsEditor key={editing.id} partType={editing} canEdit={canEdit} />}
    </section>
  );
}
