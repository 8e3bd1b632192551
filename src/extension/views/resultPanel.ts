// The result view: one webview panel showing one run (renderResultHtml), following that function's latest run while
// it stays open. Traceback links open the workspace file at the frame's line; "Run again" re-runs the same payload.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { renderResultHtml } from '../ui/resultView';
import { RESULT_COMMANDS } from './inlineResults';
import type { RunEntry, RunResults } from './runResults';

export class ResultPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private entry: RunEntry | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(runs: RunResults) {
    this.subscription = runs.onDidChange((changed) => {
      if (this.panel && this.entry && changed.key === this.entry.key) this.render(changed);
    });
  }

  show(entry: RunEntry): vscode.WebviewPanel {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('vast.runResult', 'Result', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, localResourceRoots: [] });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.entry = undefined;
      });
      this.panel.webview.onDidReceiveMessage((m: { type?: string; file?: unknown; line?: unknown }) => {
        if (m?.type === 'open' && typeof m.file === 'string' && typeof m.line === 'number') void this.openFrame(m.file, m.line);
        if (m?.type === 'rerun' && this.entry) void vscode.commands.executeCommand(RESULT_COMMANDS.rerun, this.entry.id);
      });
    }
    this.render(entry);
    this.panel.reveal(vscode.ViewColumn.Beside, true);
    return this.panel;
  }

  /** The HTML of the open view, if any (tests read it). */
  get html(): string | undefined {
    return this.panel?.webview.html;
  }

  private render(entry: RunEntry): void {
    if (!this.panel) return;
    this.entry = entry;
    this.panel.title = `Result: ${entry.function}(${entry.payloadName})`;
    this.panel.webview.html = renderResultHtml(entry, { nonce: randomBytes(16).toString('base64'), cspSource: this.panel.webview.cspSource });
  }

  private async openFrame(file: string, line: number): Promise<void> {
    const position = new vscode.Position(Math.max(0, line - 1), 0);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
