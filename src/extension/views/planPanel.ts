// The plan view: a webview per deployment with the change table, the config diff and a Deploy button.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Plan } from '../../deploy/types';
import { renderPlanHtml } from '../ui/planView';

export class PlanPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly deployHandlers = new Map<string, () => void>();

  /** Shows `plan` (replacing an open panel of the same deployment); `onDeploy` runs when its button is pressed. */
  show(plan: Plan, targetLabel: string, onDeploy: () => void): vscode.WebviewPanel {
    const key = `${plan.deployment.name}:${plan.deployment.tag}`;
    let panel = this.panels.get(key);
    if (!panel) {
      panel = vscode.window.createWebviewPanel('vast.plan', `Plan: ${key}`, vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [] });
      this.panels.set(key, panel);
      panel.onDidDispose(() => {
        this.panels.delete(key);
        this.deployHandlers.delete(key);
      });
      panel.webview.onDidReceiveMessage((m: { type?: string }) => {
        if (m?.type === 'deploy') this.deployHandlers.get(key)?.();
      });
    }
    this.deployHandlers.set(key, onDeploy);
    panel.webview.html = renderPlanHtml(plan, { nonce: randomBytes(16).toString('base64'), cspSource: panel.webview.cspSource, targetLabel });
    panel.reveal(vscode.ViewColumn.Beside, true);
    return panel;
  }

  /** The open panel of a deployment, if any (tests read its HTML). */
  get(name: string, tag: string): vscode.WebviewPanel | undefined {
    return this.panels.get(`${name}:${tag}`);
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}
