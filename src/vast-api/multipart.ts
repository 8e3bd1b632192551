// The bundle's multipart/form-data body (the presigned S3 POST, upload.ts): encoded up front, so the HTTP layer can
// send the same bytes on either of its paths and rebuild it for each attempt.
import { randomBytes } from 'crypto';

/** A multipart/form-data body, encoded up front: the same bytes whichever HTTP path (fetch or request) sends it. */
export interface MultipartBody {
  body: Buffer;
  contentType: string;
}

// Encoded by hand (RFC 7578) rather than with a FormData object: FormData and Blob classes differ between undici and
// the host's Node (VS Code's extension host), and undici's request() could not serialize a foreign Blob.
function quoted(value: string): string {
  return value.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
}

export function bundleForm(fields: Record<string, string>, tarball: Buffer, filename: string): MultipartBody {
  const boundary = `----vast-deploy-${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  // Object key order is the JSON order the server sent, except that integer-like keys sort first in JS objects;
  // S3 field names (key, policy, x-amz-*) are never integer-like.
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n` +
          `${String(value)}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Type: application/gzip\r\nContent-Disposition: form-data; name="file"; filename="${quoted(filename)}"\r\n\r\n`,
    ),
    tarball,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
