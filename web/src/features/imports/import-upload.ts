import { ApiError, get, qs } from '../../api/client';
import type { ImportView, InspectResult, Problem } from '../../api/types';

/** The header is in the first line; 64 KB of the file is plenty to read it and detect the delimiter. */
const SAMPLE_BYTES = 64 * 1024;
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** How the file is sent: a workbook by its extension, anything else as CSV text. */
export function contentTypeOf(file: File): string {
  return /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv';
}

function problemOf(status: number, text: string): ApiError {
  try {
    const p = JSON.parse(text) as Problem;
    return new ApiError(status, p.code, p.detail, p.errors);
  } catch {
    return new ApiError(status, 'HTTP_ERROR', `The server answered ${status}.`);
  }
}

/**
 * Sends the start of a CSV (the whole of a workbook, whose header may be stored at its end) so the server
 * can propose the column mapping.
 */
export async function inspectFile(file: File, csrf: string, itemId?: number): Promise<InspectResult> {
  const type = contentTypeOf(file);
  let res: Response;
  try {
    res = await fetch(`/api/imports/inspect${qs({ itemId })}`, {
      method: 'POST',
      headers: { 'content-type': type, 'x-csrf-token': csrf },
      credentials: 'same-origin',
      body: type === XLSX_TYPE ? file : file.slice(0, SAMPLE_BYTES),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check the connection and try again.');
  }
  if (!res.ok) throw problemOf(res.status, await res.text());
  return (await res.json()) as InspectResult;
}

export interface UploadHandle {
  done: Promise<ImportView>;
  abort(): void;
}

/**
 * Streams the file to the import (the browser sends it from disk) and polls the server for the rows it
 * has parsed, so the bar shows the server's progress, not only the bytes sent.
 */
export function uploadFile(
  importId: number,
  file: File,
  csrf: string,
  onProgress: (p: { bytesRead: number; rowsParsed: number }) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, 500));
      if (stopped) return;
      try {
        const view = await get<ImportView>(`/api/imports/${importId}`);
        if (!stopped) onProgress(view.progress);
      } catch {
        // a missed poll only delays the bar
      }
    }
  };
  const done = new Promise<ImportView>((resolve, reject) => {
    xhr.open('PUT', `/api/imports/${importId}/file`);
    xhr.setRequestHeader('content-type', contentTypeOf(file));
    xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.onload = () => {
      if (xhr.status === 200) resolve(JSON.parse(xhr.responseText) as ImportView);
      else reject(problemOf(xhr.status, xhr.responseText));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'NETWORK', 'The upload was interrupted. Nothing was imported; try again.'));
    xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'The import was cancelled. Nothing was imported.'));
    xhr.send(file);
  }).finally(() => (stopped = true));
  void poll();
  return { done, abort: () => xhr.abort() };
}
