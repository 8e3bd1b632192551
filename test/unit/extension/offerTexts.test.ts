// The offers in the editor's words (src/extension/ui/offerTexts.ts) on real analyses of the fixture market, and the
// lookups the hover and the tree share (src/extension/core/offerLookups.ts): one search per target and filters, an
// answer kept with its age, a hover that waits only so long, a tree that never waits.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { estimateCost } from '../../../src/deploy/cost';
import { analyzeOffers, type OfferReport } from '../../../src/deploy/offers/analyze';
import { OfferCache, OFFER_CACHE_MS } from '../../../src/deploy/offers/cache';
import { MAX_LOOKUPS, OfferLookups } from '../../../src/extension/core/offerLookups';
import {
  APPLY_OFFER_FIX_COMMAND,
  lensOfferLines,
  offerFixFor,
  offersHoverMarkdown,
  treeOffersText,
  type OfferFix,
} from '../../../src/extension/ui/offerTexts';
import type { RequirementAt } from '../../../src/shared/protocol/lsp';
import { marketSearch } from '../../support/offerMarket';
import type { OfferQuery } from '../../../src/shared/protocol/offers';
import { jsonText } from '../../../src/vast-api/http';
import type { DeploymentRecord, WorkergroupRecord } from '../../../src/shared/protocol/vast';
import type { DeploymentsSource } from '../../../src/extension/contracts';
import { OfferRows } from '../../../src/extension/views/offerRows';

const DEFAULTS = 'verified=true rentable=true rented=false';
const DOC = { uri: 'file:///w/deploy.py', version: 7 };
const AT = { start: { line: 13, character: 14 }, end: { line: 13, character: 30 } };

function report(filters: string): Promise<OfferReport> {
  // The query as it goes on the wire (its floats are Python floats until written).
  const market = { searchOffers: async (query: OfferQuery) => ({ offers: marketSearch(JSON.parse(jsonText(query)) as Record<string, unknown>) }) };
  return analyzeOffers(market, { target: { kind: 'vast', consoleUrl: 'https://console.example' }, searchParams: `${DEFAULTS} ${filters}`, storage: 16, cache: new OfferCache() });
}

