import type { FunctionDef } from '../../model/types';
import type { QuickFix, Rule } from '../rule';
import { eolOf, indentAt, insertAt, lineEndOf, lineStartOf } from '../deployment/sourceText';

export const contextAenterNoReturn: Rule = {
  id: 'VD016',
  name: 'context-aenter-no-return',
  severity: 'warning',
  title: '`__aenter__` of an @app.context class should return a value',
  docs: '`app.get_context(Cls)` gives back what `__aenter__` returned; without a `return`, remote functions get None.',
  check(ctx) {
    const { text } = ctx.model;
    for (const context of ctx.model.contexts) {
      const fn = context.aenter;
      if (!fn || fn.returnsValue || endsWithRaise(text, fn)) continue;
      const edit = appendReturnSelf(text, fn);
      const fixes: QuickFix[] = edit ? [{ title: "Add 'return self'", edits: [edit], isPreferred: true }] : [];
      ctx.report({
        range: fn.nameSpan.range,
        message:
          `'__aenter__' of context class '${context.cls.name}' never returns a value, so ` +
          `${context.deployment.variable?.name ?? 'app'}.get_context(${context.cls.name}) returns None in your remote functions. ` +
          `Return the object they should use, usually 'return self'.`,
        fixes,
      });
    }
  },
};

/** A body whose last statement is a top-level `raise` never hands None to get_context(): startup fails instead. */
function endsWithRaise(text: string, fn: FunctionDef): boolean {
  const start = fn.bodySpan.startOffset;
  const lines = text
    .slice(lineStartOf(text, start), fn.bodySpan.endOffset)
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'));
  const last = lines[lines.length - 1] ?? '';
  return new RegExp(`^${indentAt(text, start)}raise\\b`).test(last);
}

/**
 * `return self` on a new line after the body, indented like its first statement; none for a one-line body. Comment
 * lines that end the body (indented at least as deep) stay before it: the body's span ends at its last statement,
 * since the parser does not see comment lines (parse/pythonText.ts).
 */
function appendReturnSelf(text: string, fn: FunctionDef) {
  const start = fn.bodySpan.startOffset;
  if (lineStartOf(text, start) === lineStartOf(text, fn.nameSpan.startOffset)) return undefined;
  const indent = indentAt(text, start);
  let end = lineEndOf(text, fn.bodySpan.endOffset);
  let newline = text.indexOf('\n', end);
  while (newline >= 0) {
    const lineEnd = lineEndOf(text, newline + 1);
    const line = text.slice(newline + 1, lineEnd);
    if (line.trim() !== '') {
      if (!line.startsWith(indent) || !line.trimStart().startsWith('#')) break;
      end = lineEnd;
    }
    newline = text.indexOf('\n', newline + 1);
  }
  return insertAt(text, end, `${eolOf(text)}${indent}return self`);
}
