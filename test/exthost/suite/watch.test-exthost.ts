// Watch mode in the editor against the REAL deploy core and local engine: a copy of examples/square is watched; each
// save in the editor soft-updates the deployment and runs the last payload again, so the inline result after the
// def line changes in place. Also: the cloud target is refused, a file with checker errors is not deployed (the
// status bar item says why), a tier 3 change is asked and not made when declined, a burst of saves ends with the
// last one, a save of an image.copy() source updates too, and switching the target or the status bar item's click
// stops it.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/extension/views/treeNodes';
import { api, EXTENSION_ID, waitFor } from '../support';

const DEPLOYMENT = 'watch-square';

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the tests run with test/fixtures/ws open');
  return f.uri;
}
const appDir = () => vscode.Uri.joinPath(folder(), 'watch_square');
const deployFile = () => vscode.Uri.joinPath(appDir(), 'deploy.py');
const payloadsDir = () => vscode.Uri.joinPath(folder(), '.vast');
const lensArgs = () => ({ uri: deployFile().toString(), deploymentIndex: 0, deployment: DEPLOYMENT });

async function setTarget(value: 'vast' | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('vast').update('target', value, vscode.ConfigurationTarget.Global);
}

async function watchLens(): Promise<vscode.Command | undefined> {
  const ls = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', deployFile(), 10)) ?? [];
  return ls.find((l) => l.command?.command === 'vast.watch' || l.command?.command === 'vast.stopWatching')?.command;
}

/** Replaces `from` with `to` in the document (the deployment file by default) and saves it, as a user does in the editor. */
async function editAndSave(from: string, to: string, file = deployFile()): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(file);
  const text = doc.getText();
  const at = text.indexOf(from);
  assert.ok(at >= 0, `"${from}" is in the file`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length)), to);
  assert.ok(await vscode.workspace.applyEdit(edit));
  assert.ok(await doc.save());
}

const defLine = () => fs.readFileSync(deployFile().fsPath, 'utf8').split('\n').findIndex((l) => l.includes('def square'));

/** The inline text after square's def line once it is a value matching `pattern`. */
async function inlineValue(pattern: RegExp): Promise<{ text: string; runId: number }> {
  const a = await api();
  try {
    return await waitFor(`an inline value ${pattern}`, () => a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === defLine() && s.look === 'value' && pattern.test(s.text)), 60_000);
  } catch (err) {
    const seen = JSON.stringify({ shown: a.ui.runs.inline.shownIn(deployFile()), watch: a.ui.watch.mode.list().map((w) => w.state) });
    throw new Error(`${(err as Error).message}; seen: ${seen}`);
  }
}

