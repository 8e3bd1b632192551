// Text helpers shared by the rules: offsets to LSP positions, line indentation,
// statement boundaries (a small Python-aware bracket scanner) and the edits quick fixes are made of.
import type { Span, StaticValue } from '../../model/types';
import { positionAt, rangeAt } from '../../util/textPosition';
import type { TextEdit } from '../rule';

/** The document's line ending, so inserted lines match the file. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export { positionAt, rangeAt };

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the end of the line holding `offset` (before its `\r\n` or `\n`). */
export function lineEndOf(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl === -1) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** Leading whitespace of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const indent = /[ \t]*/y;
  indent.lastIndex = lineStartOf(text, offset);
  return indent.exec(text)![0];
}

export function insertAt(text: string, offset: number, newText: string): TextEdit {
  return { range: rangeAt(text, offset), newText };
}

export function replaceSpan(span: Span, newText: string): TextEdit {
  return { range: span.range, newText };
}

/**
 * Whether `offset` starts a statement: only whitespace before it on its line, outside any bracket or string, and the
 * previous line does not continue with a backslash. Quick fixes that insert whole lines only do so at such places.
 */
export function isStatementStart(text: string, offset: number): boolean {
  const start = lineStartOf(text, offset);
  if (text.slice(start, offset).trim() !== '') return false;
  const s = scanTo(text, start);
  const continued = /\\\r?\n$/.test(text.slice(Math.max(0, start - 3), start));
  return s.depth === 0 && !s.inString && !continued;
}

/** Whether `offset` is the end of a statement: nothing but a comment after it on its line, outside brackets. */
export function isStatementEnd(text: string, offset: number): boolean {
  const rest = text.slice(offset, lineEndOf(text, offset));
  if (!/^\s*(#.*)?$/.test(rest)) return false;
  const s = scanTo(text, offset);
  return s.depth === 0 && !s.inString;
}

/** Bracket depth and string state at `offset`. */
function scanTo(text: string, offset: number): { depth: number; inString: boolean } {
  let depth = 0;
  let inString = false;
  scan(text, offset, {
    char: (c) => {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    },
    string: (_start, end) => {
      if (end > offset) inString = true;
    },
  });
  return { depth, inString };
}

let lastCommentless: { text: string; code: string } | undefined;

/** The text with every comment blanked out (same length, so offsets still match). Several rules ask for the same
 * text in one run, so the last answer is kept. */
export function withoutComments(text: string): string {
  if (lastCommentless?.text === text) return lastCommentless.code;
  const code = blankComments(text);
  lastCommentless = { text, code };
  return code;
}

function blankComments(text: string): string {
  let out = '';
  let last = 0;
  scan(text, text.length, {
    comment: (start, end) => {
      out += text.slice(last, start) + ' '.repeat(end - start);
      last = end;
    },
  });
  return out + text.slice(last);
}

/**
 * Walks Python source up to `limit`: strings (any quoting; an unterminated one-line string stops at the line end) and
 * comments are reported whole, other characters one by one.
 */
function scan(
  text: string,
  limit: number,
  on: { char?: (c: string) => void; string?: (start: number, end: number) => void; comment?: (start: number, end: number) => void },
): void {
  let i = 0;
  while (i < limit) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl;
      on.comment?.(i, end);
      i = end;
    } else if (c === '"' || c === "'") {
      const quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      let j = i + quote.length;
      let end = -1;
      while (end < 0 && j < text.length) {
        if (text[j] === '\\') j += 2;
        else if (text.startsWith(quote, j)) end = j + quote.length;
        else if (quote.length === 1 && text[j] === '\n') end = j;
        else j++;
      }
      if (end < 0) end = text.length;
      on.string?.(i, end);
      i = end;
    } else {
      on.char?.(c);
      i++;
    }
  }
}

/**
 * Inserts `line` (without line ending) as a new line after the line holding `offset`, handling a last line that has
 * no line ending.
 */
export function insertLineAfter(text: string, offset: number, line: string): TextEdit {
  const eol = eolOf(text);
  const end = lineEndOf(text, offset);
  if (end === text.length) return insertAt(text, end, eol + line + eol);
  const next = text[end] === '\r' ? end + 2 : end + 1;
  return insertAt(text, next, line + eol);
}

/** Inserts `line` as a new line just before the line holding `offset`. */
export function insertLineBefore(text: string, offset: number, line: string): TextEdit {
  return insertAt(text, lineStartOf(text, offset), line + eolOf(text));
}

// ---------------------------------------------------------------------------------------------------------------
// Values

/** "a string", "None", "a bool"... for messages about a value of the wrong kind. */
export function describeKind(v: StaticValue): string {
  switch (v.kind) {
    case 'str':
      return 'a string';
    case 'bytes':
      return 'bytes';
    case 'int':
      return 'an int';
    case 'float':
      return 'a float';
    case 'bool':
      return 'a bool';
    case 'none':
      return 'None';
    case 'list':
      return 'a list';
    case 'tuple':
      return 'a tuple';
    case 'set':
      return 'a set';
    case 'dict':
      return 'a dict';
    case 'lambda':
      return 'a lambda';
    default:
      return 'an expression';
  }
}

/** Text of a value for a message, shortened; mentions the constant it came through. */
export function shown(v: StaticValue): string {
  const t = v.text.length > 40 ? v.text.slice(0, 37) + '...' : v.text;
  return v.via ? `${v.via.name} (= ${t})` : t;
}
