// Text helpers for the remote rules' ranges and quick fixes: offsets to LSP ranges, the content of a string literal,
// the expression of a decorator and the edit that removes one call argument.
import type { Argument, Call, Decorator, DictEntry, DictValue, Range, StaticValue, StrValue } from '../../model/types';
import { insertAt, positionAt, rangeAt } from '../deployment/sourceText';
import type { TextEdit } from '../rule';

export { insertAt, positionAt, rangeAt };

export function deleteBetween(text: string, start: number, end: number): TextEdit {
  return { range: rangeAt(text, start, end), newText: '' };
}

/** Offsets of the characters between the quotes of a plain, single-part string literal whose text is its value. */
export function stringContent(value: StrValue): { start: number; end: number } | undefined {
  if (value.via) return undefined;
  const m = /^([a-zA-Z]*)("""|'''|"|')([\s\S]*)\2$/.exec(value.text);
  if (!m || m[3] !== value.value) return undefined;
  const start = value.startOffset + m[1].length + m[2].length;
  return { start, end: start + m[3].length };
}

/** The quote character a string literal uses (`"` when it is not a plain literal). */
export function quoteOf(value: StaticValue | undefined): '"' | "'" {
  if (value?.kind !== 'str') return '"';
  const m = /^[a-zA-Z]*(["'])/.exec(value.text);
  return m?.[1] === "'" ? "'" : '"';
}

/** Offsets of a decorator's expression (`app.remote(...)`, without the `@`). */
export function decoratorExpression(text: string, decorator: Decorator): { start: number; end: number } {
  const found = decorator.text ? text.indexOf(decorator.text, decorator.startOffset) : -1;
  const start = found >= 0 && found < decorator.endOffset ? found : decorator.startOffset;
  return { start, end: start + decorator.text.length };
}

/** Range of the decorator's callee (`app.remote`), where decorator-level findings go. */
export function decoratorNameRange(text: string, decorator: Decorator): Range {
  if (decorator.call) return decorator.call.calleeSpan.range;
  const { start, end } = decoratorExpression(text, decorator);
  return rangeAt(text, start, end);
}

/** The edit that removes `arg` from `call` with its separating comma, leaving the other arguments well formed. */
export function removeArgument(text: string, call: Call, arg: Argument): TextEdit {
  const args = call.args;
  const i = args.indexOf(arg);
  if (i >= 0 && i < args.length - 1) return deleteBetween(text, arg.startOffset, args[i + 1].startOffset);
  if (i > 0) return deleteBetween(text, args[i - 1].endOffset, arg.endOffset);
  // The only argument: empty the parentheses.
  return deleteBetween(text, call.argumentsSpan.startOffset + 1, call.argumentsSpan.endOffset - 1);
}

/** The edit that removes `entry` from the dict literal `dict` with its separating comma (like removeArgument). */
export function removeDictEntry(text: string, dict: DictValue, entry: DictEntry): TextEdit {
  // An entry on a line of its own (a multi-line dict): the whole line goes, its comma and comment with it.
  const lineStart = text.lastIndexOf('\n', entry.startOffset - 1) + 1;
  const lineEnd = text.indexOf('\n', entry.endOffset);
  const rest = text.slice(entry.endOffset, lineEnd < 0 ? text.length : lineEnd);
  if (text.slice(lineStart, entry.startOffset).trim() === '' && /^\s*,?\s*(#.*)?\r?$/.test(rest) && lineEnd >= 0) {
    return deleteBetween(text, lineStart, lineEnd + 1);
  }
  const entries = dict.entries;
  const i = entries.indexOf(entry);
  if (i >= 0 && i < entries.length - 1) return deleteBetween(text, entry.startOffset, entries[i + 1].startOffset);
  if (i > 0) return deleteBetween(text, entries[i - 1].endOffset, entry.endOffset);
  return deleteBetween(text, entry.startOffset, entry.endOffset);
}
