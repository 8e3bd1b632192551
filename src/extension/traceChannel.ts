import * as vscode from 'vscode';
import { changedSettings, setting } from './config';

/**
 * The channel the language client writes its message trace to: the main 'Vast Deployments' log, gated by the
 * setting `vast.trace.server`.
 *
 * vscode-languageclient 11 traces only while its trace channel's log level is Trace, and a LogOutputChannel's level
 * is the user's (Developer: Set Log Level), not the extension's. So on its own `vast.trace.server` would do nothing
 * until the level was changed too. This wrapper reports level Trace whenever the setting is not 'off' and writes
 * trace lines to the main log at a level it shows; with the setting 'off' it follows the main channel.
 */
export class TraceChannel implements vscode.LogOutputChannel {
  private readonly levelChanged = new vscode.EventEmitter<vscode.LogLevel>();
  private readonly disposables: vscode.Disposable[] = [this.levelChanged];
  private enabled = TraceChannel.settingEnabled();

  readonly onDidChangeLogLevel = this.levelChanged.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      log.onDidChangeLogLevel(() => this.levelChanged.fire(this.logLevel)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!changedSettings(e, ['trace.server']).length) return;
        this.enabled = TraceChannel.settingEnabled();
        this.levelChanged.fire(this.logLevel);
      }),
    );
  }

  private static settingEnabled(): boolean {
    return setting('trace.server') !== 'off';
  }

  get name(): string {
    return this.log.name;
  }
  get logLevel(): vscode.LogLevel {
    return this.enabled ? vscode.LogLevel.Trace : this.log.logLevel;
  }

  trace(message: string, ...args: unknown[]): void {
    // Below Trace the main channel would drop the line although the user asked for it in the settings.
    if (this.enabled && this.log.logLevel > vscode.LogLevel.Trace) this.log.info(`[trace] ${message}`, ...args);
    else this.log.trace(message, ...args);
  }
  debug(message: string, ...args: unknown[]): void {
    this.log.debug(message, ...args);
  }
  info(message: string, ...args: unknown[]): void {
    this.log.info(message, ...args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.log.warn(message, ...args);
  }
  error(error: string | Error, ...args: unknown[]): void {
    this.log.error(error, ...args);
  }
  append(value: string): void {
    this.log.append(value);
  }
  appendLine(value: string): void {
    this.log.appendLine(value);
  }
  replace(value: string): void {
    this.log.replace(value);
  }
  clear(): void {
    this.log.clear();
  }
  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined) this.log.show(columnOrPreserveFocus);
    else this.log.show(columnOrPreserveFocus, preserveFocus);
  }
  hide(): void {
    this.log.hide();
  }
  /** Disposes the wrapper's listeners only; the main channel belongs to the extension. */
  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
