// The plan's offers line and the budget rule: the line and cost the plan view shows (from a stand-in cloud serving
// the fixture offers), a search that does not answer in time, the budget confirmation, and the plan view's HTML.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OfferCache } from '../../../src/deploy/offers/cache';
import { jsonText } from '../../../src/vast-api/http';
import { planOffers } from '../../../src/deploy/offers/planOffers';
import { deployQuestion, overBudget } from '../../../src/deploy/policy';
import type { Plan } from '../../../src/deploy/types';
import { renderPlanHtml } from '../../../src/extension/ui/planView';
import { marketSearch } from '../../support/offerMarket';
import { FixtureServer } from '../vast-api/fixtureServer';
import { harness } from '../vast-api/helpers';

let server: FixtureServer;
before(async () => (server = await FixtureServer.start()));
after(() => server.close());

const bundle = (searchParams: string, consoleUrl: string) => ({
  putBody: { name: 'app', image: 'img', file_hash: 'h', env: '', tag: 'default', search_params: searchParams, storage: 16, ttl: 1800 },
  autoscaling: { cold_workers: 2, max_workers: 4, min_load: 100 },
  consoleUrl,
});

const PLAN: Plan = {
  deployment: { name: 'app', tag: 'default' },
  file_hash: 'h',
  file_size: 1,
  config_json: '{}',
  search_params: 'gpu_name=RTX_4090',
  env: '',
  image: 'img',
  storage: 16,
  autoscaling: {},
  tier: 2,
  changes: [],
};

