import { ApiError, get, qs } from '../../api/client';
import type { ImportView, InspectResult, Problem } from '../../api/types';

/** The header is in the first line; 64 KB of the file is plenty to read it and detect the delimiter. */
const SAMPLE_BYTES = 64 * 1024;

function problemOf(status: number, text: string): ApiError {
  try {
    const p = JSON.parse(text) as Problem;
    return new ApiError(status, p.code, p.detail, p.errors);
  } catch {
    return new ApiError(status, 'HTTP_ERROR', `The server answered ${status}.`);
  }
}

/** Sends the start of the file so the server can propose the column mapping. */
export async function inspectFile(file: File, csrf: string, itemId?: number): Promise<InspectResult> {
  let res: Response;
  try {
    res = await fetch(`/api/imports/inspect${qs({ itemId })}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'x-csrf-token': csrf },
      credentials: 'same-origin',
      body: file.slice(0, SAMPLE_BYTES),
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
    xhr.setRequestHeader('content-type', 'text/csv');
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
