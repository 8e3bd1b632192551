// Reads a deployment file from disk and turns it into a bundle, refusing what would break on a worker. Shared by the
// CLI and the extension: both deploy exactly what is saved on disk (the tarball is built from the file's bytes).
import * as fs from 'fs';
import * as path from 'path';
import { analyzeText, initPythonParser } from '../analysis/document';
import type { VastDiagnostic } from '../analysis/analyze';
import type { Deployment, DeploymentModel } from '../model/types';
import { buildBundle } from './bundle';
import type { Bundle, Target } from './types';

export class DeploymentFileError extends Error {
  constructor(
    message: string,
    /** Diagnostics or unknown values behind the refusal, one line each. */
    readonly details: string[] = [],
  ) {
    super(details.length ? `${message}\n  ${details.join('\n  ')}` : message);
  }
}

export interface LoadedDeployment {
  filePath: string;
  fileBytes: Buffer;
  model: DeploymentModel;
  deployment: Deployment;
  diagnostics: VastDiagnostic[];
  bundle: Bundle;
}

export interface LoadOptions {
  /** Decides the URLs the bundle settles (for the cloud: the defaults a file that names none gets). */
  target: Pick<Target, 'kind' | 'consoleUrl' | 'autoscalerUrl'>;
  /** Which `Deployment(...)` when the file has several: its `name` value or variable. */
  select?: string;
  /** Deploy even when the checker reports errors. */
  force?: boolean;
  /** Environment for `os.environ[...]` values in the file (default: this process's). */
  environment?: Record<string, string | undefined>;
}

function describeDiagnostic(file: string, d: VastDiagnostic): string {
  return `${path.basename(file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.code} ${d.message}`;
}

function deploymentName(d: Deployment): string | undefined {
  const value = d.fields.name?.value;
  return value?.kind === 'str' ? value.value : undefined;
}

function pickDeployment(model: DeploymentModel, filePath: string, select?: string): Deployment {
  const candidates = model.deployments.filter((d) => d.remotes.length > 0);
  if (select !== undefined) {
    const chosen = model.deployments.find((d) => deploymentName(d) === select || d.variable?.name === select);
    if (!chosen) throw new DeploymentFileError(`${filePath}: no Deployment named "${select}"`);
    return chosen;
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    const why = model.deployments.length ? 'no @remote function is registered on its Deployment' : 'no Deployment(...) found';
    throw new DeploymentFileError(`${filePath}: not a deployable file: ${why}`);
  }
  const names = candidates.map((d) => deploymentName(d) ?? d.variable?.name ?? '?').join(', ');
  throw new DeploymentFileError(`${filePath}: ${candidates.length} deployments have remote functions (${names}); choose one with --deployment`);
}

export async function loadDeployment(file: string, options: LoadOptions): Promise<LoadedDeployment> {
  const filePath = path.resolve(file);
  let fileBytes: Buffer;
  try {
    // Reading a pipe or a device such as /dev/zero would wait, or read, for ever.
    if (!fs.statSync(filePath).isFile()) throw new DeploymentFileError(`${file}: not a regular file (a folder, pipe or device); a deployment file is a Python file`);
    fileBytes = fs.readFileSync(filePath);
  } catch (err) {
    if (err instanceof DeploymentFileError) throw err;
    throw new DeploymentFileError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  await initPythonParser();
  const { model, diagnostics } = analyzeText(fileBytes.toString('utf8'), { filePath, workspaceRoots: [path.dirname(filePath)] });
  const deployment = pickDeployment(model, filePath, options.select);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length && !options.force) {
    throw new DeploymentFileError(
      `${filePath}: ${errors.length} error${errors.length === 1 ? '' : 's'} would break the deployment (fix them, or pass --force)`,
      errors.map((d) => describeDiagnostic(filePath, d)),
    );
  }
  // os.environ reads are evaluated like the SDK does: in the deploying process's environment.
  const result = await buildBundle(model, deployment, {
    filePath,
    fileBytes,
    target: options.target,
    environment: options.environment ?? process.env,
  });
  if (!result.ok) {
    const sdkErrors = result.unknowns.filter((u) => u.kind === 'error');
    const heading = sdkErrors.length
      ? 'cannot package: the SDK would refuse this file'
      : 'cannot package statically: these values are only known when Python runs (no hash is guessed)';
    throw new DeploymentFileError(
      `${filePath}: ${heading}`,
      result.unknowns.map((u) => `${u.range ? `line ${u.range.start.line + 1}: ` : ''}${u.field}: ${u.message}`),
    );
  }
  return { filePath, fileBytes, model, deployment, diagnostics, bundle: result.bundle };
}
