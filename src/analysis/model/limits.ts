// What the analyzer refuses to model, so that the work per edit stays bounded on any file: text Python itself cannot
// compile (brackets nested deeper than its tokenizer allows, NUL bytes) and text too large to be a deployment file.
// Such a file gets one diagnostic (rule VD039) and an empty model; see README "Analyzer limits".

import { stringEnd } from '../parse/pythonText';
import type { AnalysisLimit, Span } from './types';

/** CPython's tokenizer refuses a 201st open bracket: "SyntaxError: too many nested parentheses". */
export const PYTHON_MAX_NESTING = 200;
/** Deployment files are a few KB; past this size the model and rules are skipped (parsing still runs). */
export const MAX_ANALYZED_CHARS = 512 * 1024;

/** The first limit `text` exceeds, or undefined (one linear scan). */
export function exceededLimit(text: string): AnalysisLimit | undefined {
  if (text.length > MAX_ANALYZED_CHARS) {
    return {
      reason: 'size',
      span: spanAt(text, 0, 0),
      message: `This file has ${text.length} characters, more than the ${MAX_ANALYZED_CHARS} the Vast analyzer checks; it is not analyzed.`,
    };
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    return {
      reason: 'nul',
      span: spanAt(text, nul, 1),
      message: 'This file contains a NUL byte, which Python refuses in source code (is it a binary file?); it is not analyzed.',
    };
  }
  const deep = excessiveNestingOffset(text);
  if (deep >= 0) {
    return {
      reason: 'nesting',
      span: spanAt(text, deep, 1),
      message: `Brackets are nested more than ${PYTHON_MAX_NESTING} levels deep here: Python refuses to run this file ("too many nested parentheses"). The file is not analyzed until this is fixed.`,
    };
  }
  return undefined;
}

/**
 * Offset of the bracket that opens nesting level PYTHON_MAX_NESTING + 1, or -1. Brackets inside strings and
 * comments do not count, as in Python's tokenizer (the contents of f-string fields are treated as string text).
 */
export function excessiveNestingOffset(text: string): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 /* ( */ || c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > PYTHON_MAX_NESTING) return i;
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
    } else if (c === 35 /* # */) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
    } else if (c === 39 /* ' */ || c === 34 /* " */) {
      i = stringEnd(text, i, c);
    }
  }
  return -1;
}

function spanAt(text: string, offset: number, length: number): Span {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const character = offset - lineStart;
  return {
    startOffset: offset,
    endOffset: offset + length,
    range: { start: { line, character }, end: { line, character: character + length } },
  };
}
