// CodeLenses above each Deployment(...) (Deploy, Show plan, target, Watch) and each @remote function (Run remotely,
// Debug remotely), from the same model as the diagnostics. Titles here are defaults: the extension rewrites them with what only it knows
// (the chosen target, the predicted tier) in its CodeLens middleware, keyed by the command id.
import type { CodeLens } from 'vscode-languageserver/node';
import type { DeploymentModel } from '../analysis/model/types';
import { deploymentOutline } from '../analysis/payloads/outline';
import { LENS_COMMANDS, type DeploymentLensArgs, type RemoteLensArgs } from '../shared/protocol/lsp';

export function codeLenses(model: DeploymentModel, uri: string): CodeLens[] {
  if (!model.isDeploymentFile) return [];
  const lenses: CodeLens[] = [];
  for (const d of deploymentOutline(model).deployments) {
    const args: DeploymentLensArgs = { uri, deploymentIndex: d.index, deployment: d.name };
    const range = { start: d.range.start, end: d.range.start };
    lenses.push(
      { range, command: { title: 'Deploy', command: LENS_COMMANDS.deploy, arguments: [args] } },
      { range, command: { title: 'Show plan', command: LENS_COMMANDS.showPlan, arguments: [args] } },
      { range, command: { title: 'Switch target', command: LENS_COMMANDS.switchTarget, arguments: [args] } },
      { range, command: { title: 'Watch', command: LENS_COMMANDS.watch, arguments: [args] } },
    );
    for (const r of d.remotes) {
      const remoteArgs: RemoteLensArgs = { uri, deployment: d.name, function: r.name };
      const at = { start: r.range.start, end: r.range.start };
      lenses.push(
        { range: at, command: { title: 'Run remotely', command: LENS_COMMANDS.runRemotely, arguments: [remoteArgs] } },
        // The extension keeps this one on the local engine target only (debugging runs the worker under debugpy here).
        { range: at, command: { title: 'Debug remotely', command: LENS_COMMANDS.debugRemotely, arguments: [remoteArgs] } },
      );
    }
  }
  return lenses;
}
