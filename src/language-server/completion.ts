// Completion for the Vast parts of a deployment file. The context comes from the raw text around the cursor
// (enclosing brackets, the callee in front of them, the string the cursor is in), because the line being typed is
// usually not valid Python yet; the model and the imports then say what the names in that context mean.
//
// Each provider below recognises one context and returns its items, or undefined when the context is not its own;
// the first provider that recognises the context wins, even with no items (so a value position after `max_workers=`
// does not fall through to something unrelated).
import {
  CompletionItemKind,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node';
import { GPU_CONSTANTS, type GpuConstant } from '../analysis/catalog/gpus';
import { QUERY_COLUMNS, type QueryColumn } from '../analysis/catalog/queryColumns';
import {
  AUTOSCALING_PARAMS,
  DEPLOYMENT_METHODS,
  DEPLOYMENT_PARAMS,
  IMAGE_CONSTRUCTOR,
  IMAGE_METHODS,
  REMOTE_PARAMS,
  type ParamDoc,
} from '../analysis/catalog/sdk';
import type { Deployment, DeploymentModel, Position } from '../analysis/model/types';
import { planQueryImport } from './autoImport';
import {
  chainBefore,
  linePrefix,
  offsetAt,
  positionAt,
  previousNonBlank,
  scanAtCursor,
  wordBefore,
  type ChainPart,
  type CursorScan,
  type OpenBracket,
  type Word,
} from './cursor';
import {
  autoscalingMarkdown,
  autoscalingRange,
  columnMarkdown,
  columnSummary,
  deploymentMethodMarkdown,
  gpuMarkdown,
  imageMethodMarkdown,
  parameterMarkdown,
} from './markdown';
import { findDecoratedParameters, type CompletableParameter } from './parameters';
import { QUERY_MODULE, VastNames } from './vastNames';

/** GPUs most deployments ask for, listed first; the rest follow in the SDK's order. */
const POPULAR_GPUS = [
  'RTX_4090', 'RTX_5090', 'H100_SXM', 'H100_PCIE', 'H100_NVL', 'H200', 'B200', 'A100_SXM4', 'A100_PCIE', 'L40S', 'L40',
  'L4', 'RTX_3090', 'RTX_A6000', 'RTX_6000Ada', 'A10', 'A40', 'Tesla_T4', 'RTX_4080', 'RTX_5080',
];

/** Columns most searches filter on, listed first; aliases of other columns go last. */
const POPULAR_COLUMNS = [
  'gpu_name', 'gpu_ram', 'num_gpus', 'gpu_total_ram', 'compute_cap', 'cuda_max_good', 'cpu_ram', 'cpu_cores',
  'disk_space', 'dph_total', 'reliability', 'inet_down', 'inet_up', 'datacenter', 'geolocation', 'gpu_arch',
];

const EMPTY: CompletionList = { isIncomplete: false, items: [] };

type CallKind = 'deployment' | 'autoscaling' | 'remote' | 'image' | 'require';

class CompletionContext {
  readonly text: string;
  readonly scan: CursorScan;
  readonly names: VastNames;
  /** The identifier characters typed before the cursor: what an item replaces. */
  readonly word: Word;

  constructor(
    readonly model: DeploymentModel,
    readonly cursor: number,
  ) {
    this.text = model.text;
    this.scan = scanAtCursor(this.text, cursor);
    this.names = new VastNames(model);
    this.word = wordBefore(this.text, cursor);
  }

  /** The n-th enclosing bracket counting outwards (0 = innermost). */
  bracket(n = 0): OpenBracket | undefined {
    return this.scan.brackets[this.scan.brackets.length - 1 - n];
  }

  range(start: number, end = this.cursor): Range {
    return { start: positionAt(this.text, start), end: positionAt(this.text, end) };
  }

  wordEdit(newText: string): TextEdit {
    return { range: this.range(this.word.start), newText };
  }

  /** True when nothing but blanks stands between the start of the bracket's current item and `offset`. */
  atItemStart(bracket: OpenBracket, offset = this.word.start): boolean {
    return this.text.slice(bracket.itemStart, offset).trim() === '';
  }

  /** The callee in front of a `(`. */
  callee(bracket: OpenBracket | undefined): ChainPart[] | undefined {
    return bracket?.char === '(' ? chainBefore(this.text, bracket.offset, this.scan.openerOf) : undefined;
  }

  /** Which Vast call a `(` belongs to. */
  callKind(bracket: OpenBracket | undefined): CallKind | undefined {
    const chain = this.callee(bracket);
    if (!chain) return undefined;
    if (chain.every((p) => !p.called) && this.names.isDeploymentClass(chain.map((p) => p.name))) return 'deployment';
    const last = chain[chain.length - 1];
    const receiver = chain.slice(0, -1);
    if (this.names.isDeploymentVariable(receiver)) {
      if (last.name === 'configure_autoscaling') return 'autoscaling';
      if (last.name === 'remote') return 'remote';
      if (last.name === 'image') return 'image';
    }
    if (last.name === 'require' && this.names.isImageExpression(receiver)) return 'require';
    return undefined;
  }

  deploymentNamed(variable: string): Deployment | undefined {
    return this.model.deployments.find((d) => d.variable?.name === variable);
  }
}

type Provider = (ctx: CompletionContext) => CompletionItem[] | undefined;

// ---------------------------------------------------------------------------------------------------------------
// Item builders

function sortKey(group: number, index: number): string {
  return `${group}${String(index).padStart(4, '0')}`;
}

function markdown(value: string) {
  return { kind: MarkupKind.Markdown, value };
}

/** `name=` items for the keywords of a call that are not written in it yet (before or after the cursor). */
function keywordItems(ctx: CompletionContext, bracket: OpenBracket, params: readonly ParamDoc[], doc: (p: ParamDoc) => string, detail: (p: ParamDoc) => string): CompletionItem[] {
  const missing = params.filter((p) => !bracket.keywords.has(p.name));
  return missing.map((p, i) => ({
    label: `${p.name}=`,
    kind: CompletionItemKind.Property,
    detail: detail(p),
    documentation: markdown(doc(p)),
    filterText: p.name,
    sortText: sortKey(0, i),
    preselect: i === 0 || undefined,
    textEdit: ctx.wordEdit(`${p.name}=`),
  }));
}

function gpuSortText(g: GpuConstant, catalogIndex: number): string {
  const popular = POPULAR_GPUS.indexOf(g.name);
  return popular >= 0 ? sortKey(0, popular) : sortKey(1, catalogIndex);
}

function columnSortText(c: QueryColumn, catalogIndex: number): string {
  const popular = POPULAR_COLUMNS.indexOf(c.name);
  if (popular >= 0) return sortKey(0, popular);
  return c.aliasOf ? sortKey(2, catalogIndex) : sortKey(1, catalogIndex);
}

/** GPU constants as Python names, with the import they need. */
function gpuConstantItems(ctx: CompletionContext, withImport: boolean): CompletionItem[] {
  return [...GPU_CONSTANTS.values()].map((g, i) => {
    const plan = withImport ? planQueryImport(ctx.model, ctx.names, g.name) : { insertText: g.name };
    return {
      label: g.name,
      kind: CompletionItemKind.Constant,
      detail: `"${g.value}" · ${g.family}`,
      documentation: markdown(gpuMarkdown(g)),
      filterText: g.name,
      sortText: gpuSortText(g, i),
      textEdit: ctx.wordEdit(plan.insertText),
      additionalTextEdits: plan.additionalTextEdits,
    };
  });
}

/** Query columns, with the import they need. */
function columnItems(ctx: CompletionContext, withImport: boolean, preselect?: string): CompletionItem[] {
  return [...QUERY_COLUMNS.values()].map((c, i) => {
    const plan = withImport ? planQueryImport(ctx.model, ctx.names, c.name) : { insertText: c.name };
    return {
      label: c.name,
      kind: CompletionItemKind.Field,
      detail: columnSummary(c),
      documentation: markdown(columnMarkdown(c)),
      filterText: c.name,
      sortText: columnSortText(c, i),
      preselect: c.name === preselect || undefined,
      textEdit: ctx.wordEdit(plan.insertText),
      additionalTextEdits: plan.additionalTextEdits,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Providers

/** `app.` → Deployment methods; `image.`, `app.image(...).` or `image.pip_install(...).` → Image methods. */
const memberCompletions: Provider = (ctx) => {
  const dot = previousNonBlank(ctx.text, ctx.word.start);
  if (ctx.text[dot] !== '.') return undefined;
  const chain = chainBefore(ctx.text, dot, ctx.scan.openerOf);
  if (!chain) return [];
  if (ctx.names.isDeploymentVariable(chain)) return deploymentMethodItems(ctx, ctx.deploymentNamed(chain[0].name));
  if (ctx.names.isImageExpression(chain)) return imageMethodItems(ctx, chain);
  const plain = chain.every((p) => !p.called) ? chain.map((p) => p.name) : undefined;
  if (plain && ctx.names.isDeploymentClass(plain)) {
    const lookup = DEPLOYMENT_METHODS.get('lookup')!;
    return [{ label: 'lookup', kind: CompletionItemKind.Method, detail: lookup.signature, documentation: markdown(deploymentMethodMarkdown(lookup)), textEdit: ctx.wordEdit('lookup') }];
  }
  if (plain && ctx.names.isQueryModule(plain)) return [...columnItems(ctx, false), ...gpuConstantItems(ctx, false)];
  return [];
};

/** What a deployment still lacks comes first: image, autoscaling, ensure_ready. */
function deploymentMethodItems(ctx: CompletionContext, deployment: Deployment | undefined): CompletionItem[] {
  const order = ['remote', 'context', 'image', 'configure_autoscaling', 'ensure_ready', 'get_context'];
  const lacking = new Set<string>();
  if (deployment) {
    if (deployment.images.length === 0) lacking.add('image');
    if (deployment.autoscaling.calls.length === 0) lacking.add('configure_autoscaling');
    if (deployment.ensureReadyCalls.length === 0) lacking.add('ensure_ready');
  }
  const firstLacking = order.find((m) => lacking.has(m));
  return order.map((name, i) => {
    const doc = DEPLOYMENT_METHODS.get(name)!;
    return {
      label: name,
      kind: CompletionItemKind.Method,
      detail: doc.signature,
      documentation: markdown(deploymentMethodMarkdown(doc)),
      sortText: sortKey(lacking.has(name) ? 0 : 1, i),
      preselect: name === firstLacking || undefined,
      textEdit: ctx.wordEdit(name),
    };
  });
}

function imageMethodItems(ctx: CompletionContext, chain: readonly ChainPart[]): CompletionItem[] {
  const image = ctx.model.deployments.flatMap((d) => d.images).find((i) => i.variable?.name === chain[0].name);
  const hasRequire = !!image?.steps.some((s) => s.method === 'require') || chain.some((p) => p.name === 'require');
  return [...IMAGE_METHODS.values()].map((m, i) => ({
    label: m.name,
    kind: CompletionItemKind.Method,
    detail: m.signature,
    documentation: markdown(imageMethodMarkdown(m)),
    sortText: sortKey(0, i),
    // An image without GPU filters runs on whatever is cheapest: `require` is what is usually missing.
    preselect: (m.name === 'require' && !hasRequire) || undefined,
    textEdit: ctx.wordEdit(m.name),
  }));
}

/** `from vastai.data.query import gpu_name, |` → the columns and GPU constants not imported yet. */
const importListCompletions: Provider = (ctx) => {
  const sameLine = /^\s*from\s+vastai\.data\.query\s+import\s+\(?\s*(?:[A-Za-z_]\w*(?:\s+as\s+[A-Za-z_]\w*)?\s*,\s*)*$/;
  const inner = ctx.bracket();
  const inParenthesizedList =
    inner?.char === '(' && /^\s*from\s+vastai\.data\.query\s+import\s*$/.test(linePrefix(ctx.text, inner.offset)) && ctx.atItemStart(inner);
  if (!inParenthesizedList && !sameLine.test(linePrefix(ctx.text, ctx.word.start))) return undefined;
  const imported = new Set(ctx.model.imports.filter((i) => i.module === QUERY_MODULE).map((i) => i.name));
  return [...columnItems(ctx, false), ...gpuConstantItems(ctx, false)].filter((item) => !imported.has(item.label));
};

/** True when a value starting at `valueStart` is compared with `gpu_name`: `gpu_name ==`, `gpu_name.in_([`. */
function isGpuNameValue(ctx: CompletionContext, valueStart: number): boolean {
  const before = ctx.text.slice(Math.max(0, valueStart - 200), valueStart);
  const compared = /([A-Za-z_][\w.]*)\s*(?:==|!=)\s*$/.exec(before);
  if (compared) return ctx.names.isGpuNameColumn(compared[1].split('.'));
  const list = ctx.bracket();
  const call = ctx.bracket(1);
  if (list?.char !== '[' || !call || !ctx.atItemStart(list, valueStart) || !ctx.atItemStart(call, list.offset)) return false;
  const chain = ctx.callee(call);
  const method = chain?.[chain.length - 1];
  if (!chain || !method || (method.name !== 'in_' && method.name !== 'notin_')) return false;
  const receiver = chain.slice(0, -1);
  return receiver.every((p) => !p.called) && ctx.names.isGpuNameColumn(receiver.map((p) => p.name));
}

/** `gpu_name == |`, `gpu_name.in_([RTX_4090, |` → GPU constants, imported on the way when needed. */
const gpuConstantCompletions: Provider = (ctx) => (isGpuNameValue(ctx, ctx.word.start) ? gpuConstantItems(ctx, true) : undefined);

/** `gpu_name == "RTX 4|"` → the exact gpu_name strings. */
const gpuNameStringCompletions: Provider = (ctx) => {
  const s = ctx.scan.string;
  if (!s || s.quote.length !== 1 || !isGpuNameValue(ctx, s.start)) return undefined;
  const range = ctx.range(s.contentStart, s.closeStart ?? ctx.cursor);
  return [...GPU_CONSTANTS.values()].map((g, i) => ({
    label: g.value,
    kind: CompletionItemKind.Value,
    detail: `${g.name} · ${g.family}`,
    documentation: markdown(`${gpuMarkdown(g)}\n\nThe constant \`${g.name}\` from \`vastai.data.query\` says the same without the risk of a typo.`),
    filterText: g.value,
    sortText: gpuSortText(g, i),
    textEdit: { range, newText: g.value },
  }));
};

/** `Deployment(|`, `app.configure_autoscaling(|`, `@app.remote(|`, `app.image(|` → the keywords not written yet. */
const keywordCompletions: Provider = (ctx) => {
  const call = ctx.bracket();
  const kind = ctx.callKind(call);
  if (!call || !kind || kind === 'require') return undefined;
  if (!ctx.atItemStart(call) || call.afterEquals) return [];
  switch (kind) {
    case 'deployment':
      return keywordItems(ctx, call, DEPLOYMENT_PARAMS, (p) => parameterMarkdown(p, 'Deployment(...)'), (p) => p.type);
    case 'image':
      return keywordItems(ctx, call, IMAGE_CONSTRUCTOR, (p) => parameterMarkdown(p, 'app.image(...)'), (p) => p.type);
    case 'remote':
      return keywordItems(ctx, call, REMOTE_PARAMS, (p) => parameterMarkdown(p, '@app.remote(...)'), (p) => p.type);
    case 'autoscaling': {
      const params = [...AUTOSCALING_PARAMS.values()];
      return keywordItems(
        ctx,
        call,
        params,
        (p) => autoscalingMarkdown(AUTOSCALING_PARAMS.get(p.name)!),
        (p) => {
          const range = autoscalingRange(AUTOSCALING_PARAMS.get(p.name)!);
          return `${p.type}${range ? ` (${range})` : ''} · Tier 1`;
        },
      );
    }
  }
};

/** `image.require(|` or `image.require(gpu_name == X, |` → query columns, imported on the way when needed. */
const requireColumnCompletions: Provider = (ctx) => {
  const call = ctx.bracket();
  if (ctx.callKind(call) !== 'require') return undefined;
  if (!ctx.atItemStart(call!)) return [];
  const written = ctx.text.slice(call!.offset, ctx.cursor);
  const preselect = POPULAR_COLUMNS.find((c) => !new RegExp(`\\b${c}\\b`).test(written));
  return columnItems(ctx, true, preselect);
};

/**
 * `benchmark_dataset=[{|` or `[{"|` at a key position → the decorated function's parameters that the dict does not
 * have yet, required ones first, inserted as `"name": `.
 */
const datasetKeyCompletions: Provider = (ctx) => {
  const dict = ctx.bracket();
  const list = ctx.bracket(1);
  if (dict?.char !== '{' || list?.char !== '[' || dict.afterColon) return undefined;
  const s = ctx.scan.string;
  if (s ? s.quote.length !== 1 || !ctx.atItemStart(dict, s.start) : !ctx.atItemStart(dict)) return undefined;
  const params = datasetParameters(ctx, list);
  if (!params) return undefined;
  const missing = params.filter((p) => !dict.dictKeys.has(p.name));
  const ordered = [...missing.filter((p) => p.required), ...missing.filter((p) => !p.required)];
  let range: Range;
  let quote = '"';
  let colon = ': ';
  if (s) {
    quote = s.quote;
    // Replace the whole key string, its closing quote included when the editor already added it.
    const end = s.closeStart !== undefined ? s.closeStart + quote.length : ctx.cursor;
    if (/^\s*:/.test(ctx.text.slice(end))) colon = '';
    range = ctx.range(s.start, end);
  } else range = ctx.range(ctx.word.start);
  return ordered.map((p, i) => ({
    label: p.name,
    kind: CompletionItemKind.Field,
    detail: p.annotation ? `${p.name}: ${p.annotation}` : `parameter of ${p.functionName}`,
    documentation: markdown(
      `Benchmark input for parameter \`${p.name}\` of \`${p.functionName}\`${p.required ? ' (required: it has no default)' : ''}.`,
    ),
    filterText: s ? `${quote}${p.name}${quote}` : p.name,
    sortText: sortKey(p.required ? 0 : 1, i),
    preselect: i === 0 || undefined,
    textEdit: { range, newText: `${quote}${p.name}${quote}${colon}` },
  }));
};

/** The parameters behind a benchmark list: `@app.remote(benchmark_dataset=[...])`, or a constant used as one. */
function datasetParameters(ctx: CompletionContext, list: OpenBracket): CompletableParameter[] | undefined {
  const beforeList = ctx.text.slice(Math.max(0, list.offset - 200), list.offset);
  if (/\bbenchmark_dataset\s*=\s*$/.test(beforeList)) {
    const call = ctx.bracket(2);
    if (ctx.callKind(call) !== 'remote') return undefined;
    return findDecoratedParameters(ctx.model, call!.offset);
  }
  // `DATA = [{...}]` at module level, passed as `benchmark_dataset=DATA`.
  const constant = /^([A-Za-z_]\w*)\s*=\s*$/.exec(linePrefix(ctx.text, list.offset));
  if (!constant || ctx.scan.brackets.length !== 2) return undefined;
  const remote = ctx.model.remotes.find((r) => {
    const v = r.benchmarkDataset?.value;
    return v?.via?.name === constant[1] || (v?.kind === 'name' && v.name === constant[1]);
  });
  return remote && findDecoratedParameters(ctx.model, remote.decorator.startOffset);
}

const PROVIDERS_IN_STRING: readonly Provider[] = [datasetKeyCompletions, gpuNameStringCompletions];
const PROVIDERS: readonly Provider[] = [
  memberCompletions,
  importListCompletions,
  datasetKeyCompletions,
  gpuConstantCompletions,
  keywordCompletions,
  requireColumnCompletions,
];

/** Completion items at `position` (an empty list where the context is not a Vast one). */
export function completionsAt(model: DeploymentModel, position: Position): CompletionList {
  if (!model.isDeploymentFile && !/\bvastai\b/.test(model.text)) return EMPTY;
  const ctx = new CompletionContext(model, offsetAt(model.text, position));
  if (ctx.scan.inComment) return EMPTY;
  for (const provider of ctx.scan.string ? PROVIDERS_IN_STRING : PROVIDERS) {
    const items = provider(ctx);
    if (items) return { isIncomplete: false, items };
  }
  return EMPTY;
}
