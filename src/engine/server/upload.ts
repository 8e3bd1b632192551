// The presigned-style upload: a multipart/form-data POST with the fields the PUT response gave, then `file`
// (application/gzip), exactly as the SDK posts to S3. The form is parsed as it streams in: the file part goes
// straight to a file on disk (hashed with sha256 on the way), so an upload of any size costs the engine a few chunks
// of memory. Size-limited (413 with the limit), checked to be gzip and to have the registered size; a refused or
// interrupted upload leaves no file behind.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { diskFull, HttpError } from './http';

/** Room for the form around the file (fields, part headers, boundaries): the fields the PUT hands out are small. */
const FORM_OVERHEAD_BYTES = 64 * 1024;
/** One part's header block at most. */
const PART_HEADERS_MAX_BYTES = 16 * 1024;

export interface UploadRequest extends AsyncIterable<Buffer | string> {
  headers: IncomingHttpHeaders;
}

export interface UploadOptions {
  /** The engine's limit on the file (maxUploadBytes). */
  limit: number;
  /** The token in the upload URL; a `token` field, when sent, must be the same. */
  token: string;
  /** The `file_size` the PUT registered for this version. */
  expectedSize: number;
  /** Where the file is written; it exists afterwards only when the upload was accepted. */
  destination: string;
}

export interface ReceivedUpload {
  size: number;
  sha256: string;
}

type Phase = 'preamble' | 'afterDelimiter' | 'headers' | 'field' | 'file' | 'done';

