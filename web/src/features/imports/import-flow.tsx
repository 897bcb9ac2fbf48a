import { useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { get, post, toApiError, type ApiError } from '../../api/client';
import type { ImportView, InspectResult } from '../../api/types';
import { FormError } from '../../components/form-error';
import { useSession } from '../auth/session';
import { inspectFile, uploadFile, type UploadHandle } from './import-upload';
import { ImportReport } from './import-report';

type Step =
  | { kind: 'choose' }
  | { kind: 'mapping'; file: File; inspect: InspectResult; mapping: string[] }
  | { kind: 'uploading'; file: File; importId: number | null; bytesRead: number; rowsParsed: number }
  | { kind: 'report'; view: ImportView }
  | { kind: 'committing'; view: ImportView; written: number }
  | { kind: 'done'; view: ImportView };

/**
 * Choose a file → (map its columns when the headers are not ours) → upload with the server's progress →
 * the dry-run report → Commit or Cancel. `itemId` scopes the import to one item; without it every row
 * names its SKU.
 */
export function ImportFlow({ itemId, onClose }: { itemId?: number; onClose?: () => void }) {
  const csrf = useSession().csrfToken ?? '';
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [error, setError] = useState<ApiError | null>(null);
  const upload = useRef<UploadHandle | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const start = async (file: File, mapping?: Record<string, string>) => {
    setError(null);
    setStep({ kind: 'uploading', file, importId: null, bytesRead: 0, rowsParsed: 0 });
    try {
      const opened = await post<ImportView>('/api/imports', { fileName: file.name, itemId, mapping });
      setStep({ kind: 'uploading', file, importId: opened.id, bytesRead: 0, rowsParsed: 0 });
      upload.current = uploadFile(opened.id, file, csrf, (p) =>
        setStep((s) => (s.kind === 'uploading' ? { ...s, ...p } : s)),
      );
      const view = await upload.current.done;
      setStep({ kind: 'report', view });
    } catch (err) {
      const e = toApiError(err);
      if (e.code === 'ABORTED') {
        setStep({ kind: 'choose' });
        return;
      }
      setError(e);
      setStep({ kind: 'choose' });
    } finally {
      upload.current = null;
    }
  };

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const inspect = await inspectFile(file, csrf, itemId);
      if (inspect.complete) await start(file);
      else setStep({ kind: 'mapping', file, inspect, mapping: inspect.targets });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const cancelImport = async (id: number | null) => {
    upload.current?.abort();
    if (id !== null) await post(`/api/imports/${id}/cancel`).catch(() => undefined);
    setStep({ kind: 'choose' });
  };

  const commit = async (view: ImportView) => {
    setError(null);
    setStep({ kind: 'committing', view, written: 0 });
    // The server reports the serials written so far while its one transaction runs.
    let polling = true;
    void (async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, 500));
        const now = await get<ImportView>(`/api/imports/${view.id}`).catch(() => null);
        if (polling && now) {
          setStep((s) => (s.kind === 'committing' ? { ...s, written: now.progress.serialsWritten } : s));
        }
      }
    })();
    try {
      const done = await post<ImportView>(`/api/imports/${view.id}/commit`);
      setStep({ kind: 'done', view: done });
      await queryClient.invalidateQueries({ queryKey: ['serials'] });
      await queryClient.invalidateQueries({ queryKey: ['stock'] });
    } catch (err) {
      setError(toApiError(err));
      setStep({ kind: 'report', view });
    } finally {
      polling = false;
    }
  };

  return (
    <div className="import-flow">
      <FormError error={error} />
      {step.kind === 'choose' && (
        <div>
          <p>
            Choose a CSV file (UTF-8, comma or semicolon separated) or an Excel workbook (.xlsx, its first
            sheet) with a header row: Serial Number
            {itemId === undefined && ', SKU'} and optionally Location, Status, Date Received, Condition Notes,
            Warranty End and custom fields by name. Nothing is saved until you commit the dry run. For a round
            trip through a spreadsheet use the XLSX export: a CSV opened in a spreadsheet loses leading zeros.
          </p>
          <label>
            CSV or XLSX file{' '}
            <input
              ref={fileInput}
              type="file"
              accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => void choose(e.target.files?.[0])}
            />
          </label>
        </div>
      )}

      {step.kind === 'mapping' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const mapping = Object.fromEntries(
              step.inspect.headers.map((h, i) => [h, step.mapping[i] ?? 'ignore']),
            );
            void start(step.file, mapping);
          }}
        >
          <p>
            The columns of <strong>{step.file.name}</strong> do not all match serial fields. Choose what each
            column holds.
          </p>
          <ul className="muted">
            {step.inspect.problems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
          <table className="table compact">
            <thead>
              <tr>
                <th>Column in the file</th>
                <th>Serial field</th>
              </tr>
            </thead>
            <tbody>
              {step.inspect.headers.map((h, i) => (
                <tr key={i}>
                  <td>{h || `(column ${i + 1})`}</td>
                  <td>
                    <select
                      aria-label={`Field for column ${h || i + 1}`}
                      value={step.mapping[i] ?? 'ignore'}
                      onChange={(e) => {
                        const mapping = [...step.mapping];
                        mapping[i] = e.target.value;
                        setStep({ ...step, mapping });
                      }}
                    >
                      {step.inspect.fields.map((f) => (
                        <option key={f.target} value={f.target}>
                          {f.label}
                          {f.required ? ' (required)' : ''}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button type="button" onClick={() => setStep({ kind: 'choose' })}>
              Back
            </button>
            <button type="submit" className="primary">
              Continue
            </button>
          </div>
        </form>
      )}

      {step.kind === 'uploading' && (
        <div role="status">
          <p>
            Checking <strong>{step.file.name}</strong>: {step.rowsParsed.toLocaleString()} rows read
          </p>
          <progress
            aria-label="Import progress"
            max={step.file.size || 1}
            value={Math.min(step.bytesRead, step.file.size)}
            style={{ width: '100%' }}
          />
          <div className="actions">
            <button type="button" onClick={() => void cancelImport(step.importId)}>
              Cancel
            </button>
          </div>
        </div>
      )}

      {(step.kind === 'report' || step.kind === 'committing') && (
        <div>
          <ImportReport view={step.view} />
          {step.kind === 'committing' ? (
            <div role="status">
              <p>
                Committing: {step.written.toLocaleString()} of {step.view.report?.validRows.toLocaleString()}{' '}
                serials written…
              </p>
              <progress
                aria-label="Commit progress"
                max={step.view.report?.validRows || 1}
                value={step.written}
                style={{ width: '100%' }}
              />
            </div>
          ) : (
            <div className="actions">
              <button type="button" onClick={() => void cancelImport(step.view.id)}>
                Cancel
              </button>
              {step.view.report && step.view.report.rowsWithErrors > 0 ? (
                <span className="muted">Fix the rows listed above in the file, then import it again.</span>
              ) : (
                <button
                  type="button"
                  className="primary"
                  disabled={!step.view.report || step.view.report.rows === 0}
                  onClick={() => void commit(step.view)}
                >
                  Commit
                </button>
              )}
            </div>
          )}
        </div>
      )}

      {step.kind === 'done' && (
        <div role="status">
          <p>
            Imported {step.view.serialsCreated.toLocaleString()} serials as Import #{step.view.number}.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setStep({ kind: 'choose' })}>
              Import another file
            </button>
            {onClose && (
              <button type="button" className="primary" onClick={onClose}>
                Done
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