/** The hover's text as it reads (its escapes removed): what the assertions compare. */
const plain = (md: string) => md.replace(/\\([\\`*_{}[\]()#+\-.!|<>~&])/g, '$1');

describe('the offers hover', () => {
  test('matches: count, price per GPU-hour, GPUs, reliability, age and the cost lines', async () => {
    const r = await report('gpu_name in RTX_4090,RTX_5090');
    const cost = estimateCost({ offers: r.offers, autoscaling: { cold_workers: 1, max_workers: 4, min_load: 100 }, storageGb: 16 });
    const md = plain(offersHoverMarkdown({ deployment: 'priced', targetLabel: 'Vast cloud' }, { state: 'done', report: r, cost, ageMs: 65_000 }));
    assert.match(md, /^\*\*Offers on the Vast cloud\*\* for `priced` · fetched 1 min 5 s ago/);
    assert.ok(md.includes('3 matching offers · $0.40–$0.65 per GPU-hour · RTX 4090 × 3, RTX 5090 × 1 · reliability 0.970–0.995'), md);
    // max_workers 4 on the priciest offer ($0.82/h): $3.28/h.
    assert.ok(md.includes('at max scale (4 workers): $1.60–$3.28/h'), md);
    assert.ok(!md.includes('command:'), 'no quick fix when nothing is wrong');
  });

  test('no match: the blocker, the GPU trap, and a command link that replaces the filter with the GPUs on offer', async () => {
    const r = await report('gpu_name=RTX_5090_Ti num_gpus=1');
    const requirements: RequirementAt[] = [
      { filter: 'gpu_name=RTX_5090_Ti', range: AT, column: 'gpu_name' },
      { filter: 'num_gpus=1', range: AT, column: 'num_gpus' },
    ];
    const fixes = r.traps.map((t) => offerFixFor(t, requirements, DOC)).filter((f): f is OfferFix => !!f);
    assert.deepEqual(
      fixes.map((f) => f.newText),
      ['gpu_name.in_(["A100 SXM4", "RTX 3090", "RTX 4090"])'],
    );
    const md = offersHoverMarkdown({ deployment: 'scarce', targetLabel: 'Vast cloud', fixes }, { state: 'done', report: r, ageMs: 0 });
    assert.ok(plain(md).includes('**No offer matches**: `gpu_name=RTX_5090_Ti` blocks (4 offers without it)'), md);
    assert.ok(plain(md).includes('Quick fix: no offer has RTX 5090 Ti; offered instead: A100 SXM4 × 1, RTX 3090 × 1, RTX 4090 × 1'), md);
    const link = /\(command:([\w.]+)\?([^)]+)\)/.exec(md);
    assert.ok(link, 'a command link');
    assert.equal(link[1], APPLY_OFFER_FIX_COMMAND);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[2])), [{ ...fixes[0], title: fixes[0].title }]);
    assert.deepEqual({ uri: fixes[0].uri, version: fixes[0].version, range: fixes[0].range }, { ...DOC, range: AT });
  });

  test('values from the file or the offers cannot add markup or links to the trusted hover', async () => {
    const r = await report('gpu_name=RTX_5090_Ti num_gpus=1');
    const hostile = 'x` [run](command:workbench.action.terminal.new) <img src=x> *';
    const fix: OfferFix = { title: `Write \`${hostile}\``, ...DOC, range: AT, newText: hostile };
    const md = offersHoverMarkdown({ deployment: hostile, targetLabel: 'Vast cloud', fixes: [fix] }, { state: 'failed', message: hostile });
    const done = offersHoverMarkdown({ deployment: hostile, targetLabel: 'Vast cloud', fixes: [fix] }, { state: 'done', report: r, ageMs: 0 });
    for (const text of [md, done]) {
      // Outside code spans (where nothing is markup) and escapes, no link or tag of theirs is left.
      const markup = text.replace(/(`+)[\s\S]*?\1/g, '').replace(/\\./g, '');
      assert.ok(!markup.includes('](command:workbench'), text);
      assert.ok(!/<img/.test(markup), text);
    }
    const links = [...done.replace(/(`+)[\s\S]*?\1/g, '').replace(/\\./g, '').matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]);
    assert.deepEqual(links, [APPLY_OFFER_FIX_COMMAND], 'one link: the fix');
  });

  test('GB written for MB: the fix keeps the column as the file writes it; no fix for a filter written as `a and b`', async () => {
    const r = await report('gpu_ram<=0.048');
    const aliased = offerFixFor(r.traps[0], [{ filter: 'gpu_ram<=0.048', range: AT, column: 'query.gpu_ram' }], DOC);
    assert.equal(aliased?.newText, 'query.gpu_ram <= 48000');
    assert.match(aliased!.title, /4 offers/);
    assert.equal(offerFixFor(r.traps[0], [{ filter: 'gpu_ram<=0.048', range: AT }], DOC), undefined);
  });

  test('while searching, when it cannot search, and a replaced image', () => {
    const input = { deployment: 'priced', targetLabel: 'local engine', replaced: true };
    assert.match(offersHoverMarkdown(input, { state: 'searching' }), /searching…/);
    const md = offersHoverMarkdown(input, { state: 'unavailable', message: 'the local engine is not running' });
    assert.match(md, /the local engine is not running/);
    assert.match(md, /only the last one is deployed/);
  });
});

describe('the lens tooltip and the tree row', () => {
  test('the lens adds the plan\'s offers line with its age, then the cost lines; nothing without offers', () => {
    assert.deepEqual(lensOfferLines(undefined), []);
    assert.deepEqual(lensOfferLines({ line: '3 matching offers', costLines: ['cost (...):', '  idle: $0.40/h'], age: 'fetched just now' }), [
      'Offers: 3 matching offers (fetched just now)',
      'cost (...):',
      '  idle: $0.40/h',
    ]);
    assert.deepEqual(lensOfferLines({ line: 'offers unavailable: no answer within 8 s', costLines: [], age: '' }), ['Offers unavailable: no answer within 8 s']);
  });

  test('the tree row: count and price per GPU-hour, or the blocking filter', async () => {
    assert.deepEqual(treeOffersText({ state: 'done', report: await report('gpu_name in RTX_4090,RTX_5090'), ageMs: 0 }).label, 'Offers: 3 match · $0.40–$0.65/GPU-h');
    const blocked = treeOffersText({ state: 'done', report: await report('gpu_name=RTX_5090_Ti num_gpus=1'), ageMs: 0 });
    assert.equal(blocked.label, 'Offers: none · gpu_name=RTX_5090_Ti blocks');
    assert.match(blocked.tooltip, /quick fix: no offer has RTX 5090 Ti/);
    assert.equal(treeOffersText({ state: 'searching' }).label, 'Offers: searching…');
  });
});

