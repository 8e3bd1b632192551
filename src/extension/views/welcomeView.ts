// What the Deployments view's welcome content (package.json, viewsWelcome) needs: the context keys its "when" clauses
// read, kept up to date, and "Open Example", which opens a deployment file of the workspace, or the walkthrough's
// example as a new file when the workspace has none.
import * as vscode from 'vscode';
import type { TargetState } from '../targets/targetState';

/** Files that declare a deployment: Python that calls Deployment(...). */
const DEPLOYMENT_CALL = /\bDeployment\s*\(/;
const isDeploymentFile = (doc: vscode.TextDocument) => doc.languageId === 'python' && DEPLOYMENT_CALL.test(doc.getText());

export class WelcomeView implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly targets: TargetState,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.disposables = [
      targets.onDidChange(() => this.update()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.update()),
      vscode.workspace.onDidSaveTextDocument(() => this.update()),
    ];
    this.update();
  }

  /** `vast.engineRunning` and `vast.deploymentFileOpen` (`vast.hasApiKey` is the key store's). */
  update(): void {
    void vscode.commands.executeCommand('setContext', 'vast.engineRunning', this.targets.info('local').usable);
    void vscode.commands.executeCommand('setContext', 'vast.deploymentFileOpen', vscode.window.visibleTextEditors.some((e) => isDeploymentFile(e.document)));
  }

  /** Opens a deployment file: the workspace's (a pick when there are several), else the walkthrough's example, unsaved. */
  async openExample(): Promise<vscode.TextDocument | undefined> {
    const found: vscode.Uri[] = [];
    for (const uri of await vscode.workspace.findFiles('**/*.py', '**/{node_modules,.venv,venv,.git,site-packages}/**', 500)) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      if (DEPLOYMENT_CALL.test(text)) found.push(uri);
    }
    // The square example first: the smallest one, and the one the README starts with.
    found.sort((a, b) => Number(b.path.includes('/square/')) - Number(a.path.includes('/square/')) || a.path.localeCompare(b.path));
    let uri = found[0];
    if (found.length > 1) {
      const pick = await vscode.window.showQuickPick(
        found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
        { placeHolder: 'Open which deployment file?' },
      );
      if (!pick) return undefined;
      uri = pick.uri;
    }
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : await vscode.workspace.openTextDocument({ language: 'python', content: await this.walkthroughExample() });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }

  /** The example of the walkthrough's "Write a deployment" step (one home for it): its first python block. */
  private async walkthroughExample(): Promise<string> {
    const md = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'media', 'walkthrough', 'write.md')));
    return /```python\n([\s\S]*?)```/.exec(md)?.[1] ?? 'from vastai import Deployment\n\napp = Deployment(name="my-app")\n';
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
