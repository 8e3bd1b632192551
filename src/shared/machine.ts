// GPU/hardware filters (`search_params`, the query string a deployment sends) evaluated against a machine's facts.
// The cloud picks offers that match; the local engine has one "offer", this machine, so each unmet filter becomes a
// warning on the endpoint and its workers (or, in strict mode, a refusal). Pure: the engine detects the facts
// (engine/daemon/machine.ts); the plan, the wait explanation and the tree read them from here.

export interface MachineFacts {
  gpus: { name: string; memoryMb: number }[];
  cpuCores: number;
  cpuRamGb: number;
  diskFreeGb: number;
  cpuArch: string;
}

export interface SearchFilter {
  column: string;
  op: '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'notin';
  value: string;
  text: string;
}

/** Splits Vast's query string (`verified=true gpu_name in RTX_4090,RTX_5090 gpu_ram>=24`) into filters. */
export function parseSearchParams(query: string): { filters: SearchFilter[]; unreadable: string[] } {
  const tokens = query.trim().split(/\s+/).filter(Boolean);
  const filters: SearchFilter[] = [];
  const unreadable: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const next = tokens[i + 1];
    if ((next === 'in' || next === 'notin') && /^\w+$/.test(tok) && tokens[i + 2] !== undefined) {
      const value = tokens[i + 2]!;
      filters.push({ column: tok, op: next, value, text: `${tok} ${next} ${value}` });
      i += 2;
      continue;
    }
    const m = /^(\w+)(>=|<=|!=|==|=|>|<)(.*)$/.exec(tok);
    if (m) {
      const op = (m[2] === '==' ? '=' : m[2]) as SearchFilter['op'];
      filters.push({ column: m[1]!, op, value: m[3]!, text: tok });
    } else unreadable.push(tok);
  }
  return { filters, unreadable };
}

const GB_COLUMNS = new Set(['gpu_ram', 'gpu_total_ram', 'cpu_ram', 'disk_space', 'allocated_storage']);

function compare(actual: number, op: SearchFilter['op'], wanted: number): boolean {
  switch (op) {
    case '=':
      return actual === wanted;
    case '!=':
      return actual !== wanted;
    case '>':
      return actual > wanted;
    case '>=':
      return actual >= wanted;
    case '<':
      return actual < wanted;
    case '<=':
      return actual <= wanted;
    default:
      return true;
  }
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function gpuNameMatches(localName: string, wanted: string): boolean {
  const w = wanted.replace(/_/g, ' ').toLowerCase().trim();
  const escaped = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s-])${escaped}($|[\\s-])`).test(localName.toLowerCase());
}

/**
 * One message per filter this machine does not meet, e.g.
 * `no local offer matches gpu_ram>=48 GB: this machine has no GPU`. Marketplace-only columns (verified, rentable,
 * reliability, prices...) say nothing about this machine and are skipped.
 */
export function unmetFilters(query: string, facts: MachineFacts): string[] {
  const { filters, unreadable } = parseSearchParams(query);
  const problems: string[] = [];
  for (const tok of unreadable) problems.push(`cannot read search filter "${tok}"; it was not checked against this machine`);
  const noGpu = facts.gpus.length === 0;
  for (const f of filters) {
    const shown = `${f.text}${GB_COLUMNS.has(f.column) && !['in', 'notin'].includes(f.op) ? ' GB' : ''}`;
    const fail = (why: string) => problems.push(`no local offer matches ${shown}: ${why}`);
    const wanted = Number(f.value);
    switch (f.column) {
      case 'gpu_name': {
        const names = f.value.split(',').filter(Boolean);
        if (noGpu) {
          if (f.op === '=' || f.op === 'in') fail('this machine has no GPU');
          break;
        }
        const anyMatch = facts.gpus.some((g) => names.some((n) => gpuNameMatches(g.name, n)));
        const ok = f.op === '=' || f.op === 'in' ? anyMatch : !anyMatch;
        if (!ok) fail(`this machine's GPU is ${facts.gpus.map((g) => g.name).join(', ')}`);
        break;
      }
      case 'num_gpus':
        if (!compare(facts.gpus.length, f.op, wanted)) fail(`this machine has ${facts.gpus.length} GPU${facts.gpus.length === 1 ? '' : 's'}`);
        break;
      case 'gpu_ram': {
        if (noGpu) {
          if (compare(0, f.op, wanted)) break;
          fail('this machine has no GPU');
          break;
        }
        const best = Math.max(...facts.gpus.map((g) => g.memoryMb / 1000));
        if (!compare(best, f.op, wanted)) fail(`this machine's largest GPU has ${fmt(best)} GB`);
        break;
      }
      case 'gpu_total_ram': {
        const total = facts.gpus.reduce((s, g) => s + g.memoryMb / 1000, 0);
        if (!compare(total, f.op, wanted)) fail(noGpu ? 'this machine has no GPU' : `this machine's GPUs have ${fmt(total)} GB in all`);
        break;
      }
      case 'cpu_cores':
      case 'cpu_cores_effective':
        if (!compare(facts.cpuCores, f.op, wanted)) fail(`this machine has ${facts.cpuCores} CPU cores`);
        break;
      case 'cpu_ram':
        if (!compare(facts.cpuRamGb, f.op, wanted)) fail(`this machine has ${fmt(facts.cpuRamGb)} GB of RAM`);
        break;
      case 'disk_space':
      case 'allocated_storage':
        if (!compare(facts.diskFreeGb, f.op, wanted)) fail(`this machine has ${fmt(facts.diskFreeGb)} GB of free disk`);
        break;
      case 'cpu_arch': {
        const local = facts.cpuArch === 'x64' ? 'amd64' : facts.cpuArch;
        const names = f.value.split(',').map((s) => s.toLowerCase());
        const match = names.includes(local) || names.includes(facts.cpuArch);
        if ((f.op === '=' || f.op === 'in') !== match) fail(`this machine's CPU is ${local}`);
        break;
      }
      default:
        break;
    }
  }
  return problems;
}
