// Paths, Python literals, the outline, CodeLenses and the "Save as benchmark sample" edit.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initPythonParser } from '../../../../src/analysis/document';
import { codeLenses } from '../../../../src/language-server/codeLens';
import { benchmarkSampleEdit } from '../../../../src/analysis/payloads/benchmarkEdit';
import { positionAt } from '../../../../src/analysis/util/textPosition';
import { deploymentOutline } from '../../../../src/analysis/payloads/outline';
import {
  parsePayloadPath,
  parseSchemaPath,
  payloadNameProblem,
  payloadRelativePath,
  schemaUri,
} from '../../../../src/shared/payloads/paths';
import { pythonLiteral } from '../../../../src/analysis/payloads/pythonLiteral';
import type { Json } from '../../../../src/shared/protocol/lsp';
import { HEADER, model } from './support';

before(() => initPythonParser());

describe('payload paths', () => {
  test('round-trip a payload location', () => {
    const rel = payloadRelativePath({ deployment: 'my-app', function: 'square', name: 'big' });
    assert.equal(rel, '.vast/payloads/my-app/square/big.json');
    assert.deepEqual(parsePayloadPath(`/home/u/ws/${rel}`), { deployment: 'my-app', function: 'square', name: 'big' });
    assert.deepEqual(parsePayloadPath('C:\\ws\\.vast\\payloads\\a\\b\\c.json'), { deployment: 'a', function: 'b', name: 'c' });
    assert.equal(parsePayloadPath('/ws/payloads/a/b/c.json'), undefined);
    assert.equal(parsePayloadPath('/ws/.vast/payloads/a/b/c.txt'), undefined);
    assert.equal(parsePayloadPath('/ws/.vast/payloads/a/c.json'), undefined);
  });

  test('unsafe deployment names become safe folder names', () => {
    assert.equal(payloadRelativePath({ deployment: 'a/b', function: 'f', name: 'x' }), '.vast/payloads/a_b/f/x.json');
  });

  test('payload names are checked', () => {
    assert.equal(payloadNameProblem('big-input_2.v1'), undefined);
    assert.match(payloadNameProblem('') ?? '', /needs a name/);
    assert.match(payloadNameProblem('../x') ?? '', /not a valid payload name/);
    assert.match(payloadNameProblem('.hidden') ?? '', /not a valid payload name/);
  });

  test('schema URIs name deployment and function', () => {
    const uri = schemaUri('my app', 'square');
    assert.equal(uri, 'vast-schema:/my%20app/square.schema.json');
    assert.deepEqual(parseSchemaPath('/my%20app/square.schema.json'), { deployment: 'my app', function: 'square' });
    assert.equal(parseSchemaPath('/square.schema.json'), undefined);
  });
});

describe('pythonLiteral', () => {
  test('JSON values become Python source', () => {
    assert.equal(pythonLiteral({ a: [1, 2.5, null, true, false], 'b"c': 'x\n"y"' }), '{"a": [1, 2.5, None, True, False], "b\\"c": "x\\n\\"y\\""}');
  });
});

describe('outline and CodeLenses', () => {
  const text = HEADER + '@app.remote(benchmark_dataset=[{"x": 1}])\nasync def square(x: int):\n    return x * x\n\n@app.remote\nasync def cube(x):\n    return x\n';

  test('the outline lists the deployment and its remotes with ranges', () => {
    const outline = deploymentOutline(model(text));
    assert.equal(outline.isDeploymentFile, true);
    assert.equal(outline.deployments.length, 1);
    const d = outline.deployments[0];
    assert.equal(d.name, 'demo');
    assert.equal(d.tag, 'v1');
    assert.equal(d.variable, 'app');
    assert.equal(d.range.start.line, 2);
    assert.deepEqual(
      d.remotes.map((r) => [r.name, r.range.start.line, r.hasBenchmark]),
      [
        ['square', 4, true],
        ['cube', 8, false],
      ],
    );
  });

  test('Deploy, Show plan, target and Watch lenses above Deployment(...), Run and Debug remotely above each @remote', () => {
    const lenses = codeLenses(model(text), 'file:///ws/deploy.py');
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.command, l.command?.title]),
      [
        [2, 'vast.deploy', 'Deploy'],
        [2, 'vast.showPlan', 'Show plan'],
        [2, 'vast.switchTarget', 'Switch target'],
        [2, 'vast.watch', 'Watch'],
        [4, 'vast.runRemotely', 'Run remotely'],
        [4, 'vast.debugRemotely', 'Debug remotely'],
        [8, 'vast.runRemotely', 'Run remotely'],
        [8, 'vast.debugRemotely', 'Debug remotely'],
      ],
    );
    assert.deepEqual(lenses[0].command?.arguments, [{ uri: 'file:///ws/deploy.py', deploymentIndex: 0, deployment: 'demo' }]);
    assert.deepEqual(lenses[3].command?.arguments, lenses[0].command?.arguments);
    assert.deepEqual(lenses[4].command?.arguments, [{ uri: 'file:///ws/deploy.py', deployment: 'demo', function: 'square' }]);
    assert.deepEqual(lenses[5].command?.arguments, lenses[4].command?.arguments, 'Debug remotely names the same function');
  });

  test('no lenses in a file that is not a deployment', () => {
    assert.deepEqual(codeLenses(model('def f():\n    return 1\n'), 'file:///x.py'), []);
  });
});

