// The parameters of the function under a decorator, for benchmark dataset keys. The model has them when the file
// parses; while the decorator's `[{` is still open the parser usually loses the function too, so the `def` line
// that follows is read from the text instead.
import type { DeploymentModel, FunctionDef } from '../analysis/model/types';

export interface CompletableParameter {
  name: string;
  /** No default: a benchmark input must give it. */
  required: boolean;
  annotation?: string;
  functionName: string;
}

/** Parameters a dict can pass by name: not `*args`/`**kwargs`, not positional-only. */
function fromModel(fn: FunctionDef): CompletableParameter[] {
  return fn.params
    .filter((p) => p.kind === 'normal' || p.kind === 'keyword-only')
    .map((p) => ({ name: p.name, required: !p.default, annotation: p.annotation?.text, functionName: fn.name }));
}

/** Splits a parameter list at its top-level commas (defaults and annotations may hold brackets and strings). */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The text of a `(...)` parameter list starting at `open`, up to its matching `)` or the end of the text. */
function parameterListText(text: string, open: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

function fromText(text: string, after: number): CompletableParameter[] | undefined {
  const def = /^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(/gm;
  def.lastIndex = after;
  const m = def.exec(text);
  // A column-0 statement in between means the decorator has no function yet and that `def` belongs to another one.
  if (!m || /\n[A-Za-z_]/.test(text.slice(after, m.index))) return undefined;
  const functionName = m[1];
  const parts = splitTopLevel(parameterListText(text, m.index + m[0].length - 1));
  const slash = parts.indexOf('/');
  const out: CompletableParameter[] = [];
  parts.forEach((part, i) => {
    if (i <= slash || part.startsWith('*')) return; // positional-only, `*`, `*args`, `**kwargs`
    const p = /^([A-Za-z_]\w*)\s*(?::\s*([^=]+?))?\s*(=.*)?$/s.exec(part);
    if (p) out.push({ name: p[1], required: !p[3], annotation: p[2]?.trim(), functionName });
  });
  return out;
}

/** Parameters of the function decorated by the decorator at `decoratorOffset` (any offset inside the decorator). */
export function findDecoratedParameters(model: DeploymentModel, decoratorOffset: number): CompletableParameter[] | undefined {
  const decorated = [...model.remotes.map((r) => r.fn), ...model.functions.values()].find((fn) =>
    fn.decorators.some((d) => d.startOffset <= decoratorOffset && decoratorOffset < d.endOffset),
  );
  return decorated ? fromModel(decorated) : fromText(model.text, decoratorOffset);
}
