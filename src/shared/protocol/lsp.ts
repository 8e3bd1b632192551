// Custom LSP requests between the extension and the language server for the UI (lenses, payloads). Both sides
// import these names and shapes; the server answers them from the same model the diagnostics use.
// Self-contained (no analysis imports), so the extension can use it without pulling in the analysis core; the
// server's outline.ts, signature.ts and staticJson.ts build these shapes and re-export them.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Target } from './target';
import type { Bundle } from './bundle';
import type { AutoscalingSettings } from './vast';

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
  debugRemotely: 'vast.debugRemotely',
  watch: 'vast.watch',
} as const;

/** Arguments of every deployment lens command: the document and the deployment within it. */
export interface DeploymentLensArgs {
  uri: string;
  deploymentIndex: number;
  deployment: string;
}
/** Arguments of the "Run remotely" and "Debug remotely" lens commands. */
export interface RemoteLensArgs {
  uri: string;
  deployment: string;
  function: string;
}

/**
 * `vast/bundle`: what a deploy of the SAVED file would send (deploys ship what is on disk). The server reads the file,
 * reuses the analysis it holds for the open document when its text is the saved text (else analyses the saved text
 * once per saved version), and builds the bundle with the same core as the CLI's loadDeployment, so the extension
 * host never parses. `os.environ[...]` values are read from the server's environment, which it inherits from the
 * extension host that starts it (the deploying process), unless `environment` is given.
 */
export interface BundleParams {
  /** A `file:` URI. */
  uri: string;
  /** Decides the URLs the bundle settles (for the cloud: the defaults a file that names none gets). */
  target: Pick<Target, 'kind' | 'consoleUrl' | 'autoscalerUrl'>;
  /** Which `Deployment(...)` when the file has several: its `name` value or variable. */
  select?: string;
  /** Bundle even when the checker reports errors (a plan); the answer still says what a deploy would refuse. */
  force?: boolean;
  environment?: Record<string, string>;
}
export type BundleResult =
  | {
      ok: true;
      filePath: string;
      /** The saved file's bytes, base64: the tarball ships exactly these. */
      fileBytes: string;
      bundle: Bundle;
      /**
       * The deployment tarball (.tar.gz) of these bytes and the bundle's copies, base64, built by the server so the
       * extension host carries no tar encoder; its length is the PUT's `file_size`.
       */
      tarball: string;
      /** With `force`: what a deploy that is not forced refuses in this file (the checker's errors), if anything. */
      unforcedRefusal?: { message: string; details: string[] };
      /** Where the analysis came from: the open document's model, the server's cache of this saved text, or a parse. */
      analysis: 'document' | 'cached' | 'parsed';
    }
  /** What a deploy refuses (unreadable file, no deployment, checker errors, values only Python knows). */
  | { ok: false; message: string; details: string[] };
export const BUNDLE_REQUEST = new RequestType<BundleParams, BundleResult, void>('vast/bundle');

/**
 * `vast/refreshCodeLenses` (extension → server): what the lens titles show changed (target, key, deployed state,
 * a plan that finished); the server answers with the standard `workspace/codeLens/refresh`.
 */
export const REFRESH_CODE_LENSES_NOTIFICATION = new NotificationType<void>('vast/refreshCodeLenses');

/**
 * `vast/searchParamsAt`: what the offer hover needs when `position` is on a `require(...)` or `app.image(...)` call of
 * an open document: the deployment, the `search_params` string a deploy would send from that image, its storage, the
 * scaling and ttl the cost estimate reads, and where the file sends its requests. `null` anywhere else. Answered from
 * the model the server holds for the document (no parse of its own).
 */
export interface SearchParamsAtParams {
  uri: string;
  position: Position;
  /** Decides the URLs (as for vast/bundle): the cloud's defaults a file that names none gets, or the local engine's. */
  target: Pick<Target, 'kind' | 'consoleUrl' | 'autoscalerUrl'>;
}
/** One `require(...)` argument: its filter in search_params words and where it is written (for a quick fix). */
export interface RequirementAt {
  /** The filter as search_params writes it (`gpu_ram>=24`, `gpu_name in RTX_4090,RTX_5090`). */
  filter: string;
  range: Range;
  /** The column as written in Python (`gpu_ram`, `query.gpu_ram`); absent for `a and b`-style arguments. */
  column?: string;
}
export type SearchParamsAtResult =
  | null
  | {
      ok: true;
      deployment: string;
      /** The hovered call. */
      range: Range;
      searchParams: string;
      /** GB: offers are priced with it. */
      storage: number;
      /** configure_autoscaling's values, when they are statically known (else no cost estimate). */
      autoscaling?: AutoscalingSettings;
      ttl?: number;
      requirements: RequirementAt[];
      consoleUrl: string;
      autoscalerUrl: string;
      /** `Deployment(api_key=...)`: wins over the stored key on the cloud. */
      apiKey?: string;
      /** Set when the hovered app.image(...) is replaced by a later one (only the last is deployed). */
      replaced?: boolean;
    }
  /** On such a call, but its filters or storage are only known when Python runs. */
  | { ok: false; deployment: string; range: Range; message: string };
export const SEARCH_PARAMS_AT_REQUEST = new RequestType<SearchParamsAtParams, SearchParamsAtResult, void>('vast/searchParamsAt');
