// computePlan on hand-built bundles and records: every tier, several changes at once, masking, reasons, text forms.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computePlan, MASKED_SECRET, REASONS } from '../../../src/deploy/plan';
import { elideMiddle, expectedAction, formatPlanText, planSummary } from '../../../src/deploy/planFormat';
import type { Plan } from '../../../src/deploy/types';
import type { Bundle, DeployConfig } from '../../../src/shared/protocol/bundle';
import type { DeploymentRecord, EndpointRecord } from '../../../src/shared/protocol/vast';

const HASH_A = 'fec05aa405c9618532af02467c2be64e372e27314d788c0b2e90cd8aebf09094';
const HASH_B = '2e50ead65ddc6af0c341fcf41a84ae3bb6f1884c33e1f3ab5a54f511e0ac28d3';
const ENV = '-p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai';
const SEARCH = 'verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090';

function config(overrides: Partial<DeployConfig> = {}): DeployConfig {
  return { name: 'square', pip_installs: [], apt_gets: [], envs: [], runs: [], ...overrides };
}

function bundle(overrides: { tag?: string; hash?: string; config?: DeployConfig; body?: Partial<Bundle['putBody']>; autoscaling?: Bundle['autoscaling'] } = {}): Bundle {
  const tag = overrides.tag ?? 'default';
  const autoscaling = overrides.autoscaling ?? { max_workers: 4, min_load: 100 };
  const cfg = overrides.config ?? config();
  return {
    filePath: '/proj/deploy.py',
    consoleUrl: 'https://console.vast.ai',
    autoscalerUrl: 'https://run.vast.ai',
    pythonFloats: [],
    config: cfg,
    configJson: JSON.stringify(cfg),
    fileHash: overrides.hash ?? HASH_A,
    copies: [],
    putBody: {
      name: 'square',
      image: 'vastai/base-image:@vastai-automatic-tag',
      file_hash: overrides.hash ?? HASH_A,
      env: ENV,
      tag,
      search_params: SEARCH,
      storage: 16,
      ...autoscaling,
      ...overrides.body,
    },
    autoscaling,
    identity: { name: 'square', tag },
  };
}

function record(overrides: Partial<DeploymentRecord> & Record<string, unknown> = {}): DeploymentRecord {
  return {
    id: 7,
    name: 'square',
    tag: 'default',
    image: 'vastai/base-image:@vastai-automatic-tag',
    endpoint_id: 70,
    env: ENV,
    file_hash: HASH_A,
    search_params: SEARCH,
    storage: 16,
    ttl: null,
    version_label: null,
    created_at: 1,
    updated_at: 2,
    ...overrides,
  } as DeploymentRecord;
}

function endpoint(overrides: Partial<EndpointRecord> = {}): EndpointRecord {
  return {
    id: 70,
    endpoint_name: 'square',
    api_key: 'k',
    endpoint_state: 'active',
    cold_workers: 1,
    max_workers: 4,
    min_load: 100,
    target_util: 0.9,
    inactivity_timeout: null,
    ...overrides,
  };
}

const fields = (plan: Plan) => plan.changes.map((c) => c.field);

