// The offers hover against the REAL local engine: its offer search answers with this machine as the one offer (price
// 0), so a filter the machine meets matches once. A RAM filter written in GB (`cpu_ram >= 2`: 2 MB) is the known
// trap: the hover says so and its link rewrites the filter in MB; after a save, the Deploy lens's tooltip carries the
// plan's offers and cost lines. The engine runs in this run's temporary state folder and is stopped at the end.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeploymentsSource } from '../../../src/extension/contracts';
import type { TreeNode } from '../../../src/extension/views/treeNodes';
import type { Offer } from '../../../src/shared/protocol/offers';
import type { DeploymentRecord, EndpointRecord } from '../../../src/shared/protocol/vast';
import { workerRecord } from '../../support/records';
import { api, waitFor } from '../support';

const SOURCE = `from vastai import Deployment
from vastai.data.query import cpu_ram

app = Deployment(name="offers-hover")


@app.remote()
async def double(x):
    return 2 * x


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=1)
image.require(cpu_ram >= 2)
app.configure_autoscaling(cold_workers=0, max_workers=2)
`;

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the tests run with test/fixtures/ws open');
  return f.uri;
}
const appDir = () => vscode.Uri.joinPath(folder(), 'offers_hover');
const deployFile = () => vscode.Uri.joinPath(appDir(), 'deploy.py');

/** The markdown of our hover at the first occurrence of `needle`, once it has an answer (not "searching…"). */
async function offersHoverAt(needle: string): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(deployFile());
  const position = doc.positionAt(doc.getText().indexOf(needle) + 2);
  return waitFor(`the offers hover on ${needle}`, async () => {
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', deployFile(), position)) ?? [];
    const texts = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)));
    return texts.find((t) => t.includes('Offers on the local engine') && !t.includes('searching…'));
  }, 30_000);
}