/** Applies the edit for `payload` to `fn` and returns the new text (failing the test when refused). */
function addSample(text: string, fn: string, payload: { [key: string]: Json }): string {
  const m = model(text);
  const remote = m.remotes.find((r) => r.fn.name === fn)!;
  const result = benchmarkSampleEdit(m, remote, payload);
  assert.ok(result.ok, result.ok ? '' : result.problem);
  return text.slice(0, result.edit.startOffset) + result.edit.newText + text.slice(result.edit.endOffset);
}

function datasetOf(text: string, fn: string): string | undefined {
  return model(text).remotes.find((r) => r.fn.name === fn)?.benchmarkDataset?.value.text;
}

describe('benchmarkSampleEdit', () => {
  test('appends to a one-line list', () => {
    const text = HEADER + '@app.remote(benchmark_dataset=[{"x": 2}])\nasync def f(x):\n    return x\n';
    const out = addSample(text, 'f', { $schema: 'vast-schema:/demo/f.schema.json', x: 5 });
    assert.equal(datasetOf(out, 'f'), '[{"x": 2}, {"x": 5}]');
  });

  test('keeps one item per line, with or without a trailing comma', () => {
    const withComma = HEADER + '@app.remote(\n    benchmark_dataset=[\n        {"x": 2},\n    ],\n)\nasync def f(x):\n    return x\n';
    assert.equal(datasetOf(addSample(withComma, 'f', { x: 5 }), 'f'), '[\n        {"x": 2},\n        {"x": 5},\n    ]');
    const without = HEADER + '@app.remote(benchmark_dataset=[\n    {"x": 2}\n])\nasync def f(x):\n    return x\n';
    assert.equal(datasetOf(addSample(without, 'f', { x: 5 }), 'f'), '[\n    {"x": 2},\n    {"x": 5}\n]');
  });

  test('fills an empty list', () => {
    const text = HEADER + '@app.remote(benchmark_dataset=[])\nasync def f(x):\n    return x\n';
    assert.equal(datasetOf(addSample(text, 'f', { x: 5 }), 'f'), '[{"x": 5}]');
  });

  test('adds benchmark_dataset to a bare decorator or an argument list', () => {
    const bare = HEADER + '@app.remote\nasync def f(x):\n    return x\n';
    assert.equal(datasetOf(addSample(bare, 'f', { x: 5 }), 'f'), '[{"x": 5}]');
    const empty = HEADER + '@app.remote()\nasync def f(x):\n    return x\n';
    assert.equal(datasetOf(addSample(empty, 'f', { x: 5 }), 'f'), '[{"x": 5}]');
    const withRuns = HEADER + '@app.remote(benchmark_runs=3)\nasync def f(x):\n    return x\n';
    const out = addSample(withRuns, 'f', { x: 5 });
    assert.match(out, /@app\.remote\(benchmark_runs=3, benchmark_dataset=\[\{"x": 5\}\]\)/);
  });

  test('appends inside a module-level constant list', () => {
    const text = HEADER + 'SAMPLES = [{"x": 1}]\n\n@app.remote(benchmark_dataset=SAMPLES)\nasync def f(x):\n    return x\n';
    const out = addSample(text, 'f', { x: 9 });
    assert.match(out, /SAMPLES = \[\{"x": 1\}, \{"x": 9\}\]/);
  });

  test('refuses what it cannot do, saying why', () => {
    const refuse = (text: string, fn: string, payload: { [key: string]: Json }) => {
      const m = model(text);
      const result = benchmarkSampleEdit(m, m.remotes.find((r) => r.fn.name === fn)!, payload);
      assert.equal(result.ok, false);
      return result.ok ? '' : result.problem;
    };
    assert.match(refuse(HEADER + '@app.remote(benchmark_dataset=[{"x": 1}])\nasync def f(x):\n    return x\n', 'f', { y: 1 }), /no parameter "y"/);
    assert.match(
      refuse(HEADER + 'def g():\n    return {"x": 1}\n\n@app.remote(benchmark_generator=g)\nasync def f(x):\n    return x\n', 'f', { x: 1 }),
      /benchmark_generator/,
    );
    assert.match(
      refuse(HEADER + '@app.remote(benchmark_dataset=[{"x": 1}])\nasync def f(x):\n    return x\n\n@app.remote\nasync def g(x):\n    return x\n', 'g', { x: 1 }),
      /f\(\) already carries/,
    );
    assert.match(refuse(HEADER + '@app.remote(benchmark_dataset=load())\nasync def f(x):\n    return x\n', 'f', { x: 1 }), /not a list literal/);
  });

  test('positionAt counts lines and UTF-16 columns', () => {
    assert.deepEqual(positionAt('ab\ncé\n', 4), { line: 1, character: 1 });
    assert.deepEqual(positionAt('ab', 0), { line: 0, character: 0 });
  });
});
