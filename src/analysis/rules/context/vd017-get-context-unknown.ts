import type { Deployment, DeploymentModel, GetContextCall, StaticValue } from '../../model/types';
import { didYouMean } from '../../util/didYouMean';
import type { QuickFix, Rule, RuleContext } from '../rule';
import { describeKind, eolOf, indentAt, insertAt, lineStartOf, replaceSpan, withoutComments } from '../deployment/sourceText';
import { isOpaque, useSpan } from '../../model/valueUse';

export const getContextUnknown: Rule = {
  id: 'VD017',
  name: 'get-context-unknown',
  severity: 'error',
  title: '`app.get_context(X)` must name a class registered with `@app.context()`',
  docs: 'On the worker, get_context() only knows the classes decorated with @app.context() of that deployment; anything else fails inside the remote function.',
  check(ctx) {
    const hidden = hasHiddenRegistrations(ctx.model);
    for (const deployment of ctx.model.deployments) {
      for (const g of deployment.getContextCalls) checkCall(ctx, deployment, g, hidden);
    }
  },
};

/**
 * True when `<app>.context` appears more often than there are decorated context classes: a registration by call
 * (`app.context()(Model)`) the model does not see, so a class name may be registered after all.
 */
function hasHiddenRegistrations(model: DeploymentModel): boolean {
  const apps = new Set(model.deployments.flatMap((d) => (d.variable ? [d.variable.name] : [])));
  // Counting on the raw text while letting comments stand wherever the comment-free text has spaces finds at least
  // as many mentions; when even that is few enough, the comment-free scan is skipped.
  let upperBound = 0;
  for (const app of apps) upperBound += model.text.match(new RegExp(`\\b${app}(?:\\s|#[^\\n]*)*\\.(?:\\s|#[^\\n]*)*context\\b`, 'g'))?.length ?? 0;
  if (upperBound <= model.contexts.length) return false;
  const code = withoutComments(model.text);
  let mentions = 0;
  for (const app of apps) mentions += code.match(new RegExp(`\\b${app}\\s*\\.\\s*context\\b`, 'g'))?.length ?? 0;
  return mentions > model.contexts.length;
}

function checkCall(ctx: RuleContext, deployment: Deployment, g: GetContextCall, hidden: boolean): void {
  const app = deployment.variable?.name ?? 'app';
  const target = g.target;
  if (!target) {
    if (g.call.args.length === 0 && !g.call.hasSplat) {
      ctx.report({
        range: g.call.argumentsSpan.range,
        message: `${app}.get_context() needs the context class to look up, e.g. ${app}.get_context(${contextNames(deployment)[0] ?? 'MyModel'}).`,
      });
    }
    return;
  }
  if (target.splat) return;
  const v = target.value;
  if (v.kind === 'name') {
    if (!hidden) checkName(ctx, deployment, v.name, v);
  } else if (v.kind === 'str') {
    checkString(ctx, deployment, v.value, v);
  } else if (!isOpaque(v)) {
    ctx.report({
      range: useSpan(v).range,
      message: `${app}.get_context() takes a class registered with @${app}.context(), not ${describeKind(v)}.`,
    });
  }
}

function contextNames(deployment: Deployment): string[] {
  return deployment.contexts.map((c) => c.cls.name);
}

function registeredList(deployment: Deployment): string {
  const names = contextNames(deployment);
  const app = deployment.variable?.name ?? 'app';
  return names.length
    ? `Contexts registered on ${app}: ${names.map((n) => `'${n}'`).join(', ')}.`
    : `${app} has no @${app}.context() classes.`;
}

function checkString(ctx: RuleContext, deployment: Deployment, value: string, v: StaticValue): void {
  const app = deployment.variable?.name ?? 'app';
  const names = contextNames(deployment);
  const match = names.includes(value) ? value : didYouMean(value, names);
  const fixes: QuickFix[] = match ? [{ title: `Pass the class ${match}`, edits: [replaceSpan(useSpan(v), match)], isPreferred: true }] : [];
  ctx.report({
    range: useSpan(v).range,
    message:
      `${app}.get_context() takes the context class itself, not its name as a string: the lookup fails on the worker. ` +
      (match ? `Write ${app}.get_context(${match}).` : registeredList(deployment)),
    fixes,
  });
}

function checkName(ctx: RuleContext, deployment: Deployment, name: string, v: StaticValue): void {
  const { model } = ctx;
  const app = deployment.variable?.name ?? 'app';
  if (contextNames(deployment).includes(name)) return;
  const range = useSpan(v).range;

  const elsewhere = model.contexts.find((c) => c.cls.name === name);
  if (elsewhere) {
    const other = elsewhere.deployment.variable?.name ?? 'another deployment';
    ctx.report({
      range,
      message: `'${name}' is registered with @${other}.context(), not @${app}.context(): ${app}.get_context(${name}) fails on ${app}'s workers. Call ${other}.get_context(${name}) or register it on ${app}.`,
    });
    return;
  }
  const cls = model.classes.get(name);
  if (cls) {
    const hasProtocol = ['__aenter__', '__aexit__'].every((m) => cls.methods.some((f) => f.name === m && f.isAsync));
    const at = lineStartOf(model.text, cls.startOffset);
    const fixes: QuickFix[] = hasProtocol
      ? [{ title: `Register '${name}' with @${app}.context()`, edits: [insertAt(model.text, at, `${indentAt(model.text, at)}@${app}.context()${eolOf(model.text)}`)], isPreferred: true }]
      : [];
    ctx.report({
      range,
      message: `Class '${name}' is not registered with @${app}.context(): the worker only enters registered contexts, so ${app}.get_context(${name}) fails. Decorate the class with @${app}.context().`,
      fixes,
    });
    return;
  }
  if (model.functions.has(name)) {
    ctx.report({ range, message: `'${name}' is a function, not a context class: ${app}.get_context() takes a class registered with @${app}.context(). ${registeredList(deployment)}` });
    return;
  }
  // A name bound some other way (an import, a local variable, a parameter...) could hold any class: stay silent.
  if (!onlyUsedAsContextTarget(model, name)) return;
  const suggestion = didYouMean(name, contextNames(deployment));
  ctx.report({
    range,
    message:
      `'${name}' is not a context class registered with @${app}.context(). ` +
      (suggestion ? `Did you mean '${suggestion}'?` : registeredList(deployment)),
    fixes: suggestion ? [{ title: `Change to '${suggestion}'`, edits: [replaceSpan(useSpan(v), suggestion)], isPreferred: true }] : [],
  });
}

/** True when `name` appears nowhere in the file except as a get_context() argument (and no star import may bind it). */
function onlyUsedAsContextTarget(model: DeploymentModel, name: string): boolean {
  if (model.imports.some((i) => i.local === name || (i.name === '*' && !i.module.startsWith('vastai')))) return false;
  const uses = model.deployments
    .flatMap((d) => d.getContextCalls)
    .filter((g) => g.target?.value.kind === 'name' && g.target.value.name === name).length;
  const all = withoutComments(model.text).match(new RegExp(`(?<![\\w.])${name}\\b`, 'g'))?.length ?? 0;
  return all <= uses;
}
