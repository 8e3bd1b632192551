// Turns the static model's values into the Python values the SDK would hold at deploy time, or says precisely why
// it cannot: a bundle is built from known values only, never from guesses.
import type { DeploymentModel, Range, StaticValue } from '../../analysis/model/types';
import { resolveQueryName } from '../../analysis/rules/query/queryWalk';
import { useRange } from '../../analysis/model/valueUse';
import { PyFloat, PyTuple, type PyValue } from '../../shared/python/values';
import type { UnknownValueReport } from '../types';

export type PyResult = { ok: true; value: PyValue } | { ok: false; report: UnknownValueReport };

export function unknown(field: string, v: { text: string; range: Range }, why?: string): UnknownValueReport {
  const what = why ?? 'is not a literal (a variable, call, f-string...), so its value is only known when Python runs';
  return { field, kind: 'unknown', message: `${field}: \`${short(v.text)}\` ${what}.`, range: v.range };
}

export function problem(field: string, message: string, range?: Range): UnknownValueReport {
  return { field, kind: 'error', message: `${field}: ${message}`, range };
}

export function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? one.slice(0, 57) + '...' : one;
}

/**
 * Reads `os.environ["X"]`, `os.environ.get("X"[, "d"])` and `os.getenv("X"[, "d"])`: the one kind of non-literal
 * the deploy itself can evaluate, since the SDK also reads them in the deploying process. Undefined when `text`
 * is not such an expression.
 */
export function environmentRead(text: string): { name: string; fallback?: string } | undefined {
  const q = `(?:"([^"\\\\]*)"|'([^'\\\\]*)')`;
  const m =
    new RegExp(`^os\\.environ\\[\\s*${q}\\s*\\]$`).exec(text.trim()) ??
    new RegExp(`^os\\.(?:environ\\.get|getenv)\\(\\s*${q}\\s*(?:,\\s*${q}\\s*)?,?\\s*\\)$`).exec(text.trim());
  if (!m) return undefined;
  const name = m[1] ?? m[2];
  const fallback = m[3] ?? m[4];
  return fallback === undefined ? { name } : { name, fallback };
}

export interface ValueContext {
  model: DeploymentModel;
  /** The deploying process's environment, for `os.environ[...]` values; undefined = treat them as unknown. */
  environment?: Record<string, string | undefined>;
}

/** The Python value of `v`, with GPU constants resolved to their strings. */
export function toPyValue(v: StaticValue, field: string, ctx: ValueContext): PyResult {
  const at = { text: v.text, range: useRange(v) };
  switch (v.kind) {
    case 'str':
      return { ok: true, value: v.value };
    case 'int':
      if (!Number.isSafeInteger(v.value)) {
        return { ok: false, report: unknown(field, at, 'is an integer too large to evaluate exactly here') };
      }
      return { ok: true, value: v.value };
    case 'float':
      return { ok: true, value: new PyFloat(v.value) };
    case 'bool':
      return { ok: true, value: v.value };
    case 'none':
      return { ok: true, value: null };
    case 'list':
    case 'tuple': {
      const items: PyValue[] = [];
      for (const item of v.items) {
        const r = toPyValue(item, field, ctx);
        if (!r.ok) return r;
        items.push(r.value);
      }
      return { ok: true, value: v.kind === 'tuple' ? new PyTuple(items) : items };
    }
    case 'set':
      return { ok: false, report: unknown(field, at, 'is a set, whose order Python does not fix; use a list') };
    case 'name':
    case 'attribute': {
      const resolved = resolveQueryName(ctx.model, v);
      if (resolved?.export.kind === 'gpu') return { ok: true, value: resolved.export.gpu.value };
      return { ok: false, report: unknown(field, at) };
    }
    case 'unknown': {
      const read = environmentRead(v.text);
      if (read && ctx.environment) {
        const value = ctx.environment[read.name] ?? read.fallback;
        if (value !== undefined) return { ok: true, value };
        return {
          ok: false,
          report: problem(field, `environment variable ${read.name} is not set (\`${short(v.text)}\`)`, at.range),
        };
      }
      if (read) {
        return { ok: false, report: unknown(field, at, `reads the environment variable ${read.name}, which was not provided`) };
      }
      return { ok: false, report: unknown(field, at) };
    }
    default:
      return { ok: false, report: unknown(field, at, `is a ${v.kind === 'dict' ? 'dict' : v.kind}, not a plain value`) };
  }
}

/** A value that must be a str (package names, env values, paths...). */
export function toStr(v: StaticValue, field: string, ctx: ValueContext, expected = 'a str'): { ok: true; value: string } | { ok: false; report: UnknownValueReport } {
  const r = toPyValue(v, field, ctx);
  if (!r.ok) return r;
  if (typeof r.value !== 'string') {
    return { ok: false, report: problem(field, `\`${short(v.text)}\` must be ${expected}, not ${pyTypeName(r.value)}`, useRange(v)) };
  }
  return { ok: true, value: r.value };
}

export function pyTypeName(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}
