// The deploy core's pieces the UI uses (plans, deploys, the tree's sources, remote calls), made once at activation
// (core/index.ts) and read by each feature when it needs one. The extension-host tests may put a fake in place of a
// piece for a while (VastTestHooks in extension.ts); nothing else changes them.
import * as vscode from 'vscode';
import type { Deployer, DeploymentsSourceFactory, PlanProvider, RemoteRunner } from './contracts';

export interface CorePieces {
  planProvider: PlanProvider;
  deployer: Deployer;
  sourceFactory: DeploymentsSourceFactory;
  remoteRunner: RemoteRunner;
}

export class CoreRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a piece is replaced and when the plan provider has new summaries (lenses and the tree redraw). */
  readonly onDidChange = this.changed.event;
  private readonly current: CorePieces;
  private planListener: vscode.Disposable | undefined;

  constructor(private readonly core: CorePieces) {
    this.current = { ...core };
    this.listenToPlans();
  }

  get planProvider(): PlanProvider {
    return this.current.planProvider;
  }

  get deployer(): Deployer {
    return this.current.deployer;
  }

  get sourceFactory(): DeploymentsSourceFactory {
    return this.current.sourceFactory;
  }

  get remoteRunner(): RemoteRunner {
    return this.current.remoteRunner;
  }

  /** For tests: uses `fake` instead of the core's piece until disposed (a later replacement of the same piece wins). */
  replaceForTest<K extends keyof CorePieces>(key: K, fake: CorePieces[K]): vscode.Disposable {
    this.set(key, fake);
    return new vscode.Disposable(() => {
      if (this.current[key] === fake) this.set(key, this.core[key]);
    });
  }

  private set<K extends keyof CorePieces>(key: K, value: CorePieces[K]): void {
    this.current[key] = value;
    if (key === 'planProvider') this.listenToPlans();
    this.changed.fire();
  }

  private listenToPlans(): void {
    this.planListener?.dispose();
    this.planListener = this.current.planProvider.onDidChange?.(() => this.changed.fire());
  }

  dispose(): void {
    this.planListener?.dispose();
    this.changed.dispose();
  }
}