suite('Vast Watch with the local engine', function () {
  this.timeout(240_000);

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const source = fs.readFileSync(path.join(extension.extensionPath, 'examples', 'square', 'deploy.py'), 'utf8');
    await vscode.workspace.fs.createDirectory(appDir());
    await vscode.workspace.fs.writeFile(deployFile(), Buffer.from(source.replace('name="square"', `name="${DEPLOYMENT}"`)));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(deployFile()), { preview: false });
    await api();
  });

  suiteTeardown(async () => {
    const a = await api();
    a.ui.watch.mode.stopAll();
    await setTarget(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vast.stopEngine');
    await vscode.workspace.fs.delete(appDir(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    await vscode.workspace.fs.delete(payloadsDir(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  test('on the Vast cloud target, Watch refuses and says why', async () => {
    const a = await api();
    await setTarget('vast');
    try {
      await waitFor('the cloud target', () => a.ui.targets.selected === 'vast');
      await assert.rejects(a.ui.watch.mode.start(lensArgs()), /^Error: Watch works with the local engine only: .*Switch the target to the local engine/);
      assert.deepEqual(a.ui.watch.mode.list(), []);
    } finally {
      await setTarget(undefined);
    }
  });

  test('the Watch lens turns watching on: the deployment is deployed and its benchmark sample shows inline', async () => {
    const a = await api();
    const lens = await waitFor('the Watch lens', watchLens);
    assert.equal(lens.title, '$(eye) Watch');
    assert.equal(await vscode.commands.executeCommand(lens.command, ...(lens.arguments ?? [])), true);
    const first = await inlineValue(/^→ 4 · /); // square(x=2): the first sample of its benchmark_dataset
    assert.ok(first.runId > 0);
    await waitFor('the Stop watching lens', async () => ((await watchLens())?.title === '$(eye-closed) Stop watching' ? true : undefined));
    assert.match(a.ui.watch.statusBar.item.text, /Vast: watching watch-square/);
    assert.equal(a.ui.watch.statusBar.item.command, 'vast.stopWatching');
    await a.ui.watch.mode.settled();
    const [session] = a.ui.watch.mode.list();
    assert.equal(session.state.kind, 'waiting');
    assert.match(session.state.kind === 'waiting' ? session.state.last : '', /^create: new deployment.*; ran square\(benchmark sample\)$/);
  });

  test('an edit saved in the editor soft-updates the worker and the inline result changes in place', async () => {
    const a = await api();
    const before = await inlineValue(/^→ 4 · /);
    await editAndSave('return x * x', 'return x * x + 1');
    const after = await inlineValue(/^→ 5 · /);
    assert.ok(after.runId > before.runId, 'a new run');
    await a.ui.watch.mode.settled();
    const [session] = a.ui.watch.mode.list();
    assert.match(session.state.kind === 'waiting' ? session.state.last : session.state.kind, /^tier 2 soft update: code changed.*; ran square\(benchmark sample\) again$/);
  });

  test('a burst of saves is coalesced and the last save wins', async () => {
    const a = await api();
    const [session] = a.ui.watch.mode.list();
    const updates = session.updates;
    await editAndSave('return x * x + 1', 'return x * x + 2');
    await editAndSave('return x * x + 2', 'return x * x + 3');
    await editAndSave('return x * x + 3', 'return x * x + 4');
    await inlineValue(/^→ 8 · /);
    await a.ui.watch.mode.settled();
    assert.match(a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === defLine())?.text ?? '', /^→ 8 · /, 'the last save is what runs');
    assert.ok(session.updates - updates <= 2, `three saves in a burst made ${session.updates - updates} updates`);
  });

  test('a save with checker errors is not deployed: the status bar item says why and the inline value stays', async () => {
    const a = await api();
    const [session] = a.ui.watch.mode.list();
    const shown = await inlineValue(/^→ 8 · /);
    const updates = session.updates;
    await editAndSave('async def square', 'def square'); // VD001: a remote function must be async
    await waitFor('the update of the broken save', () => session.updates > updates);
    assert.equal(session.state.kind, 'refused');
    assert.match(String(a.ui.watch.statusBar.item.tooltip), /not deployed: /);
    assert.match(a.ui.watch.statusBar.item.text, /\(not deployed\)/);
    assert.equal(a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === defLine())?.runId, shown.runId, 'nothing ran');
    // Fixed: the next save deploys and runs again.
    await editAndSave('def square', 'async def square');
    const again = await inlineValue(/^→ 8 · /);
    await waitFor('a new run after the fix', () => (a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === defLine())?.runId ?? 0) > shown.runId);
    assert.ok(again);
  });

  test('a tier 3 change is asked for and not deployed when declined', async () => {
    const a = await api();
    const mode = a.ui.watch.mode;
    const [session] = mode.list();
    await mode.settled();
    const runId = a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === defLine())?.runId;
    const asked: (number | string)[] = [];
    const original = mode.ask;
    mode.ask = async (plan) => {
      asked.push(plan.tier);
      return false;
    };
    try {
      const updates = session.updates;
      await editAndSave('storage=16', 'storage=20');
      await waitFor('the update of the tier 3 save', () => session.updates > updates);
      assert.deepEqual(asked, [3]);
      assert.match(session.state.kind === 'waiting' ? session.state.last : session.state.kind, /^skipped a tier 3 change/);
      assert.equal(a.ui.runs.inline.shownIn(deployFile()).find((s) => s.line === defLine())?.runId, runId, 'nothing ran');
    } finally {
      mode.ask = original;
    }
    await editAndSave('storage=20', 'storage=16');
    await mode.settled();
  });

  test('saving one of its image.copy() sources updates the deployment and runs again too', async () => {
    const a = await api();
    const offset = vscode.Uri.joinPath(appDir(), 'offset.txt');
    await vscode.workspace.fs.writeFile(offset, Buffer.from('10\n'));
    await editAndSave('image.require(', 'image.copy("offset.txt", "/app/offset.txt")\nimage.require(');
    await a.ui.watch.mode.settled();
    // The worker reads the copy at its absolute destination (the engine maps it into the worker's folder).
    await editAndSave('return x * x + 4', 'return x * x + int(open("/app/offset.txt").read())');
    await inlineValue(/^→ 14 · /);
    await a.ui.watch.mode.settled();
    await editAndSave('10', '20', offset); // not open in an editor: a save is a save
    await inlineValue(/^→ 24 · /);
  });

  test('switching the target to the Vast cloud stops watching; Watch from the tree starts it again; a click on the status bar item stops it', async () => {
    const a = await api();
    const mode = a.ui.watch.mode;
    assert.equal(mode.list().length, 1);
    await setTarget('vast');
    try {
      await waitFor('the watch to stop', () => mode.list().length === 0);
      await waitFor('the Watch lens again', async () => ((await watchLens())?.title === '$(eye) Watch' ? true : undefined));
    } finally {
      await setTarget(undefined);
    }
    await waitFor('the local target', () => a.ui.targets.selected === 'local');
    // Watch on the deployment's row in the Deployments view watches the file that defines it.
    a.ui.tree.refresh();
    const children = async (node?: TreeNode) => ((await a.ui.tree.getChildren(node)) ?? []) as TreeNode[];
    const local = await waitFor('the local engine in the tree', async () => (await children()).find((n) => n.kind === 'target' && n.target === 'local'));
    const row = await waitFor(`${DEPLOYMENT} in the tree`, async () => (await children(local)).find((n) => n.kind === 'deployment' && n.record.name === DEPLOYMENT));
    assert.equal(await vscode.commands.executeCommand('vast.watchFromTree', row), true);
    assert.deepEqual(mode.list().map((w) => [w.uri.toString(), w.deployment]), [[deployFile().toString(), DEPLOYMENT]]);
    await vscode.commands.executeCommand(String(a.ui.watch.statusBar.item.command));
    assert.deepEqual(mode.list(), []);
  });

  test('without Watch too, saving an image.copy() source makes the Deploy lens plan again', async () => {
    assert.deepEqual((await api()).ui.watch.mode.list(), []);
    const deployTitle = async () => {
      const ls = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', deployFile(), 10)) ?? [];
      return ls.find((l) => l.command?.command === 'vast.deploy')?.command?.title;
    };
    await waitFor('the tier 0 title', async () => (await deployTitle())?.includes('tier 0'));
    // The deployment file's version stays the same; the plan of that version must not.
    await editAndSave('20', '30', vscode.Uri.joinPath(appDir(), 'offset.txt'));
    await waitFor('the tier 2 title', async () => (await deployTitle())?.includes('tier 2 soft update'));
  });
});
