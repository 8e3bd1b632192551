// Hover: documentation for the Vast parts of a deployment file. Keywords and method names that the model found are
// looked up by their exact spans; bare names (query columns, GPU constants, methods on half-typed lines) are read
// from the identifier under the cursor and resolved through the file's imports.
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import {
  AUTOSCALING_PARAMS,
  DEPLOYMENT_METHODS,
  DEPLOYMENT_PARAMS,
  IMAGE_CONSTRUCTOR,
  IMAGE_METHODS,
  REMOTE_PARAMS,
  SERVE_ONLY_REMOTE_PARAMS,
  SERVE_ONLY_REMOTE_PARAMS_DOC,
} from '../analysis/catalog/sdk';
import type { Argument, Call, DeploymentModel, Position, QueryColumnRef, QueryExpr, Range, Span } from '../analysis/model/types';
import { chainBefore, identifierAt, offsetAt, positionAt, previousNonBlank, scanAtCursor, type Word } from './cursor';
import {
  autoscalingMarkdown,
  columnMarkdown,
  deploymentClassMarkdown,
  deploymentMethodMarkdown,
  gpuMarkdown,
  IGNORE_CHANGES_MARKDOWN,
  imageMethodMarkdown,
  parameterMarkdown,
} from './markdown';
import { QUERY_MODULE, queryExport, VastNames, type QueryExport } from './vastNames';

interface Found {
  markdown: string;
  range: Range;
}

/** Inclusive at the end, so the edge right after a token (where some clients put the position) still hits it. */
function contains(span: Span | undefined, offset: number): span is Span {
  return !!span && span.startOffset <= offset && offset <= span.endOffset;
}

function hover(found: Found | undefined): Hover | null {
  return found ? { contents: { kind: MarkupKind.Markdown, value: found.markdown }, range: found.range } : null;
}

function keywordAt(args: readonly Argument[], offset: number): (Argument & { name: string; nameSpan: Span }) | undefined {
  return args.find((a): a is Argument & { name: string; nameSpan: Span } => !!a.name && contains(a.nameSpan, offset));
}

class HoverFinder {
  private readonly text: string;
  private readonly names: VastNames;

  constructor(
    private readonly model: DeploymentModel,
    private readonly offset: number,
  ) {
    this.text = model.text;
    this.names = new VastNames(model);
  }

  find(): Found | undefined {
    return this.ignoreChangesComment() ?? this.fromModel() ?? this.fromImports() ?? this.fromIdentifier();
  }

  private rangeOf(start: number, end: number): Range {
    return { start: positionAt(this.text, start), end: positionAt(this.text, end) };
  }

  // ----- `#!VAST_IGNORE_CHANGES` ---------------------------------------------------------------------------------

  private ignoreChangesComment(): Found | undefined {
    const { line } = positionAt(this.text, this.offset);
    if (!this.model.ignoredLines.includes(line)) return undefined;
    const lineStart = offsetAt(this.text, { line, character: 0 });
    const lineText = this.text.slice(lineStart, offsetAt(this.text, { line, character: Number.MAX_SAFE_INTEGER }));
    // The marker comment's body holds no `#`, so its `#` is the last one on the line.
    const hash = lineText.lastIndexOf('#');
    const end = lineText.trimEnd().length;
    if (hash < 0 || this.offset < lineStart + hash || this.offset > lineStart + end) return undefined;
    return { markdown: IGNORE_CHANGES_MARKDOWN, range: this.rangeOf(lineStart + hash, lineStart + end) };
  }

  // ----- keywords and methods the model found ---------------------------------------------------------------------

  private fromModel(): Found | undefined {
    const at = this.offset;
    for (const d of this.model.deployments) {
      if (contains(d.call.calleeSpan, at)) return { markdown: deploymentClassMarkdown(), range: d.call.calleeSpan.range };
      const kw = keywordAt(d.call.args, at);
      if (kw) {
        const param = DEPLOYMENT_PARAMS.find((p) => p.name === kw.name);
        return param && { markdown: parameterMarkdown(param, 'Deployment(...)'), range: kw.nameSpan.range };
      }
      for (const image of d.images) {
        const found = this.method(image.call, 'image') ?? this.imageConstructorKeyword(image.call);
        if (found) return found;
        for (const step of image.steps) {
          if (contains(step.call.methodSpan, at)) {
            const doc = IMAGE_METHODS.get(step.method);
            return doc && { markdown: imageMethodMarkdown(doc), range: step.call.methodSpan.range };
          }
        }
      }
      for (const call of d.autoscaling.calls) {
        const found = this.method(call, 'configure_autoscaling') ?? this.autoscalingKeyword(call);
        if (found) return found;
      }
      for (const call of d.ensureReadyCalls) {
        const found = this.method(call, 'ensure_ready');
        if (found) return found;
      }
      for (const g of d.getContextCalls) {
        const found = this.method(g.call, 'get_context');
        if (found) return found;
      }
      for (const r of d.remotes) {
        if (contains(r.decorator.methodSpan, at)) return this.deploymentMethod('remote', r.decorator.methodSpan);
        const kw = r.decorator.call && keywordAt(r.decorator.call.args, at);
        if (kw) return this.remoteKeyword(kw.name, kw.nameSpan);
      }
      for (const c of d.contexts) {
        if (contains(c.decorator.methodSpan, at)) return this.deploymentMethod('context', c.decorator.methodSpan);
      }
    }
    return this.queryColumnRef();
  }

