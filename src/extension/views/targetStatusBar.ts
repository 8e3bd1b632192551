// A status bar item that is always there: where deploys go (the selected target), whether the local engine runs and
// whether a cloud key is set. A click switches the target.
import * as vscode from 'vscode';
import { TARGET_ICONS, TARGET_LABELS, type TargetState } from '../targets/targetState';

export class TargetStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly targets: TargetState) {
    this.item = vscode.window.createStatusBarItem('vast.target', vscode.StatusBarAlignment.Left, 90);
    this.item.name = 'Vast target';
    this.item.command = 'vast.switchTarget';
    this.subscription = targets.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  update(): void {
    const selected = this.targets.selected;
    const local = this.targets.info('local');
    const cloud = this.targets.info('vast');
    const state = selected === 'local' ? (local.usable ? 'running' : 'stopped') : cloud.usable ? 'key set' : 'no key';
    this.item.text = `$(${TARGET_ICONS[selected]}) Vast: ${TARGET_LABELS[selected]} (${state})`;
    const tooltip = new vscode.MarkdownString(
      `Deploys and runs go to the **${TARGET_LABELS[selected]}**. Click to switch.\n\n` +
        `- Local engine: ${local.status}\n- Vast cloud: ${cloud.status}`,
    );
    this.item.tooltip = tooltip;
    this.item.backgroundColor = selected === 'vast' && !cloud.usable ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
