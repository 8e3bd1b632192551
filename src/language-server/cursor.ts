// Reading the text around the cursor. Hover and completion run on half-typed code, where the syntax tree (and so
// the model) may have lost the very statement being edited; these helpers look at the raw text instead: positions,
// the identifier under the cursor, the brackets that enclose it, and the dotted expression in front of a `.` or `(`.
import { stringEnd as pythonStringEnd } from '../analysis/parse/pythonText';
import { positionAt } from '../analysis/util/textPosition';
import type { Position } from '../analysis/model/types';

// ---------------------------------------------------------------------------------------------------------------
// Positions and offsets (UTF-16, like LSP and the model)

/** Offsets where each line starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The document offset of an LSP position, clamped into the text (a client may send a position past a line end). */
export function offsetAt(text: string, position: Position): number {
  const starts = lineStarts(text);
  if (position.line < 0) return 0;
  if (position.line >= starts.length) return text.length;
  const start = starts[position.line];
  let end = position.line + 1 < starts.length ? starts[position.line + 1] - 1 : text.length;
  if (end > start && text.charCodeAt(end - 1) === 13) end--; // the \r of a CRLF belongs to the line break
  return Math.min(start + Math.max(0, position.character), end);
}

export { positionAt };

// ---------------------------------------------------------------------------------------------------------------
// Identifiers

const IDENTIFIER_CHAR = /[\p{L}\p{N}_]/u;
const IDENTIFIER_START = /[\p{L}_]/u;

export function isIdentifierChar(ch: string | undefined): boolean {
  return ch !== undefined && IDENTIFIER_CHAR.test(ch);
}

export interface Word {
  text: string;
  start: number;
  end: number;
}

