// Context-menu commands of the Deployments view: stop/start/delete, follow logs, open the deployment file, run.
import * as vscode from 'vscode';
import type { LogFollower } from '../logs/logFollower';
import type { Outlines } from '../payloads/outlines';
import type { PayloadCommands } from '../payloads/payloadCommands';
import { requireTrust } from '../trust';
import type { DeploymentsTree } from '../views/deploymentsTree';
import type { TreeNode } from '../views/treeNodes';

type DeploymentNode = Extract<TreeNode, { kind: 'deployment' }>;

function deploymentNode(node: unknown): DeploymentNode {
  const n = node as TreeNode | undefined;
  if (n?.kind !== 'deployment') throw new Error('Use this command from a deployment in the Vast view.');
  return n;
}

export class TreeCommands {
  constructor(
    private readonly tree: DeploymentsTree,
    private readonly follower: LogFollower,
    private readonly outlines: Outlines,
    private readonly payloads: PayloadCommands,
  ) {}

  private source(node: DeploymentNode) {
    const source = this.tree.sourceFor(node.target);
    if (!source) throw new Error(`The ${node.target === 'vast' ? 'Vast cloud' : 'local engine'} is not connected.`);
    return source;
  }

  async stop(node: unknown): Promise<void> {
    const n = deploymentNode(node);
    if (!(await requireTrust('Stopping a deployment'))) return;
    await this.source(n).stopDeployment(n.record.id);
    this.tree.refresh();
  }

  async start(node: unknown): Promise<void> {
    const n = deploymentNode(node);
    if (!(await requireTrust('Starting a deployment'))) return;
    await this.source(n).startDeployment(n.record.id);
    this.tree.refresh();
  }

  async delete(node: unknown): Promise<boolean> {
    const n = deploymentNode(node);
    if (!(await requireTrust('Deleting a deployment'))) return false;
    const name = `${n.record.name}:${n.record.tag}`;
    const ok = await vscode.window.showWarningMessage(
      `Delete deployment ${name}? Its endpoint and workers are destroyed; this cannot be undone.`,
      { modal: true },
      'Delete',
    );
    if (ok !== 'Delete') return false;
    await this.source(n).deleteDeployment(n.record.id);
    this.follower.unfollow(n.target, n.record.id);
    this.tree.refresh();
    return true;
  }

  followLogs(node: unknown): vscode.OutputChannel {
    const n = deploymentNode(node);
    const channel = this.follower.follow(n.target, n.record, this.source(n));
    this.tree.refresh();
    return channel;
  }

  async stopFollowingLogs(node: unknown): Promise<void> {
    if (node) {
      const n = deploymentNode(node);
      this.follower.unfollow(n.target, n.record.id);
    } else {
      const followed = this.follower.entries();
      if (!followed.length) {
        void vscode.window.showInformationMessage('No deployment logs are being followed.');
        return;
      }
      const pick = await vscode.window.showQuickPick(followed.map((f) => ({ label: f.name, entry: f })), { placeHolder: 'Stop following which logs?' });
      if (pick) this.follower.unfollow(pick.entry.target, pick.entry.deploymentId);
    }
    this.tree.refresh();
  }

  async openDeploymentFile(node: unknown): Promise<vscode.Uri | undefined> {
    const n = deploymentNode(node);
    const found = await this.outlines.findDeployment(n.record.name);
    if (!found) throw new Error(`No file in this workspace defines Deployment(name="${n.record.name}").`);
    const editor = await vscode.window.showTextDocument(found.uri, { preview: false });
    const start = new vscode.Position(found.deployment.range.start.line, found.deployment.range.start.character);
    editor.selection = new vscode.Selection(start, start);
    editor.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return found.uri;
  }

  async runRemotely(node: unknown): Promise<vscode.Uri | undefined> {
    const n = deploymentNode(node);
    const found = await this.outlines.findDeployment(n.record.name);
    if (!found) throw new Error(`No file in this workspace defines Deployment(name="${n.record.name}").`);
    const remotes = found.deployment.remotes;
    if (!remotes.length) throw new Error(`Deployment ${n.record.name} has no @remote functions.`);
    const fn = remotes.length === 1 ? remotes[0].name : (await vscode.window.showQuickPick(remotes.map((r) => r.name), { placeHolder: 'Run which remote function?' }));
    if (!fn) return undefined;
    return this.payloads.runRemotely({ uri: found.uri.toString(), deployment: found.deployment.name, function: fn });
  }
}
