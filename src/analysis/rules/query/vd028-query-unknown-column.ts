import { QUERY_COLUMNS } from '../../catalog/queryColumns';
import type { DeploymentModel, ImportBinding, Span } from '../../model/types';
import { didYouMean } from '../../util/didYouMean';
import type { QuickFix, Rule, RuleContext, TextEdit } from '../rule';
import { allExports, classifyExport, hasStarImport, importOf, leafValues, leavesOf, QUERY_MODULE, requirementsOf, walk } from './queryWalk';

/** Where `local` is used inside `require(...)`: as a column, or as a compared value. */
function knownUses(model: DeploymentModel, local: string): Span[] {
  const out: Span[] = [];
  for (const leaf of leavesOf(model)) {
    if (leaf.column.text === local) out.push(leaf.column);
    for (const v of leafValues(leaf)) if (v.kind === 'name' && v.name === local) out.push(v);
  }
  return out;
}

/** Whether `offset` sits in a comment or a one-line string of its line (a rough scan: quotes and `#` only). */
function inCommentOrString(text: string, offset: number): boolean {
  let quote: string | undefined;
  for (let i = text.lastIndexOf('\n', offset - 1) + 1; i < offset; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return true;
  }
  return quote !== undefined;
}

/**
 * Renames an imported name and its uses; undefined when the name also appears where the model cannot see it (a
 * rename of the import alone would break those uses).
 */
function renameImportFix(model: DeploymentModel, imp: ImportBinding, to: string): QuickFix | undefined {
  const edits: TextEdit[] = [{ range: imp.nameSpan.range, newText: to }];
  if (imp.local !== imp.name) return { title: `Change to '${to}'`, edits, isPreferred: true }; // aliased: uses keep the alias
  const uses = new Map<number, Span>();
  for (const s of knownUses(model, imp.local)) uses.set(s.startOffset, s);
  const word = new RegExp(`(?<![\\w.])${imp.local}(?!\\w)`, 'g');
  for (const m of model.text.matchAll(word)) {
    if (m.index === imp.nameSpan.startOffset || inCommentOrString(model.text, m.index!)) continue;
    const use = uses.get(m.index!);
    if (!use) return undefined;
    edits.push({ range: use.range, newText: to });
  }
  return { title: `Change to '${to}'${edits.length > 1 ? ' everywhere' : ''}`, edits, isPreferred: true };
}

function checkImports(ctx: RuleContext): void {
  for (const imp of ctx.model.vastImports) {
    if (imp.module !== QUERY_MODULE || !imp.name || imp.name === '*') continue;
    if (classifyExport(imp.name).kind !== 'missing') continue;
    const hint = didYouMean(imp.name, allExports());
    const fix = hint ? renameImportFix(ctx.model, imp, hint) : undefined;
    ctx.report({
      range: imp.nameSpan.range,
      message:
        `'${imp.name}' is not exported by ${QUERY_MODULE} (neither a column nor a GPU constant): the import raises ` +
        `ImportError when the file runs.${hint ? ` Did you mean '${hint}'?` : ''}`,
      fixes: fix ? [fix] : undefined,
    });
  }
}

function checkColumnRefs(ctx: RuleContext): void {
  const { model } = ctx;
  const seen = new Set<number>();
  for (const { expr } of requirementsOf(model)) {
    for (const e of walk(expr)) {
      if (e.kind !== 'compare' && e.kind !== 'membership') continue;
      const ref = e.column;
      if (!ref.fromQueryModule || seen.has(ref.startOffset) || classifyExport(ref.name).kind !== 'missing') continue;
      seen.add(ref.startOffset);
      const attribute = ref.text.includes('.');
      // A named import is reported once, on the import itself.
      if (!attribute && importOf(model, ref.text)?.module === QUERY_MODULE) continue;
      const hint = didYouMean(ref.name, QUERY_COLUMNS.keys());
      // Through `import *`, an unknown name may be a local variable we cannot see: report only likely typos.
      if (!attribute && (!hint || !hasStarImport(model))) continue;
      ctx.report({
        range: ref.range,
        message:
          `'${ref.name}' is not a column of ${QUERY_MODULE}: ` +
          (attribute ? `'${ref.text}' raises AttributeError` : `the name is undefined (NameError)`) +
          ` when the file runs.${hint ? ` Did you mean '${hint}'?` : ''}`,
        fixes: hint ? [{ title: `Change to '${hint}'`, edits: [{ range: ref.range, newText: hint }], isPreferred: true }] : undefined,
      });
    }
  }
}

export const queryUnknownColumn: Rule = {
  id: 'VD028',
  name: 'query-unknown-column',
  severity: 'error',
  title: 'Names used from `vastai.data.query` must exist',
  docs:
    'Importing or using a name that `vastai.data.query` does not export (a misspelled column or GPU constant) fails ' +
    'with ImportError or AttributeError before anything is deployed.',
  check(ctx) {
    checkImports(ctx);
    checkColumnRefs(ctx);
  },
};
