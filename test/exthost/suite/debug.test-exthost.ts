// Debug remotely against the REAL local engine and debugpy, in real VS Code: a breakpoint in square's body, the
// Debug remotely lens's command (deploy, worker under debugpy, VS Code attached through the `vast` debugger type),
// a payload run that stops there with x = 5, continue, 25 inline; ending the session returns the worker to normal.
// The workers need a Python with debugpy: Debian's python3-debugpy (.ci/run installs it) under /usr/bin/python3.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RemoteRunResult } from '../../../src/extension/ui/runResult';
import type { TreeNode } from '../../../src/extension/views/treeNodes';
import { api, EXTENSION_ID, waitFor } from '../support';

const PYTHON_WITH_DEBUGPY = '/usr/bin/python3';

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the tests run with test/fixtures/ws open');
  return f.uri;
}
const appDir = () => vscode.Uri.joinPath(folder(), 'debug_square');
const deployFile = () => vscode.Uri.joinPath(appDir(), 'deploy.py');
const payloadsDir = () => vscode.Uri.joinPath(folder(), '.vast');
// Its own name: the engine suite deploys examples/square as "square" on the same engine state.
const DEPLOYMENT = 'square-debug';
const remoteArgs = () => ({ uri: deployFile().toString(), deployment: DEPLOYMENT, function: 'square' });
const contextFile = () => vscode.Uri.joinPath(appDir(), 'with_context.py');

/** A deployment whose context loads something: a breakpoint in its __aenter__ needs the worker to wait for VS Code. */
const WITH_CONTEXT = [
  'from vastai import Deployment',
  '',
  'app = Deployment(name="ctx-debug")',
  '',
  '',
  '@app.context()',
  'class Model:',
  '    async def __aenter__(self):',
  '        self.factor = 3',
  '        return self',
  '',
  '    async def __aexit__(self, *exc):',
  '        pass',
  '',
  '',
  '@app.remote(benchmark_dataset=[{"x": 2}])',
  'async def triple(x):',
  '    return x * app.get_context(Model).factor',
  '',
  '',
  'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
  'app.configure_autoscaling(max_workers=1)',
  'app.ensure_ready()',
  '',
].join('\n');

/** What the debug adapter (the worker's debugpy) sends VS Code: the test waits for its `stopped` events. */
class AdapterMessages implements vscode.DebugAdapterTracker {
  readonly events: { event: string; body: any }[] = [];
  onDidSendMessage(message: { type: string; event?: string; body?: unknown }): void {
    if (message.type === 'event' && message.event) this.events.push({ event: message.event, body: message.body });
  }
}

/** Deletes the engine's deployments of those names (through its console API, with the key in its engine.json). */
async function deleteLocalDeployments(names: string[]): Promise<void> {
  const file = path.join(process.env.VAST_DEPLOY_STATE ?? '', 'engine.json');
  if (!fs.existsSync(file)) return;
  const { url, api_key } = JSON.parse(fs.readFileSync(file, 'utf8')) as { url: string; api_key: string };
  const headers = { authorization: `Bearer ${api_key}` };
  const listed = (await (await fetch(`${url}/api/v0/deployments/`, { headers })).json()) as { deployments: { id: number; name: string }[] };
  for (const d of listed.deployments.filter((d) => names.includes(d.name))) {
    await fetch(`${url}/api/v0/deployment/${d.id}/`, { method: 'DELETE', headers });
  }
}

async function workersOfTree(): Promise<TreeNode[]> {
  const a = await api();
  await a.ui.tree.poll();
  const found: TreeNode[] = [];
  const walk = async (node?: TreeNode): Promise<void> => {
    for (const child of ((await a.ui.tree.getChildren(node)) ?? []) as TreeNode[]) {
      if (child.kind === 'worker') found.push(child);
      else if (child.kind !== 'message') await walk(child);
    }
  };
  await walk();
  return found;
}

