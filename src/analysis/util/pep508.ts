// Checks one `image.pip_install(...)` argument: a PEP 508 requirement, or something else pip accepts on its command
// line (an option, a URL, a local path or archive). Hand-written so that messages can point at the mistake.

import { didYouMean } from './didYouMean';

export type PipRequirementCheck = { ok: true; name: string } | { ok: false; message: string; offset?: number };

const NAME = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/y;
const OP = /===|~=|==|!=|<=|>=|<|>/y;
const MARKER_OP = /===|==|!=|<=|>=|~=|<|>/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_.]*/y;
const SCHEME_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const ARCHIVE = /\.(whl|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar|zip)$/i;
// PEP 440 public version with optional local part (no wildcard).
const PRE = String.raw`(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?`;
const POST = String.raw`(?:-\d+|[-_.]?(?:post|rev|r)[-_.]?\d*)?`;
const DEV = String.raw`(?:[-_.]?dev[-_.]?\d*)?`;
const LOCAL = String.raw`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`;
const VERSION = new RegExp(String.raw`^v?(?:\d+!)?\d+(?:\.\d+)*${PRE}${POST}${DEV}${LOCAL}$`, 'i');
const VERSION_NO_LOCAL = new RegExp(String.raw`^v?(?:\d+!)?\d+(?:\.\d+)*${PRE}${POST}${DEV}$`, 'i');
const WILDCARD = /^v?(?:\d+!)?\d+(?:\.\d+)*\.\*$/i;
const MARKER_VARS = [
  'python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_release', 'platform_system',
  'platform_version', 'platform_machine', 'platform_python_implementation', 'implementation_name',
  'implementation_version', 'extra', 'extras', 'dependency_groups',
  // Legacy spellings that pip (packaging) still accepts.
  'os.name', 'sys.platform', 'platform.version', 'platform.machine', 'platform.python_implementation', 'python_implementation',
];

class Fail {
  constructor(readonly message: string, readonly offset: number) {}
}

function match(re: RegExp, s: string, i: number): string | undefined {
  re.lastIndex = i;
  const m = re.exec(s);
  return m ? m[0] : undefined;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i])) i++;
  return i;
}

/** Why `v` is not a valid version for `op`: undefined when it is fine, '' when it is simply malformed. */
function versionProblem(op: string, v: string): string | undefined {
  if (op === '===') return undefined;
  if (WILDCARD.test(v)) return op === '==' || op === '!=' ? undefined : `'.*' only works with '==' and '!='`;
  if (!VERSION.test(v)) return '';
  if (op !== '==' && op !== '!=' && !VERSION_NO_LOCAL.test(v)) return `a local version (+...) only works with '==' and '!='`;
  if (op === '~=' && !/^v?(?:\d+!)?\d+\.\d+/i.test(v)) return `'~=' needs at least two version parts (e.g. ~=${v}.0)`;
  return undefined;
}

function parseSpecifiers(s: string, i: number, name: string): number {
  const paren = s[i] === '(';
  if (paren) i = skipWs(s, i + 1);
  for (;;) {
    const start = i;
    const op = match(OP, s, i);
    if (!op) {
      if (s[i] === '=' && (s[i + 1] === '<' || s[i + 1] === '>')) {
        const fixed = s.slice(0, i) + s[i + 1] + '=' + s.slice(i + 2);
        throw new Fail(`'${s.trim()}' is not a valid requirement: write '${s[i + 1]}=', not '=${s[i + 1]}' (${fixed.trim()})`, i);
      }
      if (s[i] === '=') {
        const fixed = s.slice(0, i) + '=' + s.slice(i);
        throw new Fail(`'${s.trim()}' is not a valid requirement: use '==' to pin a version (${fixed.trim()})`, i);
      }
      if (i >= s.length || s[i] === ';') throw new Fail(`trailing ',' after the version specifiers`, i);
      throw new Fail(`expected a version operator (==, >=, <=, !=, ~=, <, >, ===) at '${s.slice(i)}'`, i);
    }
    i = skipWs(s, i + op.length);
    let j = i;
    const stop = op === '===' ? /[\s,;)]/ : /[\s,;)<>=~]/;
    while (j < s.length && !stop.test(s[j])) j++;
    const v = s.slice(i, j);
    const spec = s.slice(start, j).replace(/\s+/g, '');
    if (!v) throw new Fail(`invalid version specifier '${spec}': missing version after '${op}'`, start);
    const problem = versionProblem(op, v);
    if (problem !== undefined) throw new Fail(`invalid version specifier '${spec}'${problem ? ': ' + problem : ''}`, start);
    i = skipWs(s, j);
    if (s[i] === ',') {
      i = skipWs(s, i + 1);
      continue;
    }
    if (paren) {
      if (s[i] !== ')') throw new Fail(`missing ')' after the version specifiers of '${name}'`, i);
      i = skipWs(s, i + 1);
    }
    if (i < s.length && s[i] !== ';') {
      if (match(OP, s, i)) throw new Fail(`missing ',' between version specifiers in '${s.trim()}'`, i);
      throw new Fail(`unexpected '${s.slice(i)}' after the version specifiers`, i);
    }
    return i;
  }
}

