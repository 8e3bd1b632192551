// Tree texts and worker states for the Vast sidebar.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeploymentRecord, EndpointRecord } from '../../../src/shared/protocol/vast';
import { WORKER_STATUSES } from '../../../src/shared/protocol/vast';
import { deploymentText, endpointText, formatAge, searchSummary, workergroupText, workerText } from '../../../src/extension/ui/treeLabels';
import { workerStatusInfo } from '../../../src/deploy/workerStatus';
import { workerRecord } from '../../support/records';

describe('worker states', () => {
  test('Vast UI labels, case-insensitive', () => {
    assert.equal(workerStatusInfo('idle').label, 'Ready');
    assert.equal(workerStatusInfo('IDLE').label, 'Ready');
    assert.equal(workerStatusInfo('MODEL_LOADING').label, 'Loading');
    assert.equal(workerStatusInfo('stopped').label, 'Inactive');
    assert.equal(workerStatusInfo('update_rebooting').label, 'Updating');
    assert.equal(workerStatusInfo('pending').label, 'Pending (not billed)');
    assert.equal(workerStatusInfo('error').category, 'error');
  });

  test('every documented status has a known label; others say unknown with the raw status', () => {
    for (const s of WORKER_STATUSES) assert.notEqual(workerStatusInfo(s).category, 'unknown', s);
    assert.equal(workerStatusInfo('weird').label, 'Unknown (weird)');
    assert.equal(workerStatusInfo(undefined).label, 'Unknown');
  });
});

describe('tree texts', () => {
  test('a ready worker shows GPU, measured perf and load (with their unit) and uptime', () => {
    const t = workerText(workerRecord({ measured_perf: 123.456, cur_load: 0.5, started_at: 1000 }), 1000 + 3725);
    assert.equal(t.label, 'Worker 7');
    assert.equal(t.description, 'Ready · RTX 4090 · perf 123.46 units/s · load 0.50 units/s · up 1h 2m');
    assert.match(t.tooltip!, /measured perf 123\.46 units\/s \(benchmark throughput in workload units per second\)/);
  });

  test('a loading worker hides the placeholder perf; an error shows its message', () => {
    assert.equal(workerText(workerRecord({ status: 'loading', measured_perf: 99 }), 0).description, 'Loading · RTX 4090');
    const t = workerText(workerRecord({ status: 'error', error_msg: 'CUDA out of memory' }), 0);
    assert.match(t.description!, /^Error · RTX 4090 · CUDA out of memory$/);
    assert.match(t.tooltip!, /error: CUDA out of memory/);
  });

  test('a debug worker (local engine) says it is debugging, beside its state, and where debugpy listens', () => {
    const t = workerText(workerRecord({ status: 'running', local_debug: { host: '127.0.0.1', port: 5678, remote_root: '/w', remote_file: '/w/deployment.py', wait: false } }), 0);
    assert.equal(t.description, 'debugging · Running · RTX 4090');
    assert.match(t.tooltip!, /debugging: debugpy listens on 127\.0\.0\.1:5678/);
  });

  test('deployment, endpoint and workergroup', () => {
    const d = { id: 1, name: 'app', tag: 'prod', image: 'img', endpoint_id: 2, env: '', file_hash: 'abc', search_params: 'gpu_ram>=8', storage: 16, created_at: 0, updated_at: 0, current_version_id: 3, endpoint_state: 'active', worker_count: 1 } as DeploymentRecord;
    assert.deepEqual([deploymentText(d).label, deploymentText(d).description], ['app:prod', 'active · v3 · 1 worker']);
    const e = { id: 2, endpoint_name: 'app-prod', api_key: 'k', endpoint_state: 'active', cold_workers: 1, max_workers: 4, target_util: 0.9 } as EndpointRecord;
    assert.equal(endpointText(e).description, 'active · cold 1 · max 4 · target util 0.9');
    // The description says the filters in words; the raw query stays in the tooltip.
    const wg = workergroupText({ id: 5, endpoint_id: 2, search_query: 'gpu_name in [RTX_4090]' });
    assert.equal(wg.description, 'RTX 4090');
    assert.match(wg.tooltip!, /search_params: gpu_name in \[RTX_4090\]/);
    assert.equal(workergroupText({ id: 5, endpoint_id: 2 }).description, '(any machine)');
  });

  test('search queries in words: GPUs, count, GB columns; default marketplace filters left out, others counted', () => {
    assert.equal(searchSummary('verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090'), 'RTX 4090 or RTX 5090');
    assert.equal(
      searchSummary('verified=true rentable=true rented=false gpu_ram>=24 gpu_name in RTX_4090,RTX_5090,L40S,A100_SXM4'),
      'GPU RAM ≥ 24 GB · RTX 4090, RTX 5090, L40S or A100 SXM4',
    );
    assert.equal(searchSummary('gpu_name=RTX_4090 num_gpus=1 gpu_ram>=24'), 'RTX 4090 ×1 · GPU RAM ≥ 24 GB');
    assert.equal(searchSummary('gpu_name notin RTX_3090 num_gpus>=2 reliability>0.99 cuda_vers>=12.1'), 'not RTX 3090 · ≥ 2 GPUs · +2 filters');
    assert.equal(searchSummary('verified=true rentable=true rented=false'), '(any machine)');
    assert.equal(searchSummary(''), '(any machine)');
  });

  test('durations', () => {
    assert.equal(formatAge(42), '42s');
    assert.equal(formatAge(125), '2m 5s');
    assert.equal(formatAge(3 * 86400 + 3600), '3d 1h');
    assert.equal(formatAge(-1), '—');
  });
});