suite('Debug remotely on the local engine', function () {
  this.timeout(240_000);
  const tracker = new AdapterMessages();
  const disposables: vscode.Disposable[] = [];

  suiteSetup(async () => {
    try {
      execFileSync(PYTHON_WITH_DEBUGPY, ['-c', 'import debugpy']);
    } catch {
      assert.fail(`${PYTHON_WITH_DEBUGPY} cannot import debugpy: run "apt-get install python3-debugpy" (.ci/run installs it)`);
    }
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await vscode.workspace.fs.createDirectory(appDir());
    const square = fs.readFileSync(path.join(extension.extensionPath, 'examples', 'square', 'deploy.py'), 'utf8');
    await vscode.workspace.fs.writeFile(deployFile(), Buffer.from(square.replace('Deployment(name="square")', `Deployment(name="${DEPLOYMENT}")`)));
    await vscode.workspace.fs.writeFile(contextFile(), Buffer.from(WITH_CONTEXT));
    await api();
    // The engine's workers use this Python from its next start (the engine is not running yet in this suite).
    await vscode.commands.executeCommand('vast.stopEngine');
    await vscode.workspace.getConfiguration('vast').update('pythonPath', PYTHON_WITH_DEBUGPY, vscode.ConfigurationTarget.Global);
    disposables.push(vscode.debug.registerDebugAdapterTrackerFactory('vast', { createDebugAdapterTracker: () => tracker }));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(deployFile()));
  });

  suiteTeardown(async () => {
    await vscode.debug.stopDebugging();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await deleteLocalDeployments([DEPLOYMENT, 'ctx-debug']); // the later suites start from this engine state
    for (const d of disposables) d.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vast.stopEngine');
    await vscode.workspace.getConfiguration('vast').update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.fs.delete(appDir(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    await vscode.workspace.fs.delete(payloadsDir(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  test('a breakpoint in square stops the remote call with x = 5; continue gives 25; ending the session ends debugging', async () => {
    const a = await api();
    const returnLine = fs.readFileSync(deployFile().fsPath, 'utf8').split('\n').findIndex((l) => l.includes('return x * x'));
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(deployFile(), new vscode.Position(returnLine, 0)))]);

    const started = await vscode.commands.executeCommand<boolean>('vast.debugRemotely', remoteArgs());
    assert.equal(started, true, 'the debug session started');
    const session = vscode.debug.activeDebugSession;
    assert.equal(session?.type, 'vast');
    const debugWorker = await waitFor('the tree showing the worker as debugging', async () =>
      (await workersOfTree()).find((w) => w.kind === 'worker' && w.record.local_debug),
    );
    const item = a.ui.tree.getTreeItem(debugWorker) as vscode.TreeItem;
    assert.match(String(item.description), /^debugging · /);

    // The payload {x: 5}, run as a payload's Run lens runs it; the call stops at the breakpoint in the worker.
    const payload = await vscode.commands.executeCommand<vscode.Uri>('vast.runRemotely', remoteArgs());
    assert.ok(payload, 'Run remotely opened a payload');
    const edit = new vscode.WorkspaceEdit();
    const doc = await vscode.workspace.openTextDocument(payload);
    edit.replace(payload, new vscode.Range(0, 0, doc.lineCount, 0), `${JSON.stringify({ $schema: `vast-schema:/${DEPLOYMENT}/square.schema.json`, x: 5 }, null, 2)}\n`);
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    const run = vscode.commands.executeCommand<RemoteRunResult>('vast.runPayload', payload);

    const stopped = await waitFor('the worker stopping at the breakpoint', () => tracker.events.find((e) => e.event === 'stopped'), 60_000);
    assert.equal(stopped.body.reason, 'breakpoint');
    const { stackFrames } = await session!.customRequest('stackTrace', { threadId: stopped.body.threadId, levels: 1 });
    assert.equal(stackFrames[0].name, 'square');
    assert.equal(stackFrames[0].line, returnLine + 1);
    // code-server hands the adapter's paths to extensions as vscode-remote: URIs of the same file.
    const framePath: string = stackFrames[0].source.path;
    assert.equal(framePath.includes('://') ? vscode.Uri.parse(framePath).path : framePath, deployFile().path, "the worker's copy maps to the workspace file");
    const { scopes } = await session!.customRequest('scopes', { frameId: stackFrames[0].id });
    const locals = scopes.find((s: { name: string }) => s.name === 'Locals');
    const { variables } = await session!.customRequest('variables', { variablesReference: locals.variablesReference });
    assert.equal(variables.find((v: { name: string }) => v.name === 'x')?.value, '5');
    await session!.customRequest('continue', { threadId: stopped.body.threadId });

    const result = await run;
    assert.ok(result?.ok, `a value, not ${JSON.stringify(result)}`);
    assert.equal(result.value, 25);
    const def = fs.readFileSync(deployFile().fsPath, 'utf8').split('\n').findIndex((l) => l.includes('async def square'));
    await waitFor('25 inline after the def line', () => a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === def && /^→ 25 /.test(s.text)));

    // Detach: the engine restarts the worker without debugpy, and calls are served normally again.
    await vscode.debug.stopDebugging(session);
    await waitFor('a ready worker without debugging', async () => {
      const workers = await workersOfTree();
      return workers.length > 0 && workers.every((w) => w.kind === 'worker' && !w.record.local_debug && w.record.status === 'idle') ? workers : undefined;
    }, 60_000);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const again = await vscode.commands.executeCommand<RemoteRunResult>('vast.runPayload', payload);
    assert.ok(again?.ok && again.value === 25, `served normally after detaching: ${JSON.stringify(again)}`);
  });

  test('a launch configuration with waitForDebugger stops in a context\'s __aenter__ before the worker is ready', async () => {
    tracker.events.length = 0;
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const line = WITH_CONTEXT.split('\n').findIndex((l) => l.includes('self.factor = 3'));
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(contextFile(), new vscode.Position(line, 0)))]);
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
      type: 'vast',
      request: 'attach',
      name: 'Debug ctx-debug',
      deployment: contextFile().fsPath,
      waitForDebugger: true,
    });
    assert.equal(started, true, 'the debug session started');
    const session = vscode.debug.activeDebugSession!;
    const stopped = await waitFor('the worker stopping in __aenter__', () => tracker.events.find((e) => e.event === 'stopped'), 60_000);
    const { stackFrames } = await session.customRequest('stackTrace', { threadId: stopped.body.threadId, levels: 1 });
    assert.equal(stackFrames[0].name, '__aenter__');
    assert.equal(stackFrames[0].line, line + 1);
    await session.customRequest('continue', { threadId: stopped.body.threadId });
    await vscode.debug.stopDebugging(session);
  });

  test('a Deploy ends debugging that no debug session of this window holds (left on by a window that went away)', async () => {
    const { url, api_key } = JSON.parse(fs.readFileSync(path.join(process.env.VAST_DEPLOY_STATE!, 'engine.json'), 'utf8')) as { url: string; api_key: string };
    const headers = { authorization: `Bearer ${api_key}`, 'content-type': 'application/json' };
    const listed = (await (await fetch(`${url}/api/v0/deployments/`, { headers })).json()) as { deployments: { id: number; name: string }[] };
    const id = listed.deployments.find((d) => d.name === DEPLOYMENT)!.id;
    await fetch(`${url}/local/v0/deployments/${id}/debug`, { method: 'PUT', headers, body: JSON.stringify({ debug: true }) });
    await waitFor('the worker debugging', async () => (await workersOfTree()).find((w) => w.kind === 'worker' && w.record.local_debug && w.record.status === 'idle'));
    const text = fs.readFileSync(deployFile().fsPath, 'utf8');
    fs.writeFileSync(deployFile().fsPath, text.replace('return x * x', 'return x * x  # deployed while debugging was left on'));
    const deployed = await vscode.commands.executeCommand<boolean>('vast.deploy', { uri: deployFile().toString(), deploymentIndex: 0, deployment: DEPLOYMENT });
    assert.equal(deployed, true);
    await waitFor('a ready worker without debugging', async () => {
      const workers = (await workersOfTree()).filter((w) => w.kind === 'worker' && w.deployment.name === DEPLOYMENT);
      return workers.length > 0 && workers.every((w) => w.kind === 'worker' && !w.record.local_debug && w.record.status === 'idle') ? workers : undefined;
    }, 60_000);
  });

  test('Restart from the debug toolbar attaches again, to a fresh debug worker (debugpy takes one client per listen)', async () => {
    tracker.events.length = 0;
    assert.equal(await vscode.commands.executeCommand<boolean>('vast.debugRemotely', remoteArgs()), true);
    const firstPort = (vscode.debug.activeDebugSession!.configuration as { port?: number }).port;
    await waitFor('the first session attached', async () =>
      (await workersOfTree()).find((w) => w.kind === 'worker' && w.record.local_debug?.port === firstPort && w.record.local_debug?.debugger === 'attached'),
    );
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const returnLine = fs.readFileSync(deployFile().fsPath, 'utf8').split('\n').findIndex((l) => l.includes('return x * x'));
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(deployFile(), new vscode.Position(returnLine, 0)))]);
    await vscode.commands.executeCommand('workbench.action.debug.restart');
    const worker = await waitFor('the restarted session attached to a fresh worker', async () =>
      (await workersOfTree()).find((w) => w.kind === 'worker' && w.deployment.name === DEPLOYMENT && w.record.local_debug && w.record.local_debug.port !== firstPort && w.record.local_debug.debugger === 'attached'),
    );
    assert.ok(worker.kind === 'worker');
    const freshPort = worker.record.local_debug?.port;
    // Past the grace after the first session's end: debugging is still on, for the restarted session.
    await new Promise((r) => setTimeout(r, 3000));
    const session = vscode.debug.activeDebugSession;
    assert.equal(session?.type, 'vast');
    const { threads } = await session!.customRequest('threads');
    assert.ok(Array.isArray(threads) && threads.length > 0, 'the restarted session talks to the worker');
    assert.ok((await workersOfTree()).some((w) => w.kind === 'worker' && w.record.local_debug?.port === freshPort), 'still debugging on the fresh worker');
    // The fresh worker's copy of the file maps to the workspace file: the breakpoint stops a call.
    // The restarted session keeps its DebugSession, whose adapter trackers VS Code does not make again: the stop is
    // seen as the editor sees it, as the active stack frame.
    let stoppedAt: vscode.DebugStackFrame | undefined;
    const watch = vscode.debug.onDidChangeActiveStackItem((item) => {
      if (item instanceof vscode.DebugStackFrame) stoppedAt = item;
    });
    const payload = vscode.Uri.joinPath(payloadsDir(), 'payloads', DEPLOYMENT, 'square', 'default.json');
    const run = vscode.commands.executeCommand<RemoteRunResult>('vast.runPayload', payload);
    const frame = await waitFor('the call stopping in the fresh worker', () => stoppedAt, 60_000);
    watch.dispose();
    const { stackFrames } = await session!.customRequest('stackTrace', { threadId: frame.threadId, levels: 1 });
    const framePath: string = stackFrames[0].source.path;
    assert.equal(framePath.includes('://') ? vscode.Uri.parse(framePath).path : framePath, deployFile().path);
    assert.equal(stackFrames[0].line, returnLine + 1);
    await session!.customRequest('continue', { threadId: frame.threadId });
    assert.equal((await run)?.ok, true);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await vscode.debug.stopDebugging(session);
  });
});
