// The presigned S3 POST of the bundle (spec §1.1 step 3): multipart/form-data, the server's fields in the server's
// order, then `file` last as application/gzip; no Vast credentials travel with it.
import { FormData } from 'undici';
import type { HttpLayer } from './http';

export const UPLOAD_OK_STATUSES = [200, 201, 204] as const;

export function bundleForm(fields: Record<string, string>, tarball: Buffer, filename: string): FormData {
  const form = new FormData();
  // Object key order is the JSON order the server sent, except that integer-like keys sort first in JS objects;
  // S3 field names (key, policy, x-amz-*) are never integer-like.
  for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
  form.append('file', new Blob([tarball], { type: 'application/gzip' }), filename);
  return form;
}

export async function uploadBundle(
  http: HttpLayer,
  uploadUrl: string,
  fields: Record<string, string>,
  tarball: Buffer,
  filename: string,
  options: { signal?: AbortSignal; timeoutMs: number },
): Promise<void> {
  if (!fields || typeof fields !== 'object') throw new TypeError('uploadBundle: upload_fields must be an object');
  await http.request({
    call: 'uploadBundle',
    method: 'POST',
    url: uploadUrl,
    auth: null,
    form: () => bundleForm(fields, tarball, filename),
    okStatuses: UPLOAD_OK_STATUSES,
    expect: 'none',
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
}
