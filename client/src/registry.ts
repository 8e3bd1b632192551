// Holds the deploy-core implementations registered through the API, and tells listeners when one changes.
import * as vscode from 'vscode';
import type { Deployer, DeploymentsSourceFactory, PlanProvider, RemoteRunner } from './contracts';

export class CoreRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  planProvider: PlanProvider | undefined;
  deployer: Deployer | undefined;
  sourceFactory: DeploymentsSourceFactory | undefined;
  remoteRunner: RemoteRunner | undefined;
  private planListener: vscode.Disposable | undefined;

  private readonly stacks = new Map<string, unknown[]>();

  /** The latest registration wins; disposing it brings back the one before (the core's, after a test's fake). */
  register<K extends 'planProvider' | 'deployer' | 'sourceFactory' | 'remoteRunner'>(key: K, value: CoreRegistry[K]): vscode.Disposable {
    const stack = this.stacks.get(key) ?? [];
    this.stacks.set(key, stack);
    stack.push(value);
    this.activate(key, value);
    return new vscode.Disposable(() => {
      const index = stack.lastIndexOf(value);
      if (index < 0) return;
      const wasActive = index === stack.length - 1;
      stack.splice(index, 1);
      if (wasActive) this.activate(key, stack[stack.length - 1] as CoreRegistry[K]);
    });
  }

  private activate<K extends 'planProvider' | 'deployer' | 'sourceFactory' | 'remoteRunner'>(key: K, value: CoreRegistry[K]): void {
    (this as CoreRegistry)[key] = value;
    if (key === 'planProvider') {
      this.planListener?.dispose();
      this.planListener = (value as PlanProvider | undefined)?.onDidChange?.(() => this.changed.fire());
    }
    this.changed.fire();
  }

  dispose(): void {
    this.planListener?.dispose();
    this.changed.dispose();
  }
}

/** Thrown by commands whose deploy-core piece is not registered yet; shown as a plain message. */
export class MissingCoreError extends Error {
  constructor(what: string) {
    super(`${what} needs the Vast deploy core, which this build of the extension does not include yet.`);
  }
}
