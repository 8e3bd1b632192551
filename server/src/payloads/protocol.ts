// Custom LSP requests between the extension and the language server for the UI (lenses, payloads). Both sides
// import these names and shapes; the server answers them from the same model the diagnostics use.
import type { Range } from '../model/types';
import type { DeploymentOutline } from './outline';
import type { Json } from './staticJson';

/** `vast/outline`: the outline of an open document, or of `text` when given (a file that is not open). */
export const OUTLINE_REQUEST = 'vast/outline';
export interface OutlineParams {
  textDocument: { uri: string };
  text?: string;
}
export type OutlineResult = DeploymentOutline;

/** `vast/benchmarkSampleEdit`: where and what to insert to add `payload` to `function`'s benchmark_dataset. */
export const BENCHMARK_SAMPLE_EDIT_REQUEST = 'vast/benchmarkSampleEdit';
export interface BenchmarkSampleEditParams {
  textDocument: { uri: string };
  /** Deployment name (as in the outline) and function name. */
  deployment: string;
  function: string;
  payload: { [key: string]: Json };
}
export type BenchmarkSampleEditResult =
  | { ok: true; version: number; edit: { range: Range; newText: string } }
  | { ok: false; problem: string };

/** Command ids the server's CodeLenses carry; the extension registers them. */
export const LENS_COMMANDS = {
  deploy: 'vast.deploy',
  showPlan: 'vast.showPlan',
  switchTarget: 'vast.switchTarget',
  runRemotely: 'vast.runRemotely',
} as const;

/** Arguments of every deployment lens command: the document and the deployment within it. */
export interface DeploymentLensArgs {
  uri: string;
  deploymentIndex: number;
  deployment: string;
}
/** Arguments of the "Run remotely" lens command. */
export interface RemoteLensArgs {
  uri: string;
  deployment: string;
  function: string;
}