describe('offer lookups', () => {
  const fakeReport = (ageMs = 0) => ({ ageMs }) as OfferReport;

  test('one search per key while it runs; peek never waits; listeners hear the answer', async () => {
    const lookups = new OfferLookups();
    let searches = 0;
    let finish!: (r: OfferReport) => void;
    const search = () => {
      searches++;
      return new Promise<OfferReport>((resolve) => (finish = resolve));
    };
    let heard = 0;
    lookups.onDidChange(() => heard++);
    assert.deepEqual(lookups.peek('k', search), { state: 'searching' });
    assert.deepEqual(lookups.peek('k', search), { state: 'searching' });
    assert.equal(searches, 1);
    finish(fakeReport());
    await new Promise((r) => setImmediate(r));
    assert.equal(heard, 1);
    assert.equal(lookups.peek('k', search).state, 'done');
    assert.equal(searches, 1);
  });

  test('answers are bounded: past MAX_LOOKUPS distinct filters the oldest answer goes (it is searched again)', async () => {
    const lookups = new OfferLookups();
    let searches = 0;
    const search = async () => {
      searches++;
      return fakeReport();
    };
    for (let i = 0; i <= MAX_LOOKUPS + 5; i++) {
      lookups.peek(`k${i}`, search);
      await new Promise((r) => setImmediate(r));
    }
    const before = searches;
    assert.equal(lookups.peek(`k${MAX_LOOKUPS + 5}`, search).state, 'done', 'the newest is kept');
    assert.equal(searches, before);
    assert.equal(lookups.peek('k0', search).state, 'searching', 'the oldest was dropped');
    assert.equal(searches, before + 1);
  });

  test('within: waits at most that long, then says searching; a later ask gets the answer', async () => {
    const lookups = new OfferLookups();
    let finish!: (r: OfferReport) => void;
    const search = () => new Promise<OfferReport>((resolve) => (finish = resolve));
    assert.deepEqual(await lookups.within('k', search, 20), { state: 'searching' });
    finish(fakeReport());
    assert.equal((await lookups.within('k', search, 20)).state, 'done');
  });

  test('the age grows from the answer\'s own; an expired answer is searched again and shown until the new one lands', async () => {
    let now = 1_000_000;
    const lookups = new OfferLookups(() => now);
    let searches = 0;
    const search = async () => fakeReport(++searches === 1 ? 30_000 : 0);
    await lookups.within('k', search, 1000);
    now += 10_000;
    assert.deepEqual(lookups.peek('k', search), { state: 'done', report: fakeReport(30_000), ageMs: 40_000 });
    now += OFFER_CACHE_MS;
    const during = lookups.peek('k', search);
    assert.equal(searches, 2, 'expired: searched again');
    assert.equal(during.state, 'done', 'the old answer is shown meanwhile');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(lookups.peek('k', search), { state: 'done', report: fakeReport(0), ageMs: 0 });
  });

  test('a failed search says why, in one line', async () => {
    const lookups = new OfferLookups();
    const state = await lookups.within('k', async () => Promise.reject(new Error('HTTP 401: bad key\nmore')), 1000);
    assert.deepEqual(state, { state: 'failed', message: 'HTTP 401: bad key' });
  });
});

describe('the tree\'s Offers row', () => {
  const deployment = { id: 4, search_params: `${DEFAULTS} gpu_name=RTX_3090`, storage: 16 } as DeploymentRecord;
  const group = { id: 9, endpoint_id: 7, search_query: `${DEFAULTS} gpu_name in RTX_4090,RTX_5090` } as WorkergroupRecord;
  const market = () => {
    const queries: string[] = [];
    const searcher = {
      searchOffers: async (query: OfferQuery) => {
        queries.push(jsonText(query));
        return { offers: marketSearch(JSON.parse(jsonText(query)) as Record<string, unknown>) };
      },
    };
    const source = { offerSearch: async () => ({ target: { kind: 'vast' as const, consoleUrl: 'https://console.example', autoscalerUrl: 'https://run.example', apiKey: 'k' }, searcher }) } as unknown as DeploymentsSource;
    return { source, queries };
  };

  test('searching first (the render does not wait), then the workergroup\'s own filters\' matches; one search for both renders', async () => {
    const { source, queries } = market();
    const rows = new OfferRows(new OfferLookups());
    const first = await rows.rowFor(source, 'vast', deployment, group);
    assert.deepEqual(first, { kind: 'message', id: 'vast:4:workergroup:9:offers', text: 'Offers: searching…', detail: 'Searching the offers these filters match', icon: 'loading~spin' });
    await new Promise((r) => setTimeout(r, 20));
    const second = await rows.rowFor(source, 'vast', deployment, group);
    assert.equal(second?.kind === 'message' && second.text, 'Offers: 3 match · $0.40–$0.65/GPU-h');
    assert.equal(queries.length, 1);
    assert.match(queries[0], /RTX 4090/, 'the workergroup\'s filters, not the deployment\'s');
  });

  test('a source that does not search offers (or no filters) gets no row', async () => {
    const rows = new OfferRows(new OfferLookups());
    assert.equal(await rows.rowFor({} as DeploymentsSource, 'vast', deployment, group), undefined);
    assert.equal(await rows.rowFor(market().source, 'vast', { ...deployment, search_params: '' }, { ...group, search_query: '' }), undefined);
  });
});
