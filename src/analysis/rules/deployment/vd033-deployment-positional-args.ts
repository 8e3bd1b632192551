import type { Argument, Deployment } from '../../model/types';
import type { QuickFix, Rule } from '../rule';
import { insertAt } from './sourceText';

export const deploymentPositionalArgs: Rule = {
  id: 'VD033',
  name: 'deployment-positional-args',
  severity: 'error',
  title: '`Deployment(...)` arguments must be passed by keyword',
  docs: 'The first positional parameter of Deployment is `api_key` when deploying but `name` on the worker, so a positional argument means different things in the two modes.',
  check(ctx) {
    for (const deployment of ctx.model.deployments) {
      const positional = deployment.call.args.filter((a) => a.position !== undefined && !a.splat);
      for (const arg of positional) {
        ctx.report({
          range: arg.range,
          message: arg.position === 0 ? firstMessage() : laterMessage(arg),
          fixes: arg.position === 0 ? nameFix(ctx.model.text, deployment, positional) : [],
        });
      }
    }
  },
};

function firstMessage(): string {
  return (
    `Deployment(...)'s first positional parameter is 'api_key' when you deploy but 'name' when the worker serves this ` +
    `file: this value becomes your API key on your machine and the deployment name on the worker. ` +
    `Pass it by keyword (name=... or api_key=...).`
  );
}

function laterMessage(arg: Argument): string {
  return (
    `Positional argument ${arg.position! + 1} of Deployment(...): deploy mode (api_key first) and serve mode (name ` +
    `first) order the parameters differently, so it sets different things on your machine and on the worker. ` +
    `Pass it by keyword.`
  );
}

/** One positional string: the intent is almost always the name. */
function nameFix(text: string, deployment: Deployment, positional: Argument[]): QuickFix[] {
  const arg = positional[0];
  if (positional.length !== 1 || deployment.call.hasSplat) return [];
  if (deployment.call.args.some((a) => a.name === 'name')) return [];
  const isString = arg.value.kind === 'str' || (arg.value.kind === 'unknown' && /^[rRuUfF]*["']/.test(arg.value.text));
  if (!isString) return [];
  return [{ title: 'Pass it as name=...', edits: [insertAt(text, arg.startOffset, 'name=')], isPreferred: true }];
}
