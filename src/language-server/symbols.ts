// Outline: each deployment with its remote functions, contexts, images and autoscaling settings.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { Deployment, DeploymentModel, Range, Span } from '../analysis/model/types';

function union(spans: Span[]): Range {
  let start = spans[0];
  let end = spans[0];
  for (const s of spans) {
    if (s.startOffset < start.startOffset) start = s;
    if (s.endOffset > end.endOffset) end = s;
  }
  return { start: start.range.start, end: end.range.end };
}

function deploymentTitle(d: Deployment): string {
  const name = d.fields.name?.value;
  const tag = d.fields.tag?.value;
  const label = name?.kind === 'str' ? name.value : (d.variable?.name ?? 'Deployment');
  return tag?.kind === 'str' ? `${label}:${tag.value}` : label;
}

function deploymentSymbol(d: Deployment): DocumentSymbol {
  const children: DocumentSymbol[] = [];
  const spans: Span[] = [d];
  for (const r of d.remotes) {
    const benchmarked = r.benchmarkDataset || r.benchmarkGenerator;
    children.push({
      name: r.fn.name,
      detail: `@remote${benchmarked ? ' · benchmark' : ''}${r.fn.isAsync ? '' : ' · not async'}`,
      kind: SymbolKind.Function,
      range: r.fn.range,
      selectionRange: r.fn.nameSpan.range,
    });
    spans.push(r.fn);
  }
  for (const c of d.contexts) {
    children.push({
      name: c.cls.name,
      detail: '@context',
      kind: SymbolKind.Class,
      range: c.cls.range,
      selectionRange: c.cls.nameSpan.range,
    });
    spans.push(c.cls);
  }
  for (const image of d.images) {
    const from = image.fromImage?.value;
    // The variable (`image = ...`) sits before the call: include it so the selection lies inside the range.
    const stepSpans: Span[] = [...image.steps.map((s) => s.call), ...(image.variable ? [image.variable] : [])];
    children.push({
      name: image.variable?.name ?? 'image',
      detail: from?.kind === 'str' ? from.value : 'image',
      kind: SymbolKind.Package,
      range: union([image, ...stepSpans]),
      selectionRange: image.variable?.range ?? image.call.methodSpan.range,
      children: image.steps.map((s) => ({
        name: s.method,
        kind: SymbolKind.Method,
        detail: s.call.args.map((a) => (a.name ? `${a.name}=${a.value.text}` : a.value.text)).join(', ').slice(0, 80),
        range: s.call.range,
        selectionRange: s.call.methodSpan.range,
      })),
    });
    spans.push(image, ...stepSpans);
  }
  for (const call of d.autoscaling.calls) {
    children.push({
      name: 'configure_autoscaling',
      detail: call.args.map((a) => `${a.name ?? '?'}=${a.value.text}`).join(', ').slice(0, 80),
      kind: SymbolKind.Property,
      range: call.range,
      selectionRange: call.methodSpan.range,
    });
    spans.push(call);
  }
  children.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return {
    name: deploymentTitle(d),
    detail: 'Deployment',
    kind: SymbolKind.Module,
    range: union(spans),
    selectionRange: d.variable?.range ?? d.call.calleeSpan.range,
    children,
  };
}

export function documentSymbols(model: DeploymentModel): DocumentSymbol[] {
  return model.deployments.map(deploymentSymbol);
}
