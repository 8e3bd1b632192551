// The short texts of a remote run (inline, history) and the result view's HTML.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapTraceback } from '../../../src/deploy/remoteTraceback';
import { renderResultHtml, type ResultViewModel } from '../../../src/extension/ui/resultView';
import { formatDuration, inlineText, previewValue, workerLabel } from '../../../src/extension/ui/runResult';

describe('run result texts', () => {
  test('previews are compact JSON cut to the limit; big integers stay exact', () => {
    assert.equal(previewValue(25), '25');
    assert.equal(previewValue('hi'), '"hi"');
    assert.equal(previewValue({ a: [1, 2] }), '{"a":[1,2]}');
    assert.equal(previewValue(2n ** 64n), '18446744073709551616');
    const long = previewValue('x'.repeat(500), 20);
    assert.equal(long.length, 20);
    assert.ok(long.endsWith('…'));
  });

  test('durations and workers', () => {
    assert.equal(formatDuration(12.4), '12 ms');
    assert.equal(formatDuration(1500), '1.50 s');
    assert.equal(formatDuration(undefined), '—');
    assert.equal(workerLabel({ workerId: 3 }), 'worker 3');
    assert.equal(workerLabel({ workerUrl: 'http://127.0.0.1:40123/' }), 'worker 127.0.0.1:40123');
    assert.equal(workerLabel({}), undefined);
  });

  test('inline: value · call time · worker; the exception class and message; running; refused', () => {
    assert.equal(inlineText({ kind: 'done', result: { ok: true, value: 25, workerUrl: 'http://127.0.0.1:9/', routeMs: 4, callMs: 9 } }), '→ 25 · 9 ms · worker 127.0.0.1:9');
    assert.equal(inlineText({ kind: 'done', result: { ok: false, error: { className: 'ValueError', message: 'x must be positive' } } }), '✖ ValueError: x must be positive');
    assert.equal(inlineText({ kind: 'done', result: { ok: false, error: { className: 'StopIteration', message: '' } } }), '✖ StopIteration');
    assert.equal(inlineText({ kind: 'running', targetLabel: 'local engine' }), '⟳ running on the local engine…');
    assert.equal(inlineText({ kind: 'refused', reason: 'no worker\nis ready' }), '⚠ no result: no worker is ready');
  });
});

describe('result view', () => {
  const base: Omit<ResultViewModel, 'state'> = {
    deployment: 'app',
    function: 'square',
    payloadName: 'default',
    targetLabel: 'local engine',
    kwargs: { x: '<b>' },
    startedAt: new Date(0),
    finishedAt: new Date(1000),
  };
  const options = { nonce: 'N0NCE', cspSource: 'vscode-resource:' };

  test('a value is pretty-printed and escaped, with the facts and one script carrying the nonce', () => {
    const html = renderResultHtml({ ...base, state: { kind: 'done', result: { ok: true, value: { y: '<i>' }, workerId: 3, routeMs: 12, callMs: 1500 } } }, options);
    assert.ok(html.includes('<pre id="value">{\n  &quot;y&quot;: &quot;&lt;i&gt;&quot;\n}</pre>'), html);
    assert.ok(!html.includes('<i>') && !html.includes('<b>'));
    assert.match(html, /<th>worker<\/th><td>worker 3<\/td>/);
    assert.match(html, /<th>call<\/th><td>1\.50 s<\/td>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(html.includes('<script nonce="N0NCE">'));
  });

  test("an error shows its class and message, and the traceback's mapped frames as links", () => {
    const traceback = mapTraceback(
      'Traceback (most recent call last):\n  File "/w/vast_worker/worker.py", line 9, in job\n  File "/w/deployment.py", line 14, in square\n    return x * y\nNameError: name \'y\' is not defined',
      { deploymentFile: '/ws/deploy.py' },
    );
    const html = renderResultHtml({ ...base, state: { kind: 'done', result: { ok: false, error: { className: 'NameError', message: "name 'y' is not defined" } } }, traceback }, options);
    assert.match(html, /<p id="error" class="error"><strong>NameError<\/strong>: name &#39;y&#39; is not defined<\/p>/);
    assert.ok(html.includes('  <a href="#" class="frame" data-file="/ws/deploy.py" data-line="14">File &quot;/ws/deploy.py&quot;, line 14</a>, in square'), html);
    assert.equal((html.match(/class="frame"/g) ?? []).length, 1, 'only frames in the user\'s code are links');
  });

  test('a refused run says why and shows no value', () => {
    const html = renderResultHtml({ ...base, state: { kind: 'refused', reason: 'deployment app:default is not deployed' } }, options);
    assert.match(html, /No result: deployment app:default is not deployed/);
    assert.ok(!html.includes('id="value"'));
  });
});
