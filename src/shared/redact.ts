// One redaction routine for everything the client, the CLI and the extension write out (logs, worker log lines,
// error messages, error URLs and bodies): the user's API key and every endpoint key learnt must never leave the
// process in clear text.

const MASK = '***';

// `api_key=…` in URLs and query strings, `Bearer …` in headers or echoed text, and the JSON fields of Vast's protocol
// that carry a key or token (`"api_key": "…"`, the worker's `mtoken`, a registry password). A route's `signature`
// lets anyone call that worker, so it is masked too, but only when it is one (base64, 32+ characters): a worker's
// 422 says `"signature": "missing parameter"`, and that must stay readable.
const PATTERNS: [RegExp, string][] = [
  [/(api_key=)[^&\s"'#<>:,;()]+/gi, `$1${MASK}`],
  [/(Bearer\s+)[^\s"',;]+/gi, `$1${MASK}`],
  [/("(?:api_key|apiKey|mtoken|docker_login_pass)"\s*:\s*")(?:[^"\\]|\\.)*"/gi, `$1${MASK}"`],
  [/("signature"\s*:\s*")[A-Za-z0-9+/=]{32,}"/g, `$1${MASK}"`],
];

// Shorter values are not treated as secrets: replacing "1" or "ab" everywhere would mangle every message.
const MIN_SECRET_LENGTH = 6;

/** Masks API keys in `text`: the generic patterns plus every literal secret given (raw and URL-encoded forms). */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(MASK);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The secrets one client knows (its own key, endpoint keys it fetched), applied by `redact`. */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(initial: Iterable<string> = []) {
    for (const s of initial) this.add(s);
  }

  add(secret: string | undefined | null): void {
    if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) this.secrets.add(secret);
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }
}
