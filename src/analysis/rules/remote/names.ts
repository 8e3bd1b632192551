// Is a bare name bound in the file? The model lists module-level functions, classes, imports and constants; anything
// else (a loop variable, a tuple unpacking, a walrus, a `global`...) is found by a conservative text scan, so a name
// bound in a way we cannot see is never reported as undefined.
import type { DeploymentModel } from '../../model/types';

const BUILTINS = new Set(
  (
    'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex ' +
    'copyright credits delattr dict dir divmod enumerate eval exec exit filter float format frozenset getattr globals ' +
    'hasattr hash help hex id input int isinstance issubclass iter len license list locals map max memoryview min next ' +
    'object oct open ord pow print property quit range repr reversed round set setattr slice sorted staticmethod str ' +
    'sum super tuple type vars zip __import__ __name__ __file__ __doc__ __builtins__ __spec__ __loader__ __package__'
  ).split(' '),
);

export function isBuiltin(name: string): boolean {
  return BUILTINS.has(name);
}

/** Whether the text (up to `before`, when given) binds `name` in any way a regex can recognise. */
export function boundInText(text: string, name: string, before = text.length): boolean {
  const src = text.slice(0, before);
  const n = name.replace(/[^\w]/g, '');
  const patterns = [
    new RegExp(`(?:^|[^\\w.])${n}\\s*(?::[^=\\n]*)?=(?!=)`, 'm'), // assignment, annotated assignment, keyword
    new RegExp(`\\b(?:def|class)\\s+${n}\\b`),
    new RegExp(`\\bas\\s+${n}\\b`),
    new RegExp(`\\bimport\\b[^\\n#]*[\\s,(]${n}\\b`),
    new RegExp(`\\bfor\\b[^\\n]*\\b${n}\\b[^\\n]*\\bin\\b`),
    new RegExp(`\\b${n}\\s*:=`),
    new RegExp(`\\b(?:global|nonlocal)\\b[^\\n]*\\b${n}\\b`),
    new RegExp(`^[ \\t]*[\\w \\t,()\\[\\]]*?\\b${n}\\b[\\w \\t,()\\[\\]]*=(?!=)`, 'm'), // `a, name = ...`
  ];
  return patterns.some((p) => p.test(src));
}

/** Every name the model sees bound at module level (for did-you-mean). */
export function knownNames(model: DeploymentModel): string[] {
  return [
    ...model.functions.keys(),
    ...model.classes.keys(),
    ...model.constants.keys(),
    ...model.imports.map((i) => i.local).filter((l) => l !== '*'),
  ];
}

/** Whether `name` may be bound in the file: by the model's view, a star import, a builtin, or the text scan. */
export function mayBeBound(model: DeploymentModel, name: string): boolean {
  if (model.functions.has(name) || model.classes.has(name) || model.constants.has(name)) return true;
  if (model.imports.some((i) => i.local === name || i.name === '*')) return true;
  return isBuiltin(name) || boundInText(model.text, name);
}
