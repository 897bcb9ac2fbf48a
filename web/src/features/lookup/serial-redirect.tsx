import { useQuery } from '@tanstack/react-query';
import { Navigate, useParams } from 'react-router-dom';
import { get } from '../../api/client';
import type { SerialDetail } from '../../api/types';
import { FormError } from '../../components/form-error';

/** /serials/:id (e.g. from a label's QR code) opens the serial on its item's Serials tab. */
export function SerialRedirect() {
  const id = Number(useParams().id);
  const q = useQuery({ queryKey: ['serial', id], queryFn: () => get<SerialDetail>(`/api/serials/${id}`) });
  if (q.isError) return <FormError error={q.error} />;
  if (!q.data) return <p className="loading">Loading…</p>;
  return <Navigate replace to={`/items/${q.data.item.id}?serial=${id}`} />;
}
