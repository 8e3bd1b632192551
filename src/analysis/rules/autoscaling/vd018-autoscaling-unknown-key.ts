import { AUTOSCALING_PARAMS } from '../../catalog/sdk';
import { DEPLOYMENT_FIELDS, type Call } from '../../model/types';
import { suggestKeyword } from '../deployment/suggest';
import type { QuickFix, Rule, RuleContext } from '../rule';
import { replaceSpan } from '../deployment/sourceText';
import { ACCEPTED_UNLISTED_KEYS } from './settings';

export const autoscalingUnknownKey: Rule = {
  id: 'VD018',
  name: 'autoscaling-unknown-key',
  severity: 'error',
  title: '`configure_autoscaling()` takes only the documented autoscaling keywords',
  docs: 'An unknown keyword or a positional argument raises TypeError when the file runs, before anything is deployed.',
  check(ctx) {
    for (const deployment of ctx.model.deployments) {
      for (const call of deployment.autoscaling.calls) checkCall(ctx, call);
    }
  },
};

function checkCall(ctx: RuleContext, call: Call): void {
  const keys = [...AUTOSCALING_PARAMS.keys()];
  for (const arg of call.args) {
    if (arg.splat) continue;
    if (arg.name === undefined) {
      ctx.report({
        range: arg.range,
        message:
          `${call.callee}() takes keyword arguments only: this positional value raises TypeError. ` +
          `Name the setting it is for, one of: ${keys.join(', ')}.`,
      });
      continue;
    }
    const name = arg.name;
    if (AUTOSCALING_PARAMS.has(name) || ACCEPTED_UNLISTED_KEYS.has(name) || !arg.nameSpan) continue;
    if ((DEPLOYMENT_FIELDS as readonly string[]).includes(name)) {
      ctx.report({
        range: arg.nameSpan.range,
        message: `'${name}' is a Deployment(...) argument, not an autoscaling setting: ${call.callee}() raises TypeError. Pass it to Deployment(${name}=...) instead.`,
      });
      continue;
    }
    const suggestion = suggestKeyword(name, keys);
    // Renaming onto a keyword the call already has would be a SyntaxError: offer no fix then.
    const clash = suggestion !== undefined && call.args.some((a) => a.name === suggestion);
    const fixes: QuickFix[] =
      suggestion && !clash ? [{ title: `Change to '${suggestion}'`, edits: [replaceSpan(arg.nameSpan, suggestion)], isPreferred: true }] : [];
    ctx.report({
      range: arg.nameSpan.range,
      message:
        `Unknown autoscaling setting '${name}': ${call.callee}() raises TypeError. ` +
        (suggestion ? `Did you mean '${suggestion}'?` : `Valid settings: ${keys.join(', ')}.`),
      fixes,
    });
  }
}
