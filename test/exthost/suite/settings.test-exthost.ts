// `vast.diagnostics.enable` off when the language server starts: the server asks VS Code for the settings before it
// publishes anything, so no diagnostic flashes on; turning the setting on (the server asks again) brings them.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { VastExtensionApi } from '../../../src/extension/extension';
import { EXTENSION_ID } from '../support';


function badDeploy(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with test/fixtures/ws open');
  return vscode.Uri.joinPath(folder.uri, 'bad_deploy.py');
}

const vd001 = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'vast' && (typeof d.code === 'object' ? d.code.value : d.code) === 'VD001');

async function waitFor(what: string, done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

suite('Settings reach the language server', function () {
  this.timeout(60_000);

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('vast').update('diagnostics.enable', undefined, vscode.ConfigurationTarget.Global);
  });

  test('a server started with vast.diagnostics.enable off never shows diagnostics; turning it on shows them', async () => {
    const api = await vscode.extensions.getExtension<VastExtensionApi>(EXTENSION_ID)!.activate();
    const uri = badDeploy();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await vscode.workspace.getConfiguration('vast').update('diagnostics.enable', false, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('vast.restartLanguageServer');
    const client = await api.whenReady();
    // Any VD001 from the restarted server, however briefly shown, is a flash.
    let flashed = false;
    const watch = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && vd001(uri).length) flashed = true;
    });
    try {
      // The server has the document open once it answers a request on it; give publication a moment after that.
      await client.sendRequest('textDocument/documentSymbol', { textDocument: { uri: uri.toString() } });
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(flashed || vd001(uri).length > 0, false, 'no VD001 while the setting is off');
    } finally {
      watch.dispose();
    }
    await vscode.workspace.getConfiguration('vast').update('diagnostics.enable', true, vscode.ConfigurationTarget.Global);
    await waitFor('VD001 after turning the setting on', () => vd001(uri).length > 0);
  });
});
