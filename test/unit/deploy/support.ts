// Shared by the deploy tests: a model from text, and a bundle built from a file written into a temp folder (so
// copy() sources and the file's module name are real).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildModel } from '../../../src/analysis/model/extract';
import type { DeploymentModel } from '../../../src/analysis/model/types';
import { ParsedDocument } from '../../../src/analysis/parse/pythonParser';
import { buildBundle, type BuildBundleOptions } from '../../../src/deploy/bundle/bundle';
import type { BundleResult } from '../../../src/deploy/types';
import type { Target } from '../../../src/shared/protocol/target';
import { initPythonParser } from '../../../src/analysis/document';
import { repoRoot } from '../../support/paths';

/** The parser looks for its wasm up to three folders above the bundled test; these tests sit one deeper. */
export function initParser(): Promise<unknown> {
  process.env.VAST_WASM_DIR ??= path.join(repoRoot(), 'dist');
  return initPythonParser();
}

export function modelOf(text: string): DeploymentModel {
  const doc = new ParsedDocument(text);
  try {
    return buildModel(doc);
  } finally {
    doc.dispose();
  }
}

export const VAST_TARGET: Target = { kind: 'vast', consoleUrl: 'https://console.vast.ai', autoscalerUrl: 'https://run.vast.ai', apiKey: 'k' };
export const LOCAL_TARGET: Target = { kind: 'local', consoleUrl: 'http://127.0.0.1:4100', autoscalerUrl: 'http://127.0.0.1:4100', apiKey: 'k' };

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vast-deploy-test-'));
}

/** Writes `files` (relative path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}

export interface BundleTextOptions extends Partial<Omit<BuildBundleOptions, 'fileBytes'>> {
  files?: Record<string, string | Buffer>;
  fileName?: string;
}

/** Builds the bundle of `text`'s first deployment, written as `deploy.py` in a fresh temp folder. */
export async function bundleText(text: string, options: BundleTextOptions = {}): Promise<BundleResult & { dir: string }> {
  const dir = tempDir();
  writeFiles(dir, options.files ?? {});
  const filePath = options.filePath ?? path.join(dir, options.fileName ?? 'deploy.py');
  fs.writeFileSync(filePath, text);
  const model = modelOf(text);
  if (!model.deployments.length) throw new Error('the test text has no Deployment(...)');
  const result = await buildBundle(model, model.deployments[0], {
    filePath,
    fileBytes: Buffer.from(text, 'utf8'),
    target: options.target ?? VAST_TARGET,
    environment: options.environment,
  });
  return { ...result, dir };
}

/** The minimal deployment around `imageLines` (each line is Python placed after `image = app.image(...)`). */
export function deploymentWith(imageLines: string[], opts: { deployment?: string; imports?: string; autoscaling?: string } = {}): string {
  return [
    'from vastai import Deployment',
    opts.imports ?? 'from vastai.data.query import gpu_name, gpu_ram, cpu_ram, cpu_cores, dph_total, duration, RTX_4090, RTX_5090, H100_SXM',
    `app = Deployment(${opts.deployment ?? 'name="t"'})`,
    '',
    '@app.remote(benchmark_dataset=[{"x": 2}])',
    'async def f(x):',
    '    return x',
    '',
    'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
    ...imageLines,
    opts.autoscaling ?? 'app.configure_autoscaling()',
    'app.ensure_ready()',
    '',
  ].join('\n');
}
