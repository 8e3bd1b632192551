// The client's error type. Every failure of a Vast call surfaces as a VastApiError whose message names the call
// and carries the server's own words; URL and body are redacted before they are stored.

export type VastApiErrorCode =
  /** The server answered with a non-2xx status (after any retries). */
  | 'http'
  /** A 2xx answer whose JSON says `success: false`. */
  | 'rejected'
  /** A 2xx answer that is not JSON, or JSON of the wrong shape. */
  | 'invalid_response'
  /** No HTTP answer: connection refused/reset, DNS, TLS verification. */
  | 'network'
  /** The client's own time limit ran out. */
  | 'timeout';

export interface VastApiErrorInit {
  code: VastApiErrorCode;
  call: string;
  method: string;
  /** Already redacted. */
  url: string;
  status?: number;
  /** Already redacted. */
  body?: string;
  attempts?: number;
  cause?: unknown;
}

export class VastApiError extends Error {
  override readonly name = 'VastApiError';
  readonly code: VastApiErrorCode;
  /** The client method that failed, e.g. `putDeployment`. */
  readonly call: string;
  /** HTTP status, 0 when no answer came back. */
  readonly status: number;
  readonly method: string;
  /** Redacted URL. */
  readonly url: string;
  /** Redacted response body (truncated), '' when none. */
  readonly body: string;
  /** How many requests were made before giving up. */
  readonly attempts: number;

  constructor(message: string, init: VastApiErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.call = init.call;
    this.status = init.status ?? 0;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body ?? '';
    this.attempts = init.attempts ?? 1;
  }

  /** Whether the failure is worth another try on a fresh route (connection trouble, 408, 429, 5xx). */
  get retryable(): boolean {
    return this.code === 'network' || (this.code === 'http' && isRetryableStatus(this.status));
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

export const SERVER_MESSAGE_LIMIT = 512;

/**
 * The server's own explanation in a response body: the first of `detail` (rate limits), `error_msg` (autoscaler),
 * `msg`, `error`, `message` when the body is JSON, else the text itself; trimmed to 512 characters.
 */
export function serverMessage(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '(empty response body)';
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const record = parsed as Record<string, unknown>;
      for (const key of ['detail', 'error_msg', 'msg', 'error', 'message']) {
        const value = record[key];
        if (typeof value === 'string' && value.trim()) return clip(value.trim());
        if (value && typeof value === 'object') return clip(JSON.stringify(value));
      }
    }
  } catch {
    // Not JSON: the text is the message (S3 answers XML, proxies answer HTML).
  }
  return clip(trimmed.replace(/\s+/g, ' '));
}

function clip(text: string): string {
  return text.length > SERVER_MESSAGE_LIMIT ? `${text.slice(0, SERVER_MESSAGE_LIMIT)}…` : text;
}

/** An AbortError for a signal that fired: its own reason when that is an Error, else a standard DOMException. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The operation was aborted.', 'AbortError');
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}
