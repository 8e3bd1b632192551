// pyright-style expectation markers for fixture files.
//   x = 1  # expect: VD001                 a diagnostic with code VD001 starts on this line
//   x = 1  # expect: VD003 "key"           ... and its range covers exactly `key`
//   x = 1  # expect: VD003 "key" warning   ... with that severity
//   # expect-next-line: VD004              the expectation applies to the following line
// Several expectations on one line are separated by `;`.
import type { VastDiagnostic } from '../../src/analysis/analyze';
import type { Range } from '../../src/analysis/model/types';

export interface Expectation {
  line: number;
  code: string;
  text?: string;
  severity?: string;
}

const MARKER = /#\s*expect(-next-line)?:\s*(.+)$/;
const ONE = /^(VD\d{3})(?:\s+"((?:[^"\\]|\\.)*)")?(?:\s+(error|warning|information|hint))?$/;

export function parseExpectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split('\n').forEach((lineText, line) => {
    const m = MARKER.exec(lineText);
    if (!m) return;
    const target = m[1] ? line + 1 : line;
    for (const part of m[2].split(';').map((p) => p.trim()).filter(Boolean)) {
      const e = ONE.exec(part);
      if (!e) throw new Error(`bad expectation on line ${line + 1}: ${part}`);
      out.push({ line: target, code: e[1], text: e[2]?.replace(/\\(.)/g, '$1'), severity: e[3] });
    }
  });
  return out;
}

export function textOfRange(text: string, range: Range): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.character, range.end.character);
  const parts = [lines[range.start.line].slice(range.start.character)];
  for (let l = range.start.line + 1; l < range.end.line; l++) parts.push(lines[l]);
  parts.push(lines[range.end.line].slice(0, range.end.character));
  return parts.join('\n');
}

/** Compares diagnostics to expectations; returns human-readable mismatches (empty when all match). */
export function compareToExpectations(text: string, diagnostics: VastDiagnostic[], expected: Expectation[]): string[] {
  const problems: string[] = [];
  const remaining = [...diagnostics];
  for (const e of expected) {
    const i = remaining.findIndex(
      (d) =>
        d.code === e.code &&
        d.range.start.line === e.line &&
        (e.text === undefined || textOfRange(text, d.range) === e.text) &&
        (e.severity === undefined || d.severity === e.severity),
    );
    if (i < 0) {
      const near = diagnostics.filter((d) => d.code === e.code && d.range.start.line === e.line);
      problems.push(
        `line ${e.line + 1}: expected ${e.code}${e.text !== undefined ? ` "${e.text}"` : ''}${e.severity ? ` ${e.severity}` : ''}` +
          (near.length ? `; got ${near.map((d) => `"${textOfRange(text, d.range)}" ${d.severity}`).join(', ')}` : '; got none'),
      );
    } else remaining.splice(i, 1);
  }
  for (const d of remaining) {
    problems.push(`line ${d.range.start.line + 1}: unexpected ${d.code} "${textOfRange(text, d.range)}": ${d.message}`);
  }
  return problems;
}

/** Applies the first fix of every diagnostic with `code` (non-overlapping edits, applied bottom-up). */
export function applyFirstFixes(text: string, diagnostics: VastDiagnostic[], code: string): string {
  const lines = text.split('\n');
  const offsetOf = (p: { line: number; character: number }) => {
    let o = 0;
    for (let l = 0; l < p.line; l++) o += lines[l].length + 1;
    return o + p.character;
  };
  const edits = diagnostics
    .filter((d) => d.code === code && d.fixes.length > 0)
    .flatMap((d) => d.fixes[0].edits)
    .map((e) => ({ start: offsetOf(e.range.start), end: offsetOf(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
