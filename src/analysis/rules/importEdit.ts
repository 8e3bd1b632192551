// Adding an import to a deployment file: extend the last `from <module> import ...` list, or insert the line after
// the last vastai import (or the last import). Shared by the quick fixes of the rules and by completion's
// auto-import (src/language-server/autoImport.ts).
import type { DeploymentModel, ImportBinding } from '../model/types';
import { positionAt } from '../util/textPosition';
import type { TextEdit } from './rule';

/** The line after the import statement that contains `binding` (multi-line `(...)` and `\` statements included). */
export function lineAfterStatement(text: string, binding: ImportBinding): number {
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

export function insertLine(text: string, line: number, newLine: string): TextEdit {
  const lines = text.split('\n');
  if (line < lines.length) return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: newLine + '\n' };
  // After the last line, which has no line break of its own.
  const last = lines.length - 1;
  const at = { line: last, character: lines[last].length };
  return { range: { start: at, end: at }, newText: '\n' + newLine };
}

/** The edit that makes `from <module> import <name>` true in the file. */
export function addImportEdit(model: DeploymentModel, module: string, name: string): TextEdit {
  const fromList = model.imports.filter((i) => i.module === module && i.name !== undefined && i.name !== '*');
  if (fromList.length) {
    // Extend the last `from <module> import ...` right after its last name (before any `)` or comment).
    const last = fromList[fromList.length - 1]!;
    return { range: { start: last.range.end, end: last.range.end }, newText: `, ${name}` };
  }
  const anchor = model.vastImports[model.vastImports.length - 1] ?? model.imports[model.imports.length - 1];
  const line = anchor ? lineAfterStatement(model.text, anchor) : 0;
  return insertLine(model.text, line, `from ${module} import ${name}`);
}
