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

  register<K extends 'planProvider' | 'deployer' | 'sourceFactory' | 'remoteRunner'>(key: K, value: CoreRegistry[K]): vscode.Disposable {
    (this as CoreRegistry)[key] = value;
    if (key === 'planProvider') {
      this.planListener?.dispose();
      this.planListener = (value as PlanProvider | undefined)?.onDidChange?.(() => this.changed.fire());
    }
    this.changed.fire();
    return new vscode.Disposable(() => {
      const self = this as CoreRegistry;
      if (self[key] !== value) return;
      self[key] = undefined as CoreRegistry[K];
      this.changed.fire();
    });
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
