// Replays the method calls on the deployment's image the way the SDK's `Image` records them: package lists and run
// entries appended in call order, env() a dict (a repeated key keeps its first position and takes the last value),
// copies appended, ports a set, venv()/use_system_python() one setting where the last call wins.
import type { Argument, Call, Image, StaticValue } from '../../analysis/model/types';
import { PyFloat, PyTuple } from '../../shared/python/values';
import { pythonStr } from '../../shared/python/format';
import { problem, short, toPyValue, toStr, unknown, type ValueContext } from './pyValues';
import type { UnknownValueReport } from '../types';
import { useRange } from '../../analysis/model/valueUse';

export interface ImageSettings {
  pipInstalls: string[];
  aptGets: string[];
  envs: Map<string, string>;
  runs: (string | string[])[];
  /** `image.copy(src, dst)` as written (src not yet resolved). */
  copies: { src: string; dst: string; range: Argument['range'] }[];
  /** `[number text, type]` pairs; the SDK's default worker port (3000, "tcp") is not included. */
  ports: [string, string][];
  /** undefined = the SDK-managed venv; '' = the image's system Python; else a venv path. */
  venv?: string;
}

function argText(a: Argument): string {
  return (a.splat ?? '') + (a.name ? `${a.name}=` : '') + a.value.text;
}

const SETTERS = new Set(['pip_install', 'apt_get', 'env', 'run_script', 'run_cmd', 'copy', 'venv', 'use_system_python', 'publish_port', 'require']);

/** Positional arguments with `*[...]` literals unpacked; keywords are reported (these methods take none). */
function positionals(call: Call, field: string, reports: UnknownValueReport[]): StaticValue[] | undefined {
  const out: StaticValue[] = [];
  let ok = true;
  for (const a of call.args) {
    if (a.splat === '*') {
      const v = a.value;
      if (v.kind === 'list' || v.kind === 'tuple') out.push(...v.items);
      else {
        reports.push(unknown(field, { text: '*' + a.value.text, range: a.range }, 'unpacks a value that is only known when Python runs'));
        ok = false;
      }
    } else if (a.splat === '**' || a.name) {
      reports.push(problem(field, `${call.method}() takes no keyword arguments (\`${short(a.value.text)}\`): Python raises TypeError`, a.range));
      ok = false;
    } else out.push(a.value);
  }
  return ok ? out : undefined;
}

/** Keyword arguments with `**{...}` literals unpacked, for env(**kw). */
function keywords(call: Call, field: string, reports: UnknownValueReport[]): [string, StaticValue, Argument][] | undefined {
  const out: [string, StaticValue, Argument][] = [];
  let ok = true;
  for (const a of call.args) {
    if (a.splat === '**') {
      const v = a.value;
      if (v.kind === 'dict' && !v.hasSpread && v.entries.every((e) => e.key.kind === 'str')) {
        for (const e of v.entries) out.push([(e.key as { value: string }).value, e.value, a]);
      } else {
        reports.push(unknown(field, { text: '**' + v.text, range: a.range }, 'unpacks a value that is only known when Python runs'));
        ok = false;
      }
    } else if (a.name) out.push([a.name, a.value, a]);
    else {
      reports.push(problem(field, `${call.method}() takes keyword arguments only (NAME="value"); \`${short(a.value.text)}\` is positional: Python raises TypeError`, a.range));
      ok = false;
    }
  }
  return ok ? out : undefined;
}

/** Arguments of a method with named parameters (copy(src, dst), venv(path)...), bound like Python binds them. */
function bind(call: Call, params: string[], required: number, field: string, reports: UnknownValueReport[]): Map<string, StaticValue> | undefined {
  const bound = new Map<string, StaticValue>();
  for (const a of call.args) {
    if (a.splat) {
      reports.push(unknown(field, { text: (a.splat ?? '') + a.value.text, range: a.range }, 'unpacks a value that is only known when Python runs'));
      return undefined;
    }
    const name = a.name ?? params[a.position ?? -1];
    if (!name || !params.includes(name) || bound.has(name)) {
      reports.push(problem(field, `${call.method}() does not take \`${short(argText(a))}\` here: Python raises TypeError`, a.range));
      return undefined;
    }
    bound.set(name, a.value);
  }
  const missing = params.slice(0, required).filter((p) => !bound.has(p));
  if (missing.length) {
    reports.push(problem(field, `${call.method}() is missing ${missing.join(', ')}: Python raises TypeError`, call.range));
    return undefined;
  }
  return bound;
}

