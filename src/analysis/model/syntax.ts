// Reads calls, functions, classes and decorators out of tree-sitter nodes into model shapes.
import type { Node } from 'web-tree-sitter';
import { namedChildrenNoComments, spanOf, SourceText, unparenthesize } from './nodes';
import type { ValueEvaluator } from './values';
import type { Argument, Call, ClassDef, Decorator, DictValue, FunctionDef, Parameter, ParameterKind } from './types';

export class SyntaxReader {
  constructor(
    private readonly src: SourceText,
    private readonly values: () => ValueEvaluator,
  ) {}

  call(node: Node): Call {
    const fn = node.childForFieldName('function')!;
    const argsNode = node.childForFieldName('arguments');
    const callee = this.src.of(fn);
    let methodNode = fn;
    if (fn.type === 'attribute') methodNode = fn.childForFieldName('attribute') ?? fn;
    const args: Argument[] = [];
    let hasSplat = false;
    let position = 0;
    if (argsNode && argsNode.type === 'argument_list') {
      for (const a of namedChildrenNoComments(argsNode)) {
        if (a.type === 'keyword_argument') {
          const name = a.childForFieldName('name');
          const value = a.childForFieldName('value');
          if (!name) continue;
          args.push({
            ...spanOf(a),
            name: this.src.of(name),
            nameSpan: spanOf(name),
            value: value ? this.values().evaluate(value) : { ...spanOf(a), text: '', kind: 'unknown' },
          });
        } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
          hasSplat = true;
          const inner = a.namedChildren[0] ?? a;
          args.push({ ...spanOf(a), splat: a.type === 'list_splat' ? '*' : '**', value: this.values().evaluate(inner) });
        } else if (a.type === 'ERROR') {
          // Half-typed argument: we cannot know what the user means yet, so act as if arguments may be missing.
          hasSplat = true;
        } else {
          args.push({ ...spanOf(a), position: position++, value: this.values().evaluate(a) });
        }
      }
    } else if (argsNode) {
      // f(x for x in y): a single generator argument.
      args.push({ ...spanOf(argsNode), position: 0, value: this.values().evaluate(argsNode) });
    }
    const argsSpan = argsNode ? spanOf(argsNode) : spanOf(node);
    return {
      ...spanOf(node),
      callee,
      calleeSpan: spanOf(fn),
      method: this.src.of(methodNode),
      methodSpan: spanOf(methodNode),
      args,
      argumentsSpan: argsSpan,
      hasSplat,
    };
  }

  /** For `a.b.c(...)`/`a.b`: the identifier at the root of the attribute chain and the attribute names. */
  attributePath(node: Node): { root: string; path: string[] } | undefined {
    const names: string[] = [];
    let n = unparenthesize(node);
    while (n.type === 'attribute') {
      const attr = n.childForFieldName('attribute');
      const obj = n.childForFieldName('object');
      if (!attr || !obj) return undefined;
      names.unshift(this.src.of(attr));
      n = unparenthesize(obj);
    }
    if (n.type !== 'identifier') return undefined;
    return { root: this.src.of(n), path: names };
  }

  parameters(paramsNode: Node | null): Parameter[] {
    if (!paramsNode) return [];
    const raw = namedChildrenNoComments(paramsNode);
    const slashIndex = raw.findIndex((p) => p.type === 'positional_separator');
    const params: Parameter[] = [];
    let keywordOnly = false;
    raw.forEach((p, index) => {
      if (p.type === 'positional_separator') return;
      if (p.type === 'keyword_separator') {
        keywordOnly = true;
        return;
      }
      const parsed = this.parameter(p);
      if (!parsed) return;
      let kind: ParameterKind = parsed.kind;
      if (kind === 'var-positional') keywordOnly = true;
      else if (kind === 'normal') {
        if (index < slashIndex) kind = 'positional-only';
        else if (keywordOnly) kind = 'keyword-only';
      }
      params.push({ ...parsed, kind });
    });
    return params;
  }

  private parameter(p: Node): Parameter | undefined {
    let nameNode: Node | null = null;
    let kind: ParameterKind = 'normal';
    let typeNode: Node | null = null;
    let valueNode: Node | null = null;
    switch (p.type) {
      case 'identifier':
        nameNode = p;
        break;
      case 'default_parameter':
        nameNode = p.childForFieldName('name');
        valueNode = p.childForFieldName('value');
        break;
      case 'typed_default_parameter':
        nameNode = p.childForFieldName('name');
        typeNode = p.childForFieldName('type');
        valueNode = p.childForFieldName('value');
        break;
      case 'typed_parameter': {
        typeNode = p.childForFieldName('type');
        const inner = p.namedChildren.find((c) => c !== typeNode && c.type !== 'comment');
        if (!inner) return undefined;
        if (inner.type === 'list_splat_pattern' || inner.type === 'dictionary_splat_pattern') {
          kind = inner.type === 'list_splat_pattern' ? 'var-positional' : 'var-keyword';
          nameNode = inner.namedChildren[0] ?? null;
        } else nameNode = inner;
        break;
      }
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern':
        kind = p.type === 'list_splat_pattern' ? 'var-positional' : 'var-keyword';
        nameNode = p.namedChildren[0] ?? null;
        break;
      default:
        return undefined;
    }
    if (!nameNode || nameNode.type !== 'identifier') return undefined;
    return {
      ...spanOf(p),
      name: this.src.of(nameNode),
      nameSpan: spanOf(nameNode),
      kind,
      default: valueNode ? this.values().evaluate(valueNode) : undefined,
      annotation: typeNode ? { ...spanOf(typeNode), text: this.src.of(typeNode) } : undefined,
    };
  }

  decorator(node: Node): Decorator {
    const expr = namedChildrenNoComments(node)[0];
    const base = { ...spanOf(node), text: expr ? this.src.of(expr) : '' };
    if (!expr) return base;
    const target = expr.type === 'call' ? expr.childForFieldName('function') : expr;
    const call = expr.type === 'call' ? this.call(expr) : undefined;
    if (target?.type === 'attribute') {
      const obj = target.childForFieldName('object');
      const attr = target.childForFieldName('attribute');
      if (obj?.type === 'identifier' && attr) {
        return { ...base, receiver: this.src.of(obj), method: this.src.of(attr), methodSpan: spanOf(attr), call };
      }
    }
    return { ...base, call };
  }

  /** `def`/`async def`, with the decorators of its `decorated_definition` wrapper when there is one. */
  functionDef(node: Node, decoratorNodes: Node[], outer: Node): FunctionDef | undefined {
    const name = node.childForFieldName('name');
    const body = node.childForFieldName('body');
    const paramsNode = node.childForFieldName('parameters');
    if (!name) return undefined;
    const first = node.child(0);
    const isAsync = first?.type === 'async';
    const defKeyword = node.children.find((c) => c.type === 'def') ?? node;
    const returnType = node.childForFieldName('return_type');
    const returned = body ? this.returns(body) : { dicts: [], value: false };
    return {
      ...spanOf(outer),
      name: this.src.of(name),
      nameSpan: spanOf(name),
      isAsync,
      defKeywordSpan: spanOf(defKeyword),
      params: this.parameters(paramsNode),
      paramsSpan: paramsNode ? spanOf(paramsNode) : spanOf(name),
      returnAnnotation: returnType ? { ...spanOf(returnType), text: this.src.of(returnType) } : undefined,
      decorators: decoratorNodes.map((d) => this.decorator(d)),
      returnedDicts: returned.dicts,
      returnsValue: returned.value,
      bodySpan: body ? spanOf(body) : spanOf(node),
    };
  }

  classDef(node: Node, decoratorNodes: Node[], outer: Node): ClassDef | undefined {
    const name = node.childForFieldName('name');
    const body = node.childForFieldName('body');
    if (!name) return undefined;
    const methods: FunctionDef[] = [];
    for (const stmt of body ? namedChildrenNoComments(body) : []) {
      const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      if (def?.type !== 'function_definition') continue;
      const decorators = stmt.type === 'decorated_definition' ? stmt.namedChildren.filter((c) => c.type === 'decorator') : [];
      const fn = this.functionDef(def, decorators, stmt);
      if (fn) methods.push(fn);
    }
    return {
      ...spanOf(outer),
      name: this.src.of(name),
      nameSpan: spanOf(name),
      decorators: decoratorNodes.map((d) => this.decorator(d)),
      methods,
      bodySpan: body ? spanOf(body) : spanOf(node),
    };
  }

  /** `return` statements of a body, not descending into nested functions or classes. */
  private returns(body: Node): { dicts: DictValue[]; value: boolean } {
    const dicts: DictValue[] = [];
    let value = false;
    const visit = (n: Node) => {
      for (const c of n.namedChildren) {
        if (c.type === 'function_definition' || c.type === 'class_definition' || c.type === 'lambda') continue;
        if (c.type === 'return_statement') {
          const expr = namedChildrenNoComments(c)[0];
          if (expr) {
            value = true;
            const v = this.values().evaluate(expr);
            if (v.kind === 'dict') dicts.push(v);
          }
          continue;
        }
        // Only statements can contain a return; skipping expressions keeps this cheap on long bodies.
        if (c.type === 'block' || c.type.endsWith('_statement') || c.type.endsWith('_clause')) visit(c);
      }
    };
    visit(body);
    return { dicts, value };
  }
}
