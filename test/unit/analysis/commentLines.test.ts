// Comment lines are blanked before parsing (tree-sitter-python's scanner is quadratic in a run of them): the
// blanking itself, and incremental parses staying equal to fresh ones when an edit changes which lines are blanked.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { before, describe, test } from 'node:test';
import { initPythonParser } from '../../../src/analysis/document';
import { ParsedDocument, type TextChange } from '../../../src/analysis/parse/pythonParser';
import { blankCommentLines } from '../../../src/analysis/parse/pythonText';
import { fixturePath } from '../../support/paths';

before(() => initPythonParser());

describe('blankCommentLines', () => {
  test('blanks comments that have their line to themselves, nothing else, keeping length, lines and CR', () => {
    const text = '# top\nx = 1  # after code\n    # indented\r\ns = "# in a string"\nt = """\n# in a triple string\n"""\n#\n';
    const out = blankCommentLines(text);
    assert.equal(out.length, text.length);
    assert.equal(out, '     \nx = 1  # after code\n              \r\ns = "# in a string"\nt = """\n# in a triple string\n"""\n \n');
  });

  test('an unterminated string ends at its line, so the next line can still be a comment line', () => {
    assert.equal(blankCommentLines('s = "open\n# c\n'), 's = "open\n   \n');
  });

  test('a comment line that closes nothing: "#\'\'\'" inside a triple string is string text', () => {
    const text = "s = '''\n#'''\nx = 1\n# real\n";
    assert.equal(blankCommentLines(text), "s = '''\n#'''\nx = 1\n      \n");
  });
});

describe('incremental parses with blanked comment lines', () => {
  function point(text: string, offset: number): { row: number; column: number } {
    const before = text.slice(0, offset);
    return { row: before.split('\n').length - 1, column: offset - (before.lastIndexOf('\n') + 1) };
  }

  /** Applies each edit incrementally and compares the trees with a fresh parse of the same text. */
  function check(initial: string, edits: [number, number, string][]): void {
    let text = initial;
    const doc = new ParsedDocument(text);
    try {
      edits.forEach(([start, end, inserted], i) => {
        const c: TextChange = { startOffset: start, oldEndOffset: end, startPosition: point(text, start), oldEndPosition: point(text, end), text: inserted };
        text = text.slice(0, start) + inserted + text.slice(end);
        doc.update([c]);
        const fresh = new ParsedDocument(text);
        try {
          assert.equal(doc.treeText(), fresh.treeText(), `edit ${i + 1} (${JSON.stringify(inserted)})`);
        } finally {
          fresh.dispose();
        }
      });
    } finally {
      doc.dispose();
    }
  }

  const square = fs.readFileSync(fixturePath('..', '..', 'examples', 'square', 'deploy.py'), 'utf8');

  test('typing # before code turns the rest of the line into a blanked comment, and back', () => {
    const at = square.indexOf('image = app.image');
    check(square, [[at, at, '#'], [at, at + 1, ''], [at, at, '# '], [at, at + 2, '']]);
  });

  test('opening and closing a triple-quoted string changes which later lines are comments', () => {
    const at = square.indexOf('@app.remote');
    const end = square.indexOf('app.ensure_ready()');
    check(square, [[at, at, '"""'], [end, end, '"""'], [end, end + 3, ''], [at, at + 3, '']]);
  });
});
