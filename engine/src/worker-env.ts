// The worker's environment (engine/CONTRACT.md "Spawning a worker"): the contract variables plus every `-e K=V` of
// the deployment's docker-run style `env` string, except the two addresses the engine owns.

/** Splits a docker-run flag string the way a shell would (single/double quotes, backslash escapes). */
export function shellSplit(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += ch;
      inToken = true;
    }
  }
  if (inToken) out.push(cur);
  return out;
}

const ENGINE_OWNED = new Set(['REPORT_ADDR', 'VAST_API_URL']);

/** `-e K=V`, `--env K=V`, `-eK=V`, `--env=K=V`; ports and other flags mean nothing to a local process. */
export function envFromFlags(flags: string): Record<string, string> {
  const tokens = shellSplit(flags);
  const env: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let assignment: string | undefined;
    if (t === '-e' || t === '--env') assignment = tokens[++i];
    else if (t.startsWith('--env=')) assignment = t.slice(6);
    else if (t.startsWith('-e') && t.length > 2 && !t.startsWith('--')) assignment = t.slice(2);
    if (!assignment) continue;
    const eq = assignment.indexOf('=');
    const key = eq < 0 ? assignment : assignment.slice(0, eq);
    if (!key || ENGINE_OWNED.has(key)) continue;
    env[key] = eq < 0 ? (process.env[key] ?? '') : assignment.slice(eq + 1);
  }
  return env;
}
