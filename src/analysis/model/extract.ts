// Builds the DeploymentModel from a parsed document. Reads only module-level statements (recursing into if/try/with
// blocks, which are still module scope) plus the call sites inside them; never evaluates anything.
import type { Node } from 'web-tree-sitter';
import { GPU_CONSTANTS } from '../catalog/gpus';
import { QUERY_COLUMNS } from '../catalog/queryColumns';
import type { ParsedDocument } from '../parse/pythonParser';
import { findCallsNaming } from './callSearch';
import { DefinitionMemo, type MemoizedDefinition, type MemoizedGetContext } from './definitionMemo';
import { findIgnoredLines } from './ignoreLines';
import { exceededLimit } from './limits';
import { namedChildrenNoComments, spanOf, SourceText, unparenthesize } from './nodes';
import { QueryReader } from './query';
import { SyntaxReader } from './syntax';
import {
  DEPLOYMENT_FIELDS,
  type Call,
  type ClassDef,
  type ContextClass,
  type Deployment,
  type DeploymentField,
  type AnalysisLimit,
  type DeploymentModel,
  type FunctionDef,
  type Image,
  type ImageStep,
  type ImportBinding,
  type QueryColumnRef,
  type RemoteCallSite,
  type RemoteFunction,
  type StaticValue,
} from './types';
import { ValueEvaluator } from './values';

const QUERY_MODULE = 'vastai.data.query';
/** The methods of a deployment variable that classifyCall reads; other `app.x(...)` calls (decorators) are skipped. */
const DEPLOYMENT_METHODS: ReadonlySet<string> = new Set(['image', 'configure_autoscaling', 'ensure_ready', 'get_context']);

/** The SDK's own modules: `vastai` and its submodules (where Deployment and the query names come from). */
export function isVastModule(module: string): boolean {
  return module === 'vastai' || module.startsWith('vastai.');
}

/** Statements in module scope, recursing into compound statements that do not open a new scope. */
function moduleStatements(top: readonly Node[]): { node: Node; type: string }[] {
  const out: { node: Node; type: string }[] = [];
  const visit = (n: Node) => {
    // Each `type` is a call into wasm: read it once.
    const type = n.type;
    out.push({ node: n, type });
    if (
      type === 'if_statement' ||
      type === 'try_statement' ||
      type === 'with_statement' ||
      type === 'for_statement' ||
      type === 'while_statement' ||
      type === 'ERROR' ||
      type === 'block' ||
      type.endsWith('_clause')
    ) {
      for (const c of n.namedChildren) {
        if (c.type === 'block' || c.type.endsWith('_clause') || c.type.endsWith('_statement') || c.type === 'ERROR') {
          visit(c);
        } else if (type === 'ERROR' || type === 'block') visit(c);
      }
    }
  };
  for (const n of top) visit(n);
  return out;
}

class ModelBuilder {
  private readonly src: SourceText;
  private readonly syntax: SyntaxReader;
  private readonly values: ValueEvaluator;
  private readonly queries: QueryReader;
  private readonly imports: ImportBinding[] = [];
  private readonly bindingCounts = new Map<string, number>();
  private readonly constantNodes = new Map<string, Node>();
  private readonly constantCache = new Map<string, StaticValue | null>();
  private readonly functions = new Map<string, FunctionDef>();
  private readonly classes = new Map<string, ClassDef>();
  private readonly deploymentByVar = new Map<string, Deployment>();
  private readonly deployments: Deployment[] = [];
  private readonly imageByVar = new Map<string, Image>();
  private readonly remoteCalls: RemoteCallSite[] = [];
  private readonly decorated: MemoizedDefinition[] = [];
  /** Names looked up as constants while a definition is read (see definitionMemo.ts), and whether one was found. */
  private lookups: { names: string[]; found: boolean } | undefined;

  constructor(
    private readonly doc: ParsedDocument,
    private readonly memo: DefinitionMemo,
  ) {
    this.src = new SourceText(doc.text);
    this.values = new ValueEvaluator(this.src, {
      constant: (name) => {
        const value = this.constant(name);
        if (this.lookups) {
          this.lookups.names.push(name);
          if (value) this.lookups.found = true;
        }
        return value;
      },
      parameters: (node) => this.syntax.parameters(node.childForFieldName('parameters')),
    });
    this.syntax = new SyntaxReader(this.src, () => this.values);
    this.queries = new QueryReader(this.src, this.values, { column: (n) => this.column(n) });
  }

