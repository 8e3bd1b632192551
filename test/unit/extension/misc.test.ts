// Log following and plan page (run results: runResult.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Plan } from '../../../src/deploy/types';
import { appendedLines, splitLogLines } from '../../../src/vast-api/logTail';
import { planNeedsConfirmation } from '../../../src/deploy/policy';
import { configDiffLines, renderPlanHtml, tierLabel } from '../../../src/extension/ui/planView';

describe('log following', () => {
  test('only lines after the overlap are new', () => {
    assert.deepEqual(appendedLines([], ['a', 'b']), ['a', 'b']);
    assert.deepEqual(appendedLines(['a', 'b', 'c'], ['b', 'c', 'd', 'e']), ['d', 'e']);
    assert.deepEqual(appendedLines(['a', 'b'], ['a', 'b']), []);
    assert.deepEqual(appendedLines(['a', 'b'], ['x', 'y']), ['x', 'y']);
  });
  test('splitLogLines drops the final empty line', () => {
    assert.deepEqual(splitLogLines('a\r\nb\n'), ['a', 'b']);
    assert.deepEqual(splitLogLines(''), []);
  });
});

const plan: Plan = {
  deployment: { name: 'app', tag: 'prod' },
  file_hash: 'h2',
  file_size: 100,
  config_json: '{}',
  search_params: 'gpu_ram>=8',
  env: '',
  image: 'img<1>',
  storage: 16,
  autoscaling: {},
  tier: 3,
  changes: [
    { field: 'file_hash', before: 'h1', after: 'h2', tier: 2, reason: 'code changed' },
    { field: 'image', before: 'img<0>', after: 'img<1>', tier: 3, reason: 'image changed' },
  ],
};

describe('plan view', () => {
  test('tier labels and confirmation for tiers 3 and 4', () => {
    assert.equal(tierLabel(2), 'tier 2 soft update');
    assert.equal(tierLabel('create'), 'create (first deploy)');
    assert.equal(planNeedsConfirmation(plan), true);
    assert.equal(planNeedsConfirmation({ ...plan, tier: 2 }), false);
  });
  test('the diff shows changed fields as -/+ and the rest as context', () => {
    const lines = configDiffLines(plan);
    assert.ok(lines.includes('- image: img<0>'));
    assert.ok(lines.includes('+ image: img<1>'));
    assert.ok(lines.includes('  storage: 16'));
    assert.ok(!lines.some((l) => l.startsWith('  image')));
  });
  test('the page escapes values and carries the nonce on its only script', () => {
    const html = renderPlanHtml(plan, { nonce: 'N0NCE', cspSource: 'vscode-resource:', targetLabel: 'local engine' });
    assert.ok(html.includes('img&lt;1&gt;'));
    assert.ok(!html.includes('img<1>'));
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(html.includes('<script nonce="N0NCE">'));
    assert.match(html, /tier 3 hard update/);
    assert.equal((html.match(/<tr class="tier/g) ?? []).length, 2);
  });
});
