// The "Run History" view: each function run this session, its last runs below it (value or exception, time, worker,
// payload). A run opens its result; its inline action runs the same payload again.
import * as vscode from 'vscode';
import { inlineText, workerLabel } from '../ui/runResult';
import { RESULT_COMMANDS } from './inlineResults';
import type { RunEntry, RunResults } from './runResults';

export type HistoryNode = { kind: 'function'; key: string } | { kind: 'run'; entry: RunEntry };

export class RunHistoryTree implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HistoryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly runs: RunResults) {
    this.subscription = runs.onDidChange((entry) => {
      if (entry.state.kind === 'done') this.changed.fire(undefined);
    });
  }

  getChildren(node?: HistoryNode): HistoryNode[] {
    if (!node) return this.runs.functions().map((runs) => ({ kind: 'function', key: runs[0].key }));
    if (node.kind === 'function') return this.runs.history(node.key).map((entry) => ({ kind: 'run', entry }));
    return [];
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    if (node.kind === 'function') {
      const [latest] = this.runs.history(node.key);
      const item = new vscode.TreeItem(`${latest?.function ?? node.key}()`, vscode.TreeItemCollapsibleState.Expanded);
      item.description = latest ? `${latest.deployment}${latest.tag && latest.tag !== 'default' ? `:${latest.tag}` : ''}` : undefined;
      item.iconPath = new vscode.ThemeIcon('symbol-function');
      item.contextValue = 'vast.runFunction';
      return item;
    }
    const entry = node.entry;
    const item = new vscode.TreeItem(inlineText(entry.state));
    const worker = entry.state.kind === 'done' ? workerLabel(entry.state.result) : undefined;
    item.description = [entry.startedAt.toLocaleTimeString(), worker, entry.payloadName, entry.targetLabel].filter(Boolean).join(' · ');
    const failed = entry.state.kind === 'done' && !entry.state.result.ok;
    item.iconPath = new vscode.ThemeIcon(failed ? 'error' : 'pass', new vscode.ThemeColor(failed ? 'errorForeground' : 'testing.iconPassed'));
    item.tooltip = `${entry.function}(${entry.payloadName}) with ${JSON.stringify(entry.kwargs)}\n${item.description}`;
    item.contextValue = 'vast.run';
    item.command = { title: 'Open result', command: RESULT_COMMANDS.open, arguments: [entry.id] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