  build(): DeploymentModel {
    const top = this.doc.statements();
    const statements = moduleStatements(top);
    for (const stmt of statements) this.declare(stmt.node, stmt.type);

    // Only calls whose callee names a Deployment, a deployment or image variable or a remote function matter; they
    // are found from the text (see callSearch.ts) instead of walking every call of the file.
    const deploymentNames = new Set(['Deployment', ...this.imports.filter((i) => i.name === 'Deployment').map((i) => i.local)]);
    for (const call of findCallsNaming(this.src.text, top, deploymentNames, 'callee-or-attribute')) this.maybeDeployment(call);
    for (const d of this.decorated) this.attachDecorated(d);
    const remoteNames = new Set(this.deployments.flatMap((d) => d.remotes.map((r) => r.fn.name)));
    const calls = [
      ...findCallsNaming(this.src.text, top, remoteNames, 'callee'),
      ...findCallsNaming(this.src.text, top, new Set(this.deploymentByVar.keys()), 'receiver', DEPLOYMENT_METHODS),
    ];
    sortCalls(calls);
    const seen = new Set(calls.map(callKey));
    for (let i = 0; i < calls.length; i++) {
      const imagesBefore = this.imageByVar.size;
      this.classifyCall(calls[i], remoteNames);
      if (this.imageByVar.size === imagesBefore) continue;
      // A new image variable: its method calls after this point are steps of that image.
      const current = calls[i];
      const names = new Set([...this.imageByVar.keys()].filter((n) => !this.deploymentByVar.has(n)));
      const later = findCallsNaming(this.src.text, top, names, 'receiver').filter(
        (c) => !seen.has(callKey(c)) && compareCalls(c, current) > 0,
      );
      for (const c of later) seen.add(callKey(c));
      const rest = [...calls.slice(i + 1), ...later];
      sortCalls(rest);
      calls.splice(i + 1, calls.length - i - 1, ...rest);
    }

    const remotes = this.deployments.flatMap((d) => d.remotes).sort((a, b) => a.fn.startOffset - b.fn.startOffset);
    const contexts = this.deployments.flatMap((d) => d.contexts).sort((a, b) => a.cls.startOffset - b.cls.startOffset);
    const constants = new Map<string, StaticValue>();
    for (const name of this.constantNodes.keys()) {
      const v = this.constant(name);
      if (v) constants.set(name, v);
    }
    const vastImports = this.imports.filter((i) => isVastModule(i.module));
    return {
      text: this.doc.text,
      vastImports,
      imports: this.imports,
      isDeploymentFile: vastImports.length > 0 || this.deployments.length > 0,
      deployments: this.deployments,
      remotes,
      contexts,
      functions: this.functions,
      classes: this.classes,
      constants,
      remoteCalls: this.remoteCalls,
      ignoredLines: findIgnoredLines(this.doc.text),
      syntaxErrors: this.doc.errorFree ? [] : top.filter((n) => n.hasError).map(spanOf),
      resynced: this.doc.resynced,
      tooDeep: [...this.values.tooDeep].sort((a, b) => a.startOffset - b.startOffset),
    };
  }

  // ----- declarations -------------------------------------------------------------------------------------------

  private bind(name: string): void {
    this.bindingCounts.set(name, (this.bindingCounts.get(name) ?? 0) + 1);
  }

  private declare(stmt: Node, type: string): void {
    switch (type) {
      case 'import_statement':
      case 'import_from_statement':
        this.declareImport(stmt);
        return;
      case 'function_definition':
      case 'class_definition':
      case 'decorated_definition':
        this.declareDefinition(stmt, type);
        return;
      case 'expression_statement':
        for (const c of namedChildrenNoComments(stmt)) {
          if (c.type === 'assignment') this.declareAssignment(c);
          else if (c.type === 'augmented_assignment') this.bindTargets(c.childForFieldName('left'));
        }
        return;
      case 'for_statement':
        this.bindTargets(stmt.childForFieldName('left'));
        return;
    }
  }

