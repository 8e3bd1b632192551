// Pathological files: the analyzer answers every one with diagnostics in bounded work, never a stack overflow, and
// one bad file never costs `check` the results of the others.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeText, initPythonParser } from '../../../src/analysis/document';
import { checkPaths } from '../../../src/cli/check';
import { RULES } from '../../../src/analysis/rules/registry';
import type { Rule } from '../../../src/analysis/rules/rule';
import { completionsAt } from '../../../src/language-server/completion';
import { hoverAt } from '../../../src/language-server/hover';
import { documentSymbols } from '../../../src/language-server/symbols';
import { excessiveNestingOffset, MAX_ANALYZED_CHARS, PYTHON_MAX_NESTING } from '../../../src/analysis/model/limits';
import { runRules } from '../../../src/analysis/analyze';
import { buildModel } from '../../../src/analysis/model/extract';
import { ParsedDocument } from '../../../src/analysis/parse/pythonParser';
import { fixturePath } from '../../support/paths';

function pointAt(text: string, offset: number): { row: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { row: before.length - 1, column: before.at(-1)!.length };
}

const SQUARE = fs.readFileSync(fixturePath('..', '..', 'examples', 'square', 'deploy.py'), 'utf8');
const DATASET = '@app.remote(benchmark_dataset=[{"x": 2}, {"x": 100}, {"x": -5}])';

before(() => initPythonParser());

function withDataset(value: string): string {
  assert.ok(SQUARE.includes(DATASET));
  return SQUARE.replace(DATASET, `@app.remote(benchmark_dataset=[{"x": ${value}}])`);
}