export function readImageSteps(image: Image, ctx: ValueContext): { settings: ImageSettings; reports: UnknownValueReport[] } {
  const reports: UnknownValueReport[] = [];
  const s: ImageSettings = { pipInstalls: [], aptGets: [], envs: new Map(), runs: [], copies: [], ports: [] };
  const str = (v: StaticValue, field: string): string | undefined => {
    const r = toStr(v, field, ctx);
    if (!r.ok) reports.push(r.report);
    return r.ok ? r.value : undefined;
  };

  for (const step of image.steps) {
    const call = step.call;
    const field = step.method;
    switch (step.method) {
      case 'pip_install':
      case 'apt_get': {
        const list = step.method === 'pip_install' ? s.pipInstalls : s.aptGets;
        for (const v of positionals(call, field, reports) ?? []) {
          const value = str(v, field);
          if (value !== undefined) list.push(value);
        }
        break;
      }
      case 'env':
        for (const [key, v] of keywords(call, field, reports) ?? []) {
          const value = str(v, `env ${key}`);
          if (value !== undefined) s.envs.set(key, value);
        }
        break;
      case 'run_script': {
        const bound = bind(call, ['script'], 1, field, reports);
        const v = bound?.get('script');
        const value = v && str(v, field);
        if (value !== undefined) s.runs.push(value);
        break;
      }
      case 'run_cmd': {
        const args = positionals(call, field, reports);
        if (!args) break;
        const values = args.map((v) => str(v, field));
        if (values.every((x): x is string => x !== undefined)) s.runs.push(values);
        break;
      }
      case 'copy': {
        const bound = bind(call, ['src', 'dst'], 2, field, reports);
        if (!bound) break;
        const src = str(bound.get('src')!, 'copy src');
        const dst = str(bound.get('dst')!, 'copy dst');
        if (src !== undefined && dst !== undefined) s.copies.push({ src, dst, range: call.range });
        break;
      }
      case 'venv': {
        const bound = bind(call, ['path'], 1, field, reports);
        const value = bound && str(bound.get('path')!, field);
        if (value !== undefined) s.venv = value;
        break;
      }
      case 'use_system_python':
        if (bind(call, [], 0, field, reports)) s.venv = '';
        break;
      case 'publish_port': {
        const bound = bind(call, ['number', 'type_'], 1, field, reports);
        if (!bound) break;
        const n = toPyValue(bound.get('number')!, field, ctx);
        const t = bound.has('type_') ? str(bound.get('type_')!, field) : 'tcp';
        if (!n.ok) reports.push(n.report);
        else if (n.value instanceof PyTuple || Array.isArray(n.value) || (typeof n.value === 'object' && n.value !== null && !(n.value instanceof PyFloat))) {
          reports.push(problem(field, `the port \`${short(bound.get('number')!.text)}\` must be a number`, useRange(bound.get('number')!)));
        } else if (t !== undefined) {
          // The SDK formats the port with an f-string, i.e. str(): 8080 -> "8080".
          const port = pythonStr(n.value);
          if (!s.ports.some(([p, ty]) => p === port && ty === t)) s.ports.push([port, t]);
        }
        break;
      }
      case 'require':
        // Read from image.requirements (searchParams.ts); only spreads are invisible there.
        for (const a of call.args) {
          if (a.splat) reports.push(unknown('search_params', { text: (a.splat ?? '') + a.value.text, range: a.range }, 'unpacks queries that are only known when Python runs'));
          else if (a.name) reports.push(problem('search_params', `require() takes no keyword arguments (\`${short(argText(a))}\`): Python raises TypeError`, a.range));
        }
        break;
      default:
        if (!SETTERS.has(step.method)) {
          reports.push(problem('image', `\`${step.method}\` is not an Image method: Python raises AttributeError`, call.methodSpan.range));
        }
    }
  }
  return { settings: s, reports };
}