/** The identifier that contains the offset or ends right at it (a hover on a token's last character edge). */
export function identifierAt(text: string, offset: number): Word | undefined {
  let start = offset;
  while (start > 0 && isIdentifierChar(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && isIdentifierChar(text[end])) end++;
  if (start === end || !IDENTIFIER_START.test(text[start])) return undefined;
  return { text: text.slice(start, end), start, end };
}

/** The identifier characters typed just before the cursor (possibly empty): what a completion replaces. */
export function wordBefore(text: string, offset: number): Word {
  let start = offset;
  while (start > 0 && isIdentifierChar(text[start - 1])) start--;
  return { text: text.slice(start, offset), start, end: offset };
}

/** Offset of the last non-blank character before `offset` (spaces, tabs and line breaks skipped), or -1. */
export function previousNonBlank(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return i;
}

/**
 * Like previousNonBlank, but comments are skipped too: a comment line ending in `.` above `app.method(` must not
 * read as `<comment>.app.method(`.
 */
export function previousCode(text: string, offset: number): number {
  let i = previousNonBlank(text, offset);
  for (;;) {
    if (i < 0) return i;
    const hash = commentStartOnLine(text, i);
    if (hash < 0) return i;
    i = previousNonBlank(text, hash);
  }
}

/** Offset of the `#` that starts a comment covering `offset` on its line, or -1 (strings on the line skipped). */
function commentStartOnLine(text: string, offset: number): number {
  for (let j = text.lastIndexOf('\n', offset) + 1; j <= offset; j++) {
    const c = text.charCodeAt(j);
    if (c === 35 /* # */) return j;
    if (c === 34 || c === 39) j = pythonStringEnd(text, j, c);
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------------
// Brackets, strings and comments around the cursor

export type BracketChar = '(' | '[' | '{';

/** A bracket that is still open at the cursor. */
export interface OpenBracket {
  char: BracketChar;
  /** Offset of the bracket itself. */
  offset: number;
  /** Where the current item starts: after the bracket or after the last `,` at this level before the cursor. */
  itemStart: number;
  /** A `:` at this level in the current item (the cursor is in a dict value, a slice, a lambda body). */
  afterColon: boolean;
  /** A keyword `=` at this level in the current item (the cursor is in a keyword argument's value). */
  afterEquals: boolean;
  /** Keyword argument names (`name=`) written at this level, before and after the cursor. */
  keywords: Set<string>;
  /** String keys (`"key":`) written at this level, before and after the cursor. */
  dictKeys: Set<string>;
}

export interface StringAtCursor {
  quote: string;
  /** Offset of the opening quote (after any prefix such as `f` or `r`). */
  start: number;
  contentStart: number;
  /** Offset of the closing quote, when the string is closed. */
  closeStart?: number;
  /** Offset just past the string (past the closing quote, or the line end of an unclosed string). */
  end: number;
}

export interface CursorScan {
  /** Brackets open at the cursor, outermost first. */
  brackets: OpenBracket[];
  /** The string literal the cursor is in, if any. */
  string?: StringAtCursor;
  /** True when the cursor is in a comment. */
  inComment: boolean;
  /** Closing bracket offset → its opening bracket offset, for every pair closed before the cursor. */
  openerOf: ReadonlyMap<number, number>;
}

/**
 * First words of a column-0 line that can continue an expression from the line above (`x = [a\nfor a in b]`).
 * Any other column-0 identifier or decorator starts a new statement, so brackets left open above it are abandoned:
 * a half-typed `Deployment(` must not make every later line look like it sits inside that call.
 */
const CONTINUATION_WORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'for', 'async', 'lambda', 'await']);

function startsNewStatement(text: string, lineStart: number): boolean {
  const ch = text[lineStart];
  if (ch === '@') return true;
  if (ch === undefined || !IDENTIFIER_START.test(ch)) return false;
  let end = lineStart;
  while (end < text.length && isIdentifierChar(text[end])) end++;
  const word = text.slice(lineStart, end);
  // `async def` at column 0 does start a statement; plain `async` inside brackets would be a comprehension.
  if (word === 'async') return /^async[ \t]+def\b/.test(text.slice(lineStart, lineStart + 20));
  return !CONTINUATION_WORDS.has(word);
}

/** Where the string literal opening with `quote` at `start` closes (pythonText.ts knows Python's rules). */
function stringEnd(text: string, start: number, quote: string): { closeStart?: number; end: number } {
  const last = pythonStringEnd(text, start, quote.charCodeAt(0));
  // Unclosed: at the end of the text, or (single-line strings) at the end of its line, where Python stops it.
  if (last >= text.length || text[last] === '\n') return { end: last };
  return { closeStart: last + 1 - quote.length, end: last + 1 };
}

const OPERATOR_BEFORE_EQUALS = new Set(['=', '<', '>', '!', ':', '+', '-', '*', '/', '%', '&', '|', '^', '@']);

/**
 * Scans the text once, tracking strings, comments and brackets, and reports what encloses `cursor`. The scan goes
 * on past the cursor until the enclosing brackets close, so keyword names and dict keys written after the cursor are
 * known too (completion must not offer `max_workers=` when it is already set further right).
 */
export function scanAtCursor(text: string, cursor: number): CursorScan {
  const stack: OpenBracket[] = [];
  const openerOf = new Map<number, number>();
  let atCursor: OpenBracket[] | undefined;
  let string: StringAtCursor | undefined;
  let inComment = false;
  // The previous significant token, for `name=` keywords and `"key":` dict keys.
  let previous: { kind: 'name' | 'string' | 'other'; value: string; start: number } = { kind: 'other', value: '', start: -1 };

  // The brackets' positional state is copied at the cursor; their keyword/key sets stay shared and keep filling up.
  const snapshot = () => {
    atCursor ??= stack.map((b) => ({ ...b }));
  };

  let i = 0;
  while (i < text.length) {
    if (atCursor === undefined && i >= cursor) snapshot();
    if (atCursor !== undefined && stack.length === 0) break;
    const ch = text[i];
    const top = stack[stack.length - 1];

    if (ch === '#') {
      let end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
      if (atCursor === undefined && cursor > i && cursor <= end) {
        inComment = true;
        snapshot();
      }
      i = end;
      continue;
    }

    if (ch === '"' || ch === "'") {
      const quote = text.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      const { closeStart, end } = stringEnd(text, i, quote);
      const contentStart = i + quote.length;
      if (atCursor === undefined && cursor >= contentStart && cursor <= (closeStart ?? end)) {
        string = { quote, start: i, contentStart, closeStart, end };
        snapshot();
      }
      previous = { kind: 'string', value: text.slice(contentStart, closeStart ?? end), start: i };
      i = end;
      continue;
    }

    if (IDENTIFIER_CHAR.test(ch)) {
      let end = i + 1;
      while (end < text.length && isIdentifierChar(text[end])) end++;
      previous = { kind: IDENTIFIER_START.test(ch) ? 'name' : 'other', value: text.slice(i, end), start: i };
      i = end;
      continue;
    }

    switch (ch) {
      case '(':
      case '[':
      case '{':
        stack.push({ char: ch, offset: i, itemStart: i + 1, afterColon: false, afterEquals: false, keywords: new Set(), dictKeys: new Set() });
        break;
      case ')':
      case ']':
      case '}': {
        const opener = ch === ')' ? '(' : ch === ']' ? '[' : '{';
        // A stray closer (half-typed code) closes the nearest matching bracket, or nothing.
        let k = stack.length - 1;
        while (k >= 0 && stack[k].char !== opener) k--;
        if (k >= 0) {
          openerOf.set(i, stack[k].offset);
          stack.length = k;
        }
        break;
      }
      case ',':
        if (top) {
          top.itemStart = i + 1;
          top.afterColon = false;
          top.afterEquals = false;
        }
        break;
      case ':':
        if (top && text[i + 1] !== '=') {
          // The string being typed at the cursor is not a key that is already there.
          if (top.char === '{' && previous.kind === 'string' && previous.start !== string?.start) top.dictKeys.add(previous.value);
          top.afterColon = true;
        }
        break;
      case '=':
        if (text[i + 1] === '=') {
          i += 2;
          previous = { kind: 'other', value: '==', start: i - 2 };
          continue;
        }
        if (top && !OPERATOR_BEFORE_EQUALS.has(text[i - 1]) && previous.kind === 'name') {
          top.keywords.add(previous.value);
          top.afterEquals = true;
        }
        break;
      case '\n':
        if (stack.length > 0 && startsNewStatement(text, i + 1)) {
          if (atCursor !== undefined) {
            i = text.length; // the brackets open at the cursor were never closed: stop collecting for them
            continue;
          }
          stack.length = 0;
        }
        i++;
        continue;
    }
    if (!/\s/.test(ch) && ch !== '\\') previous = { kind: 'other', value: ch, start: i };
    i++;
  }
  snapshot();
  return { brackets: atCursor ?? [], string, inComment, openerOf };
}

// ---------------------------------------------------------------------------------------------------------------
// Dotted expressions before a `.` or a `(`

/** One link of `app.image(...).pip_install`: a name, and whether it was called. */
export interface ChainPart {
  name: string;
  called: boolean;
}

/**
 * The dotted chain that ends just before `end` (which is the offset of a `.` or `(`), e.g. `app.image("x", 16).require`
 * read back from the `(` after `require` gives `app`, `image()`, `require`. Calls are stepped over with `openerOf`,
 * so their arguments are never re-read. Undefined when the text there is not a plain chain of names and calls.
 */
export function chainBefore(text: string, end: number, openerOf: ReadonlyMap<number, number>): ChainPart[] | undefined {
  const parts: ChainPart[] = [];
  let i = previousNonBlank(text, end);
  for (;;) {
    let called = false;
    if (text[i] === ')') {
      const open = openerOf.get(i);
      if (open === undefined) return undefined;
      called = true;
      i = previousNonBlank(text, open);
    }
    let start = i + 1;
    while (start > 0 && isIdentifierChar(text[start - 1])) start--;
    if (start > i || !IDENTIFIER_START.test(text[start])) return undefined;
    parts.unshift({ name: text.slice(start, i + 1), called });
    const before = previousCode(text, start);
    if (text[before] !== '.') break;
    i = previousCode(text, before);
  }
  return parts;
}

/** The text from the start of the line of `offset` up to `offset`. */
export function linePrefix(text: string, offset: number): string {
  return text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
}