describe('analyzer limits', () => {
  test('brackets nested 3,000 deep: one VD039 error where Python would stop, and every feature answers', () => {
    const text = withDataset(`${'['.repeat(3000)}1${']'.repeat(3000)}`);
    const { model, diagnostics } = analyzeText(text);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['VD039', 'error']]);
    assert.equal(diagnostics[0]!.range.start.line, text.split('\n').findIndex((l) => l.includes('benchmark_dataset')));
    const end = { line: text.split('\n').length - 2, character: 0 };
    assert.equal(hoverAt(model, end), null);
    assert.deepEqual(documentSymbols(model), []);
    completionsAt(model, end);
  });

  test('a 3,000-term operator chain is not evaluated (unknown), nothing overflows, and VD039 says it is too deep', () => {
    const text = SQUARE.replace('storage=16', `storage=${Array(3000).fill('1').join(' + ')}`);
    const { model, diagnostics } = analyzeText(text);
    assert.equal(model.deployments.length, 1);
    assert.ok(!diagnostics.some((d) => d.code === 'VD000'), JSON.stringify(diagnostics.map((d) => d.message)));
    const line = text.split('\n').findIndex((l) => l.includes('storage='));
    // Before, the chain was silently unknown: no diagnostic said that nothing in it was checked.
    const deep = diagnostics.filter((d) => d.code === 'VD039');
    assert.equal(deep.length, 1, JSON.stringify(diagnostics.map((d) => d.message)));
    assert.equal(deep[0]!.severity, 'warning');
    assert.match(deep[0]!.message, /nested more than 200 levels deep .* too deep for the Vast analyzer/);
    assert.deepEqual([deep[0]!.range.start.line, deep[0]!.range.start.character], [line, text.split('\n')[line]!.indexOf('storage=') + 'storage='.length]);
    hoverAt(model, { line, character: 60 });
    documentSymbols(model);
  });

  test('an undefined name inside a too-deep chain: the user is told the expression was not analysed', () => {
    const text = SQUARE.replace('storage=16', `storage=undefined_size + ${Array(500).fill('1').join(' + ')}`);
    const { diagnostics } = analyzeText(text);
    assert.ok(diagnostics.some((d) => d.code === 'VD039' && /too deep/.test(d.message)), JSON.stringify(diagnostics.map((d) => [d.code, d.message])));
  });

  test('a chain just within the depth limit is evaluated, with no VD039', () => {
    const text = SQUARE.replace('storage=16', `storage=${Array(150).fill('1').join(' + ')}`);
    const { model, diagnostics } = analyzeText(text);
    assert.ok(!diagnostics.some((d) => d.code === 'VD039'));
    assert.deepEqual(model.deployments[0]!.images[0]!.storage!.value.kind, 'int', 'the value is known');
  });

  test('the too-deep diagnostic stays on every keystroke elsewhere (a memoized definition is read again)', () => {
    const chain = Array(400).fill('1').join(' + ');
    const text = SQUARE.replace(DATASET, `@app.remote(benchmark_dataset=[{"x": ${chain}}])`);
    const doc = new ParsedDocument(text);
    try {
      const count = () => runRules(buildModel(doc)).filter((d) => d.code === 'VD039').length;
      assert.equal(count(), 1);
      const at = text.length;
      doc.update([{ startOffset: at, oldEndOffset: at, startPosition: pointAt(text, at), oldEndPosition: pointAt(text, at), text: '\n' }]);
      assert.equal(count(), 1, 'after an edit elsewhere');
    } finally {
      doc.dispose();
    }
  });

  test('the nesting scan counts brackets as Python does: not in strings, comments or f-string text', () => {
    const deep = (n: number) => `${'('.repeat(n)}${')'.repeat(n)}`;
    assert.equal(excessiveNestingOffset(`x = ${deep(PYTHON_MAX_NESTING)}`), -1);
    assert.equal(excessiveNestingOffset(`x = ${deep(PYTHON_MAX_NESTING + 1)}`), 4 + PYTHON_MAX_NESTING);
    const hidden = '(' .repeat(500);
    for (const text of [`s = "${hidden}"`, `s = '${hidden}'`, `# ${hidden}\nx = 1`, `s = """\n${hidden}\n"""`, `s = f"{x}${hidden}"`, `s = r"\\"${hidden}"`]) {
      assert.equal(excessiveNestingOffset(text), -1, text.slice(0, 30));
    }
    // closers in a string do not hide real nesting after it
    assert.equal(excessiveNestingOffset(`s = "${')'.repeat(300)}"\nx = ${deep(PYTHON_MAX_NESTING + 1)}`) > 0, true);
  });

  test('a NUL byte (a binary file) is an error, a huge file an information, and neither is modelled', () => {
    const binary = analyzeText(`${SQUARE}\n\0\x01\x02`);
    assert.deepEqual(binary.diagnostics.map((d) => [d.code, d.severity]), [['VD039', 'error']]);
    assert.equal(binary.model.deployments.length, 0);
    const huge = analyzeText(`${SQUARE}\n${'# padding\n'.repeat(MAX_ANALYZED_CHARS / 10)}`);
    assert.deepEqual(huge.diagnostics.map((d) => [d.code, d.severity]), [['VD039', 'information']]);
    assert.equal(huge.model.deployments.length, 0);
  });

  test('a rule that throws becomes one VD000 naming it, and the rules after it still report', () => {
    const crashing: Rule = {
      id: 'VD999',
      name: 'always-crashes',
      severity: 'error',
      title: 'a rule with a bug',
      docs: 'throws on every file',
      check: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'text')");
      },
    };
    const broken = SQUARE.replace('async def square', 'def square');
    const { diagnostics } = analyzeText(broken, { rules: [crashing, ...RULES] });
    assert.deepEqual(diagnostics.map((d) => d.code).sort(), ['VD000', 'VD001']);
    const vd000 = diagnostics.find((d) => d.code === 'VD000')!;
    assert.equal(vd000.severity, 'warning');
    assert.deepEqual(vd000.range.start, { line: 0, character: 0 });
    assert.match(vd000.message, /rule VD999 \(always-crashes\).*missing.*reading 'text'/);
  });

  test('check: a file whose analysis fails gets one VD000 and the other files keep their results', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-check-'));
    fs.writeFileSync(path.join(dir, 'a.py'), SQUARE);
    fs.writeFileSync(path.join(dir, 'b.py'), SQUARE.replace('async def square', 'def square'));
    const io = { cwd: dir, stdout: () => {}, stderr: () => {} };
    const results = await checkPaths(['a.py', 'b.py'], io, (text, file, cwd) => {
      if (file.endsWith('a.py')) throw new RangeError('Maximum call stack size exceeded');
      const { model, diagnostics } = analyzeText(text, { filePath: file, workspaceRoots: [cwd] });
      return { isDeploymentFile: model.isDeploymentFile, diagnostics };
    });
    assert.deepEqual(results.map((r) => [path.basename(r.file), r.diagnostics.map((d) => d.code)]), [
      ['a.py', ['VD000']],
      ['b.py', ['VD001']],
    ]);
    assert.match(results[0]!.diagnostics[0]!.message, /failed on this file.*Maximum call stack/);
  });
});
