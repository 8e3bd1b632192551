// What the names in a deployment file stand for: which variables hold a Deployment or an Image, which names (or
// `module.name` paths) are query columns and GPU constants of `vastai.data.query`, and which callee is the
// Deployment class. Answers come from the model's imports and deployments, plus a textual look at assignments so a
// variable is still known while the statement that the model lost is being typed.
import { GPU_CONSTANTS, type GpuConstant } from '../analysis/catalog/gpus';
import { QUERY_COLUMNS, type QueryColumn } from '../analysis/catalog/queryColumns';
import { isVastModule } from '../analysis/model/extract';
import type { DeploymentModel, ImportBinding } from '../analysis/model/types';
import type { ChainPart } from './cursor';

export const QUERY_MODULE = 'vastai.data.query';

export type QueryExport = { kind: 'column'; column: QueryColumn } | { kind: 'gpu'; gpu: GpuConstant };

export function queryExport(name: string): QueryExport | undefined {
  const column = QUERY_COLUMNS.get(name);
  if (column) return { kind: 'column', column };
  const gpu = GPU_CONSTANTS.get(name);
  return gpu ? { kind: 'gpu', gpu } : undefined;
}

/** `name = <callee>(` at the start of a line, for every line: the callee text by variable name (later ones win). */
function assignedCalls(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Za-z_][\w.]*)[ \t]*\(/gm)) out.set(m[1], m[2]);
  return out;
}

export class VastNames {
  readonly deploymentVars = new Set<string>();
  readonly imageVars = new Set<string>();

  constructor(private readonly model: DeploymentModel) {
    for (const d of model.deployments) if (d.variable) this.deploymentVars.add(d.variable.name);
    for (const d of model.deployments) for (const image of d.images) if (image.variable) this.imageVars.add(image.variable.name);
    // Half-typed code: `app = Deployment(` or `image = app.image(` whose statement the parser could not keep.
    const assigned = assignedCalls(model.text);
    for (const [name, callee] of assigned) if (this.isDeploymentClass(callee.split('.'))) this.deploymentVars.add(name);
    for (const [name, callee] of assigned) {
      const [receiver, method, ...rest] = callee.split('.');
      if (method === 'image' && rest.length === 0 && this.deploymentVars.has(receiver)) this.imageVars.add(name);
    }
  }

  /** The import that binds `local` (the last one wins, like Python). */
  binding(local: string): ImportBinding | undefined {
    const imports = this.model.imports;
    for (let i = imports.length - 1; i >= 0; i--) if (imports[i].local === local) return imports[i];
    return undefined;
  }

  /** True when the module binds `name` itself: an import, a def, a class or a module-level constant. */
  private isBoundHere(name: string): boolean {
    return !!this.binding(name) || this.model.functions.has(name) || this.model.classes.has(name) || this.model.constants.has(name);
  }

  /** The dotted module path a name chain refers to (`q` → `vastai.data.query` after `import vastai.data.query as q`). */
  modulePath(parts: readonly string[]): string | undefined {
    if (parts.length === 0) return undefined;
    const imp = this.binding(parts[0]);
    if (!imp || imp.name === '*') return undefined;
    // `from a.b import c` binds a.b.c; `import a.b.c` binds only `a`; `import a.b.c as q` binds a.b.c.
    const bindsRootPackage = !imp.name && imp.local === imp.module.split('.')[0];
    const base = imp.name ? `${imp.module}.${imp.name}` : bindsRootPackage ? imp.local : imp.module;
    return [base, ...parts.slice(1)].join('.');
  }

  /**
   * The query column or GPU constant a name chain (`gpu_ram`, `ram` imported as an alias, `q.gpu_ram`) stands for.
   * With `allowUnimported`, a bare catalog name that nothing in the file binds counts too (inside `require(...)`,
   * where a missing import is Python's error to report, not a reason to hide the docs).
   */
  resolveQueryExport(parts: readonly string[], allowUnimported = false): QueryExport | undefined {
    if (parts.length === 0) return undefined;
    const last = parts[parts.length - 1];
    if (parts.length > 1) return this.modulePath(parts.slice(0, -1)) === QUERY_MODULE ? queryExport(last) : undefined;
    const imp = this.binding(last);
    if (imp) return imp.module === QUERY_MODULE && imp.name && imp.name !== '*' ? queryExport(imp.name) : undefined;
    if (this.isBoundHere(last)) return undefined;
    if (allowUnimported || this.hasStarImport()) return queryExport(last);
    return undefined;
  }

  hasStarImport(): boolean {
    return this.model.imports.some((i) => i.module === QUERY_MODULE && i.name === '*');
  }

  /** True when the chain names the `gpu_name` column (compared with GPU constants). */
  isGpuNameColumn(parts: readonly string[]): boolean {
    const resolved = this.resolveQueryExport(parts, true);
    return resolved?.kind === 'column' && resolved.column.name === 'gpu_name';
  }

  /** True when the chain is the query module itself (`q`, `query`, `vastai.data.query`). */
  isQueryModule(parts: readonly string[]): boolean {
    return this.modulePath(parts) === QUERY_MODULE;
  }

  /** A local name through which `vastai.data.query` members can be reached as `<name>.member`, if any. */
  queryModuleAlias(): string | undefined {
    for (let i = this.model.imports.length - 1; i >= 0; i--) {
      const imp = this.model.imports[i];
      if (imp.name !== '*' && this.modulePath([imp.local]) === QUERY_MODULE) return imp.local;
    }
    return undefined;
  }

  /** True when the callee text is the Deployment class: `Deployment` (or its alias) or `vastai.Deployment`. */
  isDeploymentClass(parts: readonly string[]): boolean {
    if (parts.length === 1) {
      const imp = this.binding(parts[0]);
      if (imp) return imp.name === 'Deployment' && isVastModule(imp.module);
      // Not imported yet: still the Deployment while the user is typing, unless the name is something else here.
      return parts[0] === 'Deployment' && !this.isBoundHere('Deployment');
    }
    if (parts[parts.length - 1] !== 'Deployment') return false;
    const module = this.modulePath(parts.slice(0, -1));
    return !!module && isVastModule(module);
  }

  /** True when the chain is a Deployment variable, e.g. `app`. */
  isDeploymentVariable(chain: readonly ChainPart[]): boolean {
    return chain.length === 1 && !chain[0].called && this.deploymentVars.has(chain[0].name);
  }

  /**
   * True when the chain evaluates to an Image: `image`, `app.image(...)`, or either followed by image method calls
   * (every Image method returns the image, so chains stay images).
   */
  isImageExpression(chain: readonly ChainPart[]): boolean {
    if (chain.length === 0) return false;
    const [root, ...rest] = chain;
    if (root.called) return false;
    let methods: readonly ChainPart[];
    if (this.imageVars.has(root.name)) methods = rest;
    else if (this.deploymentVars.has(root.name) && rest[0]?.name === 'image' && rest[0].called) methods = rest.slice(1);
    else return false;
    return methods.every((m) => m.called);
  }
}
