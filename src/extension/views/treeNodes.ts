// The Vast tree's nodes and their TreeItems: target → deployments → endpoint → workergroup → workers.
import * as vscode from 'vscode';
import type { TargetKind } from '../../shared/protocol/target';
import type { DeploymentRecord, EndpointRecord, WorkergroupRecord, WorkerRecord } from '../../shared/protocol/vast';
import { deploymentText, endpointText, workergroupText, workerText, type ItemText } from '../ui/treeLabels';
import { workerStatusInfo } from '../../deploy/workerStatus';
import { TARGET_ICONS, type TargetInfo } from '../targets/targetState';

export type TreeNode =
  | { kind: 'target'; target: TargetKind; info: TargetInfo; selected: boolean }
  | {
      kind: 'deployment';
      target: TargetKind;
      record: DeploymentRecord;
      following: boolean;
      /** active / suspended / stopped, from the endpoint (the deployment list does not carry it). */
      state?: string;
      /** Failing workers (or a read error), shown as a warning icon and in the tooltip. */
      problem?: string;
    }
  | {
      kind: 'endpoint';
      target: TargetKind;
      deployment: DeploymentRecord;
      record: EndpointRecord;
      /** Live spend of its workers (cloud), when their prices are known. */
      spend?: { short: string; tooltip: string };
    }
  | {
      kind: 'workergroup';
      target: TargetKind;
      deployment: DeploymentRecord;
      record: WorkergroupRecord;
      workers: WorkerRecord[];
      /** It has an Offers row (views/offerRows.ts) above its workers. */
      offers?: boolean;
    }
  | {
      kind: 'worker';
      target: TargetKind;
      deployment: DeploymentRecord;
      record: WorkerRecord;
      /** Its instance's dph_total (cloud), when read. */
      pricePerHour?: number | null;
    }
  | { kind: 'message'; id: string; text: string; detail?: string; icon: string; color?: string };

export function deploymentKey(target: TargetKind, deploymentId: number): string {
  return `${target}:${deploymentId}`;
}

function item(text: ItemText, state: vscode.TreeItemCollapsibleState): vscode.TreeItem {
  const t = new vscode.TreeItem(text.label, state);
  t.description = text.description;
  t.tooltip = text.tooltip;
  return t;
}

const { None, Collapsed, Expanded } = vscode.TreeItemCollapsibleState;

const DEPLOYMENT_STATE_ICONS: Record<string, string> = { active: 'rocket', suspended: 'debug-pause', stopped: 'debug-stop' };

export function treeItemOf(node: TreeNode, now: number): vscode.TreeItem {
  switch (node.kind) {
    case 'target': {
      const t = new vscode.TreeItem(node.info.label, node.info.usable ? Expanded : None);
      t.id = `target:${node.target}`;
      t.description = `${node.info.status}${node.selected ? ' · selected' : ''}`;
      t.iconPath = new vscode.ThemeIcon(TARGET_ICONS[node.target]);
      t.tooltip = `${node.info.label}: ${node.info.status}${node.selected ? '\nDeploys go here (vast.target).' : ''}`;
      t.contextValue = `vast.target.${node.target}.${node.info.usable ? 'usable' : 'unusable'}${node.selected ? '.selected' : ''}`;
      return t;
    }
    case 'deployment': {
      const state = node.state ?? 'unknown';
      const text = deploymentText({ ...node.record, endpoint_state: node.state as DeploymentRecord['endpoint_state'] });
      const t = item(text, Collapsed);
      t.id = `deployment:${deploymentKey(node.target, node.record.id)}`;
      if (node.problem) {
        t.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        t.description = [text.description, 'problem'].filter(Boolean).join(' · ');
        t.tooltip = `${text.tooltip}\nProblem: ${node.problem}`;
      } else t.iconPath = new vscode.ThemeIcon(DEPLOYMENT_STATE_ICONS[state] ?? 'question');
      t.contextValue = `vast.deployment.${state}${node.following ? '.following' : ''}`;
      return t;
    }
    case 'endpoint': {
      const t = item(endpointText(node.record, node.spend), Expanded);
      t.id = `endpoint:${node.target}:${node.record.id}`;
      t.iconPath = new vscode.ThemeIcon('plug');
      t.contextValue = 'vast.endpoint';
      return t;
    }
    case 'workergroup': {
      const t = item(workergroupText(node.record), node.workers.length || node.offers ? Expanded : None);
      t.id = `workergroup:${node.target}:${node.record.id}`;
      t.iconPath = new vscode.ThemeIcon('server');
      t.contextValue = 'vast.workergroup';
      return t;
    }
    case 'worker': {
      const status = workerStatusInfo(node.record.status);
      const t = item(workerText(node.record, now, node.pricePerHour), None);
      t.id = `worker:${node.target}:${node.deployment.id}:${node.record.id}`;
      t.iconPath = node.record.local_debug
        ? new vscode.ThemeIcon('debug', new vscode.ThemeColor('debugIcon.breakpointForeground'))
        : new vscode.ThemeIcon(status.icon, status.color ? new vscode.ThemeColor(status.color) : undefined);
      t.contextValue = `vast.worker.${status.category}`;
      return t;
    }
    case 'message': {
      const t = new vscode.TreeItem(node.text, None);
      t.id = `message:${node.id}`;
      t.tooltip = node.detail ?? node.text;
      t.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
      t.contextValue = 'vast.message';
      return t;
    }
  }
}
