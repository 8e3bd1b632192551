// Where a completed query column or GPU constant comes from: already imported (maybe under an alias), reachable as
// `q.NAME` through a module import, or needing an import, which we add by extending the file's
// `from vastai.data.query import ...` list or by inserting that line after the last vastai import.
import type { TextEdit } from 'vscode-languageserver/node';
import type { DeploymentModel } from '../analysis/model/types';
import { addImportEdit } from '../analysis/rules/importEdit';
import { QUERY_MODULE, type VastNames } from './vastNames';

export interface ImportPlan {
  /** What to write at the cursor: the name, its local alias, or `q.NAME`. */
  insertText: string;
  /** The import edit, when the name is not reachable yet. */
  additionalTextEdits?: TextEdit[];
}

export function planQueryImport(model: DeploymentModel, names: VastNames, exportName: string): ImportPlan {
  const queryImports = model.imports.filter((i) => i.module === QUERY_MODULE && i.name !== undefined);
  const direct = queryImports.filter((i) => i.name === exportName && names.binding(i.local) === i);
  if (direct.length) return { insertText: direct[direct.length - 1].local };
  if (names.hasStarImport()) return { insertText: exportName };

  const alias = queryImports.some((i) => i.name !== '*') ? undefined : names.queryModuleAlias();
  if (alias) return { insertText: `${alias}.${exportName}` };
  return { insertText: exportName, additionalTextEdits: [addImportEdit(model, QUERY_MODULE, exportName)] };
}
