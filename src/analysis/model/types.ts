// The static model of one deployment file. Everything that reads a deployment (rules, lenses, hover, completion,
// the tier plan, the bundle) reads this model, never the syntax tree. All ranges are LSP ranges: 0-based lines and
// UTF-16 code-unit columns, exactly what web-tree-sitter reports.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A range plus the document offsets it covers (UTF-16), so edits and slices need no line index. */
export interface Span {
  range: Range;
  startOffset: number;
  endOffset: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Static values. Anything we cannot evaluate without running Python is `unknown`: rules must treat it as "could be
// anything" and never report on it.

interface ValueBase extends Span {
  /** Source text of the expression, as written. */
  text: string;
  /**
   * When the value came from a module-level constant: the name and the span where it is used. The value's own span
   * (and every nested span) is the constant's definition, which is where a fix belongs.
   */
  via?: { name: string; use: Span };
}

export interface StrValue extends ValueBase {
  kind: 'str';
  value: string;
}
export interface BytesValue extends ValueBase {
  kind: 'bytes';
}
export interface IntValue extends ValueBase {
  kind: 'int';
  value: number;
}
export interface FloatValue extends ValueBase {
  kind: 'float';
  value: number;
}
export interface BoolValue extends ValueBase {
  kind: 'bool';
  value: boolean;
}
export interface NoneValue extends ValueBase {
  kind: 'none';
}
export interface SequenceValue extends ValueBase {
  kind: 'list' | 'tuple' | 'set';
  items: StaticValue[];
}
export interface DictEntry extends Span {
  key: StaticValue;
  value: StaticValue;
}
export interface DictValue extends ValueBase {
  kind: 'dict';
  entries: DictEntry[];
  /** True when the dict has a `**spread` or a half-typed entry: keys may be missing from `entries`. */
  hasSpread: boolean;
}
/** A bare name that is not a known constant: a function, a class, an import, a GPU constant, a parameter... */
export interface NameValue extends ValueBase {
  kind: 'name';
  name: string;
}
/** `module.attr` or `obj.attr` where the object is a bare name (e.g. `query.RTX_4090`). */
export interface AttributeValue extends ValueBase {
  kind: 'attribute';
  object: string;
  attribute: string;
  attributeSpan: Span;
}
export interface LambdaValue extends ValueBase {
  kind: 'lambda';
  params: Parameter[];
  body: StaticValue;
}
export interface UnknownValue extends ValueBase {
  kind: 'unknown';
}

export type StaticValue =
  | StrValue
  | BytesValue
  | IntValue
  | FloatValue
  | BoolValue
  | NoneValue
  | SequenceValue
  | DictValue
  | NameValue
  | AttributeValue
  | LambdaValue
  | UnknownValue;

// ---------------------------------------------------------------------------------------------------------------
// Calls and arguments

export interface Argument extends Span {
  /** Keyword name, or undefined for a positional argument. */
  name?: string;
  nameSpan?: Span;
  /** `*x` or `**x` spread: the call may carry arguments we cannot see. */
  splat?: '*' | '**';
  /** Index among positional arguments (only for positional ones). */
  position?: number;
  value: StaticValue;
}

export interface Call extends Span {
  /** Text of the callee, e.g. `app.configure_autoscaling`. */
  callee: string;
  calleeSpan: Span;
  /** The attribute name after the last dot (method name), with its span; for a plain call the function name. */
  method: string;
  methodSpan: Span;
  args: Argument[];
  /** Span of the argument list including parentheses. */
  argumentsSpan: Span;
  /** True when the call has a `*args`/`**kwargs` spread: unseen arguments may exist. */
  hasSplat: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Functions, parameters, classes

export type ParameterKind = 'positional-only' | 'normal' | 'keyword-only' | 'var-positional' | 'var-keyword';

export interface Parameter extends Span {
  name: string;
  nameSpan: Span;
  kind: ParameterKind;
  default?: StaticValue;
  annotation?: { text: string } & Span;
}

export interface FunctionDef extends Span {
  name: string;
  nameSpan: Span;
  isAsync: boolean;
  /** Span of the `def` keyword (where `async ` would be inserted). */
  defKeywordSpan: Span;
  params: Parameter[];
  /** Span of the `(...)` parameter list. */
  paramsSpan: Span;
  returnAnnotation?: { text: string } & Span;
  decorators: Decorator[];
  /** Dict literals returned by `return {...}` statements directly in the body (for benchmark generators). */
  returnedDicts: DictValue[];
  /** Whether any `return <expr>` exists in the body (nested defs/classes excluded). */
  returnsValue: boolean;
  /** Span of the body block. */
  bodySpan: Span;
}

export interface Decorator extends Span {
  /** Expression text after `@`. */
  text: string;
  /** When the decorator is `<receiver>.<method>` or `<receiver>.<method>(...)`. */
  receiver?: string;
  method?: string;
  methodSpan?: Span;
  /** The call when the decorator is called (`@app.remote(...)`), undefined for a bare `@app.remote`. */
  call?: Call;
}

export interface ClassDef extends Span {
  name: string;
  nameSpan: Span;
  decorators: Decorator[];
  methods: FunctionDef[];
  bodySpan: Span;
}

// ---------------------------------------------------------------------------------------------------------------
// Vast-specific elements

/** Documented constructor order; positional arguments are mapped onto it (but see rule VD033). */
export const DEPLOYMENT_FIELDS = [
  'name',
  'tag',
  'version_label',
  'api_key',
  'ttl',
  'autoscaler_instance',
  'autoscaler_url',
  'webserver_url',
] as const;
export type DeploymentField = (typeof DEPLOYMENT_FIELDS)[number];

export interface Deployment extends Span {
  /** Index in `model.deployments`. */
  index: number;
  /** The variable the Deployment is bound to (`app = Deployment(...)`), if any. */
  variable?: { name: string } & Span;
  call: Call;
  /** Field name → the argument that sets it (keyword or positional, mapped by the documented order). */
  fields: Partial<Record<DeploymentField, Argument>>;
  /** Keyword arguments that are not Deployment fields. */
  unknownKeywords: Argument[];
  remotes: RemoteFunction[];
  contexts: ContextClass[];
  images: Image[];
  autoscaling: Autoscaling;
  ensureReadyCalls: Call[];
  getContextCalls: GetContextCall[];
}

export interface RemoteFunction {
  fn: FunctionDef;
  deployment: Deployment;
  /** The `@<app>.remote` / `@<app>.remote(...)` decorator. */
  decorator: Decorator;
  benchmarkDataset?: Argument;
  benchmarkGenerator?: Argument;
  benchmarkRuns?: Argument;
  /** Decorator keyword arguments other than the three benchmark ones (and positional ones). */
  otherArgs: Argument[];
}

export interface ContextClass {
  cls: ClassDef;
  deployment: Deployment;
  decorator: Decorator;
  aenter?: FunctionDef;
  aexit?: FunctionDef;
}

export interface GetContextCall {
  call: Call;
  deployment: Deployment;
  /** The argument naming the context class, when given. */
  target?: Argument;
  /** Enclosing function name, if the call sits inside a function. */
  enclosingFunction?: string;
}

/** One method call on an image: chained (`app.image(...).pip_install(...)`) or on its variable later. */
export interface ImageStep {
  call: Call;
  method: string;
  /** True when called on the result of another image call, false when called on the image variable. */
  chained: boolean;
}

export interface Image extends Span {
  deployment: Deployment;
  /** The `<app>.image(...)` call. */
  call: Call;
  /** Variable the image is bound to (`image = app.image(...)`, also through a chain). */
  variable?: { name: string } & Span;
  fromImage?: Argument;
  storage?: Argument;
  /** `docker_login_user` / `docker_login_pass` / `docker_login_repo` and any other keyword. */
  keywords: Argument[];
  /** Every method call on this image, in source order. */
  steps: ImageStep[];
  requirements: QueryExpr[];
}

export type QueryOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'notin';

export interface QueryColumnRef extends Span {
  /** Python name as written in the query module (e.g. `gpu_ram`, `id_`). */
  name: string;
  /** How it was referenced: `gpu_ram` (imported name, maybe aliased) or `query.gpu_ram`. */
  text: string;
  /** True when the name resolves to an import from vastai.data.query (so its validity can be checked). */
  fromQueryModule: boolean;
}

export type QueryExpr =
  | ({ kind: 'compare'; column: QueryColumnRef; op: QueryOp; value: StaticValue; text: string } & Span)
  | ({ kind: 'membership'; column: QueryColumnRef; op: 'in' | 'notin'; value: StaticValue; text: string } & Span)
  /** `a and b`, `a or b`: Python evaluates this to one operand; the other requirement is silently lost. */
  | ({ kind: 'boolean'; operator: 'and' | 'or'; operands: QueryExpr[]; operatorSpan: Span; text: string } & Span)
  /** `0 < gpu_ram < 10`: Python turns this into `and`; only the last comparison survives. */
  | ({ kind: 'chained'; comparisons: QueryExpr[]; text: string } & Span)
  /** `not x`: not supported by the query builder. */
  | ({ kind: 'not'; operand: QueryExpr; text: string } & Span)
  /** Anything else (a variable holding a query, a call...). */
  | ({ kind: 'unknown'; text: string } & Span);

export interface Autoscaling {
  calls: Call[];
  /** Merged settings: later calls override earlier keys, like the SDK. */
  merged: Map<string, Argument>;
}

export interface ImportBinding extends Span {
  /** Module imported from, e.g. `vastai`, `vastai.data.query`. */
  module: string;
  /** Imported name (`Deployment`), or `*`, or undefined for `import module [as x]`. */
  name?: string;
  /** Local name bound in this file. */
  local: string;
  nameSpan: Span;
}

export interface RemoteCallSite {
  /** Name of the remote function called. */
  remote: string;
  call: Call;
}

/** Why a file was not modelled (model/limits.ts); rule VD039 reports it. */
export interface AnalysisLimit {
  reason: 'nesting' | 'nul' | 'size';
  /** Where it shows: the first bracket past Python's nesting limit, the first NUL, or the file's start. */
  span: Span;
  message: string;
}

export interface DeploymentModel {
  /** Document text the model was built from. */
  text: string;
  /** Every import from a `vastai` module (aliases resolved). */
  vastImports: ImportBinding[];
  /** All imports (any module), for generator resolution. */
  imports: ImportBinding[];
  /** True when the file looks like a Vast deployment (imports vastai or calls Deployment(...)). */
  isDeploymentFile: boolean;
  deployments: Deployment[];
  /** Every remote function, across deployments, in source order. */
  remotes: RemoteFunction[];
  /** Every context class, across deployments, in source order. */
  contexts: ContextClass[];
  /** Module-level functions and classes by name (last definition wins). */
  functions: Map<string, FunctionDef>;
  classes: Map<string, ClassDef>;
  /** Module-level names assigned exactly once to a statically known value. */
  constants: Map<string, StaticValue>;
  /** Calls to remote functions made inside this file (e.g. under `if __name__ == "__main__":`). */
  remoteCalls: RemoteCallSite[];
  /** 0-based lines dropped from the content hash (`# !VAST_IGNORE_CHANGES`), per the SDK's rule. */
  ignoredLines: number[];
  /** Spans where the parser found syntax errors (not reported: Pylance does that). */
  syntaxErrors: Span[];
  /** True when the resync fallback had to re-parse chunks after a damaged statement. */
  resynced: boolean;
  /** Set when the text exceeds an analysis limit (limits.ts): the model is then empty apart from `text`. */
  notAnalyzed?: AnalysisLimit;
  /** Expressions nested past the evaluator's depth limit (values.ts MAX_EVALUATION_DEPTH): not evaluated. */
  tooDeep: Span[];
}