function parseMarkers(s: string, i: number): void {
  type Tok = { t: string; kind: 'op' | 'str' | 'id' | 'punct'; at: number };
  const toks: Tok[] = [];
  while ((i = skipWs(s, i)) < s.length) {
    const c = s[i];
    let m: string | undefined;
    if (c === '(' || c === ')') toks.push({ t: c, kind: 'punct', at: i++ });
    else if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) throw new Fail('unterminated string in environment marker', i);
      toks.push({ t: s.slice(i, end + 1), kind: 'str', at: i });
      i = end + 1;
    } else if ((m = match(MARKER_OP, s, i))) toks.push({ t: m, kind: 'op', at: (i += m.length) - m.length });
    else if ((m = match(IDENT, s, i))) toks.push({ t: m, kind: 'id', at: (i += m.length) - m.length });
    else throw new Fail(`unexpected '${c}' in environment marker`, i);
  }
  if (!toks.length) throw new Fail(`missing environment marker after ';'`, i);
  let k = 0;
  const peek = () => toks[k];
  const endAt = () => (k < toks.length ? toks[k].at : s.length);
  const value = () => {
    const t = toks[k];
    if (!t) throw new Fail('incomplete environment marker', s.length);
    if (t.kind === 'str') return void k++;
    if (t.kind === 'id' && MARKER_VARS.includes(t.t)) return void k++;
    if (t.kind === 'id') {
      const hint = didYouMean(t.t, MARKER_VARS);
      throw new Fail(`unknown environment marker variable '${t.t}'${hint ? ` (did you mean '${hint}'?)` : ''}`, t.at);
    }
    throw new Fail(`expected a marker variable or a quoted string at '${t.t}'`, t.at);
  };
  const expr = (): void => {
    if (peek()?.t === '(') {
      k++;
      or();
      if (peek()?.t !== ')') throw new Fail(`missing ')' in environment marker`, endAt());
      k++;
      return;
    }
    value();
    const t = peek();
    if (t?.kind === 'op' || t?.t === 'in') k++;
    else if (t?.t === 'not' && toks[k + 1]?.t === 'in') k += 2;
    else throw new Fail('expected a comparison (==, !=, <, >, <=, >=, ~=, in, not in) in environment marker', endAt());
    value();
  };
  const and = () => {
    for (expr(); peek()?.t === 'and'; expr()) k++;
  };
  const or = () => {
    for (and(); peek()?.t === 'or'; and()) k++;
  };
  or();
  if (k < toks.length) throw new Fail(`unexpected '${toks[k].t}' in environment marker (use 'and' / 'or')`, toks[k].at);
}

export function checkPipRequirement(req: string): PipRequirementCheck {
  const s = req;
  let i = skipWs(s, 0);
  const t = s.trim();
  if (!t) return { ok: false, message: 'empty requirement', offset: 0 };
  if (t.startsWith('-')) return { ok: true, name: t.split(/[\s=]/)[0] };
  if (SCHEME_URL.test(t) || /^(\.{1,2}|~)?[/\\]/.test(t) || t === '.' || t === '..') return { ok: true, name: t };
  if (!t.includes('@') && !/\s/.test(t) && (ARCHIVE.test(t) || /[/\\]/.test(t))) return { ok: true, name: t };
  try {
    const name = match(NAME, s, i);
    if (/^["']/.test(t)) throw new Fail(`'${t}' is quoted: pass the requirement without quotes`, i);
    if (!name) throw new Fail(`'${t}' is not a valid requirement: it must start with a package name`, i);
    if (/[._-]/.test(s[i + name.length] ?? '')) {
      throw new Fail(`'${t}' is not a valid requirement: a package name must end with a letter or digit`, i + name.length);
    }
    i = skipWs(s, i + name.length);
    if (s[i] === '[') {
      i = skipWs(s, i + 1);
      while (s[i] !== ']') {
        const extra = match(NAME, s, i);
        if (!extra) throw new Fail(i >= s.length ? `missing ']' after the extras` : `invalid extra name at '${s.slice(i)}'`, i);
        i = skipWs(s, i + extra.length);
        if (s[i] === ',') i = skipWs(s, i + 1);
        else if (s[i] !== ']') throw new Fail(i >= s.length ? `missing ']' after the extras` : `expected ',' or ']' in the extras`, i);
      }
      i = skipWs(s, i + 1);
    }
    if (s[i] === '@') {
      i = skipWs(s, i + 1);
      let j = i;
      while (j < s.length && !/\s/.test(s[j])) j++;
      const url = s.slice(i, j);
      if (!url) throw new Fail(`missing URL after '@' in '${t}'`, i);
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)) throw new Fail(`'${url}' is not a URL (expected e.g. https://... or git+https://...)`, i);
      i = skipWs(s, j);
      if (i < s.length && s[i] !== ';') throw new Fail(`unexpected '${s.slice(i)}' after the URL`, i);
    } else if (i < s.length && s[i] !== ';') {
      const rest = s.slice(i).trim();
      if (rest.startsWith(',')) throw new Fail(`'${t}' looks like several requirements: pass each one as a separate argument`, i);
      if (/^\d/.test(rest)) throw new Fail(`'${t}' is not a valid requirement: missing version operator (${name}==${rest})`, i);
      if (match(NAME, s, i) && /^[A-Za-z0-9]/.test(rest) && !/[=<>~!]/.test(rest.split(/\s/)[0])) {
        throw new Fail(`'${t}' looks like several requirements: pass each one as a separate argument`, i);
      }
      i = parseSpecifiers(s, i, name);
    }
    if (s[i] === ';') parseMarkers(s, i + 1);
    return { ok: true, name };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}