describe('computePlan tiers', () => {
  test('create: nothing deployed; every field listed as created', () => {
    const plan = computePlan(bundle(), 1234, {});
    assert.equal(plan.tier, 'create');
    assert.deepEqual(fields(plan), ['tag', 'image', 'env', 'search_params', 'storage', 'file_hash', 'max_workers', 'min_load']);
    for (const c of plan.changes) assert.equal(c.before, null);
    assert.equal(plan.changes.find((c) => c.field === 'storage')?.after, 16);
    assert.equal(plan.file_size, 1234);
    assert.equal(plan.config_json, '{"name":"square","pip_installs":[],"apt_gets":[],"envs":[],"runs":[]}');
    assert.equal(planSummary(plan), 'create: new deployment');
    assert.equal(expectedAction(plan), 'created');
  });

  test('tier 0: identical record and endpoint', () => {
    const plan = computePlan(bundle(), 1, { deployment: record(), endpoint: endpoint() });
    assert.equal(plan.tier, 0);
    assert.deepEqual(plan.changes, []);
    assert.equal(plan.notes, undefined);
    assert.equal(planSummary(plan), 'tier 0: no changes');
    assert.equal(expectedAction(plan), 'exists');
  });

  test('tier 1: an autoscaling key differs from the endpoint (numeric strings compare as numbers)', () => {
    const plan = computePlan(bundle({ autoscaling: { max_workers: 8, min_load: '100', target_util: 0.9 } }), 1, {
      deployment: record(),
      endpoint: endpoint(),
    });
    assert.equal(plan.tier, 1);
    assert.deepEqual(plan.changes, [{ field: 'max_workers', before: 4, after: 8, tier: 1, reason: REASONS.autoscaling }]);
    assert.equal(planSummary(plan), 'tier 1 autoscaling update: max_workers changed');
    assert.equal(expectedAction(plan), 'autoscale_update');
  });

  test('tier 1: ttl and version_label are metadata', () => {
    const plan = computePlan(bundle({ body: { ttl: 600 } }), 1, { deployment: record(), endpoint: endpoint() });
    assert.equal(plan.tier, 1);
    assert.deepEqual(plan.changes.map((c) => [c.field, c.before, c.after]), [['ttl', null, 600]]);
  });

  test('tier 2: content hash differs; the reason names what the hash covers', () => {
    const plan = computePlan(bundle({ hash: HASH_B }), 1, { deployment: record(), endpoint: endpoint() });
    assert.equal(plan.tier, 2);
    assert.deepEqual(plan.changes, [{ field: 'file_hash', before: HASH_A, after: HASH_B, tier: 2, reason: REASONS.fileHash }]);
    assert.match(plan.changes[0].reason, /^code, pip\/apt, env\(\) values, runs or copied files changed \(content hash differs\)/);
    assert.equal(planSummary(plan), 'tier 2 soft update: code changed');
    assert.equal(expectedAction(plan), 'soft_update');
  });

  test('tier 2 with env() values: follows the SDK (soft), and says the docs differ', () => {
    const withEnvs = bundle({ hash: HASH_B, config: config({ envs: [['GREETING', 'hi']] }) });
    const unknownPrevious = computePlan(withEnvs, 1, { deployment: record(), endpoint: endpoint() });
    assert.equal(unknownPrevious.tier, 2);
    assert.match(unknownPrevious.changes[0].reason, /env\(\) values are part of this hash: changing them is a soft update .*not the hard update the docs describe/);

    const knownPrevious = computePlan(withEnvs, 1, {
      deployment: record(),
      endpoint: endpoint(),
      previousConfig: config({ envs: [['GREETING', 'hello']] }),
    });
    assert.equal(knownPrevious.tier, 2);
    assert.deepEqual(fields(knownPrevious), ['file_hash', 'config.envs']);
    const envRow = knownPrevious.changes[1];
    assert.deepEqual([envRow.before, envRow.after, envRow.tier], [[['GREETING', 'hello']], [['GREETING', 'hi']], 2]);
    assert.match(envRow.reason, /docs call new environment variables a hard update, but the SDK writes env\(\) values into config\.json.*soft update/);
    assert.equal(planSummary(knownPrevious), 'tier 2 soft update: env() values changed');
  });

  test('tier 2 with a known previous config: pip changes named; same config means code changed', () => {
    const pip = computePlan(bundle({ hash: HASH_B, config: config({ pip_installs: ['torch'] }) }), 1, {
      deployment: record(),
      endpoint: endpoint(),
      previousConfig: config(),
    });
    assert.deepEqual(fields(pip), ['file_hash', 'config.pip_installs']);
    assert.equal(planSummary(pip), 'tier 2 soft update: pip installs changed');
    const code = computePlan(bundle({ hash: HASH_B }), 1, { deployment: record(), endpoint: endpoint(), previousConfig: config() });
    assert.deepEqual(fields(code), ['file_hash']);
    assert.equal(code.changes[0].reason, REASONS.fileHashCodeOnly);
  });

  test('tier 3: image, env flags, search filters, storage', () => {
    for (const [field, value] of [
      ['image', 'vastai/pytorch:@vastai-automatic-tag'],
      ['env', `${ENV} -e ENV_PATH=/venv`],
      ['search_params', 'verified=true gpu_name=H100_SXM'],
      ['storage', 32],
    ] as const) {
      const plan = computePlan(bundle({ body: { [field]: value } }), 1, { deployment: record(), endpoint: endpoint() });
      assert.equal(plan.tier, 3, field);
      assert.deepEqual(fields(plan), [field]);
      assert.equal(plan.changes[0].after, value);
      assert.match(plan.changes[0].reason, /hard update/);
      assert.equal(planSummary(plan), `tier 3 hard update: ${field} changed`);
    }
  });

  test('tier 3: docker login, the password masked on both sides', () => {
    const plan = computePlan(
      bundle({ body: { docker_login_user: 'me', docker_login_repo: 'ghcr.io', docker_login_pass: 'hunter2-new' } }),
      1,
      {
        deployment: record({ docker_login_user: 'me', docker_login_repo: 'docker.io', docker_login_pass: 'hunter2' }),
        endpoint: endpoint(),
      },
    );
    assert.equal(plan.tier, 3);
    assert.deepEqual(plan.changes.map((c) => [c.field, c.before, c.after]), [
      ['docker_login_repo', 'docker.io', 'ghcr.io'],
      ['docker_login_pass', MASKED_SECRET, MASKED_SECRET],
    ]);
    const text = formatPlanText(plan) + JSON.stringify(plan.changes);
    assert.ok(!text.includes('hunter2'), 'the password never shows');
  });

  test('a created deployment masks the password too; an unreported login is a note, not a guess', () => {
    const withLogin = bundle({ body: { docker_login_user: 'me', docker_login_pass: 'hunter2' } });
    const created = computePlan(withLogin, 1, {});
    assert.equal(created.changes.find((c) => c.field === 'docker_login_pass')?.after, MASKED_SECRET);
    assert.ok(!JSON.stringify(created).includes('hunter2'));
    const updated = computePlan(withLogin, 1, { deployment: record(), endpoint: endpoint() });
    assert.equal(updated.tier, 0);
    assert.deepEqual(updated.notes, [
      'docker_login_user, docker_login_pass not compared: the server does not report them; a change there is a hard update',
    ]);
  });

  test('tier 4: a new tag beside an existing one', () => {
    const old = record({ tag: 'v1', updated_at: 5 });
    const older = record({ tag: 'v0', updated_at: 1, image: 'old/image' });
    const plan = computePlan(bundle({ tag: 'v2', hash: HASH_B }), 1, { otherTags: [older, old] });
    assert.equal(plan.tier, 4);
    assert.deepEqual(plan.changes[0], { field: 'tag', before: 'v0, v1', after: 'v2', tier: 4, reason: REASONS.tag });
    // Compared with the latest other tag (v1): only the hash differs there.
    assert.deepEqual(fields(plan), ['tag', 'file_hash']);
    assert.equal(plan.changes[1].reason, REASONS.otherTag('v1'));
    assert.equal(planSummary(plan), 'tier 4 forced redeploy: tag, code changed');
    assert.equal(expectedAction(plan), 'created');
  });

  test('tier 4: the caller passed the other-tag record as the deployment', () => {
    const plan = computePlan(bundle({ tag: 'v2' }), 1, { deployment: record({ tag: 'v1' }), endpoint: endpoint() });
    assert.equal(plan.tier, 4);
    assert.deepEqual(fields(plan), ['tag']);
  });
});