  private declareImport(stmt: Node): void {
    if (stmt.type === 'import_statement') {
      for (const c of namedChildrenNoComments(stmt)) {
        const dotted = c.type === 'aliased_import' ? c.childForFieldName('name') : c;
        const alias = c.type === 'aliased_import' ? c.childForFieldName('alias') : null;
        if (!dotted) continue;
        const module = this.src.of(dotted);
        const local = alias ? this.src.of(alias) : module.split('.')[0];
        this.imports.push({ ...spanOf(c), module, local, nameSpan: spanOf(alias ?? dotted) });
        this.bind(local);
      }
      return;
    }
    const moduleNode = stmt.childForFieldName('module_name');
    if (!moduleNode) return;
    const module = this.src.of(moduleNode);
    for (const c of namedChildrenNoComments(stmt)) {
      if (c.startIndex === moduleNode.startIndex) continue;
      if (c.type === 'wildcard_import') {
        this.imports.push({ ...spanOf(c), module, name: '*', local: '*', nameSpan: spanOf(c) });
        continue;
      }
      const nameNode = c.type === 'aliased_import' ? c.childForFieldName('name') : c;
      const alias = c.type === 'aliased_import' ? c.childForFieldName('alias') : null;
      if (!nameNode || (nameNode.type !== 'dotted_name' && nameNode.type !== 'identifier')) continue;
      const name = this.src.of(nameNode);
      const local = alias ? this.src.of(alias) : name;
      this.imports.push({ ...spanOf(c), module, name, local, nameSpan: spanOf(nameNode) });
      this.bind(local);
    }
  }

  private declareDefinition(outer: Node, type: string): void {
    const definition = this.readDefinition(outer, type);
    if (!definition) return;
    if (definition.kind === 'function') this.functions.set(definition.value.name, definition.value);
    else this.classes.set(definition.value.name, definition.value);
    this.bind(definition.value.name);
    if (definition.value.decorators.length) this.decorated.push(definition);
  }

  /** The function or class of a (decorated) definition statement, from the memo when it is unchanged. */
  private readDefinition(outer: Node, type: string): MemoizedDefinition | undefined {
    return this.memoized<MemoizedDefinition>(outer, type, () => {
      let definition: MemoizedDefinition | undefined;
      const def = type === 'decorated_definition' ? outer.childForFieldName('definition') : outer;
      const decorators = type === 'decorated_definition' ? outer.namedChildren.filter((c) => c.type === 'decorator') : [];
      if (def?.type === 'function_definition') {
        const fn = this.syntax.functionDef(def, decorators, outer);
        if (fn) definition = { kind: 'function', value: fn };
      } else if (def?.type === 'class_definition') {
        const cls = this.syntax.classDef(def, decorators, outer);
        if (cls) definition = { kind: 'class', value: cls };
      }
      return definition;
    });
  }

  /**
   * `read()` for a part of `statement`, or the memoized result of an earlier build when the statement's text and
   * start column are unchanged (see definitionMemo.ts). `what` tells apart the parts of one statement.
   */
  private memoized<T extends MemoizedDefinition | MemoizedGetContext>(statement: Node, what: string, read: () => T | undefined): T | undefined {
    const start = statement.startPosition;
    const cacheable = this.doc.errorFree || !statement.hasError;
    const key = cacheable ? DefinitionMemo.key(what, start.column, this.src.of(statement)) : '';
    if (cacheable) {
      const hit = this.memo.take<T>(key, statement.startIndex, start.row, (name) => this.constant(name) === undefined);
      if (hit) return hit;
    }
    const saved = this.lookups;
    const lookups = { names: [] as string[], found: false };
    this.lookups = lookups;
    // A definition that hit the evaluator's depth limit is read again at each build, so that its VD039 stays.
    const depthLimitHits = this.values.depthLimitHits;
    let result: T | undefined;
    try {
      result = read();
    } finally {
      this.lookups = saved;
      if (saved) {
        saved.names.push(...lookups.names);
        saved.found ||= lookups.found;
      }
    }
    if (result && cacheable && !lookups.found && this.values.depthLimitHits === depthLimitHits) this.memo.store(key, result, statement.startIndex, start.row, lookups.names);
    return result;
  }