  private method(call: Call, name: string): Found | undefined {
    return contains(call.methodSpan, this.offset) ? this.deploymentMethod(name, call.methodSpan) : undefined;
  }

  private deploymentMethod(name: string, span: Span | { range: Range }): Found | undefined {
    const doc = DEPLOYMENT_METHODS.get(name);
    return doc && { markdown: deploymentMethodMarkdown(doc), range: span.range };
  }

  private imageConstructorKeyword(call: Call): Found | undefined {
    const kw = keywordAt(call.args, this.offset);
    const param = kw && IMAGE_CONSTRUCTOR.find((p) => p.name === kw.name);
    return param && { markdown: parameterMarkdown(param, 'app.image(...)'), range: kw.nameSpan.range };
  }

  private autoscalingKeyword(call: Call): Found | undefined {
    const kw = keywordAt(call.args, this.offset);
    const param = kw && AUTOSCALING_PARAMS.get(kw.name);
    return param && { markdown: autoscalingMarkdown(param), range: kw.nameSpan.range };
  }

  private remoteKeyword(name: string, span: { range: Range }): Found | undefined {
    const param = REMOTE_PARAMS.find((p) => p.name === name);
    if (param) return { markdown: parameterMarkdown(param, '@app.remote(...)'), range: span.range };
    if ((SERVE_ONLY_REMOTE_PARAMS as readonly string[]).includes(name)) {
      return { markdown: `\`${name}\`: not a deploy-mode \`@remote\` parameter.\n\n${SERVE_ONLY_REMOTE_PARAMS_DOC}`, range: span.range };
    }
    return undefined;
  }

  /** Columns inside `require(...)`: the model already resolved them, unimported ones included. */
  private queryColumnRef(): Found | undefined {
    const visit = (q: QueryExpr): QueryColumnRef | undefined => {
      switch (q.kind) {
        case 'compare':
        case 'membership':
          return contains(q.column, this.offset) ? q.column : undefined;
        case 'boolean':
          return q.operands.map(visit).find(Boolean);
        case 'chained':
          return q.comparisons.map(visit).find(Boolean);
        case 'not':
          return visit(q.operand);
        default:
          return undefined;
      }
    };
    for (const d of this.model.deployments) {
      for (const image of d.images) {
        for (const q of image.requirements) {
          const ref = visit(q);
          const resolved = ref && queryExport(ref.name);
          if (ref && resolved) return this.exportDoc(resolved, ref.range);
        }
      }
    }
    return undefined;
  }

  // ----- import lines --------------------------------------------------------------------------------------------

  /** `from vastai.data.query import gpu_ram as ram`: the name or its alias; `from vastai import Deployment`. */
  private fromImports(): Found | undefined {
    const word = identifierAt(this.text, this.offset);
    if (!word) return undefined;
    for (const imp of this.model.vastImports) {
      if (!imp.name || imp.name === '*' || !contains(imp, this.offset)) continue;
      if (imp.module === QUERY_MODULE) {
        const resolved = this.names.resolveQueryExport([imp.local]);
        return resolved && this.exportDoc(resolved, this.rangeOf(word.start, word.end));
      }
      if (imp.name === 'Deployment') return { markdown: deploymentClassMarkdown(), range: this.rangeOf(word.start, word.end) };
    }
    return undefined;
  }

  // ----- any identifier ------------------------------------------------------------------------------------------

  /** Names the model did not place: columns and GPU constants anywhere, methods on lines the parser lost. */
  private fromIdentifier(): Found | undefined {
    const word = identifierAt(this.text, this.offset);
    if (!word) return undefined;
    const scan = scanAtCursor(this.text, word.start);
    if (scan.inComment || scan.string) return undefined;
    const range = this.rangeOf(word.start, word.end);
    const dot = previousNonBlank(this.text, word.start);
    const receiver = this.text[dot] === '.' ? chainBefore(this.text, dot, scan.openerOf) : [];
    if (receiver === undefined) return undefined;

    if (receiver.length > 0) {
      if (this.names.isDeploymentVariable(receiver) || this.names.isDeploymentClass(receiver.map((p) => p.name))) {
        const doc = DEPLOYMENT_METHODS.get(word.text);
        if (doc) return { markdown: deploymentMethodMarkdown(doc), range };
      }
      if (this.names.isImageExpression(receiver)) {
        const doc = IMAGE_METHODS.get(word.text);
        if (doc) return { markdown: imageMethodMarkdown(doc), range };
      }
      if (receiver.some((p) => p.called)) return undefined;
    }
    const parts = [...receiver.map((p) => p.name), word.text];
    const resolved = this.names.resolveQueryExport(parts, this.insideRequire(word));
    return resolved && this.exportDoc(resolved, range);
  }

  /** Inside the arguments of an image's `require(...)`, where bare catalog names are columns even unimported. */
  private insideRequire(word: Word): boolean {
    return this.model.deployments.some((d) =>
      d.images.some((i) => i.steps.some((s) => s.method === 'require' && contains(s.call.argumentsSpan, word.start))),
    );
  }

  private exportDoc(e: QueryExport, range: Range): Found {
    return { markdown: e.kind === 'column' ? columnMarkdown(e.column) : gpuMarkdown(e.gpu), range };
  }
}

/** The hover at `position`, or null when there is nothing Vast-specific there. */
export function hoverAt(model: DeploymentModel, position: Position): Hover | null {
  if (!model.isDeploymentFile) return null;
  return hover(new HoverFinder(model, offsetAt(model.text, position)).find());
}
