// search_params as the SDK's unparse writes it, read from real require(...) calls.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { searchParams, unparseQuery, searchDefaults } from '../../../src/deploy/bundle/searchParams';
import { PyFloat, PyTuple } from '../../../src/shared/python/values';
import { deploymentWith, initParser, modelOf } from './support';

before(() => initParser());

function paramsOf(requireArgs: string, imports?: string) {
  const model = modelOf(deploymentWith([`image.require(${requireArgs})`], { imports }));
  const image = model.deployments[0].images[0];
  return searchParams(image.requirements, { model });
}

function text(requireArgs: string, imports?: string): string {
  const r = paramsOf(requireArgs, imports);
  if (!r.ok) assert.fail(r.reports.map((x) => x.message).join('; '));
  return r.text;
}

const DEFAULTS = 'verified=true rentable=true rented=false';

describe('searchParams', () => {
  test('defaults come first; the docs example', () => {
    assert.equal(text(''), DEFAULTS);
    assert.equal(text('gpu_name.in_([RTX_4090, RTX_5090])'), `${DEFAULTS} gpu_name in RTX_4090,RTX_5090`);
  });

  test('each op symbol, GPU constants resolved (space → _), strings with spaces', () => {
    assert.equal(
      text('gpu_name == H100_SXM, cpu_cores >= 8, dph_total < 3.0, cpu_cores <= 64, dph_total > 0.5'),
      `${DEFAULTS} gpu_name=H100_SXM cpu_cores>=8 cpu_cores<=64 dph_total<3.0 dph_total>0.5`,
    );
    assert.equal(text('gpu_name != "RTX 3090"'), `${DEFAULTS} gpu_name!=RTX_3090`);
    assert.equal(text('gpu_name.notin_(["A 1", "B"])'), `${DEFAULTS} gpu_name notin A_1,B`);
  });

  test('parts are grouped by column in first-insertion order', () => {
    assert.equal(text('gpu_ram >= 24000, cpu_cores >= 4, gpu_ram <= 80000'), `${DEFAULTS} gpu_ram>=24 gpu_ram<=80 cpu_cores>=4`);
  });

  test('the gpu_ram MB trap: 48 means 48 MB; 48000 means 48 GB; RAM and duration divided, whole results as ints', () => {
    assert.equal(text('gpu_ram >= 48'), `${DEFAULTS} gpu_ram>=0.048`);
    assert.equal(text('gpu_ram >= 48000'), `${DEFAULTS} gpu_ram>=48`);
    assert.equal(text('gpu_ram >= 24000.0'), `${DEFAULTS} gpu_ram>=24`);
    assert.equal(text('cpu_ram > 1500'), `${DEFAULTS} cpu_ram>1.5`);
    assert.equal(text('duration >= 86400 * 7'), `${DEFAULTS} duration>=7`);
    assert.equal(text('duration >= 3600'), `${DEFAULTS} duration>=0.041666666666666664`);
  });

  test('bools, None, ints and floats are written as the SDK writes them', () => {
    const imports = 'from vastai.data.query import static_ip, datacenter, num_gpus, reliability, gpu_name';
    assert.equal(text('static_ip == True, datacenter != False, num_gpus == 2, reliability >= 0.99', imports), `${DEFAULTS} static_ip=true datacenter!=false num_gpus=2 reliability>=0.99`);
    assert.equal(text('gpu_name == None', imports), `${DEFAULTS} gpu_name=None`);
  });

  test('a tuple is not a list to the SDK: it is written as its repr', () => {
    assert.equal(text('gpu_name.in_((RTX_4090, "x"))'), `${DEFAULTS} gpu_name in ('RTX 4090', 'x')`);
  });

  test('`a and b` keeps b, `a or b` keeps a, a chain keeps its last comparison (what Python evaluates)', () => {
    assert.equal(text('(cpu_cores >= 4) and (gpu_ram >= 24000)'), `${DEFAULTS} gpu_ram>=24`);
    assert.equal(text('(cpu_cores >= 4) or (gpu_ram >= 24000)'), `${DEFAULTS} cpu_cores>=4`);
    assert.equal(text('8000 < gpu_ram < 24000'), `${DEFAULTS} gpu_ram<24`);
  });

  test('a module alias and id_ (wire name id)', () => {
    assert.equal(text('q.gpu_name == q.RTX_4090, q.id_ != 5', 'from vastai.data import query as q'), `${DEFAULTS} gpu_name=RTX_4090 id!=5`);
  });

  test('the same op twice on a column is the SDK\'s ValueError, also against the defaults', () => {
    for (const args of ['gpu_ram >= 1000, gpu_ram >= 2000', 'verified == False']) {
      const r = paramsOf(args, 'from vastai.data.query import gpu_ram, verified');
      assert.equal(r.ok, false, args);
      if (!r.ok) {
        assert.equal(r.reports.length, 1);
        assert.equal(r.reports[0].kind, 'error');
        assert.match(r.reports[0].message, /ValueError/);
        assert.ok(r.reports[0].range);
      }
    }
  });

  test('unknown values are reported with their range, never guessed', () => {
    for (const args of ['gpu_ram >= MIN_RAM', 'gpu_name.in_(GPUS)', 'gpu_ram >= int("2")', 'some_query']) {
      const r = paramsOf(args);
      assert.equal(r.ok, false, args);
      if (!r.ok) {
        assert.equal(r.reports[0].kind, 'unknown', args);
        assert.ok(r.reports[0].range, args);
      }
    }
  });

  test('a module-level constant is known', () => {
    const model = modelOf(deploymentWith(['image.require(gpu_ram >= MIN_RAM)']).replace('app = Deployment', 'MIN_RAM = 24000\napp = Deployment'));
    const r = searchParams(model.deployments[0].images[0].requirements, { model });
    assert.ok(r.ok);
    if (r.ok) assert.equal(r.text, `${DEFAULTS} gpu_ram>=24`);
  });

  test('errors Python would raise: a list for gpu_ram, not, a column that is not imported', () => {
    for (const args of ['gpu_ram.in_([1000, 2000])', 'not (gpu_ram >= 1)', 'disk_space >= 10']) {
      const r = paramsOf(args);
      assert.equal(r.ok, false, args);
      if (!r.ok) assert.equal(r.reports[0].kind, 'error', args);
    }
  });

  test('unparseQuery directly', () => {
    const q = searchDefaults();
    q.set('gpu_total_ram', new Map([['gte', new PyFloat(160000)]]));
    q.set('gpu_name', new Map([['in', new PyTuple(['A'])]]));
    const r = unparseQuery(q);
    assert.deepEqual(r, { ok: true, text: `${DEFAULTS} gpu_total_ram>=160 gpu_name in ('A',)` });
  });
});
