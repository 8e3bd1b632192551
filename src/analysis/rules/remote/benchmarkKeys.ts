// Matching a benchmark sample dict (a `benchmark_dataset` item or a dict a `benchmark_generator` returns) against the
// remote function's parameters. The worker calls `fn(**sample)` for its startup benchmark, so every key must be a
// parameter name that can be passed by keyword, and every required parameter must have a key.
import type { DictValue, FunctionDef, Parameter, Range, StaticValue } from '../../model/types';
import { pythonTypeName } from '../../model/values';
import { didYouMean } from '../../util/didYouMean';
import type { Finding, QuickFix, TextEdit } from '../rule';
import { placeholderFor } from './annotations';
import { insertAt, quoteOf, rangeAt, removeDictEntry, stringContent } from './text';
import { useSpan } from '../../model/valueUse';

/** Parameters a sample key can set: the SDK and the worker pass arguments by name only. */
export function keywordParams(fn: FunctionDef): Parameter[] {
  return fn.params.filter((p) => p.kind === 'normal' || p.kind === 'keyword-only');
}

/** Parameters without a default that the call must supply. */
export function requiredParams(fn: FunctionDef): Parameter[] {
  return fn.params.filter((p) => p.default === undefined && (p.kind === 'normal' || p.kind === 'keyword-only' || p.kind === 'positional-only'));
}

const quoted = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

/** Unknown, positional-only and non-str keys of one sample, each with its finding. */
export function keyFindings(fn: FunctionDef, sample: DictValue, what: string, text?: string): Finding[] {
  const out: Finding[] = [];
  const anyKeyword = fn.params.some((p) => p.kind === 'var-keyword');
  const settable = keywordParams(fn).map((p) => p.name);
  const present = new Set(sample.entries.flatMap((e) => (e.key.kind === 'str' ? [e.key.value] : [])));
  for (const entry of sample.entries) {
    const { key } = entry;
    const range = useSpan(key).range;
    if (key.kind === 'name' || key.kind === 'attribute' || key.kind === 'unknown') continue;
    if (key.kind !== 'str') {
      out.push({
        range,
        message:
          `Keys of ${what} must be str parameter names of '${fn.name}', but this key is ${describeValueType(key)}: ` +
          `the worker's benchmark call ${fn.name}(**sample) raises TypeError (keywords must be strings).`,
      });
      continue;
    }
    const name = key.value;
    if (settable.includes(name)) continue;
    const param = fn.params.find((p) => p.name === name);
    if (param?.kind === 'positional-only') {
      out.push({
        range,
        message:
          `'${name}' is a positional-only parameter of '${fn.name}' (declared before '/'): the SDK and the worker pass ` +
          `every argument by name, so ${fn.name}(${name}=...) raises TypeError. Remove the '/' from the signature.`,
        related: [{ range: param.nameSpan.range, message: `'${name}' is positional-only` }],
      });
      continue;
    }
    if (anyKeyword) continue;
    const suggestion = typoTarget(fn, present, name);
    const content = stringContent(key);
    const fixes: QuickFix[] =
      suggestion && content && key.range.start.line === key.range.end.line
        ? [{ title: `Rename '${name}' to '${suggestion}'`, edits: [{ range: contentRange(key, content), newText: suggestion }], isPreferred: true }]
        : [];
    // No likely spelling: the key can still go (a sample written inline; a shared constant is left to the user).
    if (!suggestion && text !== undefined && !sample.via) {
      fixes.push({ title: `Remove '${name}' from the sample`, edits: [removeDictEntry(text, sample, entry)] });
    }
    out.push({
      range,
      message:
        `'${name}' is not a parameter of remote function '${fn.name}': the worker's startup benchmark calls ` +
        `${fn.name}(**sample) with ${what}, which raises TypeError. ` +
        (suggestion ? `Did you mean '${suggestion}'?` : settable.length ? `Its parameters: ${settable.join(', ')}.` : `'${fn.name}' takes no parameters.`),
      fixes,
    });
  }
  return out;
}

/** The parameter an unknown key `name` is probably a misspelling of (one not already set by the sample). */
function typoTarget(fn: FunctionDef, present: Set<string>, name: string): string | undefined {
  const settable = keywordParams(fn).map((p) => p.name);
  if (fn.params.some((p) => p.name === name)) return undefined;
  return didYouMean(name, settable.filter((p) => !present.has(p)));
}

