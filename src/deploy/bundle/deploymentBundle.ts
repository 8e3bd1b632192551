// From a deployment file's bytes and their analysis to the bundle a deploy sends, refusing what would break on a
// worker. The one core behind the CLI's loadDeployment (which parses in its own process) and the language server's
// `vast/bundle` request (which reuses the analysis it already holds for the editor), so both refuse the same files
// with the same words.
import * as fs from 'fs';
import * as path from 'path';
import type { VastDiagnostic } from '../../analysis/analyze';
import type { Deployment, DeploymentModel } from '../../analysis/model/types';
import { buildBundle } from './bundle';
import type { Target } from '../../shared/protocol/target';
import type { Bundle } from '../../shared/protocol/bundle';

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

export interface BundleOptions {
  /** Decides the URLs the bundle settles (for the cloud: the defaults a file that names none gets). */
  target: Pick<Target, 'kind' | 'consoleUrl' | 'autoscalerUrl'>;
  /** Which `Deployment(...)` when the file has several: its `name` value or variable. */
  select?: string;
  /** Deploy even when the checker reports errors. */
  force?: boolean;
  /** Environment for `os.environ[...]` values in the file (default: this process's). */
  environment?: Record<string, string | undefined>;
}

/** The model and diagnostics of exactly `fileBytes` (the analysis must be of the bytes that are shipped). */
export interface FileAnalysis {
  model: DeploymentModel;
  diagnostics: VastDiagnostic[];
}

/** The file's bytes, or the refusal a deploy gives when it cannot read them. */
export function readDeploymentFile(file: string): { filePath: string; fileBytes: Buffer } {
  const filePath = path.resolve(file);
  try {
    // Reading a pipe or a device such as /dev/zero would wait, or read, for ever.
    if (!fs.statSync(filePath).isFile()) throw new DeploymentFileError(`${file}: not a regular file (a folder, pipe or device); a deployment file is a Python file`);
    return { filePath, fileBytes: fs.readFileSync(filePath) };
  } catch (err) {
    if (err instanceof DeploymentFileError) throw err;
    throw new DeploymentFileError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The rules' view of a file being deployed: only its own folder resolves relative paths (as on a worker). */
export function deployAnalysisOptions(filePath: string): { filePath: string; workspaceRoots: string[] } {
  return { filePath, workspaceRoots: [path.dirname(filePath)] };
}

function describeDiagnostic(file: string, d: VastDiagnostic): string {
  return `${path.basename(file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.code} ${d.message}`;
}

/** The checker's errors as the refusal lists them, one line each (`deploy.py:3:1: VD001 ...`). */
export function describeErrors(filePath: string, diagnostics: readonly VastDiagnostic[]): string[] {
  return diagnostics.filter((d) => d.severity === 'error').map((d) => describeDiagnostic(filePath, d));
}

/** The refusal of a file whose checker reports `errors` (described lines), unless the deploy is forced. */
export function errorsRefusal(filePath: string, errors: readonly string[]): DeploymentFileError {
  return new DeploymentFileError(
    `${filePath}: ${errors.length} error${errors.length === 1 ? '' : 's'} would break the deployment (fix them, or pass --force)`,
    [...errors],
  );
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

/** The bundle of one analysed file; throws DeploymentFileError for what a deploy must refuse. */
export async function bundleDeployment(filePath: string, fileBytes: Buffer, analysis: FileAnalysis, options: BundleOptions): Promise<LoadedDeployment> {
  const { model, diagnostics } = analysis;
  const deployment = pickDeployment(model, filePath, options.select);
  const errors = describeErrors(filePath, diagnostics);
  if (errors.length && !options.force) throw errorsRefusal(filePath, errors);
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
