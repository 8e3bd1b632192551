// The deploy core behind the UI's seams: registered at activation; tests may register their own over these.
import * as vscode from 'vscode';
import type { CoreRegistry } from '../registry';
import type { TargetState } from '../targets/targetState';
import type { Connections } from './connections';
import { CoreDeployer } from './deployer';
import { CorePlanProvider } from './planProvider';
import { CoreRemoteRunner } from './remoteRunner';
import { clientSource } from './sources';

export function registerCore(registry: CoreRegistry, connections: Connections, targets: TargetState, log?: vscode.LogOutputChannel): vscode.Disposable {
  const plans = new CorePlanProvider(connections, targets.onDidChange);
  const deployer = new CoreDeployer(connections, (uri) => {
    plans.forget(uri, true);
    targets.refreshEngine();
  }, log);
  return vscode.Disposable.from(
    plans,
    registry.register('planProvider', plans),
    registry.register('deployer', deployer),
    registry.register('remoteRunner', new CoreRemoteRunner(connections)),
    // The tree lists a target only when usable (engine running, key set): it never starts the engine itself.
    registry.register('sourceFactory', (target) => clientSource(async () => connections.existingClient(target))),
    { dispose: () => connections.dispose() },
  );
}
