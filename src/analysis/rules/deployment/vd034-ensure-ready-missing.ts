import type { Rule } from '../rule';
import { insertBeforeFirstUse, mentionedBeyondModel } from './placement';

export const ensureReadyMissing: Rule = {
  id: 'VD034',
  name: 'ensure-ready-missing',
  severity: 'warning',
  title: 'A deployment with remote functions should call `ensure_ready()`',
  docs: 'ensure_ready() registers and uploads the deployment; calling a remote function before it raises "Deployment is not ready".',
  check(ctx) {
    const attributed = ctx.model.deployments.reduce((n, d) => n + d.ensureReadyCalls.length, 0);
    // ensure_ready reached some way we do not follow (another receiver, a helper): it may be this deployment's.
    if (mentionedBeyondModel(ctx.model, 'ensure_ready', attributed)) return;
    for (const deployment of ctx.model.deployments) {
      const app = deployment.variable?.name;
      if (!app || deployment.remotes.length === 0 || deployment.ensureReadyCalls.length > 0) continue;
      const names = deployment.remotes.length === 1 ? `'${deployment.remotes[0].fn.name}'` : 'its remote functions';
      ctx.report({
        range: deployment.call.calleeSpan.range,
        message:
          `Deployment '${app}' is never made ready: nothing in this file calls ${app}.ensure_ready(), so calling ` +
          `${names} raises "Deployment is not ready". Call ${app}.ensure_ready() after configuring it, before any remote call.`,
        fixes: [{ title: `Add ${app}.ensure_ready()`, edits: [insertBeforeFirstUse(ctx.model, `${app}.ensure_ready()`)], isPreferred: true }],
      });
    }
  },
};
