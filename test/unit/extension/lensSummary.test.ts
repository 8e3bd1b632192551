// The Deploy lens title stays short: a failing plan or a long summary keeps its detail for the tooltip, so the
// lenses beside it (Show plan, the target switch) stay on screen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitSummary } from '../../../src/extension/ui/planView';

test('a plan error shows as "plan unavailable" with the reason in the detail', () => {
  const reason = 'the Vast console did not answer within 30 s (https://console.vast.ai/api/v0/deployments/): connect ETIMEDOUT';
  assert.deepEqual(splitSummary(`plan unavailable: ${reason}`), { short: 'plan unavailable (see tooltip)', detail: `Plan unavailable: ${reason}` });
});

test('short summaries are kept whole; long ones are cut with the whole text as detail', () => {
  assert.deepEqual(splitSummary('tier 2 soft update: code changed'), { short: 'tier 2 soft update: code changed' });
  const long = 'tier 3 hard update: image changed, env changed, search_params changed, storage changed';
  const { short, detail } = splitSummary(long);
  assert.ok(short!.length <= 60 && short!.endsWith('…'), short);
  assert.equal(detail, long);
  assert.deepEqual(splitSummary(undefined), {});
});

test('lines after the first (what this machine lacks) go to the tooltip; the title keeps a short warning', () => {
  const summary = 'tier 2 soft update: code changed\nThis machine does not meet the GPU filters: no local offer matches gpu_ram>=48 GB: this machine has no GPU.';
  const { short, detail } = splitSummary(summary);
  assert.equal(short, 'tier 2 soft update: code changed ⚠ no GPU here');
  assert.match(detail!, /^This machine does not meet the GPU filters/);
});

test('a machine with the wrong GPU gets its own warning, and a long summary is cut so the warning still fits', () => {
  const long = 'tier 3 hard update: image changed, env changed, search_params changed, storage changed';
  const note = "This machine does not meet the GPU filters: no local offer matches gpu_name in RTX_4090: this machine's GPU is Tesla T4.";
  const { short, detail } = splitSummary(`${long}\n${note}`);
  assert.ok(short!.endsWith('… ⚠ GPU filters unmet here'), short);
  assert.ok(short!.length <= 60, `${short!.length}: ${short}`);
  assert.equal(detail, `${long}\n${note}`);
});

test('other notes stay out of the title', () => {
  assert.deepEqual(splitSummary('tier 1 autoscaling update: max_workers changed\nsome other note'), {
    short: 'tier 1 autoscaling update: max_workers changed',
    detail: 'some other note',
  });
});
