// Python source read as text, the way Python's tokenizer sees it: where string literals and comments are. Linear
// scans, for the places where the syntax tree would cost too much or is not there yet.

/** Offset of the last character of the string literal whose opening quote is at `start`. */
export function stringEnd(text: string, start: number, quote: number): number {
  const n = text.length;
  const triple = text.charCodeAt(start + 1) === quote && text.charCodeAt(start + 2) === quote;
  let i = start + (triple ? 3 : 1);
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++; // an escaped character (in raw strings too, a backslash keeps the quote from ending the string)
    } else if (c === quote) {
      if (!triple) return i;
      if (text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) return i + 2;
    } else if (c === 10 /* \n */ && !triple) {
      return i; // unterminated: the tokenizer stops the string at the line end
    }
  }
  return n;
}

/**
 * `text` with every comment that has a line to itself replaced by spaces (same length, same lines), for the parser.
 *
 * tree-sitter-python's scanner looks past every following comment line each time it meets one, so a run of k comment
 * lines costs k² (10,000 of them: 11 s). Blank lines cost nothing, and to Python a comment line and a blank line are
 * the same. Comments after code on the same line stay: they cannot form a run. `#` inside strings is not a comment.
 */
export function blankCommentLines(text: string): string {
  let out: string[] | undefined;
  let copied = 0;
  let lineHasCode = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) lineHasCode = false;
    else if (c === 35 /* # */) {
      let eol = text.indexOf('\n', i);
      if (eol < 0) eol = n;
      if (!lineHasCode) {
        const end = text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol; // keep a CR of CRLF
        out ??= [];
        out.push(text.slice(copied, i), ' '.repeat(end - i));
        copied = end;
      }
      i = eol - 1;
    } else if (c === 39 || c === 34) {
      const end = stringEnd(text, i, c);
      i = text.charCodeAt(end) === 10 ? end - 1 : end; // an unterminated string stops before its line's end
      lineHasCode = true;
    } else if (c !== 32 && c !== 9 && c !== 12 && c !== 13) lineHasCode = true;
  }
  if (!out) return text;
  out.push(text.slice(copied));
  return out.join('');
}
