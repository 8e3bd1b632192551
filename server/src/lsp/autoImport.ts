// Where a completed query column or GPU constant comes from: already imported (maybe under an alias), reachable as
// `q.NAME` through a module import, or needing an import, which we add by extending the file's
// `from vastai.data.query import ...` list or by inserting that line after the last vastai import.
import type { TextEdit } from 'vscode-languageserver/node';
import type { DeploymentModel, ImportBinding } from '../model/types';
import { positionAt } from './cursor';
import { QUERY_MODULE, type VastNames } from './vastNames';

export interface ImportPlan {
  /** What to write at the cursor: the name, its local alias, or `q.NAME`. */
  insertText: string;
  /** The import edit, when the name is not reachable yet. */
  additionalTextEdits?: TextEdit[];
}

/** The line after the import statement that contains `binding` (multi-line `(...)` and `\` statements included). */
function lineAfterStatement(text: string, binding: ImportBinding): number {
  const keyword = text.lastIndexOf('import', binding.startOffset);
  let end = binding.endOffset;
  if (keyword >= 0 && text.slice(keyword + 'import'.length, binding.startOffset).includes('(')) {
    const close = text.indexOf(')', binding.endOffset);
    if (close >= 0) end = close;
  } else {
    // A backslash at a line end carries the statement on to the next line.
    let lineEnd = text.indexOf('\n', end);
    while (lineEnd >= 0 && text.slice(0, lineEnd).trimEnd().endsWith('\\')) {
      end = lineEnd + 1;
      lineEnd = text.indexOf('\n', end);
    }
  }
  return positionAt(text, end).line + 1;
}

function insertLine(text: string, line: number, newLine: string): TextEdit {
  const lines = text.split('\n');
  if (line < lines.length) return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: newLine + '\n' };
  // After the last line, which has no line break of its own.
  const last = lines.length - 1;
  const at = { line: last, character: lines[last].length };
  return { range: { start: at, end: at }, newText: '\n' + newLine };
}

export function planQueryImport(model: DeploymentModel, names: VastNames, exportName: string): ImportPlan {
  const queryImports = model.imports.filter((i) => i.module === QUERY_MODULE && i.name !== undefined);
  const direct = queryImports.filter((i) => i.name === exportName && names.binding(i.local) === i);
  if (direct.length) return { insertText: direct[direct.length - 1].local };
  if (names.hasStarImport()) return { insertText: exportName };

  const fromList = queryImports.filter((i) => i.name !== '*');
  if (fromList.length) {
    // Extend the last `from vastai.data.query import ...` right after its last name (before any `)` or comment).
    const last = fromList[fromList.length - 1];
    return { insertText: exportName, additionalTextEdits: [{ range: { start: last.range.end, end: last.range.end }, newText: `, ${exportName}` }] };
  }
  const alias = names.queryModuleAlias();
  if (alias) return { insertText: `${alias}.${exportName}` };

  const anchor = model.vastImports[model.vastImports.length - 1] ?? model.imports[model.imports.length - 1];
  const line = anchor ? lineAfterStatement(model.text, anchor) : 0;
  return { insertText: exportName, additionalTextEdits: [insertLine(model.text, line, `from ${QUERY_MODULE} import ${exportName}`)] };
}
