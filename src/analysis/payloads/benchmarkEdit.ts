// "Save as benchmark sample": appends a payload to the remote function's `benchmark_dataset` list, or adds the
// argument when the function has no benchmark yet. The edit is computed from the model's spans, so it lands in the
// list literal even when the list is a module-level constant (its span is the constant's definition).
import type { DeploymentModel, RemoteFunction } from '../model/types';
import { pythonLiteral } from './pythonLiteral';
import { SCHEMA_KEY } from '../../shared/payloads/schema';
import type { Json } from '../../shared/protocol/lsp';

export interface OffsetEdit {
  startOffset: number;
  endOffset: number;
  newText: string;
}

export type BenchmarkEditResult = { ok: true; edit: OffsetEdit } | { ok: false; problem: string };

export function benchmarkSampleEdit(
  model: DeploymentModel,
  remote: RemoteFunction,
  payload: { [key: string]: Json },
): BenchmarkEditResult {
  const sample = Object.fromEntries(Object.entries(payload).filter(([k]) => k !== SCHEMA_KEY));
  const fnName = remote.fn.name;
  const knownParams = new Set(remote.fn.params.map((p) => p.name));
  const takesKwargs = remote.fn.params.some((p) => p.kind === 'var-keyword');
  const unknown = Object.keys(sample).filter((k) => !knownParams.has(k));
  if (unknown.length && !takesKwargs) {
    return { ok: false, problem: `${fnName}() has no parameter ${unknown.map((k) => `"${k}"`).join(', ')}` };
  }
  if (remote.benchmarkGenerator) {
    return { ok: false, problem: `${fnName}() takes its benchmark from benchmark_generator; add samples there instead` };
  }
  const literal = pythonLiteral(sample);
  const dataset = remote.benchmarkDataset;
  if (dataset) {
    const list = dataset.value;
    if (list.kind !== 'list') {
      return { ok: false, problem: `${fnName}()'s benchmark_dataset is not a list literal (${list.text}); cannot add to it` };
    }
    return { ok: true, edit: appendToList(model.text, list, literal) };
  }
  const other = model.remotes.find((r) => r !== remote && r.deployment === remote.deployment && (r.benchmarkDataset || r.benchmarkGenerator));
  if (other) {
    return { ok: false, problem: `${other.fn.name}() already carries the deployment's benchmark (exactly one @remote may)` };
  }
  const argument = `benchmark_dataset=[${literal}]`;
  const call = remote.decorator.call;
  if (!call) {
    return { ok: true, edit: { startOffset: remote.decorator.endOffset, endOffset: remote.decorator.endOffset, newText: `(${argument})` } };
  }
  const last = call.args[call.args.length - 1];
  if (!last) {
    const inside = call.argumentsSpan.startOffset + 1;
    return { ok: true, edit: { startOffset: inside, endOffset: inside, newText: argument } };
  }
  return { ok: true, edit: { startOffset: last.endOffset, endOffset: last.endOffset, newText: `, ${argument}` } };
}

/** Inserts `literal` as the list's last item, keeping its layout: one item per line stays one item per line. */
function appendToList(text: string, list: { startOffset: number; endOffset: number; items: { startOffset: number; endOffset: number }[] }, literal: string): OffsetEdit {
  const closing = list.endOffset - 1; // the `]`
  const last = list.items[list.items.length - 1];
  if (!last) return { startOffset: list.startOffset + 1, endOffset: list.startOffset + 1, newText: literal };
  const between = text.slice(last.endOffset, closing);
  const trailingComma = between.trimStart().startsWith(',');
  const multiline = text.slice(list.startOffset, last.startOffset).includes('\n');
  if (!multiline) {
    const at = trailingComma ? last.endOffset + between.indexOf(',') + 1 : last.endOffset;
    return { startOffset: at, endOffset: at, newText: trailingComma ? ` ${literal}` : `, ${literal}` };
  }
  const lineStart = text.lastIndexOf('\n', last.startOffset - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  if (trailingComma) {
    const at = last.endOffset + between.indexOf(',') + 1;
    return { startOffset: at, endOffset: at, newText: `\n${indent}${literal},` };
  }
  return { startOffset: last.endOffset, endOffset: last.endOffset, newText: `,\n${indent}${literal}` };
}

