// The status bar item of Watch: shown while a deployment is watched, with what the watch is doing (updating, waiting
// for a save, a file that does not deploy and why); a click turns watching off.
import * as path from 'path';
import * as vscode from 'vscode';
import type { WatchMode, WatchSession, WatchState } from '../core/watchMode';

export const STOP_WATCHING_COMMAND = 'vast.stopWatching';

function stateLine(state: WatchState): string {
  switch (state.kind) {
    case 'starting':
      return 'starting';
    case 'updating':
      return `updating: ${state.step}`;
    case 'waiting':
      return `waiting for a save (last: ${state.last})`;
    case 'refused':
      return `not deployed: ${state.reason}`;
    case 'failed':
      return `the last update failed: ${state.reason}`;
  }
}

const nameOf = (s: WatchSession) => s.deployment || path.basename(s.uri.fsPath);

export class WatchStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly watch: WatchMode) {
    this.item = vscode.window.createStatusBarItem('vast.watch', vscode.StatusBarAlignment.Left, 89);
    this.item.name = 'Vast watch';
    this.item.command = STOP_WATCHING_COMMAND;
    this.subscription = watch.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const sessions = this.watch.list();
    if (!sessions.length) {
      this.item.hide();
      return;
    }
    const busy = sessions.some((s) => s.state.kind === 'updating' || s.state.kind === 'starting');
    const troubled = sessions.some((s) => s.state.kind === 'refused' || s.state.kind === 'failed');
    const names = sessions.map(nameOf).join(', ');
    this.item.text = `$(${busy ? 'sync~spin' : troubled ? 'warning' : 'eye'}) Vast: watching ${names}${troubled && !busy ? ' (not deployed)' : ''}`;
    // Plain text: reasons come from the checker and the engine (file names, messages), never markup.
    this.item.tooltip = [
      ...sessions.map((s) => `${nameOf(s)} (${vscode.workspace.asRelativePath(s.uri)}): ${stateLine(s.state)}`),
      '',
      'Each save updates the local engine and runs the last payload again. Click to stop watching.',
    ].join('\n');
    this.item.backgroundColor = troubled && !busy ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
