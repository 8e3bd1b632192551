// The presigned-style upload: a multipart/form-data POST with the fields the PUT response gave, then `file`
// (application/gzip), exactly as the SDK posts to S3. Size-limited (413 with the limit), and checked to be gzip.
import type * as http from 'node:http';
import { HttpError, readBody } from './http';

export async function receiveUpload(req: http.IncomingMessage, limit: number, token: string): Promise<Buffer> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new HttpError(400, `upload must be multipart/form-data (fields, then "file"), got content-type ${JSON.stringify(contentType)}`);
  }
  // Form overhead (fields, boundaries) is small; allow a little over the file limit for it.
  const raw = await readBody(req, limit + 64 * 1024);
  let form: FormData;
  try {
    form = await new Request('http://127.0.0.1/upload', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
  } catch (err) {
    throw new HttpError(400, `upload is not a readable multipart form: ${(err as Error).message}`);
  }
  const sentToken = form.get('token');
  if (typeof sentToken === 'string' && sentToken !== token) throw new HttpError(403, 'upload field "token" does not match the upload URL');
  const file = form.get('file');
  if (file === null) throw new HttpError(400, 'upload has no "file" field');
  if (typeof file === 'string') throw new HttpError(400, 'upload field "file" must be a file part (with a filename), not a plain field');
  const bytes = Buffer.from(await file.arrayBuffer());
  if (bytes.length > limit) throw new HttpError(413, `uploaded file is ${bytes.length} bytes; the engine's limit is ${limit} bytes`);
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new HttpError(400, 'uploaded file is not gzip data (a deployment tarball is a .tar.gz)');
  return bytes;
}
