// The bundle: everything `ensure_ready()` computes locally from the deployment file, which the language server
// answers the extension's `vast/bundle` with (lsp.ts) and the deploy core plans, packages and registers.
import type { AutoscalingSettings, DeploymentPutBody } from './vast';

/** config.json's content, field order name, pip_installs, apt_gets, envs, runs. */
export interface DeployConfig {
  name: string;
  pip_installs: string[];
  apt_gets: string[];
  envs: [string, string][];
  runs: (string | string[])[];
}

/** One `image.copy(src, dst)`: src resolved against the deployment file's folder. */
export interface CopySpec {
  src: string;
  dst: string;
  kind: 'file' | 'directory';
}

export interface Bundle {
  /** Path of the deployment file on disk (its folder resolves copy() sources). */
  filePath: string;
  config: DeployConfig;
  /** config.json exactly as Python's json.dumps writes it. */
  configJson: string;
  fileHash: string;
  copies: CopySpec[];
  /** The PUT body without `file_size` (known only once the tarball is written). */
  putBody: Omit<DeploymentPutBody, 'file_size'>;
  autoscaling: AutoscalingSettings;
  /** Deployment identity on the server: (name, tag). */
  identity: { name: string; tag: string };
  /** The console this deployment registers with: the file's `webserver_url` (vast target) or the local engine's. */
  consoleUrl: string;
  /** Where its workers report (REPORT_ADDR): from the file's autoscaler_url/instance (vast) or the local engine. */
  autoscalerUrl: string;
  /** `Deployment(api_key=...)` when the file passes one (vast target only): it wins over every other key source. */
  apiKey?: string;
  /** PUT body fields whose value is a Python float in the file: sent as floats (`16.0`), as the SDK sends them. */
  pythonFloats: string[];
}
