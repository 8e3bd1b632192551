import * as path from 'node:path';
import { buildModel } from '../../../../src/analysis/model/extract';
import type { DeploymentModel } from '../../../../src/analysis/model/types';
import { ParsedDocument } from '../../../../src/analysis/parse/pythonParser';
import { repoRoot } from '../../../support/paths';

// Tests here are bundled one folder deeper than the parser looks for its wasm files.
process.env.VAST_WASM_DIR ??= path.join(repoRoot(), 'dist');

export function model(text: string): DeploymentModel {
  const doc = new ParsedDocument(text);
  try {
    return buildModel(doc);
  } finally {
    doc.dispose();
  }
}

export const HEADER = 'from vastai import Deployment\n\napp = Deployment(name="demo", tag="v1")\n\n';
