// Secrets never reach a log: known secret values are replaced, and so are the places a key travels in Vast's
// protocol (`?api_key=`, `Authorization: Bearer`, `"api_key": "..."`), whatever the value.

const MASK = '<redacted>';

const PATTERNS: RegExp[] = [
  /(api_key=)[^&\s"']+/gi,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g,
  /("(?:api_key|apiKey|mtoken|signature|docker_login_pass)"\s*:\s*")[^"]*/g,
];

/** `text` with every secret in `secrets` (at least 6 characters long) and every key-shaped field masked. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 6) out = out.split(secret).join(MASK);
  }
  for (const pattern of PATTERNS) out = out.replace(pattern, `$1${MASK}`);
  return out;
}
