import * as path from 'path';
import type { Deployment } from '../../model/types';
import type { Rule, RuleContext } from '../rule';
import { eolOf, indentAt, insertAt, lineStartOf, replaceSpan } from './sourceText';
import { useSpan } from '../../model/valueUse';

export const deploymentNoName: Rule = {
  id: 'VD035',
  name: 'deployment-no-name',
  severity: 'warning',
  title: '`Deployment(...)` should set `name=`',
  docs: 'Without a name the SDK uses the module name of the first @remote function: `__main__` when the file runs as a script, the file name when it is imported, so the two create separate deployments.',
  check(ctx) {
    for (const deployment of ctx.model.deployments) checkDeployment(ctx, deployment);
  },
};

/** The file stem as a deployment name: what the SDK would send when the file is imported. */
export function defaultName(filePath: string | undefined): string {
  if (!filePath) return 'my-deployment';
  const stem = path.basename(filePath).replace(/\.[^.]*$/, '');
  const clean = stem.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return clean || 'my-deployment';
}

function checkDeployment(ctx: RuleContext, deployment: Deployment): void {
  const arg = deployment.fields.name;
  const name = JSON.stringify(defaultName(ctx.filePath));
  const why =
    `the SDK then names it after the module of the first @remote function: '__main__' when you run this file as a ` +
    `script, its file name when another file imports it, so the two create separate deployments (and workers).`;
  if (!arg) {
    // `Deployment(**options)` may carry the name.
    if (deployment.call.hasSplat) return;
    ctx.report({
      range: deployment.call.calleeSpan.range,
      message: `Deployment has no name: ${why} Set name="...".`,
      fixes: [{ title: `Add name=${name}`, edits: [addFirstArgument(ctx.model.text, deployment, `name=${name}`)], isPreferred: true }],
    });
    return;
  }
  // A positional name is VD033's business: it is the API key when deploying.
  if (arg.position !== undefined) return;
  const v = arg.value;
  if (arg.splat || !(v.kind === 'none' || (v.kind === 'str' && v.value === ''))) return;
  ctx.report({
    range: useSpan(v).range,
    message: `Deployment name ${v.kind === 'none' ? 'None' : 'the empty string'} counts as no name: ${why} Set a real name.`,
    fixes: v.via ? [] : [{ title: `Use name ${name}`, edits: [replaceSpan(v, name)], isPreferred: true }],
  });
}

/** Inserts `argument` first in the call, keeping the call's layout: `X()`, `X(a=1)`, or one argument per line. */
function addFirstArgument(text: string, deployment: Deployment, argument: string) {
  const call = deployment.call;
  const first = call.args[0];
  if (!first) return insertAt(text, call.argumentsSpan.startOffset + 1, argument);
  const open = call.argumentsSpan.startOffset;
  if (lineStartOf(text, first.startOffset) !== lineStartOf(text, open)) {
    const indent = indentAt(text, first.startOffset);
    return insertAt(text, lineStartOf(text, first.startOffset), `${indent}${argument},${eolOf(text)}`);
  }
  return insertAt(text, first.startOffset, `${argument}, `);
}
