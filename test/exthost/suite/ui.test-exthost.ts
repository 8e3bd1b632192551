// The extension's UI inside a real VS Code: CodeLenses (titles, commands, target switch, the setting), payload files
// with their schema and lenses, running a payload through a fake runner, "Save as benchmark sample", the
// Deployments tree over a fake source, followed logs and the plan view. The fakes are small in-memory implementations
// put in place of the core's pieces through the test hooks (cases the local engine cannot produce: cloud records,
// several worker states, exact plans); engine.test-exthost.ts covers the real core end to end.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeploymentsSource, PlanProvider, RemoteRunner } from '../../../src/extension/contracts';
import type { TreeNode } from '../../../src/extension/views/treeNodes';
import type { Plan } from '../../../src/deploy/types';
import type { DeploymentRecord, EndpointRecord, WorkergroupRecord, WorkerRecord } from '../../../src/shared/protocol/vast';
import { workerRecord } from '../../support/records';
import { api, waitFor as waitForProbe } from '../support';

/** This suite's conditions come quickly (fakes stand in for the deploy core): a shorter wait, polled more often. */
const waitFor = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000) => waitForProbe(what, probe, timeoutMs, 150);


function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the tests run with test/fixtures/ws open');
  return f.uri;
}
const goodDeploy = () => vscode.Uri.joinPath(folder(), 'good_deploy.py');
const payloadsDir = () => vscode.Uri.joinPath(folder(), '.vast');
const defaultPayload = () => vscode.Uri.joinPath(folder(), '.vast', 'payloads', 'good-app', 'square', 'default.json');

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)) ?? [];
}

const titles = (ls: vscode.CodeLens[]) => ls.map((l) => `${l.range.start.line}:${l.command?.command}:${l.command?.title}`);

async function setConfig(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('vast').update(key, value, vscode.ConfigurationTarget.Global);
}

async function removePayloads(): Promise<void> {
  await vscode.workspace.fs.delete(payloadsDir(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
}

suite('Vast UI: CodeLenses', () => {
  suiteSetup(async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(goodDeploy()));
    await api();
  });
  teardown(async () => {
    await setConfig('target', undefined);
    await setConfig('codeLens.enable', undefined);
  });

  test('Deploy, Show plan, the target and Watch above Deployment(...), Run and Debug remotely above @remote', async () => {
    const ls = await waitFor('lenses on good_deploy.py', async () => {
      const found = await lenses(goodDeploy());
      return found.length >= 5 ? found : undefined;
    });
    // The real plan provider adds the tier (or why it is unavailable) to the Deploy title once it is computed.
    assert.match(titles(ls)[0], /^3:vast\.deploy:\$\(rocket\) Deploy( · .+)?$/);
    assert.deepEqual(titles(ls).slice(1), [
      '3:vast.showPlan:Show plan',
      '3:vast.switchTarget:$(server-environment) local engine',
      '3:vast.watch:$(eye) Watch',
      '6:vast.runRemotely:$(play) Run remotely',
      '6:vast.debugRemotely:$(debug-alt) Debug remotely',
    ]);
    assert.deepEqual(ls[4].command?.arguments?.[0], { uri: goodDeploy().toString(), deployment: 'good-app', function: 'square' });
  });

  test('the target lens follows vast.target', async () => {
    await setConfig('target', 'vast');
    await waitFor('the Vast cloud title', async () => titles(await lenses(goodDeploy())).includes('3:vast.switchTarget:$(cloud) Vast cloud'));
    // Debugging runs the worker on this machine: no Debug remotely lens while deploys go to the cloud.
    assert.ok(!titles(await lenses(goodDeploy())).some((t) => t.includes('vast.debugRemotely')), 'no Debug remotely lens on the cloud target');
  });

  test('the Deploy lens shows the tier of the plan provider for the chosen target', async () => {
    const a = await api();
    const asked: string[] = [];
    const provider: PlanProvider = {
      peekSummary: (r) => {
        asked.push(`${r.deployment}@${r.target}`);
        return r.target === 'local' ? 'tier 2 soft update: code changed' : 'create (first deploy)';
      },
      plan: () => Promise.reject(new Error('not used here')),
    };
    const registration = a.replacePlanProvider(provider);
    try {
      await waitFor('the tier title', async () => titles(await lenses(goodDeploy())).includes('3:vast.deploy:$(rocket) Deploy · tier 2 soft update: code changed'));
      assert.ok(asked.includes('good-app@local'));
      await setConfig('target', 'vast');
      await waitFor('the cloud plan title', async () => titles(await lenses(goodDeploy())).includes('3:vast.deploy:$(rocket) Deploy · create (first deploy)'));
    } finally {
      registration.dispose();
    }
  });

  test('vast.codeLens.enable turns the lenses off', async () => {
    await setConfig('codeLens.enable', false);
    await waitFor('no lenses', async () => ((await lenses(goodDeploy())).length === 0 ? true : undefined));
  });
});