describe('planOffers', () => {
  test('matches and cost, with the worst hourly figure for the budget', async () => {
    server.on('POST', '/api/v0/bundles/', (req) => ({ json: { offers: marketSearch(req.json as Record<string, unknown>) } }));
    const { client } = harness(server);
    // A fresh target URL per test keeps the shared cache from answering.
    const target = { kind: 'vast' as const, consoleUrl: `${server.url}/a` };
    const o = await planOffers(client, target, bundle('verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090', server.url));
    assert.equal(o.line, '3 matching offers, $0.40–$0.82/h ($0.40–$0.65 per GPU-hour), RTX 4090 × 3, RTX 5090 × 1');
    assert.equal(o.age, 'fetched just now');
    assert.equal(o.maxScalePerHour, 3.28);
    assert.equal(o.costLines[2], '  at max scale (4 workers): $1.60–$3.28/h');
  });

  test('no match: the blocker and the quick fix in the line, no cost', async () => {
    server.on('POST', '/api/v0/bundles/', (req) => ({ json: { offers: marketSearch(req.json as Record<string, unknown>) } }));
    const { client } = harness(server);
    const o = await planOffers(client, { kind: 'vast', consoleUrl: `${server.url}/b` }, bundle('verified=true rentable=true rented=false gpu_ram<=0.048', server.url));
    assert.equal(o.line, 'no offer matches: `gpu_ram<=0.048` blocks (6 offers without it); try `gpu_ram<=48`');
    assert.deepEqual(o.costLines, []);
    assert.equal(o.maxScalePerHour, undefined);
  });

  test('a search that does not answer in time: a line saying so, and the plan goes on', async () => {
    server.on('POST', '/api/v0/bundles/', { hang: true });
    const { client } = harness(server);
    const o = await planOffers(client, { kind: 'vast', consoleUrl: `${server.url}/c` }, bundle('verified=true', server.url), { timeoutMs: 200 });
    assert.equal(o.line, 'offers unavailable: no answer within 0.2 s');
    assert.equal(o.unavailable, true);
  });

  test('a search slower than the plan\'s wait goes on into the cache: the next plan has its answer, searched once', async () => {
    let searches = 0;
    const slow = {
      searchOffers: (query: Record<string, unknown>) => {
        searches++;
        return new Promise<{ offers: ReturnType<typeof marketSearch> }>((resolve) => setTimeout(() => resolve({ offers: marketSearch(JSON.parse(jsonText(query)) as Record<string, unknown>) }), 150));
      },
    };
    const target = { kind: 'vast' as const, consoleUrl: 'https://slow.example/only-this-test' };
    const filters = 'verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090';
    const first = await planOffers(slow as never, target, bundle(filters, target.consoleUrl), { timeoutMs: 20 });
    assert.equal(first.unavailable, true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await planOffers(slow as never, target, bundle(filters, target.consoleUrl), { timeoutMs: 20 });
    assert.match(second.line, /matching offer/);
    assert.equal(searches, 1, 'the second plan took the answer of the first one\'s search');
  });
});

describe('the offer cache', () => {
  test('callers of a key whose search is running share it; a failed search is not remembered', async () => {
    const cache = new OfferCache();
    let fetches = 0;
    const fetch = () => {
      fetches++;
      return new Promise<{ offers: [] }>((resolve) => setTimeout(() => resolve({ offers: [] }), 20));
    };
    const [a, b] = await Promise.all([cache.get('k', fetch), cache.get('k', fetch)]);
    assert.deepEqual([a.answer, b.answer, fetches], [{ offers: [] }, { offers: [] }, 1]);
    await assert.rejects(cache.get('bad', () => Promise.reject(new Error('429'))), /429/);
    assert.deepEqual((await cache.get('bad', async () => ({ offers: [] }))).answer, { offers: [] });
  });
});

describe('budget and plan view', () => {
  test('over the budget at max scale asks; within it, with the check off, or with no cost known it does not', () => {
    const plan: Plan = { ...PLAN, offers: { line: '', costLines: [], age: '', maxScalePerHour: 3.28 } };
    assert.equal(overBudget(plan, 2), 'can cost up to $3.28/hour at max scale, over your budget of $2.00/hour (vast.budgetPerHour)');
    assert.equal(overBudget(plan, 5), undefined);
    assert.equal(overBudget(plan, 0), undefined);
    assert.equal(overBudget({ ...PLAN, offers: { line: 'no offer matches', costLines: [], age: '' } }, 2), undefined);
    // A failed search: the cost is unknown, so a budget asks (it does not let the deploy through unchecked).
    const failed: Plan = { ...PLAN, offers: { line: 'offers unavailable: no answer within 8 s', costLines: [], age: '', unavailable: true } };
    assert.equal(overBudget(failed, 2), 'could not be checked against your budget of $2.00/hour (vast.budgetPerHour): offers unavailable: no answer within 8 s');
    assert.equal(overBudget(failed, 0), undefined);
    assert.equal(overBudget(PLAN, 2), undefined);
  });

  test('the question before a deploy: over budget, tier 3/4, both in one, or none', () => {
    const pricey: Plan = { ...PLAN, tier: 2, offers: { line: '', costLines: [], age: '', maxScalePerHour: 3.28 } };
    const id = `${PLAN.deployment.name}:${PLAN.deployment.tag}`;
    assert.equal(deployQuestion(pricey, 5), undefined, 'a soft update within budget goes ahead');
    assert.equal(deployQuestion(pricey, 2), `Deploying ${id}. It can cost up to $3.28/hour at max scale, over your budget of $2.00/hour (vast.budgetPerHour). Continue?`);
    const hard: Plan = { ...pricey, tier: 3, changes: [{ field: 'image', tier: 3 } as Plan['changes'][number]] };
    assert.match(deployQuestion(hard, 5)!, /^Deploying .* recreates every worker .*: image\. Continue\?$/);
    assert.match(deployQuestion(hard, 2)!, /recreates every worker .*: image\. It can cost up to \$3\.28\/hour .*\. Continue\?$/);
  });

  test('the plan view shows the offers line, its age and the cost lines, escaped', () => {
    const plan: Plan = { ...PLAN, offers: { line: '1 matching offer <gpu>', costLines: ['cost (cold_workers 1):', '  idle: $0.00/h'], age: 'fetched just now' } };
    const html = renderPlanHtml(plan, { nonce: 'N', cspSource: 'x', targetLabel: 'local engine' });
    assert.match(html, /<p id="offers"><strong>Offers:<\/strong> 1 matching offer &lt;gpu&gt; <em>\(fetched just now\)<\/em><\/p>/);
    assert.match(html, /<pre id="cost">cost \(cold_workers 1\):\n {2}idle: \$0\.00\/h<\/pre>/);
    assert.doesNotMatch(renderPlanHtml(PLAN, { nonce: 'N', cspSource: 'x', targetLabel: 'local engine' }), /id="offers"/);
  });
});
