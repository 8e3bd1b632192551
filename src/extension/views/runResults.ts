// Remote runs of this session: each function's latest run (what the inline text, the error diagnostic and the result
// view show) and its history (the last HISTORY_LIMIT finished runs, newest first), kept in memory only.
import * as vscode from 'vscode';
import type { TargetKind } from '../../shared/protocol/target';
import { payloadFolder } from '../../shared/payloads/paths';
import type { MappedTraceback } from '../../deploy/remoteTraceback';
import type { RemoteRunResult, RunState } from '../ui/runResult';

export const HISTORY_LIMIT = 20;

export interface RunEntry {
  readonly id: number;
  /** `.vast/payloads/<deployment>/<function>`: one function of one deployment, as payload files name it. */
  readonly key: string;
  readonly deployment: string;
  readonly tag?: string;
  readonly function: string;
  readonly payloadName: string;
  /** The payload file it was read from (absent for runs repeated from the history, which send the same values). */
  readonly payloadUri?: vscode.Uri;
  readonly kwargs: Record<string, unknown>;
  readonly target: TargetKind;
  readonly targetLabel: string;
  /** The file that defines the function (where the inline text goes). */
  readonly deploymentFile: vscode.Uri;
  readonly startedAt: Date;
  finishedAt?: Date;
  state: RunState;
  traceback?: MappedTraceback;
}

export function runKey(deployment: string, fn: string): string {
  return payloadFolder(deployment, fn);
}

export class RunResults implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunEntry>();
  /** Fires with the entry whose state changed. */
  readonly onDidChange = this.changed.event;
  private readonly latest = new Map<string, RunEntry>();
  private readonly histories = new Map<string, RunEntry[]>();
  private readonly byId = new Map<number, RunEntry>();
  private nextId = 1;

  start(run: Omit<RunEntry, 'id' | 'key' | 'startedAt' | 'state' | 'finishedAt' | 'traceback'>): RunEntry {
    const entry: RunEntry = { ...run, id: this.nextId++, key: runKey(run.deployment, run.function), startedAt: new Date(), state: { kind: 'running', targetLabel: run.targetLabel } };
    this.latest.set(entry.key, entry);
    this.byId.set(entry.id, entry);
    this.changed.fire(entry);
    return entry;
  }

  finish(entry: RunEntry, result: RemoteRunResult, traceback?: MappedTraceback): void {
    entry.state = { kind: 'done', result };
    entry.traceback = traceback;
    entry.finishedAt = new Date();
    const history = [entry, ...(this.histories.get(entry.key) ?? [])];
    for (const dropped of history.splice(HISTORY_LIMIT)) this.byId.delete(dropped.id);
    this.histories.set(entry.key, history);
    this.changed.fire(entry);
  }

  /** The run did not reach the function: it stays the function's latest run, so no older value looks current. */
  refuse(entry: RunEntry, reason: string): void {
    entry.state = { kind: 'refused', reason };
    entry.finishedAt = new Date();
    this.changed.fire(entry);
  }

  current(key: string): RunEntry | undefined {
    return this.latest.get(key);
  }

  history(key: string): readonly RunEntry[] {
    return this.histories.get(key) ?? [];
  }

  /** Functions with a finished run, most recently run first. */
  functions(): RunEntry[][] {
    return [...this.histories.values()].sort((a, b) => b[0].startedAt.getTime() - a[0].startedAt.getTime());
  }

  get(id: number): RunEntry | undefined {
    return this.byId.get(id) ?? [...this.latest.values()].find((e) => e.id === id);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