suite('Vast UI: payloads', () => {
  let runnerRegistration: vscode.Disposable | undefined;
  suiteSetup(removePayloads);
  suiteTeardown(async () => {
    runnerRegistration?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await removePayloads();
  });

  test('Run remotely creates default.json from the benchmark sample, with its schema', async () => {
    await api();
    const uri = await vscode.commands.executeCommand<vscode.Uri>('vast.runRemotely', { uri: goodDeploy().toString(), deployment: 'good-app', function: 'square' });
    assert.ok(uri, 'a payload file was opened');
    assert.equal(uri.toString(), defaultPayload().toString());
    const content = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    assert.deepEqual(content, { $schema: 'vast-schema:/good-app/square.schema.json', x: 2 });
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
  });

  test('the schema document describes square(x)', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse('vast-schema:/good-app/square.schema.json'));
    const schema = JSON.parse(doc.getText());
    assert.deepEqual(schema.required, ['x']);
    assert.deepEqual(Object.keys(schema.properties), ['$schema', 'x']);
    assert.deepEqual(schema.properties.x.examples, [2]);
    assert.equal(schema.additionalProperties, false);
  });

  test('the JSON editor validates the payload against the schema', async () => {
    const doc = await vscode.workspace.openTextDocument(defaultPayload());
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, doc.lineCount, 0), '{\n  "$schema": "vast-schema:/good-app/square.schema.json",\n  "x": 2,\n  "y": 1\n}\n'));
    const ds = await waitFor('a JSON diagnostic on "y"', () => {
      const found = vscode.languages.getDiagnostics(doc.uri).filter((d) => /not allowed/i.test(d.message));
      return found.length ? found : undefined;
    }, 20_000);
    assert.equal(ds[0].range.start.line, 3);
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, doc.lineCount, 0), '{\n  "$schema": "vast-schema:/good-app/square.schema.json",\n  "x": 5\n}\n'));
    await doc.save();
  });

  test('payload files carry Run, Save as benchmark sample and Save as… lenses', async () => {
    const ls = await waitFor('payload lenses', async () => {
      const found = await lenses(defaultPayload());
      return found.length ? found : undefined;
    });
    assert.deepEqual(
      ls.map((l) => l.command?.command),
      ['vast.runPayload', 'vast.saveAsBenchmarkSample', 'vast.savePayloadAs'],
    );
    assert.equal(ls[0].command?.title, '$(play) Run square on the local engine');
  });

  test('Run sends the payload to the remote runner and shows the value beside it', async () => {
    const a = await api();
    const calls: unknown[] = [];
    const runner: RemoteRunner = {
      run: async (request) => {
        calls.push(request.kwargs);
        const x = Number(request.kwargs.x);
        return { ok: true, value: x * x, workerId: 11, routeMs: 4, callMs: 9 };
      },
    };
    runnerRegistration = a.replaceRemoteRunner(runner);
    const result = await vscode.commands.executeCommand<{ ok: boolean; value?: unknown }>('vast.runPayload', defaultPayload());
    assert.deepEqual(calls, [{ x: 5 }], 'the $schema key is not sent');
    assert.deepEqual(result, { ok: true, value: 25, workerId: 11, routeMs: 4, callMs: 9 });
    // Shown where it was started (after the payload's Run lens line), not in a document of its own.
    const shown = await waitFor('the inline value on the payload', () => a.ui.runs.inline.shownIn(defaultPayload()).find((s) => s.look === 'value'));
    assert.deepEqual({ line: shown.line, text: shown.text }, { line: 0, text: '→ 25 · 9 ms · worker 11' });
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'vast-result'), 'no Markdown result document');
    await vscode.commands.executeCommand('vast.openRunResult', shown.runId);
    const html = a.ui.runs.panel.html ?? '';
    assert.match(html, /<pre id="value">25<\/pre>/);
    assert.match(html, /<th>worker<\/th><td>worker 11<\/td>/);
  });

  test('a remote error shows its class and message', async () => {
    const a = await api();
    runnerRegistration?.dispose();
    runnerRegistration = a.replaceRemoteRunner({
      run: async () => ({ ok: false, error: { className: 'ValueError', message: 'x must be positive', traceback: 'Traceback (most recent call last):\nValueError: x must be positive' } }),
    });
    await vscode.commands.executeCommand('vast.runPayload', defaultPayload());
    const shown = await waitFor('the inline error', () => a.ui.runs.inline.shownIn(defaultPayload()).find((s) => s.look === 'error'));
    assert.equal(shown.text, '✖ ValueError: x must be positive');
    // The open result view follows the function's latest run.
    const html = a.ui.runs.panel.html ?? '';
    assert.match(html, /<p id="error" class="error"><strong>ValueError<\/strong>: x must be positive<\/p>/);
    assert.match(html, /<h3>Traceback<\/h3>/);
  });

  test('the run history keeps the last 20 runs of a function, newest first', async () => {
    const a = await api();
    runnerRegistration?.dispose();
    let n = 0;
    runnerRegistration = a.replaceRemoteRunner({ run: async () => ({ ok: true, value: ++n, workerId: 1, routeMs: 1, callMs: 1 }) });
    for (let i = 0; i < 20; i++) await vscode.commands.executeCommand('vast.runPayload', defaultPayload());
    const fn = a.ui.runs.history.getChildren().find((f) => a.ui.runs.history.getTreeItem(f).description === 'good-app');
    assert.ok(fn, 'good-app square() is in the history');
    const labels = a.ui.runs.history.getChildren(fn).map((r) => a.ui.runs.history.getTreeItem(r).label);
    assert.equal(labels.length, 20, 'the two earlier runs dropped out');
    assert.equal(labels[0], '→ 20 · 1 ms · worker 1');
    assert.equal(labels[19], '→ 1 · 1 ms · worker 1');
  });

  test('Save as benchmark sample appends the payload to benchmark_dataset (unsaved)', async () => {
    const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(goodDeploy()));
    const doc = await vscode.workspace.openTextDocument(goodDeploy());
    try {
      const ok = await vscode.commands.executeCommand<boolean>('vast.saveAsBenchmarkSample', defaultPayload());
      assert.equal(ok, true);
      assert.match(doc.getText(), /@app\.remote\(benchmark_dataset=\[\{"x": 2\}, \{"x": 5\}\]\)/);
      assert.ok(doc.isDirty, 'the edit is left for the user to review and save');
    } finally {
      // Put the fixture back exactly (a revert command depends on which editor has focus).
      const restore = new vscode.WorkspaceEdit();
      restore.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
      await vscode.workspace.applyEdit(restore);
      await doc.save();
    }
    assert.equal(doc.getText(), original);
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(goodDeploy())), original);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const deployment: DeploymentRecord = {
  id: 41,
  name: 'good-app',
  tag: 'default',
  image: 'vastai/base-image:@vastai-automatic-tag',
  endpoint_id: 7,
  env: '',
  file_hash: 'abc',
  search_params: 'gpu_name in [RTX_4090]',
  storage: 16,
  created_at: 0,
  updated_at: 0,
  current_version_id: 2,
};
const endpoint: EndpointRecord = { id: 7, endpoint_name: 'good-app-default', api_key: 'endpoint-key', endpoint_state: 'active', cold_workers: 1, max_workers: 3 };
const workergroup: WorkergroupRecord = { id: 9, endpoint_id: 7, search_query: 'gpu_name in [RTX_4090]' };
const worker = (id: number, status: string, extra: Partial<WorkerRecord> = {}): WorkerRecord => workerRecord({ id, status, ...extra });