describe('several changes at once', () => {
  test('the overall tier is the highest, and every change keeps its own tier', () => {
    const plan = computePlan(bundle({ hash: HASH_B, body: { image: 'new/image' }, autoscaling: { max_workers: 9 } }), 1, {
      deployment: record(),
      endpoint: endpoint(),
    });
    assert.equal(plan.tier, 3);
    assert.deepEqual(plan.changes.map((c) => [c.field, c.tier]), [
      ['image', 3],
      ['file_hash', 2],
      ['max_workers', 1],
    ]);
    assert.equal(planSummary(plan), 'tier 3 hard update: image changed');
    assert.equal(expectedAction(plan), 'hard_update');
  });

  test('summary lists up to three fields at the top tier', () => {
    const plan = computePlan(bundle({ body: { image: 'i', env: 'e', search_params: 's', storage: 1 } }), 1, {
      deployment: record(),
      endpoint: endpoint(),
    });
    assert.equal(planSummary(plan), 'tier 3 hard update: image, env, search_params +1 more changed');
  });

  test('autoscaling without an endpoint record, or keys it does not report, become notes', () => {
    const noEndpoint = computePlan(bundle(), 1, { deployment: record() });
    assert.equal(noEndpoint.tier, 0);
    assert.deepEqual(noEndpoint.notes, ['autoscaling not compared: the endpoint record was not available']);
    const unreported = computePlan(bundle({ autoscaling: { autoscaler_instance: 'prod' } }), 1, {
      deployment: record(),
      endpoint: endpoint(),
    });
    assert.deepEqual(unreported.notes, ['autoscaler_instance not compared: the endpoint record does not report them']);
  });
});

