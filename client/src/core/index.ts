// The deploy core behind the UI's seams: registered at activation; tests may register their own over these.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { CoreRegistry } from '../registry';
import type { TargetState } from '../targets/targetState';
import type { Connections } from './connections';
import { CoreDeployer } from './deployer';
import { Bundles } from './bundles';
import { CorePlanProvider, PreparedPlans } from './planProvider';
import { CoreRemoteRunner } from './remoteRunner';
import { clientSource } from './sources';

export function registerCore(
  registry: CoreRegistry,
  connections: Connections,
  targets: TargetState,
  log: vscode.LogOutputChannel | undefined,
  /** The running language client: it answers `vast/bundle` (the extension host never analyses a file itself). */
  languageClient: () => Promise<LanguageClient>,
): vscode.Disposable {
  const bundles = new Bundles(languageClient);
  const prepared = new PreparedPlans();
  const plans = new CorePlanProvider(connections, bundles, prepared, targets.onDidChange);
  const deployer = new CoreDeployer(connections, bundles, prepared, (uri) => {
    plans.forget(uri, true);
    targets.refreshEngine();
  }, log);
  return vscode.Disposable.from(
    plans,
    registry.register('planProvider', plans),
    registry.register('deployer', deployer),
    registry.register('remoteRunner', new CoreRemoteRunner(connections, bundles)),
    // The tree lists a target only when usable (engine running, key set): it never starts the engine itself.
    registry.register('sourceFactory', (target) => clientSource(async () => connections.existingClient(target))),
    { dispose: () => connections.dispose() },
  );
}
