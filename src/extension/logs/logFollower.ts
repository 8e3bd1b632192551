// "Follow logs": one output channel per followed deployment, fed by polling the endpoint's log tail and appending
// only the lines that are new since the last poll.
import * as vscode from 'vscode';
import type { TargetKind } from '../../shared/protocol/target';
import type { DeploymentRecord, EndpointLogsResponse } from '../../shared/protocol/vast';
import { appendedLines, splitLogLines } from '../../vast-api/logTail';
import { redact } from '../../shared/redact';
import type { DeploymentsSource } from '../contracts';
import { deploymentKey } from '../views/treeNodes';

const STREAMS: (keyof EndpointLogsResponse)[] = ['info0', 'info1'];
const INTERVAL_MS = 5000;

interface Followed {
  target: TargetKind;
  deploymentId: number;
  channel: vscode.OutputChannel;
  timer: NodeJS.Timeout;
  last: Map<keyof EndpointLogsResponse, string[]>;
  busy: boolean;
  failures: number;
}

export class LogFollower implements vscode.Disposable {
  private readonly followed = new Map<string, Followed>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: () => string[]) {}

  isFollowing(target: TargetKind, deploymentId: number): boolean {
    return this.followed.has(deploymentKey(target, deploymentId));
  }

  /** The channel of a followed deployment (tests read its name). */
  channel(target: TargetKind, deploymentId: number): vscode.OutputChannel | undefined {
    return this.followed.get(deploymentKey(target, deploymentId))?.channel;
  }

  /** Followed deployments, with their channel names. */
  entries(): { target: TargetKind; deploymentId: number; name: string }[] {
    return [...this.followed.values()].map((f) => ({ target: f.target, deploymentId: f.deploymentId, name: f.channel.name }));
  }

  follow(target: TargetKind, deployment: DeploymentRecord, source: DeploymentsSource): vscode.OutputChannel {
    const key = deploymentKey(target, deployment.id);
    const existing = this.followed.get(key);
    if (existing) {
      existing.channel.show(true);
      return existing.channel;
    }
    const channel = vscode.window.createOutputChannel(`Vast logs: ${deployment.name}:${deployment.tag} (${target})`, 'log');
    const entry: Followed = { target, deploymentId: deployment.id, channel, last: new Map(), busy: false, failures: 0, timer: setInterval(() => void this.pollOnce(entry, deployment, source), INTERVAL_MS) };
    this.followed.set(key, entry);
    channel.appendLine(`Following logs of ${deployment.name}:${deployment.tag} (endpoint ${deployment.endpoint_id}). "Vast: Stop Following Logs" ends it.`);
    channel.show(true);
    void this.pollOnce(entry, deployment, source);
    this.changed.fire();
    return channel;
  }

  unfollow(target: TargetKind, deploymentId: number): void {
    const key = deploymentKey(target, deploymentId);
    const entry = this.followed.get(key);
    if (!entry) return;
    clearInterval(entry.timer);
    entry.channel.dispose();
    this.followed.delete(key);
    this.changed.fire();
  }

  private async pollOnce(entry: Followed, deployment: DeploymentRecord, source: DeploymentsSource): Promise<void> {
    if (entry.busy) return;
    entry.busy = true;
    try {
      const logs = await source.getEndpointLogs(deployment.endpoint_id);
      entry.failures = 0;
      for (const stream of STREAMS) {
        const lines = splitLogLines(logs[stream] ?? '');
        const fresh = appendedLines(entry.last.get(stream) ?? [], lines);
        entry.last.set(stream, lines);
        for (const line of fresh) entry.channel.appendLine(redact(line, this.secrets()));
      }
    } catch (err) {
      // Say it once per failure streak, not every 5 s.
      if (entry.failures++ === 0) entry.channel.appendLine(`[vast] fetching logs failed: ${err instanceof Error ? err.message : String(err)} (retrying)`);
    } finally {
      entry.busy = false;
    }
  }

  dispose(): void {
    for (const entry of this.followed.values()) {
      clearInterval(entry.timer);
      entry.channel.dispose();
    }
    this.followed.clear();
    this.changed.dispose();
  }
}