  /** The top-level statement holding `offset` (statements are in document order and disjoint). */
  private topStatementAt(offset: number): Node | undefined {
    const top = this.doc.statements();
    let lo = 0;
    let hi = top.length - 1;
    if (hi < 0 || offset < top[0].startIndex) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (top[mid].startIndex <= offset) lo = mid;
      else hi = mid - 1;
    }
    return offset < top[lo].endIndex ? top[lo] : undefined;
  }

  /** An `<app>.get_context(...)` call and the function it sits in, memoized per enclosing top-level statement. */
  private getContextCall(node: Node): MemoizedGetContext['value'] {
    const read = (): MemoizedGetContext => ({
      kind: 'get_context',
      value: { call: this.syntax.call(node), enclosingFunction: this.enclosingFunction(node) },
    });
    const statement = this.topStatementAt(node.startIndex);
    if (!statement) return read().value;
    return this.memoized(statement, `get_context@${node.startIndex - statement.startIndex}`, read)!.value;
  }

  private declareAssignment(node: Node): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    this.bindTargets(left);
    if (left?.type === 'identifier' && right && right.type !== 'assignment') {
      this.constantNodes.set(this.src.of(left), right);
    } else if (right?.type === 'assignment') {
      this.declareAssignment(right); // a = b = value
    }
  }

  private bindTargets(target: Node | null): void {
    if (!target) return;
    if (target.type === 'identifier') this.bind(this.src.of(target));
    else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern') {
      for (const c of target.namedChildren) this.bindTargets(c);
    }
  }

  private constant(name: string): StaticValue | undefined {
    const cached = this.constantCache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const node = this.constantNodes.get(name);
    if (!node || this.bindingCounts.get(name) !== 1) return undefined;
    this.constantCache.set(name, null); // cycle guard: `a = b; b = a`
    const v = this.values.evaluate(node);
    const known = v.kind === 'unknown' || v.kind === 'name' || v.kind === 'attribute' ? undefined : v;
    this.constantCache.set(name, known ?? null);
    return known;
  }

  // ----- Deployment(...) ----------------------------------------------------------------------------------------

  private importOf(local: string): ImportBinding | undefined {
    for (let i = this.imports.length - 1; i >= 0; i--) if (this.imports[i].local === local) return this.imports[i];
    return undefined;
  }

  private isDeploymentCallee(fn: Node): boolean {
    if (fn.type === 'identifier') {
      const local = this.src.of(fn);
      const imp = this.importOf(local);
      if (imp) return imp.name === 'Deployment' && isVastModule(imp.module);
      // Not imported (yet): still a Deployment while the user is typing, unless the name is something else here.
      return local === 'Deployment' && !this.bindingCounts.has(local);
    }
    if (fn.type === 'attribute') {
      const path = this.syntax.attributePath(fn);
      if (!path || path.path[path.path.length - 1] !== 'Deployment') return false;
      const imp = this.importOf(path.root);
      return !!imp && isVastModule(imp.name ? `${imp.module}.${imp.name}` : imp.module);
    }
    return false;
  }

  private maybeDeployment(node: Node): void {
    const fn = node.childForFieldName('function');
    if (!fn || !this.isDeploymentCallee(fn)) return;
    const call = this.syntax.call(node);
    const fields: Deployment['fields'] = {};
    const unknownKeywords = [];
    for (const arg of call.args) {
      if (arg.name !== undefined) {
        if ((DEPLOYMENT_FIELDS as readonly string[]).includes(arg.name)) fields[arg.name as DeploymentField] = arg;
        else unknownKeywords.push(arg);
      } else if (arg.position !== undefined && arg.position < DEPLOYMENT_FIELDS.length) {
        fields[DEPLOYMENT_FIELDS[arg.position]] ??= arg;
      }
    }
    const parent = node.parent;
    let variable: Deployment['variable'];
    if (parent?.type === 'assignment' && parent.childForFieldName('right')?.startIndex === node.startIndex) {
      const left = parent.childForFieldName('left');
      if (left?.type === 'identifier') variable = { ...spanOf(left), name: this.src.of(left) };
    }
    const statement = variable && parent?.parent?.type === 'expression_statement' ? parent.parent : node;
    const deployment: Deployment = {
      ...spanOf(statement),
      index: this.deployments.length,
      variable,
      call,
      fields,
      unknownKeywords,
      remotes: [],
      contexts: [],
      images: [],
      autoscaling: { calls: [], merged: new Map() },
      ensureReadyCalls: [],
      getContextCalls: [],
    };
    this.deployments.push(deployment);
    if (variable) this.deploymentByVar.set(variable.name, deployment);
  }

  // ----- @app.remote / @app.context ----------------------------------------------------------------------------

  private attachDecorated(definition: MemoizedDefinition): void {
    for (const decorator of definition.value.decorators) {
      const deployment = decorator.receiver ? this.deploymentByVar.get(decorator.receiver) : undefined;
      if (!deployment) continue;
      if (decorator.method === 'remote' && definition.kind === 'function') {
        const fnHere = definition.value;
        const remote: RemoteFunction = { fn: fnHere, deployment, decorator, otherArgs: [] };
        for (const arg of decorator.call?.args ?? []) {
          if (arg.name === 'benchmark_dataset') remote.benchmarkDataset = arg;
          else if (arg.name === 'benchmark_generator') remote.benchmarkGenerator = arg;
          else if (arg.name === 'benchmark_runs') remote.benchmarkRuns = arg;
          else remote.otherArgs.push(arg);
        }
        deployment.remotes.push(remote);
      } else if (decorator.method === 'context' && definition.kind === 'class') {
        const cls = definition.value;
        const context: ContextClass = {
          cls,
          deployment,
          decorator,
          aenter: cls.methods.find((m) => m.name === '__aenter__'),
          aexit: cls.methods.find((m) => m.name === '__aexit__'),
        };
        deployment.contexts.push(context);
      }
    }
  }

  // ----- calls: image chains, autoscaling, ensure_ready, get_context, remote calls -----------------------------------

  private classifyCall(node: Node, remoteNames: Set<string>): void {
    const fn = node.childForFieldName('function');
    if (!fn) return;
    if (fn.type === 'identifier') {
      const name = this.src.of(fn);
      if (remoteNames.has(name)) this.remoteCalls.push({ remote: name, call: this.syntax.call(node) });
      return;
    }
    if (fn.type !== 'attribute') return;
    const object = fn.childForFieldName('object');
    const attr = fn.childForFieldName('attribute');
    if (!object || !attr || object.type !== 'identifier') return;
    const receiver = this.src.of(object);
    const method = this.src.of(attr);
    const deployment = this.deploymentByVar.get(receiver);
    if (deployment) {
      switch (method) {
        case 'image':
          this.imageChain(node, deployment);
          return;
        case 'configure_autoscaling': {
          const call = this.syntax.call(node);
          deployment.autoscaling.calls.push(call);
          for (const arg of call.args) if (arg.name) deployment.autoscaling.merged.set(arg.name, arg);
          return;
        }
        case 'ensure_ready':
          deployment.ensureReadyCalls.push(this.syntax.call(node));
          return;
        case 'get_context': {
          const { call, enclosingFunction } = this.getContextCall(node);
          const target = call.args.find((a) => a.position === 0 || a.name === 'context_class');
          deployment.getContextCalls.push({ call, deployment, target, enclosingFunction });
          return;
        }
      }
      return;
    }
    const image = this.imageByVar.get(receiver);
    if (image) this.appendSteps(image, node, false);
  }

  private enclosingFunction(node: Node): string | undefined {
    for (let p = node.parent; p; p = p.parent) {
      if (p.type === 'function_definition') {
        const name = p.childForFieldName('name');
        return name ? this.src.of(name) : undefined;
      }
    }
    return undefined;
  }

  /** `app.image(...)` plus every call chained on its result; binds the chain's variable. */
  private imageChain(node: Node, deployment: Deployment): void {
    const call = this.syntax.call(node);
    const positional = call.args.filter((a) => a.position !== undefined);
    const image: Image = {
      ...spanOf(node),
      deployment,
      call,
      fromImage: call.args.find((a) => a.name === 'from_image') ?? positional[0],
      storage: call.args.find((a) => a.name === 'storage') ?? positional[1],
      keywords: call.args.filter((a) => a.name && a.name !== 'from_image' && a.name !== 'storage'),
      steps: [],
      requirements: [],
    };
    deployment.images.push(image);
    const top = this.appendSteps(image, node, true);
    const parent = top.parent;
    if (parent?.type === 'assignment' && parent.childForFieldName('right')?.startIndex === top.startIndex) {
      const left = parent.childForFieldName('left');
      if (left?.type === 'identifier') {
        const name = this.src.of(left);
        image.variable = { ...spanOf(left), name };
        this.imageByVar.set(name, image);
      }
    }
  }

  /**
   * Adds `node` (when it is a method call on the image) and the calls chained on it as steps.
   * Returns the outermost call of the chain.
   */
  private appendSteps(image: Image, node: Node, isConstructor: boolean): Node {
    let current = node;
    if (!isConstructor) this.addStep(image, node, false);
    for (;;) {
      const attr = current.parent;
      const outer = attr?.parent;
      if (attr?.type !== 'attribute' || outer?.type !== 'call') break;
      if (attr.childForFieldName('object')?.startIndex !== current.startIndex) break;
      if (outer.childForFieldName('function')?.startIndex !== attr.startIndex) break;
      this.addStep(image, outer, true);
      current = outer;
    }
    return current;
  }

  private addStep(image: Image, node: Node, chained: boolean): void {
    const call: Call = this.syntax.call(node);
    const step: ImageStep = { call, method: call.method, chained };
    image.steps.push(step);
    if (call.method === 'require') {
      const args = node.childForFieldName('arguments');
      for (const a of args ? namedChildrenNoComments(args) : []) {
        if (a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat') continue;
        image.requirements.push(this.queries.read(a));
      }
    }
  }

  // ----- query columns --------------------------------------------------------------------------------------------

  private column(input: Node): QueryColumnRef | undefined {
    const node = unparenthesize(input);
    const text = this.src.of(node);
    if (node.type === 'identifier') {
      const imp = this.importOf(text);
      if (imp) {
        if (imp.module !== QUERY_MODULE || !imp.name || GPU_CONSTANTS.has(imp.name)) return undefined;
        return { ...spanOf(node), name: imp.name, text, fromQueryModule: true };
      }
      if (this.bindingCounts.has(text) || GPU_CONSTANTS.has(text)) return undefined;
      const star = this.imports.some((i) => i.module === QUERY_MODULE && i.name === '*');
      if (star) return { ...spanOf(node), name: text, text, fromQueryModule: true };
      // Not imported at all: only a known column name is read as one (the missing import is Python's problem).
      return QUERY_COLUMNS.has(text) ? { ...spanOf(node), name: text, text, fromQueryModule: false } : undefined;
    }
    if (node.type === 'attribute') {
      const path = this.syntax.attributePath(node);
      if (!path || path.path.length === 0) return undefined;
      const imp = this.importOf(path.root);
      if (!imp) return undefined;
      // `from a.b import c` binds a.b.c; `import a.b.c` binds just `a`; `import a.b.c as q` binds a.b.c.
      const bindsRootPackage = !imp.name && imp.local === imp.module.split('.')[0];
      const base = imp.name ? `${imp.module}.${imp.name}` : bindsRootPackage ? imp.local : imp.module;
      const full = [base, ...path.path.slice(0, -1)].join('.');
      const name = path.path[path.path.length - 1];
      if (full !== QUERY_MODULE || GPU_CONSTANTS.has(name)) return undefined;
      const attr = node.childForFieldName('attribute')!;
      return { ...spanOf(attr), name, text, fromQueryModule: true };
    }
    return undefined;
  }
}

