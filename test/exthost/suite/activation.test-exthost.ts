// Thin checks inside a real VS Code: the extension activates on Python, its language server starts, and
// diagnostics reach the editor. Named *.test-exthost.ts so that build.mjs (which bundles *.test.ts for node --test)
// leaves it alone; scripts/build-exthost.mjs bundles it into out/exthost/suite/.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VastExtensionApi } from '../../../src/extension/extension';
import { EXTENSION_ID } from '../support';


function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with test/fixtures/ws open');
  return vscode.Uri.joinPath(folder.uri, name);
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

function vastDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'vast');
}

/** Resolves with the diagnostics of `uri` once `accept` holds for them; rejects after `timeoutMs`. */
function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (ds: vscode.Diagnostic[]) => boolean,
  timeoutMs: number,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const ds = vastDiagnostics(uri);
      if (!accept(ds)) return false;
      cleanup();
      resolve(ds);
      return true;
    };
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${d.source}/${codeOf(d)}: ${d.message}`);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for diagnostics on ${uri.path}; have: ${JSON.stringify(seen)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      listener.dispose();
    };
    check();
  });
}

suite('Vast Deployments in VS Code', () => {
  test('activates on a Python file and starts the language server', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('good_deploy.py'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'python');
    const ext = vscode.extensions.getExtension<VastExtensionApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    const api = await ext.activate();
    assert.ok(ext.isActive);
    const client = await api.whenReady();
    assert.ok(client.isRunning(), 'the language client is running');
    assert.equal(api.languageClient, client);
    // The API other extensions see: the language client; the UI's internals only as test hooks, in test mode.
    assert.deepEqual(Object.keys(api).sort(), ['languageClient', 'testHooks', 'whenReady']);
    assert.ok(api.testHooks, 'VS Code runs these tests in ExtensionMode.Test, the only mode with test hooks');
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('vast.restartLanguageServer'));
  });

  test('a remote function that is not async gets VD001 within 10 s', async () => {
    const uri = workspaceFile('bad_deploy.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const ds = await waitForDiagnostics(uri, (all) => all.some((d) => codeOf(d) === 'VD001'), 10_000);
    const vd001 = ds.find((d) => codeOf(d) === 'VD001')!;
    const line = (await vscode.workspace.openTextDocument(uri)).lineAt(vd001.range.start.line).text;
    assert.match(line, /def square/, `VD001 points at the function: ${JSON.stringify(line)}`);
  });

  test('a clean deployment file has no vast diagnostics', async () => {
    // good_deploy.py was opened first; bad_deploy.py's VD001 above shows the server has caught up. Give the
    // publication of the (empty) result a moment, then require none.
    const uri = workspaceFile('good_deploy.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(
      vastDiagnostics(uri).map((d) => `${codeOf(d)}: ${d.message}`),
      [],
    );
  });

  test('vast.diagnostics.enable reaches the server: off clears VD001, on brings it back', async () => {
    const uri = workspaceFile('bad_deploy.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const config = vscode.workspace.getConfiguration('vast');
    try {
      await config.update('diagnostics.enable', false, vscode.ConfigurationTarget.Global);
      await waitForDiagnostics(uri, (all) => all.length === 0, 10_000);
    } finally {
      await config.update('diagnostics.enable', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForDiagnostics(uri, (all) => all.some((d) => codeOf(d) === 'VD001'), 10_000);
  });

  test('vast.restartLanguageServer restarts the server', async () => {
    const api = await vscode.extensions.getExtension<VastExtensionApi>(EXTENSION_ID)!.activate();
    const before = await api.whenReady();
    await vscode.commands.executeCommand('vast.restartLanguageServer');
    const after = await api.whenReady();
    assert.notEqual(after, before, 'a new client after the restart');
    assert.ok(after.isRunning());
    const uri = workspaceFile('bad_deploy.py');
    await waitForDiagnostics(uri, (all) => all.some((d) => codeOf(d) === 'VD001'), 10_000);
  });
});
