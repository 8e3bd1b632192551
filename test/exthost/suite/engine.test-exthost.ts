// The extension against the REAL deploy core and local engine (no fakes): a copy of examples/square deployed from
// the Deploy lens's command, the tier in the lens before and after an edit, Run remotely through the engine's
// router and worker, and the tree's worker states. The engine runs in the state folder test/e2e/run.mjs gives this
// run ($VAST_DEPLOY_STATE, a fresh temp folder) and is stopped at the end.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VastTestHooks } from '../../../src/extension/extension';
import type { TreeNode } from '../../../src/extension/views/treeNodes';
import type { RemoteRunResult } from '../../../src/extension/ui/runResult';
import { api, EXTENSION_ID, waitFor } from '../support';


function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the tests run with test/fixtures/ws open');
  return f.uri;
}
const appDir = () => vscode.Uri.joinPath(folder(), 'engine_square');
const deployFile = () => vscode.Uri.joinPath(appDir(), 'deploy.py');
const brokenFile = () => vscode.Uri.joinPath(appDir(), 'broken.py');
const payloadsDir = () => vscode.Uri.joinPath(folder(), '.vast');

async function deployTitle(): Promise<string | undefined> {
  const ls = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', deployFile(), 10)) ?? [];
  return ls.find((l) => l.command?.command === 'vast.deploy')?.command?.title;
}

/** What the running engine wrote to its state folder: its URL and key (the tests talk to it directly). */
function engineJson(): { url: string; api_key: string } {
  return JSON.parse(fs.readFileSync(path.join(process.env.VAST_DEPLOY_STATE!, 'engine.json'), 'utf8')) as { url: string; api_key: string };
}

/** What the engine says of this machine (its GPUs decide the machine notes and warnings). */
async function engineFacts(): Promise<{ machine: { gpus: { name: string }[] } }> {
  const info = engineJson();
  return (await (await fetch(`${info.url}/local/v0/info`, { headers: { authorization: `Bearer ${info.api_key}` } })).json()) as { machine: { gpus: { name: string }[] } };
}

const lensArgs = () => ({ uri: deployFile().toString(), deploymentIndex: 0, deployment: 'square' });

async function children(a: VastTestHooks, node?: TreeNode): Promise<TreeNode[]> {
  return ((await a.ui.tree.getChildren(node)) ?? []) as TreeNode[];
}

async function writePayload(kwargs: Record<string, unknown>, file = deployFile(), deployment = 'square'): Promise<vscode.Uri> {
  const uri = await vscode.commands.executeCommand<vscode.Uri>('vast.runRemotely', { uri: file.toString(), deployment, function: 'square' });
  assert.ok(uri, 'Run remotely opened a payload');
  const content = { $schema: `vast-schema:/${deployment}/square.schema.json`, ...kwargs };
  const doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), `${JSON.stringify(content, null, 2)}\n`);
  await vscode.workspace.applyEdit(edit);
  await doc.save();
  return uri;
}

