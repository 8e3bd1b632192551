import { GPU_CONSTANTS } from '../../catalog/gpus';
import { QUERY_COLUMNS } from '../../catalog/queryColumns';
import type { Argument, Call, DeploymentModel, Span, StaticValue } from '../../model/types';
import { mayBeBound } from '../remote/names';
import { addImportEdit } from '../importEdit';
import { leafValues, leavesOf, QUERY_MODULE } from '../query/queryWalk';
import type { QuickFix, Rule } from '../rule';

export const undefinedName: Rule = {
  id: 'VD040',
  name: 'undefined-name',
  severity: 'error',
  title: 'Names the deployment evaluates (arguments, require(), autoscaling) must be defined or imported',
  docs:
    'ensure_ready() runs when the file runs: a name that is never imported or assigned raises NameError there, so ' +
    'Deploy fails, and the editor would otherwise show nothing. Quick fix: the missing vastai import.',
  check(ctx) {
    const seen = new Set<number>();
    const report = (name: string, span: Span, where: string) => {
      if (seen.has(span.startOffset) || mayBeBound(ctx.model, name)) return;
      seen.add(span.startOffset);
      const fix = importFix(ctx.model, name);
      ctx.report({
        range: span.range,
        message:
          `'${name}' is not defined: Python raises NameError when it evaluates ${where}, so Deploy fails.` +
          (fix ? ` It is exported by ${fix.module}: import it.` : ' Define or import it.'),
        fixes: fix ? [fix.quickFix] : [],
      });
    };
    // require(...): columns and GPU constants used without their import.
    for (const leaf of leavesOf(ctx.model)) {
      if (!leaf.column.fromQueryModule) report(leaf.column.name, leaf.column, 'image.require(...)');
      for (const v of leafValues(leaf)) if (v.kind === 'name') report(v.name, v, 'image.require(...)');
    }
    for (const { call, where } of evaluatedCalls(ctx.model)) {
      for (const arg of call.args) {
        if (arg.name === 'benchmark_generator') continue; // VD007 says more about that one
        for (const [name, span] of namesIn(arg)) report(name, span, where);
      }
    }
  },
};

function importFix(model: DeploymentModel, name: string): { module: string; quickFix: QuickFix } | undefined {
  const module = QUERY_COLUMNS.has(name) || GPU_CONSTANTS.has(name) ? QUERY_MODULE : name === 'Deployment' ? 'vastai' : undefined;
  if (!module) return undefined;
  return { module, quickFix: { title: `Add 'from ${module} import ${name}'`, edits: [addImportEdit(model, module, name)], isPreferred: true } };
}

/** The calls whose arguments Python evaluates when the file runs (not function bodies). */
function* evaluatedCalls(model: DeploymentModel): Iterable<{ call: Call; where: string }> {
  for (const d of model.deployments) {
    yield { call: d.call, where: 'Deployment(...)' };
    for (const call of d.autoscaling.calls) yield { call, where: 'configure_autoscaling(...)' };
    for (const image of d.images) {
      yield { call: image.call, where: 'app.image(...)' };
      // require() is read as queries above: its arguments are not plain values.
      for (const step of image.steps) if (step.method !== 'require') yield { call: step.call, where: `image.${step.method}(...)` };
    }
    for (const r of d.remotes) if (r.decorator.call) yield { call: r.decorator.call, where: 'the @remote decorator' };
    for (const c of d.contexts) if (c.decorator.call) yield { call: c.decorator.call, where: 'the @context decorator' };
  }
}

/** Bare names an argument's value uses (inside containers too; not inside lambdas, whose names are parameters). */
function* namesIn(arg: Argument): Iterable<[string, Span]> {
  if (arg.splat) return;
  const stack: StaticValue[] = [arg.value];
  while (stack.length) {
    const v = stack.pop()!;
    if (v.via) continue; // a module constant: defined, and its own value is not evaluated here
    if (v.kind === 'name') yield [v.name, v];
    else if (v.kind === 'attribute') yield [v.object, v];
    else if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') stack.push(...v.items);
    else if (v.kind === 'dict') for (const e of v.entries) stack.push(e.key, e.value);
  }
}
