// The deploy core behind the UI's seams, made once at activation.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { CorePieces } from '../registry';
import type { TargetState } from '../targets/targetState';
import type { Connections } from './connections';
import { CoreDeployer } from './deployer';
import type { DebuggedDeployments } from './localDebug';
import { Bundles } from './bundles';
import { CorePlanProvider } from './planProvider';
import { PreparedPlans } from './preparedPlans';
import { CoreRemoteRunner } from './remoteRunner';
import { clientSource } from './sources';

export function createCore(
  connections: Connections,
  targets: TargetState,
  log: vscode.LogOutputChannel | undefined,
  /** The running language client: it answers `vast/bundle` (the extension host never analyses a file itself). */
  languageClient: () => Promise<LanguageClient>,
  /** The deployments this window's debug sessions hold: a Deploy ends the debugging of any other. */
  debugged?: DebuggedDeployments,
): { pieces: CorePieces; bundles: Bundles; disposable: vscode.Disposable } {
  const bundles = new Bundles(languageClient);
  const prepared = new PreparedPlans();
  const plans = new CorePlanProvider(connections, bundles, prepared, targets.onDidChange);
  const deployer = new CoreDeployer(connections, bundles, prepared, (uri) => {
    plans.forget(uri, true);
    targets.refreshEngine();
  }, log, debugged);
  return {
    bundles,
    pieces: {
      planProvider: plans,
      deployer,
      remoteRunner: new CoreRemoteRunner(connections, bundles),
      // The tree lists a target only when usable (engine running, key set): it never starts the engine itself.
      sourceFactory: (target) => clientSource(async () => connections.existingClient(target)),
    },
    disposable: vscode.Disposable.from(plans, { dispose: () => connections.dispose() }),
  };
}
