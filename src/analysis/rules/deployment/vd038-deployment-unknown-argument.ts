import { AUTOSCALING_PARAMS, IMAGE_CONSTRUCTOR } from '../../catalog/sdk';
import { DEPLOYMENT_FIELDS, type Deployment } from '../../model/types';
import { suggestKeyword } from './suggest';
import type { QuickFix, Rule, RuleContext } from '../rule';
import { isStatementEnd, isStatementStart, replaceSpan } from './sourceText';

export const deploymentUnknownArgument: Rule = {
  id: 'VD038',
  name: 'deployment-unknown-argument',
  severity: 'error',
  title: '`Deployment(...)` takes only its documented keyword arguments',
  docs: 'An unknown keyword raises TypeError as soon as the file runs. Also warns about a Deployment(...) whose result is thrown away.',
  check(ctx) {
    for (const deployment of ctx.model.deployments) {
      checkKeywords(ctx, deployment);
      checkUnbound(ctx, deployment);
    }
  },
};

const IMAGE_KEYWORDS = new Set(IMAGE_CONSTRUCTOR.map((p) => p.name));

function checkKeywords(ctx: RuleContext, deployment: Deployment): void {
  const fields = DEPLOYMENT_FIELDS as readonly string[];
  const app = deployment.variable?.name ?? 'app';
  for (const arg of deployment.unknownKeywords) {
    const name = arg.name!;
    if (!arg.nameSpan) continue;
    const range = arg.nameSpan.range;
    if (AUTOSCALING_PARAMS.has(name)) {
      ctx.report({ range, message: `'${name}' is an autoscaling setting, not a Deployment(...) argument: Deployment() raises TypeError. Pass it to ${app}.configure_autoscaling(${name}=...).` });
      continue;
    }
    if (IMAGE_KEYWORDS.has(name)) {
      ctx.report({ range, message: `'${name}' belongs to ${app}.image(...), not Deployment(...): Deployment() raises TypeError. Pass it to ${app}.image(...).` });
      continue;
    }
    const suggestion = suggestKeyword(name, fields);
    const clash = suggestion !== undefined && deployment.call.args.some((a) => a.name === suggestion);
    const fixes: QuickFix[] =
      suggestion && !clash ? [{ title: `Change to '${suggestion}'`, edits: [replaceSpan(arg.nameSpan, suggestion)], isPreferred: true }] : [];
    ctx.report({
      range,
      message:
        `Deployment(...) has no parameter '${name}': it raises TypeError when the file runs. ` +
        (suggestion ? `Did you mean '${suggestion}'?` : `Its parameters: ${fields.join(', ')}.`),
      fixes,
    });
  }
}

/**
 * `Deployment(name="x")` as a bare expression statement: nothing can register @remote functions or an image on it.
 * (Deployment.lookup(name) could still find it, so files that use lookup are left alone.)
 */
function checkUnbound(ctx: RuleContext, deployment: Deployment): void {
  const { text } = ctx.model;
  const call = deployment.call;
  if (deployment.variable || /\blookup\s*\(/.test(text)) return;
  if (!isStatementStart(text, call.startOffset) || !isStatementEnd(text, call.endOffset)) return;
  ctx.report({
    range: call.calleeSpan.range,
    severity: 'warning',
    message:
      'The Deployment(...) created here is not assigned to a variable, so no @remote function, image or autoscaling ' +
      'can be registered on it. Assign it, e.g. app = Deployment(...).',
  });
}
