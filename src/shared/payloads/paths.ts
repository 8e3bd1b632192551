// Where payload files live and how their schema is named. A payload of function `square` in deployment `my-app`
// named `big` is `<workspace folder>/.vast/payloads/my-app/square/big.json`; its `$schema` is
// `vast-schema:/my-app/square.schema.json`, served by the extension from the live model.

export const PAYLOADS_DIR = '.vast/payloads';
export const DEFAULT_PAYLOAD_NAME = 'default';
export const SCHEMA_SCHEME = 'vast-schema';

export interface PayloadLocation {
  deployment: string;
  function: string;
  /** File name without `.json`. */
  name: string;
}

/** Letters, digits, dot, dash and underscore; no leading dot (hidden files) and at most 100 characters. */
export function payloadNameProblem(name: string): string | undefined {
  if (!name) return 'a payload needs a name';
  if (name.length > 100) return 'payload names are at most 100 characters';
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name)) {
    return `"${name}" is not a valid payload name: use letters, digits, ".", "-" and "_" (not first)`;
  }
  return undefined;
}

/** A path segment for a deployment or function name: separators and other unsafe characters become `_`. */
export function safeSegment(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return safe || '_';
}

/** The payload file's path relative to the workspace folder, with `/` separators. */
export function payloadRelativePath(location: PayloadLocation): string {
  return `${PAYLOADS_DIR}/${safeSegment(location.deployment)}/${safeSegment(location.function)}/${location.name}.json`;
}

/** The folder holding every payload of one function, relative to the workspace folder. */
export function payloadFolder(deployment: string, fn: string): string {
  return `${PAYLOADS_DIR}/${safeSegment(deployment)}/${safeSegment(fn)}`;
}

/** Reads a payload location back from a path (relative or absolute, either separator); undefined if it is none. */
export function parsePayloadPath(filePath: string): PayloadLocation | undefined {
  const parts = filePath.split(/[\\/]+/);
  const at = parts.lastIndexOf('payloads');
  if (at < 1 || parts[at - 1] !== '.vast' || parts.length !== at + 4) return undefined;
  const [deployment, fn, file] = parts.slice(at + 1);
  if (!file.endsWith('.json')) return undefined;
  const name = file.slice(0, -'.json'.length);
  if (payloadNameProblem(name)) return undefined;
  return { deployment, function: fn, name };
}

export function schemaUri(deployment: string, fn: string): string {
  return `${SCHEMA_SCHEME}:/${encodeURIComponent(deployment)}/${encodeURIComponent(fn)}.schema.json`;
}

/** Reads (deployment, function) back from a schema URI's path (`/my-app/square.schema.json`). */
export function parseSchemaPath(uriPath: string): { deployment: string; function: string } | undefined {
  const m = /^\/([^/]+)\/([^/]+)\.schema\.json$/.exec(uriPath);
  if (!m) return undefined;
  try {
    return { deployment: decodeURIComponent(m[1]), function: decodeURIComponent(m[2]) };
  } catch {
    return undefined;
  }
}