export async function receiveUpload(req: UploadRequest, options: UploadOptions): Promise<ReceivedUpload> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new HttpError(400, `upload must be multipart/form-data (fields, then "file"), got content-type ${JSON.stringify(contentType)}`);
  }
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) throw new HttpError(400, 'upload is not a readable multipart form: its content-type has no boundary');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.limit + FORM_OVERHEAD_BYTES) {
    throw new HttpError(413, `upload is ${declared} bytes; the engine's limit is ${options.limit} bytes for the file`);
  }
  const receiver = new FileReceiver(Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`), options);
  try {
    try {
      for await (const chunk of req) await receiver.feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      // A write the disk refused is the engine's side, not an interrupted upload.
      throw diskFull(err) ?? new HttpError(400, `upload was interrupted: ${(err as Error).message}`);
    }
    return await receiver.finish();
  } catch (err) {
    await receiver.discard();
    throw err;
  }
}

/** The multipart parser: a small state machine over the bytes not yet consumed (never more than a part header). */
class FileReceiver {
  private phase: Phase = 'preamble';
  // The body starts with `--boundary`, not `\r\n--boundary`: a leading CRLF makes the first delimiter like the others.
  private pending: Buffer = Buffer.from('\r\n');
  private received = 0;
  private fieldName = '';
  private fieldValue: Buffer[] = [];
  private fieldBytes = 0;
  private sawFile = false;
  private out: fs.promises.FileHandle | undefined;
  private readonly hash = createHash('sha256');
  private size = 0;
  private head: Buffer = Buffer.alloc(0);
  /** Why the file will be refused once it has been read to its end (it is no longer written meanwhile). */
  private refusal: HttpError | undefined;

  constructor(
    private readonly delimiter: Buffer,
    private readonly options: UploadOptions,
  ) {}

  async feed(chunk: Buffer): Promise<void> {
    this.received += chunk.length;
    if (this.received > this.options.limit + FORM_OVERHEAD_BYTES) {
      throw new HttpError(413, `upload passed ${this.received} bytes; the engine's limit is ${this.options.limit} bytes for the file`);
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (!(await this.step())) return;
    }
  }

  /** One move of the state machine; false when it needs more bytes. */
  private async step(): Promise<boolean> {
    const buf = this.pending;
    switch (this.phase) {
      case 'preamble': {
        const at = buf.indexOf(this.delimiter);
        if (at < 0) {
          this.pending = buf.subarray(Math.max(0, buf.length - this.delimiter.length + 1));
          return false;
        }
        this.pending = buf.subarray(at + this.delimiter.length);
        this.phase = 'afterDelimiter';
        return true;
      }
      case 'afterDelimiter': {
        if (buf.length < 2) return false;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          this.phase = 'done';
          this.pending = Buffer.alloc(0);
          return false;
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) {
          if (buf.length > 1024) throw new HttpError(400, 'upload is not a readable multipart form: a boundary line does not end');
          return false;
        }
        this.pending = buf.subarray(eol + 2);
        this.phase = 'headers';
        return true;
      }
      case 'headers': {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > PART_HEADERS_MAX_BYTES) throw new HttpError(400, `upload is not a readable multipart form: a part's headers pass ${PART_HEADERS_MAX_BYTES} bytes`);
          return false;
        }
        const headers = buf.subarray(0, end).toString('utf8');
        this.pending = buf.subarray(end + 4);
        await this.startPart(headers);
        return true;
      }
      case 'field':
      case 'file': {
        const at = buf.indexOf(this.delimiter);
        // Without a delimiter, all but its possible start is part content.
        const upTo = at >= 0 ? at : Math.max(0, buf.length - this.delimiter.length + 1);
        if (upTo > 0) await this.content(buf.subarray(0, upTo));
        this.pending = buf.subarray(at >= 0 ? at + this.delimiter.length : upTo);
        if (at < 0) return false;
        this.endPart();
        this.phase = 'afterDelimiter';
        return true;
      }
      case 'done':
        this.pending = Buffer.alloc(0); // the epilogue is ignored
        return false;
    }
  }

  private async startPart(headers: string): Promise<void> {
    const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(disposition)?.[1];
    if (name === undefined) throw new HttpError(400, 'upload is not a readable multipart form: a part has no name');
    if (name !== 'file') {
      this.phase = 'field';
      this.fieldName = name;
      this.fieldValue = [];
      return;
    }
    if (!/;\s*filename\*?=/i.test(disposition)) throw new HttpError(400, 'upload field "file" must be a file part (with a filename), not a plain field');
    if (this.sawFile) throw new HttpError(400, 'upload has more than one "file" part');
    this.sawFile = true;
    this.phase = 'file';
    this.out = await fs.promises.open(this.options.destination, 'w', 0o600);
  }

  private async content(bytes: Buffer): Promise<void> {
    if (this.phase === 'field') {
      this.fieldBytes += bytes.length;
      if (this.fieldBytes > FORM_OVERHEAD_BYTES) throw new HttpError(413, `upload's form fields pass ${FORM_OVERHEAD_BYTES} bytes`);
      this.fieldValue.push(bytes);
      return;
    }
    this.size += bytes.length;
    if (this.size > this.options.limit) throw new HttpError(413, `uploaded file passed ${this.options.limit} bytes, the engine's limit is ${this.options.limit} bytes`);
    if (this.head.length < 2) {
      this.head = Buffer.concat([this.head, bytes.subarray(0, 2 - this.head.length)]);
      if (this.head.length === 2 && (this.head[0] !== 0x1f || this.head[1] !== 0x8b)) {
        this.refuse(new HttpError(400, 'uploaded file is not gzip data (a deployment tarball is a .tar.gz)'));
      }
    }
    // Past the registered size it will be refused: the rest is only counted (for the 413 above).
    if (this.size > this.options.expectedSize) this.refuse(this.sizeMismatch());
    if (this.refusal) return;
    this.hash.update(bytes);
    await this.out!.write(bytes);
  }

  private refuse(why: HttpError): void {
    this.refusal ??= why;
  }

  private sizeMismatch(): HttpError {
    return new HttpError(400, `uploaded file is ${this.size} bytes but the deployment registered file_size ${this.options.expectedSize}`);
  }

  private endPart(): void {
    if (this.phase !== 'field') return;
    const value = Buffer.concat(this.fieldValue).toString('utf8');
    if (this.fieldName === 'token' && value !== this.options.token) throw new HttpError(403, 'upload field "token" does not match the upload URL');
  }

  async finish(): Promise<ReceivedUpload> {
    if (this.phase !== 'done') {
      throw new HttpError(400, this.sawFile ? 'upload ended before the end of the form (interrupted?)' : 'upload is not a readable multipart form: it ended before its closing boundary');
    }
    if (!this.sawFile) throw new HttpError(400, 'upload has no "file" field');
    if (this.head.length < 2) this.refuse(new HttpError(400, 'uploaded file is not gzip data (a deployment tarball is a .tar.gz)'));
    if (this.size !== this.options.expectedSize) this.refuse(this.sizeMismatch());
    if (this.refusal) throw this.refusal;
    const out = this.out!;
    this.out = undefined;
    await out.sync();
    await out.close();
    return { size: this.size, sha256: this.hash.digest('hex') };
  }

  /** A refused or interrupted upload: no partial file stays. */
  async discard(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    await out?.close().catch(() => undefined);
    if (this.sawFile) await fs.promises.rm(this.options.destination, { force: true });
  }
}
