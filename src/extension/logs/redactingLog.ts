import * as vscode from 'vscode';
import { redact } from '../../shared/redact';

/**
 * The extension's log with secrets masked on the way in: the API key (whatever its source) and any key-shaped
 * field. Everything that logs (the language client included) writes through this wrapper.
 */
export class RedactingLog implements vscode.LogOutputChannel {
  private secrets: string[] = [];

  constructor(private readonly inner: vscode.LogOutputChannel) {}

  /** Replaces the set of secret values to mask. */
  setSecrets(secrets: readonly (string | undefined)[]): void {
    this.secrets = secrets.filter((s): s is string => Boolean(s));
  }

  private clean(text: string): string {
    return redact(text, this.secrets);
  }

  private cleanArgs(args: unknown[]): unknown[] {
    return args.map((a) => (typeof a === 'string' ? this.clean(a) : a instanceof Error ? this.clean(a.stack ?? a.message) : a));
  }

  get name(): string {
    return this.inner.name;
  }
  get logLevel(): vscode.LogLevel {
    return this.inner.logLevel;
  }
  get onDidChangeLogLevel(): vscode.Event<vscode.LogLevel> {
    return this.inner.onDidChangeLogLevel;
  }
  trace(message: string, ...args: unknown[]): void {
    this.inner.trace(this.clean(message), ...this.cleanArgs(args));
  }
  debug(message: string, ...args: unknown[]): void {
    this.inner.debug(this.clean(message), ...this.cleanArgs(args));
  }
  info(message: string, ...args: unknown[]): void {
    this.inner.info(this.clean(message), ...this.cleanArgs(args));
  }
  warn(message: string, ...args: unknown[]): void {
    this.inner.warn(this.clean(message), ...this.cleanArgs(args));
  }
  error(error: string | Error, ...args: unknown[]): void {
    this.inner.error(this.clean(typeof error === 'string' ? error : (error.stack ?? error.message)), ...this.cleanArgs(args));
  }
  append(value: string): void {
    this.inner.append(this.clean(value));
  }
  appendLine(value: string): void {
    this.inner.appendLine(this.clean(value));
  }
  replace(value: string): void {
    this.inner.replace(this.clean(value));
  }
  clear(): void {
    this.inner.clear();
  }
  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined) this.inner.show(columnOrPreserveFocus);
    else this.inner.show(columnOrPreserveFocus, preserveFocus);
  }
  hide(): void {
    this.inner.hide();
  }
  dispose(): void {
    this.inner.dispose();
  }
}
