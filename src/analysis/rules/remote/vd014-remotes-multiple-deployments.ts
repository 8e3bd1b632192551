import type { Rule } from '../rule';
import { decoratorNameRange } from './text';

export const remotesMultipleDeployments: Rule = {
  id: 'VD014',
  name: 'remotes-multiple-deployments',
  severity: 'error',
  title: 'All remote functions of a file must belong to one Deployment',
  docs: 'The SDK uploads the module that defines the remote functions as the deployment bundle and binds that module to the first Deployment that registers a remote; a second Deployment in the same file is packaged and served from a module it does not own.',
  check(ctx) {
    const { model } = ctx;
    const owner = model.remotes[0]?.deployment;
    if (!owner) return;
    const ownerName = owner.variable?.name ?? 'the first Deployment';
    for (const remote of model.remotes) {
      const deployment = remote.deployment;
      if (deployment === owner) continue;
      const name = deployment.variable?.name ?? 'this Deployment';
      ctx.report({
        range: decoratorNameRange(model.text, remote.decorator),
        message:
          `'${remote.fn.name}' is registered on ${name}, but this file's remote functions already belong to ` +
          `${ownerName}: the SDK packages the whole file for each deployment and binds the module to the first ` +
          `Deployment that registers a remote, so both deployments upload the same file and ${name}'s workers run code ` +
          `bound to ${ownerName}. Put each Deployment and its remote functions in its own file.`,
        related: [
          { range: model.remotes[0].decorator.range, message: `first remote function, registered on ${ownerName}` },
          { range: owner.call.calleeSpan.range, message: `${ownerName} is created here` },
        ],
      });
    }
  },
};
