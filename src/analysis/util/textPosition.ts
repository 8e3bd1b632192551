// Offsets ↔ LSP positions for a document text. JS strings are UTF-16, so an offset's column is already in the code
// units LSP counts. One implementation for the rules, the quick fixes, hover and the payload edits.
import type { Position, Range } from '../model/types';

/** LSP position of a UTF-16 offset (clamped to the text). */
export function positionAt(text: string, offset: number): Position {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < clamped; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: clamped - lineStart };
}

export function rangeAt(text: string, start: number, end = start): Range {
  return { start: positionAt(text, start), end: positionAt(text, end) };
}