describe('formatPlanText', () => {
  test('a table with elided long values, tiers and reasons', () => {
    const plan = computePlan(bundle({ hash: HASH_B, autoscaling: { max_workers: 9 } }), 2048, {
      deployment: record(),
      endpoint: endpoint(),
    });
    const text = formatPlanText(plan);
    const lines = text.split('\n');
    assert.equal(lines[0], 'Deployment "square" (tag "default"): tier 2 soft update: code changed');
    assert.equal(lines[1], `file_hash ${HASH_B}, 2.0 KiB`);
    assert.match(lines[3], /^FIELD\s+BEFORE\s+AFTER\s+TIER\s+REASON$/);
    assert.match(lines[4], /^file_hash\s+fec05aa405c9618532…b2e90cd8aebf09094\s+2e50ead65ddc6af0c3…b5a54f511e0ac28d3\s+2\s+code, pip/);
    assert.match(lines[5], /^max_workers\s+4\s+9\s+1\s+autoscaling setting/);
    // Columns line up: BEFORE starts at the same offset on every row.
    const beforeAt = lines[3].indexOf('BEFORE');
    assert.equal(lines[4].indexOf('fec05'), beforeAt);
    assert.equal(lines[5].indexOf('4 '), beforeAt);
  });

  test('no changes, created values and notes', () => {
    assert.match(formatPlanText(computePlan(bundle(), 10, { deployment: record(), endpoint: endpoint() })), /Nothing to update: the server should answer "exists"\./);
    const created = formatPlanText(computePlan(bundle(), 10, {}));
    assert.match(created, /\nstorage\s+\(none\)\s+16\s+4\s+set on the new deployment/);
    assert.match(formatPlanText(computePlan(bundle(), 10, { deployment: record() })), /\nnote: autoscaling not compared/);
  });

  test('elideMiddle keeps both ends and never splits a surrogate pair', () => {
    assert.equal(elideMiddle('abcdefghij', 10), 'abcdefghij');
    assert.equal(elideMiddle('abcdefghijk', 6), 'abc…jk');
    assert.equal(elideMiddle('😀😀😀😀😀😀😀😀', 5), '😀😀…😀😀');
  });
});
