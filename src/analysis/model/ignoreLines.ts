// Which lines the SDK leaves out of the content hash: a line whose real comment (a `#` outside string literals,
// triple-quoted strings tracked across lines) reads exactly `!VAST_IGNORE_CHANGES` once whitespace is stripped.
// This reproduces the SDK's line scanner token for token, quirks included (an unterminated single-quoted string
// does not hide a later `#`; text after an opening triple quote on the same line is not scanned), because the hash
// must equal the SDK's byte for byte.

const IGNORE_COMMENT_BODY = '!VAST_IGNORE_CHANGES';

// `\\[^\n]` stands for Python's `\\.` on bytes: any byte but a newline (JS `.` would also refuse \r and U+2028).
const CLOSE_MULTILINE: Record<string, RegExp> = {
  '"""': /(?:[^\\]|\\[^\n])*?"""/y,
  "'''": /(?:[^\\]|\\[^\n])*?'''/y,
};
const TOKEN =
  /"""(?:[^\\]|\\[^\n])*?"""|'''(?:[^\\]|\\[^\n])*?'''|(""")|(''')|"(?:[^"\\\n]|\\[^\n])*"|'(?:[^'\\\n]|\\[^\n])*'|(#)/g;

/** Python's bytes.strip(): ASCII whitespace only (JS trim() would also strip NBSP and other Unicode spaces). */
function pythonStrip(s: string): string {
  return s.replace(/^[ \t\n\r\x0b\x0c]+|[ \t\n\r\x0b\x0c]+$/g, '');
}

function scanLine(line: string, inMultiline: string | undefined): { ignore: boolean; state: string | undefined } {
  let start = 0;
  if (inMultiline !== undefined) {
    const close = CLOSE_MULTILINE[inMultiline];
    close.lastIndex = 0;
    const m = close.exec(line);
    if (!m) return { ignore: false, state: inMultiline };
    start = close.lastIndex;
  }
  TOKEN.lastIndex = start;
  for (let m = TOKEN.exec(line); m; m = TOKEN.exec(line)) {
    if (m[1]) return { ignore: false, state: '"""' };
    if (m[2]) return { ignore: false, state: "'''" };
    if (m[3]) return { ignore: pythonStrip(line.slice(m.index + 1)) === IGNORE_COMMENT_BODY, state: undefined };
  }
  return { ignore: false, state: undefined };
}

/** 0-based indexes of the lines (text split on `\n`) that the SDK drops before hashing. */
export function findIgnoredLines(text: string): number[] {
  const ignored: number[] = [];
  let state: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const r = scanLine(lines[i], state);
    state = r.state;
    if (r.ignore) ignored.push(i);
  }
  return ignored;
}

/** The text the SDK hashes for `./deployment.py`: ignored lines removed, the rest joined with `\n`. */
export function filterIgnoredLines(text: string): string {
  const ignored = new Set(findIgnoredLines(text));
  if (ignored.size === 0) return text;
  return text
    .split('\n')
    .filter((_, i) => !ignored.has(i))
    .join('\n');
}
