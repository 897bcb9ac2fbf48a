import type { ApiError } from '../api/client';

/** The server's message in plain words, with any per-field or per-row problems listed under it. */
export function FormError({ error }: { error: ApiError | Error | null | undefined }) {
  if (!error) return null;
  // A field message that only repeats the headline is not listed again.
  const errors = ('errors' in error ? error.errors : []).filter((e) => e.message !== error.message);
  return (
    <div className="form-error" role="alert">
      <p>{error.message}</p>
      {errors.length > 0 && (
        <ul>
          {errors.slice(0, 20).map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
          {errors.length > 20 && <li>…and {errors.length - 20} more.</li>}
        </ul>
      )}
    </div>
  );
}