suite('Vast offers hover with the local engine', function () {
  this.timeout(120_000);

  suiteSetup(async () => {
    await vscode.workspace.fs.createDirectory(appDir());
    await vscode.workspace.fs.writeFile(deployFile(), Buffer.from(SOURCE));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(deployFile()));
    const a = await api();
    await vscode.workspace.getConfiguration('vast').update('target', 'local', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('vast.startEngine');
    await waitFor('the local engine', () => a.ui.targets.info('local').usable);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('vast').update('target', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vast.stopEngine');
    await vscode.workspace.fs.delete(appDir(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  test('on require(...): this machine as the one offer, the MB trap, and a link that rewrites the filter', async () => {
    const md = await offersHoverAt('require(');
    const text = md.replace(/\\(.)/g, '$1'); // as it reads (the hover escapes what comes from the file)
    assert.match(text, /\*\*Offers on the local engine\*\* for `offers-hover` · fetched/);
    assert.match(text, /1 matching offer · \$0\.00(\/h| per GPU-hour)/);
    assert.match(text, /Quick fix: `cpu_ram>=0\.002` asks for 2 MB/);
    assert.match(text, /at max scale \(2 workers\): \$0\.00\/h/);
    const link = /\(command:vast\.applyOfferFix\?([^)]+)\)/.exec(md);
    assert.ok(link, `a quick-fix link in ${md}`);
    const args = JSON.parse(decodeURIComponent(link[1])) as unknown[];
    await vscode.commands.executeCommand('vast.applyOfferFix', ...args);
    const doc = await vscode.workspace.openTextDocument(deployFile());
    assert.ok(doc.getText().includes('image.require(cpu_ram >= 2000)'), doc.getText());
    // The same link again is stale (the file changed since its hover): refused, the file left as it is.
    const after = doc.getText();
    await Promise.resolve(vscode.commands.executeCommand('vast.applyOfferFix', ...args)).catch(() => undefined);
    assert.equal(doc.getText(), after, 'a stale fix changes nothing');
  });

  test('on app.image(...) after the fix: the same offer, no trap; after a save the Deploy lens tooltip has the offers and cost', async () => {
    const md = (await offersHoverAt('app.image(')).replace(/\\(.)/g, '$1');
    assert.match(md, /1 matching offer/);
    assert.ok(!md.includes('Quick fix'), md);
    await (await vscode.workspace.openTextDocument(deployFile())).save();
    const tooltip = await waitFor('the offers in the Deploy lens tooltip', async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', deployFile(), 10)) ?? [];
      const t = lenses.find((l) => l.command?.command === 'vast.deploy')?.command?.tooltip;
      return t?.includes('Offers:') ? t : undefined;
    }, 30_000);
    assert.match(tooltip, /Offers: 1 matching offer, \$0\.00\/h.* \(fetched .*\)/);
    assert.match(tooltip, /at max scale \(2 workers\): \$0\.00\/h/);
  });
  test('on the cloud target the Deploy lens tooltip gets the offers after its summary (the engine standing in for the cloud)', async () => {
    const info = JSON.parse(fs.readFileSync(path.join(process.env.VAST_DEPLOY_STATE!, 'engine.json'), 'utf8')) as { url: string; api_key: string };
    const cloud = vscode.workspace.getConfiguration('vast.cloud');
    await cloud.update('consoleUrl', info.url, vscode.ConfigurationTarget.Global);
    await cloud.update('autoscalerUrl', info.url, vscode.ConfigurationTarget.Global);
    try {
      assert.equal(await vscode.commands.executeCommand('vast.setApiKey', info.api_key), true);
      await vscode.workspace.getConfiguration('vast').update('target', 'vast', vscode.ConfigurationTarget.Global);
      const tooltip = await waitFor('the offers in the cloud Deploy lens tooltip', async () => {
        const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', deployFile(), 10)) ?? [];
        const t = lenses.find((l) => l.command?.command === 'vast.deploy')?.command?.tooltip;
        return t?.includes('Offers:') ? t : undefined;
      }, 30_000);
      assert.match(tooltip, /^Deploy to the Vast cloud/);
      assert.match(tooltip, /Offers: 1 matching offer/);
    } finally {
      await vscode.workspace.getConfiguration('vast').update('target', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('vast.signOut');
      await cloud.update('consoleUrl', undefined, vscode.ConfigurationTarget.Global);
      await cloud.update('autoscalerUrl', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

/** A cloud as the tree reads it: one deployment, one workergroup, two workers with their instances' prices, two offers. */
function pricedCloud(searches: string[]): DeploymentsSource {
  const deployment = { id: 3, name: 'priced', tag: 'default', image: 'img', endpoint_id: 7, env: '', file_hash: 'h', search_params: 'gpu_name=RTX_4090', storage: 16, created_at: 0, updated_at: 0 } as DeploymentRecord;
  const endpoint: EndpointRecord = { id: 7, endpoint_name: 'priced', api_key: 'endpoint-key', endpoint_state: 'active', cold_workers: 1 };
  const offer = (id: number, dph: number): Offer => ({ id, num_gpus: 1, gpu_name: 'RTX 4090', dph_total: dph, reliability: 0.99 });
  return {
    listDeployments: async () => [deployment],
    listEndpoints: async () => [endpoint],
    getEndpoint: async () => endpoint,
    listWorkergroups: async () => [{ id: 9, endpoint_id: 7, search_query: 'verified=true rentable=true rented=false gpu_name=RTX_4090' }],
    getEndpointWorkers: async () => ({ workers: [workerRecord({ id: 11, status: 'idle' }), workerRecord({ id: 12, status: 'loading' })] }),
    getEndpointLogs: async () => ({ info0: '', info1: '', trace: '', debug: '' }),
    stopDeployment: async () => undefined,
    startDeployment: async () => undefined,
    deleteDeployment: async () => undefined,
    workerPrices: async (ids) => new Map(ids.map((id) => [id, id === 11 ? 0.452 : 0.9])),
    offerSearch: async () => ({
      target: { kind: 'vast', consoleUrl: 'https://console.stand-in.invalid', autoscalerUrl: 'https://run.stand-in.invalid', apiKey: 'test-key-offers-0123' },
      searcher: {
        searchOffers: async (query) => {
          searches.push(JSON.stringify(query.gpu_name));
          return { offers: [offer(1, 0.4), offer(2, 0.65)] };
        },
      },
    }),
  };
}

suite('Vast offers and live spend in the Deployments view', () => {
  const registrations: vscode.Disposable[] = [];
  suiteTeardown(async () => {
    for (const r of registrations) r.dispose();
    await vscode.commands.executeCommand('vast.signOut');
  });

  test('under the workergroup an Offers row with the matches; workers with their price; the endpoint\'s total', async () => {
    const a = await api();
    assert.equal(await vscode.commands.executeCommand('vast.setApiKey', 'test-key-offers-0123'), true);
    const searches: string[] = [];
    registrations.push(a.replaceDeploymentsSource((target) => (target === 'vast' ? pricedCloud(searches) : undefined)));
    const tree = a.ui.tree;
    const kids = async (node?: TreeNode) => ((await tree.getChildren(node)) ?? []) as TreeNode[];
    const cloud = await waitFor('the cloud target', async () => (await kids()).find((n) => n.kind === 'target' && n.target === 'vast'));
    const [deployment] = await kids(cloud);
    const [endpoint] = await kids(deployment);
    const endpointItem = await waitFor('the endpoint with its live spend', async () => {
      const item = await tree.getTreeItem(endpoint);
      return String(item.description).includes('$') ? item : undefined;
    }, 10_000);
    assert.equal(endpointItem.description, 'active · $1.35/h · cold 1');
    const [group] = await kids(endpoint);
    assert.equal(group.kind, 'workergroup');
    const rows = async () => Promise.all((await kids(group)).map((n) => tree.getTreeItem(n)));
    const answered = await waitFor('the Offers row with its matches', async () => {
      const items = await rows();
      return String(items[0]?.label).startsWith('Offers: 2 match') ? items : undefined;
    }, 10_000);
    assert.deepEqual(
      answered.map((i) => String(i.label)),
      ['Offers: 2 match · $0.40–$0.65/GPU-h', 'Worker 11', 'Worker 12'],
    );
    assert.match(String(answered[1].description), /· \$0\.45\/h$/);
    assert.match(String(answered[2].description), /· \$0\.90\/h$/);
    assert.deepEqual(searches, ['{"eq":"RTX 4090"}'], 'one search, with the workergroup\'s filters');
  });
});