/** The sample's missing required parameters, as one finding with a fix that adds them, or undefined. */
export function missingFinding(text: string, fn: FunctionDef, sample: DictValue, what: string): Finding | undefined {
  if (sample.hasSpread || fn.params.some((p) => p.kind === 'var-keyword')) return undefined;
  // A key we cannot read may be the missing parameter.
  if (sample.entries.some((e) => e.key.kind === 'name' || e.key.kind === 'attribute' || e.key.kind === 'unknown')) return undefined;
  const present = new Set(sample.entries.flatMap((e) => (e.key.kind === 'str' ? [e.key.value] : [])));
  // A misspelt key is reported (and renamed) by the unknown-key check; do not ask to add its parameter too.
  const typos = new Set([...present].map((k) => typoTarget(fn, present, k)));
  const missing = requiredParams(fn).filter((p) => !present.has(p.name) && !typos.has(p.name));
  if (missing.length === 0) return undefined;
  const addable = missing.filter((p) => p.kind !== 'positional-only');
  const positionalOnly = missing.filter((p) => p.kind === 'positional-only');
  const names = missing.map((p) => p.name);
  let message =
    `${capitalize(what)} for '${fn.name}' is missing required parameter${names.length > 1 ? 's' : ''} ${quoted(names)}: ` +
    `the worker's startup benchmark calls ${fn.name}(**sample), which raises TypeError (missing argument).`;
  if (positionalOnly.length) {
    message +=
      ` ${quoted(positionalOnly.map((p) => p.name))} ${positionalOnly.length > 1 ? 'are' : 'is'} positional-only ` +
      `(before '/'), which no sample can set because arguments are passed by name: remove the '/'.`;
  }
  const quote = quoteOf(sample.entries.find((e) => e.key.kind === 'str')?.key);
  const fixes: QuickFix[] = addable.length
    ? [
        {
          title: `Add ${quoted(addable.map((p) => p.name))} to the benchmark sample`,
          edits: insertEntries(text, sample, addable.map((p) => entryText(p, quote))),
          isPreferred: true,
        },
      ]
    : [];
  return { range: sampleRange(text, sample), message, fixes };
}

/** `{"prompt": "", "max_tokens": 0}`: a sample literal with placeholders for the required keyword parameters. */
export function sampleLiteral(fn: FunctionDef, quote: '"' | "'" = '"'): string {
  const params = requiredParams(fn).filter((p) => p.kind !== 'positional-only');
  return `{${params.map((p) => entryText(p, quote)).join(', ')}}`;
}

function entryText(p: Parameter, quote: '"' | "'"): string {
  return `${quote}${p.name}${quote}: ${placeholderFor(p.annotation?.text, quote)}`;
}

/** Where a finding about a whole sample goes: the whole dict on one line, else its `{`. */
function sampleRange(text: string, sample: DictValue): Range {
  if (sample.via) return sample.via.use.range;
  const oneLine = sample.range.start.line === sample.range.end.line;
  return oneLine ? sample.range : rangeAt(text, sample.startOffset, sample.startOffset + 1);
}

function contentRange(key: { range: Range; startOffset: number }, content: { start: number; end: number }): Range {
  // Keys are single-line string literals here (a multi-line key would not be a parameter name anyway).
  const line = key.range.start.line;
  const col = key.range.start.character;
  return {
    start: { line, character: col + (content.start - key.startOffset) },
    end: { line, character: col + (content.end - key.startOffset) },
  };
}

/** Edits that add `entries` after the dict's last entry, following its layout (one line or one entry per line). */
function insertEntries(text: string, dict: DictValue, entries: string[]): TextEdit[] {
  const close = dict.endOffset - 1;
  const last = dict.entries[dict.entries.length - 1];
  if (!last) return [insertAt(text, dict.startOffset + 1, entries.join(', '))];
  const between = text.slice(last.endOffset, close);
  const comma = /^\s*,/.exec(between);
  if (!between.includes('\n')) {
    return comma
      ? [insertAt(text, last.endOffset + comma[0].length, ` ${entries.join(', ')},`)]
      : [insertAt(text, last.endOffset, `, ${entries.join(', ')}`)];
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineStart = text.lastIndexOf('\n', last.startOffset - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const lineEnd = (offset: number) => {
    const nl = text.indexOf('\n', offset);
    return nl === -1 ? text.length : text[nl - 1] === '\r' ? nl - 1 : nl;
  };
  if (comma) {
    return [insertAt(text, lineEnd(last.endOffset + comma[0].length), entries.map((e) => `${eol}${indent}${e},`).join(''))];
  }
  const added = entries.map((e) => `${eol}${indent}${e}`).join(',');
  const end = lineEnd(last.endOffset);
  // Two inserts at one offset would apply in an unspecified order: merge them.
  if (end === last.endOffset) return [insertAt(text, end, `,${added}`)];
  return [insertAt(text, last.endOffset, ','), insertAt(text, end, added)];
}

/** `an int`, `a tuple`, `None`: a known value's type for messages. */
export function describeValueType(value: StaticValue): string {
  const name = pythonTypeName(value);
  if (name === 'None') return 'None';
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
