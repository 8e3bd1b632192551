// Custom LSP requests between the extension and the language server for the UI (lenses, payloads). Both sides
// import these names and shapes; the server answers them from the same model the diagnostics use.
// Self-contained (no analysis imports), so the extension can use it without pulling in the analysis core; the
// server's outline.ts, signature.ts and staticJson.ts build these shapes and re-export them.

/** A position and range as LSP sends them (zero-based line, UTF-16 character); the model's Range has this shape. */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

/** Plain JSON: what payload values, defaults and benchmark samples are once they leave the model. */
export type Json = null | number | string | boolean | Json[] | { [key: string]: Json };


/** A @remote function's payload shape: its parameters, annotations, defaults and benchmark sample. */
export interface SignatureParameter {
  name: string;
  kind: 'positional-only' | 'normal' | 'keyword-only' | 'var-positional' | 'var-keyword';
  /** Annotation text as written (`int`, `list[str]`, `Optional[int]`), if any. */
  annotation?: string;
  /** True when the parameter has a default (a payload may leave it out). */
  hasDefault: boolean;
  /** The default as JSON, when it is a literal JSON can express. */
  default?: Json;
}

export interface RemoteSignature {
  deployment: string;
  function: string;
  params: SignatureParameter[];
  /** Accepts arbitrary keyword arguments (`**kwargs`). */
  acceptsExtraKeywords: boolean;
  /** The first static entry of `benchmark_dataset`, or the dict a `benchmark_generator` function returns literally. */
  benchmarkSample?: { [key: string]: Json };
}

export interface DeploymentOutlineEntry {
  index: number;
  /** Name as written, or a placeholder from its variable when the name is not a literal. */
  name: string;
  /** True when `name` is the literal Deployment name (so payload folders and the server agree on it). */
  nameIsLiteral: boolean;
  tag?: string;
  variable?: string;
  /** The `Deployment(...)` call (where its lenses go). */
  range: Range;
  remotes: RemoteOutlineEntry[];
}

export interface RemoteOutlineEntry {
  name: string;
  /** The first decorator line through the `def` line's end: where the "Run remotely" lens goes. */
  range: Range;
  signature: RemoteSignature;
  hasBenchmark: boolean;
}

export interface DeploymentOutline {
  isDeploymentFile: boolean;
  deployments: DeploymentOutlineEntry[];
}

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