function fakeSource(log: string[]): DeploymentsSource {
  return {
    // As on Vast: the deployment list carries no endpoint_state; the endpoints listing does.
    listDeployments: async () => [deployment],
    listEndpoints: async () => [endpoint],
    getEndpoint: async () => endpoint,
    listWorkergroups: async () => [workergroup],
    getEndpointWorkers: async () => ({
      workers: [worker(1, 'IDLE', { measured_perf: 42 }), worker(2, 'model_loading'), worker(3, 'error', { error_msg: 'CUDA out of memory' })],
    }),
    getEndpointLogs: async () => ({ info0: 'worker 1 ready\n', info1: '', trace: '', debug: '' }),
    stopDeployment: async (id) => void log.push(`stop ${id}`),
    startDeployment: async (id) => void log.push(`start ${id}`),
    deleteDeployment: async (id) => void log.push(`delete ${id}`),
  };
}

suite('Vast UI: sidebar and API key', () => {
  const registrations: vscode.Disposable[] = [];
  suiteTeardown(async () => {
    for (const r of registrations) r.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vast.signOut');
  });

  test('Set API Key makes the cloud target usable; the key never reaches settings', async () => {
    const a = await api();
    await vscode.commands.executeCommand('vast.signOut');
    assert.equal(a.ui.targets.info('vast').usable, false);
    assert.equal(await vscode.commands.executeCommand('vast.setApiKey', 'test-key-0123456789'), true);
    assert.equal(a.ui.targets.info('vast').usable, true);
    assert.match(a.ui.targets.info('vast').status, /key set \(VS Code secret storage\)/);
    // The status bar says where deploys go and what state each target is in, all the time.
    const bar = a.ui.statusBar.item;
    assert.equal(bar.command, 'vast.switchTarget');
    assert.match(bar.text, /^\$\((server-environment|cloud)\) Vast: (local engine|Vast cloud) \(/);
    assert.match((bar.tooltip as vscode.MarkdownString).value, /Vast cloud: key set/);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('vast')).includes('test-key-0123456789'));
  });

  test('the tree shows target → deployment → endpoint → workergroup → workers with Vast worker states', async () => {
    const a = await api();
    const actions: string[] = [];
    registrations.push(a.replaceDeploymentsSource((target) => (target === 'vast' ? fakeSource(actions) : undefined)));
    const tree = a.ui.tree;
    const roots = (await tree.getChildren()) as TreeNode[];
    const cloud = roots.find((n) => n.kind === 'target' && n.target === 'vast');
    assert.ok(cloud, `a Vast cloud node among ${roots.map((r) => r.kind).join(', ')}`);
    assert.equal((await tree.getTreeItem(cloud)).label, 'Vast cloud');
    const deployments = (await tree.getChildren(cloud)) as TreeNode[];
    assert.equal(deployments.length, 1);
    const dItem = await tree.getTreeItem(deployments[0]);
    assert.equal(dItem.label, 'good-app:default');
    assert.equal(dItem.description, 'active · v2');
    assert.equal(dItem.contextValue, 'vast.deployment.active', 'the state comes from the endpoint, so Stop is offered');
    assert.equal((dItem.iconPath as vscode.ThemeIcon).id, 'rocket');
    const [ep] = (await tree.getChildren(deployments[0])) as TreeNode[];
    // Once its workers are read, the row itself says a worker is failing (collapsed, it would look healthy).
    const [again] = (await tree.getChildren(cloud)) as TreeNode[];
    const problemItem = await tree.getTreeItem(again);
    assert.equal((problemItem.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.equal(problemItem.description, 'active · v2 · problem');
    assert.match(String(problemItem.tooltip), /Problem: 1 worker failing: CUDA out of memory/);
    assert.equal((await tree.getTreeItem(ep)).description, 'active · cold 1 · max 3');
    const [wg] = (await tree.getChildren(ep)) as TreeNode[];
    // The filters in words, the raw query in the tooltip.
    const wgItem = await tree.getTreeItem(wg);
    assert.equal(wgItem.description, 'RTX 4090');
    assert.match(String(wgItem.tooltip), /search_params: gpu_name in \[RTX_4090\]/);
    const workers = await Promise.all(((await tree.getChildren(wg)) as TreeNode[]).map((w) => tree.getTreeItem(w)));
    assert.deepEqual(
      workers.map((w) => [w.label, w.description, (w.iconPath as vscode.ThemeIcon).id, w.contextValue]),
      [
        ['Worker 1', 'Ready · RTX 4090 · perf 42 units/s', 'pass-filled', 'vast.worker.ready'],
        ['Worker 2', 'Loading · RTX 4090', 'loading~spin', 'vast.worker.loading'],
        ['Worker 3', 'Error · RTX 4090 · CUDA out of memory', 'error', 'vast.worker.error'],
      ],
    );
  });

  test('follow logs opens a channel per deployment and stops on request', async () => {
    const a = await api();
    const [cloud] = ((await a.ui.tree.getChildren()) as TreeNode[]).filter((n) => n.kind === 'target' && n.target === 'vast');
    const [node] = (await a.ui.tree.getChildren(cloud)) as TreeNode[];
    const channel = await vscode.commands.executeCommand<vscode.OutputChannel>('vast.followLogs', node);
    assert.equal(channel?.name, 'Vast logs: good-app:default (vast)');
    assert.equal(a.ui.logs.isFollowing('vast', 41), true);
    await vscode.commands.executeCommand('vast.stopFollowingLogs', node);
    assert.equal(a.ui.logs.isFollowing('vast', 41), false);
  });

  test('stop and start go to the source', async () => {
    const a = await api();
    const actions: string[] = [];
    registrations.push(a.replaceDeploymentsSource(() => fakeSource(actions)));
    const [cloud] = ((await a.ui.tree.getChildren()) as TreeNode[]).filter((n) => n.kind === 'target' && n.target === 'vast');
    const [node] = (await a.ui.tree.getChildren(cloud)) as TreeNode[];
    await vscode.commands.executeCommand('vast.stopDeployment', node);
    await vscode.commands.executeCommand('vast.startDeployment', node);
    assert.deepEqual(actions, ['stop 41', 'start 41']);
  });

  test('Show plan opens the plan view with one row per change', async () => {
    const a = await api();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(goodDeploy()));
    const plan: Plan = {
      deployment: { name: 'good-app', tag: 'default' },
      file_hash: 'new',
      file_size: 1,
      config_json: '{}',
      search_params: 'gpu_name in [RTX_4090]',
      env: '',
      image: 'vastai/base-image:@vastai-automatic-tag',
      storage: 16,
      autoscaling: { min_load: 1000 },
      tier: 2,
      changes: [{ field: 'file_hash', before: 'old', after: 'new', tier: 2, reason: 'code changed' }],
    };
    registrations.push(a.replacePlanProvider({ peekSummary: () => undefined, plan: async () => plan }));
    const shown = await vscode.commands.executeCommand<Plan>('vast.showPlan', { uri: goodDeploy().toString(), deploymentIndex: 0, deployment: 'good-app' });
    assert.equal(shown?.tier, 2);
    const panel = a.ui.planPanels.get('good-app', 'default');
    assert.ok(panel, 'a plan panel is open');
    assert.match(panel.webview.html, /<tr class="tier2"><td>file_hash<\/td>/);
    assert.match(panel.webview.html, /tier 2 soft update/);
  });

  test('Deploy plans, deploys through the deployer and reports its summary', async () => {
    const a = await api();
    const plan: Plan = {
      deployment: { name: 'good-app', tag: 'default' },
      file_hash: 'new',
      file_size: 1,
      config_json: '{}',
      search_params: '',
      env: '',
      image: 'vastai/base-image:@vastai-automatic-tag',
      storage: 16,
      autoscaling: {},
      tier: 2,
      changes: [{ field: 'file_hash', before: 'old', after: 'new', tier: 2, reason: 'code changed' }],
    };
    const deployed: string[] = [];
    registrations.push(
      a.replacePlanProvider({ peekSummary: () => undefined, plan: async (r) => ({ ...plan, deployment: { name: r.deployment, tag: 'default' } }) }),
      a.replaceDeployer({
        deploy: async (request, p, progress) => {
          progress.report('uploading');
          deployed.push(`${request.deployment}@${request.target} tier ${p.tier}`);
          return { summary: 'good-app:default soft-updated' };
        },
      }),
    );
    const ok = await vscode.commands.executeCommand<boolean>('vast.deploy', { uri: goodDeploy().toString(), deploymentIndex: 0, deployment: 'good-app' });
    assert.equal(ok, true);
    assert.deepEqual(deployed, ['good-app@local tier 2']);
  });

});