const memos = new WeakMap<ParsedDocument, DefinitionMemo>();

/** Builds the model of the document's current text; definitions unchanged since the last build are reused. */
export function buildModel(doc: ParsedDocument): DeploymentModel {
  const limit = exceededLimit(doc.text);
  if (limit) return emptyModel(doc.text, limit);
  let memo = memos.get(doc);
  if (!memo) memos.set(doc, (memo = new DefinitionMemo()));
  memo.startBuild();
  return new ModelBuilder(doc, memo).build();
}

/** The model of a file past an analysis limit: nothing in it, so no rule, hover or lens does work on it. */
function emptyModel(text: string, limit: AnalysisLimit): DeploymentModel {
  return {
    text,
    vastImports: [],
    imports: [],
    // Without a model, the text says whether this is a deployment file; other files stay silent, as always.
    isDeploymentFile: /\bvastai\b|\bDeployment\(/.test(text),
    deployments: [],
    remotes: [],
    contexts: [],
    functions: new Map(),
    classes: new Map(),
    constants: new Map(),
    remoteCalls: [],
    ignoredLines: [],
    syntaxErrors: [],
    resynced: false,
    notAnalyzed: limit,
    tooDeep: [],
  };
}

function callKey(call: Node): string {
  return `${call.startIndex}:${call.endIndex}`;
}

/** Document order as a pre-order walk gives it: by start, and an outer call before the calls inside it. */
function compareCalls(a: Node, b: Node): number {
  return a.startIndex - b.startIndex || b.endIndex - a.endIndex;
}

function sortCalls(calls: Node[]): void {
  calls.sort(compareCalls);
}
