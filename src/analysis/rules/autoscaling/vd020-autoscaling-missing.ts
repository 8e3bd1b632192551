import type { Deployment } from '../../model/types';
import type { QuickFix, Rule, RuleContext } from '../rule';
import { insertAfterSetup, insertBeforeStatement, mentionedBeyondModel } from '../deployment/placement';

export const autoscalingMissing: Rule = {
  id: 'VD020',
  name: 'autoscaling-missing',
  severity: 'error',
  title: 'A deployment must call `configure_autoscaling()` at least once',
  docs: 'ensure_ready() raises "Trying to deploy a deployment without autoscaling configured." unless configure_autoscaling() was called, even with no arguments.',
  check(ctx) {
    const attributed = ctx.model.deployments.reduce((n, d) => n + d.autoscaling.calls.length, 0);
    // configure_autoscaling reached some way we do not follow: it may well configure this deployment.
    if (mentionedBeyondModel(ctx.model, 'configure_autoscaling', attributed)) return;
    for (const deployment of ctx.model.deployments) {
      if (deployment.remotes.length === 0 || deployment.autoscaling.calls.length > 0 || !deployment.variable) continue;
      report(ctx, deployment, deployment.variable.name);
    }
  },
};

function report(ctx: RuleContext, deployment: Deployment, app: string): void {
  const { text } = ctx.model;
  const line = `${app}.configure_autoscaling()`;
  const ensureReady = [...deployment.ensureReadyCalls].sort((a, b) => a.startOffset - b.startOffset)[0];
  const edit = ensureReady ? insertBeforeStatement(text, ensureReady.startOffset, line) : insertAfterSetup(ctx.model, deployment, line);
  const fixes: QuickFix[] = edit ? [{ title: `Add ${app}.configure_autoscaling()`, edits: [edit], isPreferred: true }] : [];
  const where = ensureReady ? `${app}.ensure_ready()` : 'ensure_ready()';
  ctx.report({
    range: ensureReady ? ensureReady.range : deployment.call.calleeSpan.range,
    message:
      `Deployment '${app}' never calls ${app}.configure_autoscaling(), so ${where} raises "Trying to deploy a deployment ` +
      `without autoscaling configured." Call ${app}.configure_autoscaling(...) before it (with no arguments the server ` +
      `defaults apply).`,
    fixes,
  });
}
