import { lineEndOf } from '../deployment/sourceText';
import type { DeploymentModel, Image } from '../../model/types';
import type { QuickFix, Rule } from '../rule';
import { argumentOf, imagesOf, stepsNamed } from './imageSteps';

export const localModuleNotShipped: Rule = {
  id: 'VD041',
  name: 'local-module-not-shipped',
  severity: 'warning',
  title: 'A module imported from beside the deployment file must be shipped with `image.copy()`',
  docs:
    'Only the deployment file and the `image.copy()` sources reach a worker: a sibling module (`helpers.py`, a ' +
    '`utils/` package) imports fine on your machine but raises ModuleNotFoundError on the worker.',
  check(ctx) {
    const shipped = copiedPaths(ctx.model);
    const seen = new Set<string>();
    for (const imp of ctx.model.imports) {
      if (imp.module.startsWith('.')) continue; // relative imports fail for a top-level deployment module anyway
      const top = imp.module.split('.')[0]!;
      if (seen.has(top)) continue;
      const local = ctx.pathExists(`${top}.py`) === 'file' ? `${top}.py` : ctx.pathExists(top) === 'directory' ? top : undefined;
      if (!local || shipped.has(local)) continue;
      seen.add(top);
      const fix = copyFix(ctx.model, local);
      ctx.report({
        range: imp.range,
        message:
          `'${top}' is ${local.endsWith('.py') ? 'a module file' : 'a package folder'} beside this deployment, and it ` +
          `does not reach the worker (only this file and image.copy() sources do): the import raises ` +
          `ModuleNotFoundError there. Ship it with image.copy("${local}", "${local}").`,
        fixes: fix ? [fix] : [],
      });
    }
  },
};

/** Sources and destinations of every `copy()` (without `./`), so a copied module counts as shipped either way. */
function copiedPaths(model: DeploymentModel): Set<string> {
  const out = new Set<string>();
  for (const { step } of stepsNamed(model, 'copy')) {
    for (const [position, name] of [[0, 'src'], [1, 'dst']] as const) {
      const v = argumentOf(step.call.args, position, name)?.value;
      if (v?.kind === 'str') out.add(v.value.replace(/^\.\//, '').replace(/\/+$/, ''));
    }
  }
  return out;
}

/** `<image>.copy("<path>", "<path>")` on a new line after the image's last statement (needs an image variable). */
function copyFix(model: DeploymentModel, path: string): QuickFix | undefined {
  const image: Image | undefined = [...imagesOf(model)].find((i) => i.variable);
  if (!image?.variable) return undefined;
  // After the image's last step, chained (the statement may span lines) or on its variable.
  const end = Math.max(image.endOffset, ...image.steps.map((s) => s.call.endOffset));
  const at = lineEndOf(model.text, end);
  const pos = model.text.slice(0, at).split('\n');
  const position = { line: pos.length - 1, character: pos[pos.length - 1]!.length };
  return {
    title: `Ship it: ${image.variable.name}.copy("${path}", "${path}")`,
    edits: [{ range: { start: position, end: position }, newText: `\n${image.variable.name}.copy("${path}", "${path}")` }],
    isPreferred: true,
  };
}
