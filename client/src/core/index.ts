// The deploy core behind the UI's seams, made once at activation.
import * as vscode from 'vscode';
import type { CorePieces } from '../registry';
import type { TargetState } from '../targets/targetState';
import type { Connections } from './connections';
import { CoreDeployer } from './deployer';
import { CorePlanProvider } from './planProvider';
import { CoreRemoteRunner } from './remoteRunner';
import { clientSource } from './sources';

export function createCore(connections: Connections, targets: TargetState, log?: vscode.LogOutputChannel): { pieces: CorePieces; disposable: vscode.Disposable } {
  const plans = new CorePlanProvider(connections, targets.onDidChange);
  const deployer = new CoreDeployer(connections, (uri) => {
    plans.forget(uri, true);
    targets.refreshEngine();
  }, log);
  return {
    pieces: {
      planProvider: plans,
      deployer,
      remoteRunner: new CoreRemoteRunner(connections),
      // The tree lists a target only when usable (engine running, key set): it never starts the engine itself.
      sourceFactory: (target) => clientSource(async () => connections.existingClient(target)),
    },
    disposable: vscode.Disposable.from(plans, { dispose: () => connections.dispose() }),
  };
}
