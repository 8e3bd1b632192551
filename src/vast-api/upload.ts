// The presigned S3 POST of the bundle: multipart/form-data, the server's fields in the server's order, then `file`
// last as application/gzip; no Vast credentials travel with it. Each part is laid out as the SDK's aiohttp FormData
// lays it out: a `Content-Type` header first (`text/plain; charset=utf-8` for the text fields), then
// `Content-Disposition`.
import type { HttpLayer } from './http';
import { bundleForm } from './multipart';

export const UPLOAD_OK_STATUSES = [200, 201, 204] as const;

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