suite('Vast with the local engine', function () {
  this.timeout(180_000);

  suiteSetup(async () => {
    const stateDir = process.env.VAST_DEPLOY_STATE;
    assert.ok(stateDir && path.resolve(stateDir).startsWith(path.resolve(os.tmpdir())), `the engine state folder is a temporary one (${stateDir})`);
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const source = fs.readFileSync(path.join(extension.extensionPath, 'examples', 'square', 'deploy.py'));
    await vscode.workspace.fs.createDirectory(appDir());
    await vscode.workspace.fs.writeFile(deployFile(), source);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(deployFile()));
    await api();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vast.stopEngine');
    await vscode.workspace.fs.delete(appDir(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    await vscode.workspace.fs.delete(payloadsDir(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  test('the Deploy lens plans the saved file: "create" before the first deploy, without starting the engine', async () => {
    const title = await waitFor('the create title', async () => {
      const t = await deployTitle();
      return t?.includes('create') ? t : undefined;
    });
    assert.equal(title, '$(rocket) Deploy · create: new deployment (engine stopped)');
    const a = await api();
    assert.equal(a.ui.targets.info('local').usable, false, 'opening a file does not start the engine');
    // No target ready: the tree is empty, so VS Code shows the welcome content (Start engine, Set API key, walkthrough).
    assert.equal(a.ui.targets.info('vast').usable, false, 'this run has no API key');
    assert.deepEqual(await children(a), []);
  });

  test('Deploy starts the engine, creates the deployment and waits for a ready worker', async () => {
    const ok = await vscode.commands.executeCommand<boolean>('vast.deploy', lensArgs());
    assert.equal(ok, true);
    assert.equal((await api()).ui.targets.info('local').usable, true, 'Deploy started the engine on demand');
  });

  test('the tree shows the deployment down to a ready worker', async () => {
    const a = await api();
    a.ui.tree.refresh();
    const local = (await children(a)).find((n) => n.kind === 'target' && n.target === 'local');
    assert.ok(local, 'the local engine is listed');
    const deployment = await waitFor('square:default in the tree', async () => (await children(a, local)).find((n) => n.kind === 'deployment'));
    const deploymentItem = await a.ui.tree.getTreeItem(deployment);
    assert.equal(deploymentItem.label, 'square:default');
    assert.equal(deploymentItem.contextValue, 'vast.deployment.active', 'the row has its real state, so Stop is offered');
    const [endpoint] = await children(a, deployment);
    assert.equal(endpoint?.kind, 'endpoint');
    const [group] = await children(a, endpoint);
    assert.equal(group?.kind, 'workergroup');
    const workers = await Promise.all((await children(a, group)).map((w) => a.ui.tree.getTreeItem(w)));
    assert.ok(workers.length >= 1, 'at least one worker');
    const ready = workers.filter((w) => w.contextValue === 'vast.worker.ready');
    assert.ok(ready.length >= 1, `a ready worker among ${workers.map((w) => `${w.label}: ${w.description}`).join('; ')}`);
    assert.match(String(ready[0].description), /^Ready/);
  });

  test('after an edit and save, the lens predicts a tier 2 soft update', async () => {
    const doc = await vscode.workspace.openTextDocument(deployFile());
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(doc.lineCount, 0), '# a comment changes the uploaded code\n');
    await vscode.workspace.applyEdit(edit);
    assert.equal(await deployTitle(), '$(rocket) Deploy (save first)');
    await doc.save();
    const title = await waitFor('the tier 2 title', async () => {
      const t = await deployTitle();
      return t?.includes('tier 2') ? t : undefined;
    });
    // square asks for an RTX 4090/5090: a machine without one gets a short warning in the title itself.
    const { machine } = await engineFacts();
    const warning = machine.gpus.length === 0 ? ' ⚠ no GPU here' : machine.gpus.some((g) => /RTX [45]090/.test(g.name)) ? '' : ' ⚠ GPU filters unmet here';
    assert.equal(title, `$(rocket) Deploy · tier 2 soft update: code changed${warning}`);
  });

  /** The payload beside the deployment file, so both show the function's latest run. */
  async function runInline(kwargs: Record<string, unknown>): Promise<{ payload: vscode.Uri; result: RemoteRunResult | undefined }> {
    const payload = await writePayload(kwargs);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(deployFile()), { viewColumn: vscode.ViewColumn.One, preview: false });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(payload), { viewColumn: vscode.ViewColumn.Two, preview: false });
    const result = await vscode.commands.executeCommand<RemoteRunResult>('vast.runPayload', payload);
    return { payload, result };
  }

  const lineOf = (text: string) => fs.readFileSync(deployFile().fsPath, 'utf8').split('\n').findIndex((l) => l.includes(text));

  test('Run remotely: square(5) returns 25 from the worker, shown inline after the def line and on the payload', async () => {
    const a = await api();
    const { payload, result } = await runInline({ x: 5 });
    assert.ok(result?.ok, `a value, not ${JSON.stringify(result)}`);
    assert.equal(result.value, 25);
    const def = lineOf('async def square');
    const inline = await waitFor('the inline value after the def line', () => a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === def && s.look === 'value'));
    assert.match(inline.text, /^→ 25 · \d+ ms · worker 127\.0\.0\.1:\d+$/);
    const onPayload = await waitFor('the inline value on the payload', () => a.ui.runs.inline.shownIn(payload).find((s) => s.look === 'value'));
    assert.equal(onPayload.line, 0);
    // The function's lens line now offers its payload again, in one click, and the result view.
    const lenses = await waitFor('the Run again lens', async () => {
      const ls = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', deployFile(), 10)) ?? [];
      return ls.some((l) => l.command?.title === 'Open result') ? ls : undefined;
    });
    const runLine = lenses.find((l) => l.command?.command === 'vast.runRemotely')!.range.start.line;
    const again = lenses.find((l) => l.command?.title === '$(debug-rerun) Run default again');
    assert.equal(again?.range.start.line, runLine);
    assert.equal(again?.command?.command, 'vast.runPayload');
    assert.equal(String(again?.command?.arguments?.[0]), String(payload));
    // The run history: the function, with this run (value, time, worker, payload).
    const [fn] = a.ui.runs.history.getChildren();
    assert.equal(a.ui.runs.history.getTreeItem(fn).label, 'square()');
    const [run] = a.ui.runs.history.getChildren(fn);
    const item = a.ui.runs.history.getTreeItem(run);
    assert.equal(item.label, inline.text);
    assert.match(String(item.description), /^\d+:\d\d:\d\d.* · worker 127\.0\.0\.1:\d+ · default · local engine$/);
    assert.equal(item.command?.command, 'vast.openRunResult');
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    assert.match(a.ui.runs.panel.html ?? '', /<pre id="value">25<\/pre>/);
    assert.match(a.ui.runs.panel.html ?? '', /<th>target<\/th><td>local engine<\/td>/);
  });

  test('a remote exception shows inline in red, and its traceback is mapped to the workspace file', async () => {
    const a = await api();
    const { result } = await runInline({ x: 'a' });
    assert.ok(result && !result.ok, `an error, not ${JSON.stringify(result)}`);
    assert.equal(result.error.className, 'TypeError');
    assert.match(result.error.message, /can't multiply sequence/);
    const def = lineOf('async def square');
    const inline = await waitFor('the inline error', () => a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === def && s.look === 'error'));
    assert.match(inline.text, /^✖ TypeError: can't multiply sequence/);
    // The worker ran its copy of the file; the error points at the line here.
    const raising = lineOf('return x * x');
    const diagnostic = await waitFor('the remote error diagnostic', () => vscode.languages.getDiagnostics(deployFile()).find((d) => d.source === 'vast remote'));
    assert.equal(diagnostic.range.start.line, raising);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic.message, /^TypeError: can't multiply sequence.* \(raised on the worker by square\(default\)\)$/);
    await vscode.commands.executeCommand('vast.openRunResult', inline.runId);
    const html = a.ui.runs.panel.html ?? '';
    assert.ok(html.includes(`data-file="${deployFile().fsPath}" data-line="${raising + 1}"`), html);
    assert.ok(!/File &quot;[^&]*workers[^&]*deployment\.py/.test(html), 'no frame names the worker\'s copy');
    // The history keeps both runs, newest first; the next run removes the diagnostic.
    const [fn] = a.ui.runs.history.getChildren();
    assert.deepEqual(a.ui.runs.history.getChildren(fn).map((n) => (n.kind === 'run' ? n.entry.state.kind === 'done' && n.entry.state.result.ok : undefined)), [false, true]);
    const again = await vscode.commands.executeCommand<RemoteRunResult>('vast.rerunRemote', a.ui.runs.history.getChildren(fn).map((n) => (n.kind === 'run' ? n.entry.id : 0))[1]);
    assert.ok(again?.ok && again.value === 25, 'Run again sends the same payload');
    await waitFor('the diagnostic to go', () => !vscode.languages.getDiagnostics(deployFile()).some((d) => d.source === 'vast remote'));
    assert.equal(a.ui.runs.history.getChildren(fn).length, 3);
  });

  test('a refused run marks the old result instead of leaving it on screen', async () => {
    const a = await api();
    const def = lineOf('async def square');
    await waitFor('a current value', () => a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === def && s.look === 'value'));
    const { result } = await runInline({ x: 5, y: 1 });
    assert.equal(result, undefined, 'refused: the command reports the error instead of a result');
    const inline = await waitFor('the refused mark', () => a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === def && s.look === 'refused'));
    assert.match(inline.text, /^⚠ no result: square\(\) has no parameter "y"/);
    assert.ok(!a.ui.runs.inline.shownIn(deployFile()).some((s) => s.look === 'value'), 'no stale value');
    const [fn] = a.ui.runs.history.getChildren();
    assert.equal(a.ui.runs.history.getChildren(fn).length, 3, 'a refused run is no history entry');
  });

  test('Show plan, then its Deploy: the open plan is planned again and shows no change', async () => {
    const doc = await vscode.workspace.openTextDocument(deployFile());
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(doc.lineCount, 0), '# another change for the plan view\n');
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    const a = await api();
    const before = await vscode.commands.executeCommand<{ tier: number; notes?: string[] }>('vast.showPlan', lensArgs());
    assert.equal(before?.tier, 2);
    // square asks for an RTX 4090/5090: on a machine without one, the plan says so before Deploy.
    const facts = await engineFacts();
    if (facts.machine.gpus.length === 0) {
      assert.ok(before?.notes?.some((n) => /does not meet the GPU filters: no local offer matches gpu_name/.test(n)), JSON.stringify(before?.notes));
      assert.match(a.ui.planPanels.get('square', 'default')?.webview.html ?? '', /<ul id="notes"><li>This machine does not meet/);
    }
    assert.equal(await vscode.commands.executeCommand<boolean>('vast.deploy', lensArgs()), true);
    await waitFor('the plan view to show the deployed state', () => /<strong>tier 0 /.test(a.ui.planPanels.get('square', 'default')?.webview.html ?? ''));
  });

  test('a Deploy click on a lens that shows the plan deploys that plan: no analysis in the extension host, no new read', async () => {
    const a = await api();
    // The extension host holds no parser, model or rules: it asks the language server for the saved file's bundle.
    const client = fs.readFileSync(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'client.js'), 'utf8');
    for (const analysisCode of ['tree-sitter', 'VD001', 'VD040']) { // strings minifying keeps (the parser's files, rule codes)
      assert.equal(client.includes(analysisCode), false, `dist/client.js contains ${analysisCode}`);
    }
    const doc = await vscode.workspace.openTextDocument(deployFile());
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(doc.lineCount, 0), '# a change the lens plans\n');
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await waitFor('the tier 2 title', async () => (await deployTitle())?.includes('tier 2'));
    const reads = a.ui.remoteStateReads();
    assert.equal(await vscode.commands.executeCommand<boolean>('vast.deploy', lensArgs()), true);
    // The lens's plan (same saved version, read moments ago) is the one deployed: the click reads nothing again.
    assert.equal(a.ui.remoteStateReads() - reads, 0, 'reads of the deployed state during the click');
  });

  test('a file the checker finds errors in is planned but not deployed (the CLI\'s refusal)', async () => {
    const file = vscode.Uri.joinPath(appDir(), 'checker_errors.py');
    const source = fs.readFileSync(deployFile().fsPath, 'utf8').replace('name="square"', 'name="checker-errors"').replace('async def square', 'def square');
    await vscode.workspace.fs.writeFile(file, Buffer.from(source));
    const args = { uri: file.toString(), deploymentIndex: 0, deployment: 'checker-errors' };
    const plan = await vscode.commands.executeCommand<{ tier: number | string }>('vast.showPlan', args);
    assert.equal(plan?.tier, 'create', 'a plan shows what the file would deploy, errors and all');
    assert.notEqual(await vscode.commands.executeCommand<boolean | undefined>('vast.deploy', args), true);
    const info = engineJson();
    const list = (await (await fetch(`${info.url}/api/v0/deployments/`, { headers: { authorization: `Bearer ${info.api_key}` } })).json()) as { deployments: { name: string }[] };
    assert.deepEqual(list.deployments.filter((d) => d.name === 'checker-errors'), [], 'nothing was registered');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('a plan from another plan provider: the deploy reads the deployed state once itself, and does not turn into a tier 3 unasked', async () => {
    const a = await api();
    const doc = await vscode.workspace.openTextDocument(deployFile());
    const save = async (text: string) => {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
      await vscode.workspace.applyEdit(edit);
      await doc.save();
    };
    const original = doc.getText();
    await save(`${original}# a change another provider planned\n`);
    const shown = await vscode.commands.executeCommand<{ tier: number }>('vast.showPlan', lensArgs());
    assert.equal(shown?.tier, 2);
    // A copy: a plan the core did not make, so the deployer cannot ship a prepared tarball and plans once itself.
    const registration = a.replacePlanProvider({ peekSummary: () => undefined, plan: async () => ({ ...shown! }) as never });
    try {
      let reads = a.ui.remoteStateReads();
      assert.equal(await vscode.commands.executeCommand<boolean>('vast.deploy', lensArgs()), true);
      assert.equal(a.ui.remoteStateReads() - reads, 1, 'the deploy flow read the deployed state once');
      // The provider still says tier 2, but the file now replaces every worker: not deployed without the question.
      await save(`${original}# a change another provider planned\n`.replace('storage=16', 'storage=20'));
      reads = a.ui.remoteStateReads();
      assert.equal(await vscode.commands.executeCommand<boolean>('vast.deploy', lensArgs()), false);
      assert.equal(a.ui.remoteStateReads() - reads, 1);
    } finally {
      registration.dispose();
      await save(`${original}# a change another provider planned\n`);
    }
  });

  test('after the deployment is deleted elsewhere, Refresh makes the lens plan a create again', async () => {
    const info = engineJson();
    const headers = { authorization: `Bearer ${info.api_key}` };
    const list = (await (await fetch(`${info.url}/api/v0/deployments/`, { headers })).json()) as { deployments: { id: number; name: string }[] };
    const square = list.deployments.find((d) => d.name === 'square');
    assert.ok(square, 'square is deployed');
    await waitFor('a tier 0 title', async () => (await deployTitle())?.includes('tier 0'));
    assert.equal((await fetch(`${info.url}/api/v0/deployment/${square.id}/`, { method: 'DELETE', headers })).status, 200);
    await vscode.commands.executeCommand('vast.refreshDeployments');
    const title = await waitFor('the create title', async () => {
      const t = await deployTitle();
      return t?.includes('create') ? t : undefined;
    });
    assert.match(title, /Deploy · create/);
  });

  test('Set API Key checks the key with the console and names its account; a refused key is not saved', async () => {
    // The local engine answers the console's current-user call too: point the cloud console at it for this test.
    const info = engineJson();
    const config = vscode.workspace.getConfiguration('vast.cloud');
    await config.update('consoleUrl', info.url, vscode.ConfigurationTarget.Global);
    try {
      const a = await api();
      await vscode.commands.executeCommand('vast.signOut');
      assert.equal(await vscode.commands.executeCommand('vast.setApiKey', 'a-wrong-key-0123456789'), false, 'a refused key is not saved');
      assert.equal(a.ui.targets.info('vast').usable, false);
      assert.equal(await vscode.commands.executeCommand('vast.setApiKey', info.api_key), true);
      assert.match(a.ui.targets.info('vast').status, /key set .* · local \(id 1\)/);
    } finally {
      await vscode.commands.executeCommand('vast.signOut');
      await config.update('consoleUrl', undefined, vscode.ConfigurationTarget.Global);
    }
  });
  test('a deploy whose worker fails says why: the worker\'s error, what this machine lacks, what to do, with Show workers / Show logs', async () => {
    const a = await api();
    const source = fs.readFileSync(deployFile().fsPath, 'utf8').replace('name="square"', 'name="broken-wait"');
    await vscode.workspace.fs.writeFile(brokenFile(), Buffer.from(source.replace('app = Deployment(', 'raise RuntimeError("broken on purpose")\napp = Deployment(')));
    const ok = await vscode.commands.executeCommand<boolean | undefined>('vast.deploy', { uri: brokenFile().toString(), deploymentIndex: 0, deployment: 'broken-wait' });
    assert.notEqual(ok, true);
    const ended = a.ui.lastWaitEnded();
    assert.ok(ended, 'a "no worker" notification was shown');
    assert.match(ended.brief, /^worker \d+ failed: .*RuntimeError: broken on purpose\./);
    assert.match(ended.brief, /Read the worker logs \(Show logs\), fix the error in the deployment file and deploy again\.$/);
    assert.match(ended.message, /^ {2}worker \d+: Error: .*broken on purpose$/m, 'the log has each worker, in words');
    assert.match(ended.message, /What to do:/);
    if ((await engineFacts()).machine.gpus.length === 0) {
      assert.match(ended.brief, /This machine lacks what the GPU filters ask: no local offer matches gpu_name in RTX_4090,RTX_5090: this machine has no GPU\./);
    }
  });

  test('a run that waits for a worker stops when every worker has failed, and says why', async () => {
    const a = await api();
    const before = a.ui.lastWaitEnded();
    const payload = await writePayload({ x: 2 }, brokenFile(), 'broken-wait');
    await vscode.commands.executeCommand('vast.runPayload', payload);
    const ended = await waitFor('the run\'s "no worker" notification', () => (a.ui.lastWaitEnded() !== before ? a.ui.lastWaitEnded() : undefined), 60_000);
    assert.match(ended.brief, /^no worker can serve the call: every worker of endpoint \d+ failed\./);
    assert.match(ended.message, /worker \d+: .*broken on purpose/);
  });
  test('with the engine running but no deployments the tree is empty (the welcome view shows); Open Example opens a deployment file', async () => {
    const a = await api();
    const info = engineJson();
    const headers = { authorization: `Bearer ${info.api_key}` };
    const list = (await (await fetch(`${info.url}/api/v0/deployments/`, { headers })).json()) as { deployments: { id: number }[] };
    for (const d of list.deployments) assert.equal((await fetch(`${info.url}/api/v0/deployment/${d.id}/`, { method: 'DELETE', headers })).status, 200);
    await vscode.commands.executeCommand('vast.refreshDeployments');
    assert.equal(a.ui.targets.info('local').usable, true);
    assert.deepEqual(await children(a), []);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Several deployment files here: a pick, whose first entry is taken.
    const opened = vscode.commands.executeCommand<vscode.TextDocument>('vast.openExample');
    await new Promise((r) => setTimeout(r, 1000));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const doc = await opened;
    assert.ok(doc && /\bDeployment\(/.test(doc.getText()), `a deployment file was opened (${doc?.uri.toString()})`);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString());
  });
});
