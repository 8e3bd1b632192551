import type { Argument, DictValue, FunctionDef, LambdaValue, NameValue, RemoteFunction, StaticValue } from '../../model/types';
import { didYouMean } from '../../util/didYouMean';
import type { Finding, QuickFix, Rule, RuleContext } from '../rule';
import { describeValueType, keyFindings, missingFinding, requiredParams } from './benchmarkKeys';
import { boundInText, knownNames, mayBeBound } from './names';
import { useSpan } from '../../model/valueUse';

export const benchmarkGeneratorInvalid: Rule = {
  id: 'VD007',
  name: 'benchmark-generator-invalid',
  severity: 'error',
  title: '`benchmark_generator` must be a defined function that takes no arguments and returns a sample dict',
  docs: "The worker calls benchmark_generator() with no arguments for every benchmark request and calls the remote function with the returned dict as keyword arguments; anything else breaks the startup benchmark.",
  check(ctx) {
    for (const remote of ctx.model.remotes) {
      const arg = remote.benchmarkGenerator;
      if (!arg) continue;
      const value = arg.value;
      switch (value.kind) {
        case 'none': // the default: no generator
        case 'attribute':
        case 'unknown':
          continue;
        case 'name':
          checkName(ctx, remote, value);
          continue;
        case 'lambda':
          checkLambda(ctx, remote, value);
          continue;
        default:
          reportNotCallable(ctx, remote, arg, value);
      }
    }
  },
};

function checkName(ctx: RuleContext, remote: RemoteFunction, value: NameValue): void {
  const { model } = ctx;
  const name = value.name;
  const definition = model.functions.get(name) ?? model.classes.get(name);
  if (definition && definition.startOffset > remote.decorator.startOffset && !boundInText(model.text, name, remote.decorator.startOffset)) {
    ctx.report({
      range: value.range,
      message:
        `'${name}' is defined after the remote function '${remote.fn.name}' that uses it: Python evaluates decorator ` +
        `arguments when the decorated def runs, so this raises NameError as soon as the file is imported. Move '${name}' above '${remote.fn.name}'.`,
      related: [{ range: definition.nameSpan.range, message: `'${name}' is defined here` }],
    });
    return;
  }
  const fn = model.functions.get(name);
  if (fn) {
    checkFunction(ctx, remote, value, fn);
    return;
  }
  if (mayBeBound(model, name)) return;
  const suggestion = didYouMean(name, knownNames(model));
  const fixes: QuickFix[] = suggestion
    ? [{ title: `Change to '${suggestion}'`, edits: [{ range: value.range, newText: suggestion }], isPreferred: true }]
    : [];
  ctx.report({
    range: value.range,
    message:
      `benchmark_generator '${name}' is not defined in this file: the decorator raises NameError as soon as the file ` +
      `is imported. ${suggestion ? `Did you mean '${suggestion}'?` : 'Define a function that returns one sample dict, or import it.'}`,
    fixes,
  });
}

function checkFunction(ctx: RuleContext, remote: RemoteFunction, use: NameValue, fn: FunctionDef): void {
  const required = requiredParams(fn);
  const range = use.range;
  if (required.length) {
    ctx.report({
      range,
      message:
        `benchmark_generator '${fn.name}' has required parameter${required.length > 1 ? 's' : ''} ` +
        `${required.map((p) => `'${p.name}'`).join(', ')}, but the worker calls ${fn.name}() with no arguments: ` +
        `every benchmark request raises TypeError. Give ${required.length > 1 ? 'them defaults' : 'it a default'} or remove ${required.length > 1 ? 'them' : 'it'}.`,
      related: required.map((p) => ({ range: p.nameSpan.range, message: `'${p.name}' has no default` })),
    });
    return;
  }
  const body = ctx.model.text.slice(fn.bodySpan.startOffset, fn.bodySpan.endOffset);
  if (fn.isAsync || /\byield\b/.test(body)) {
    const what = fn.isAsync ? 'is async: calling it returns a coroutine' : 'uses yield: calling it returns a Python generator object';
    ctx.report({
      range,
      message:
        `benchmark_generator '${fn.name}' ${what}, not a dict. The worker calls ${fn.name}() for each benchmark request ` +
        `and needs a dict of arguments for '${remote.fn.name}' back. Make it a plain def that returns one sample dict.`,
      related: [{ range: fn.nameSpan.range, message: `'${fn.name}' is defined here` }],
    });
    return;
  }
  if (!fn.returnsValue) {
    ctx.report({
      range,
      message:
        `benchmark_generator '${fn.name}' never returns a value (it returns None), but the worker needs a dict of ` +
        `arguments for '${remote.fn.name}' from each call. Return one sample dict.`,
      related: [{ range: fn.nameSpan.range, message: `'${fn.name}' is defined here` }],
    });
    return;
  }
  for (const sample of fn.returnedDicts) reportSample(ctx, remote, sample, `the dict returned by '${fn.name}'`);
}

function checkLambda(ctx: RuleContext, remote: RemoteFunction, lambda: LambdaValue): void {
  const required = lambda.params.filter((p) => p.default === undefined && p.kind !== 'var-positional' && p.kind !== 'var-keyword');
  if (required.length) {
    ctx.report({
      range: required[0].nameSpan.range,
      message:
        `The benchmark_generator lambda takes required parameter${required.length > 1 ? 's' : ''} ` +
        `${required.map((p) => `'${p.name}'`).join(', ')}, but the worker calls it with no arguments: every benchmark ` +
        `request raises TypeError. Write lambda: {...}.`,
    });
    return;
  }
  const body = lambda.body;
  if (body.kind === 'dict') reportSample(ctx, remote, body, 'the dict returned by the benchmark_generator lambda');
  else if (isKnownLiteral(body)) {
    ctx.report({
      range: useSpan(body).range,
      message:
        `The benchmark_generator lambda returns ${describeValueType(body)}, but the worker calls '${remote.fn.name}' ` +
        `with the returned value as keyword arguments: it must return a dict of arguments.`,
    });
  }
}

function reportSample(ctx: RuleContext, remote: RemoteFunction, sample: DictValue, what: string): void {
  const findings: Finding[] = keyFindings(remote.fn, sample, what);
  const missing = missingFinding(ctx.model.text, remote.fn, sample, what);
  if (missing) findings.push(missing);
  for (const f of findings) ctx.report(f);
}

function reportNotCallable(ctx: RuleContext, remote: RemoteFunction, arg: Argument, value: StaticValue): void {
  const fixes: QuickFix[] = [];
  const isSamples = (value.kind === 'list' || value.kind === 'tuple') && value.items.every((i) => i.kind === 'dict');
  if (!remote.benchmarkDataset && arg.nameSpan && !value.via && (isSamples || value.kind === 'dict')) {
    const edits = [{ range: arg.nameSpan.range, newText: 'benchmark_dataset' }];
    if (value.kind === 'dict') {
      edits.push({ range: { start: value.range.start, end: value.range.start }, newText: '[' });
      edits.push({ range: { start: value.range.end, end: value.range.end }, newText: ']' });
    }
    fixes.push({ title: 'Pass the samples as benchmark_dataset', edits, isPreferred: true });
  }
  ctx.report({
    range: useSpan(value).range,
    message:
      `benchmark_generator of '${remote.fn.name}' must be a function returning one sample dict, but it is ` +
      `${describeValueType(value)}: the worker calls benchmark_generator() and fails because it is not callable.` +
      (fixes.length ? ' Fixed sample inputs belong in benchmark_dataset=[{...}].' : ''),
    fixes,
  });
}

function isKnownLiteral(v: StaticValue): boolean {
  return !['dict', 'name', 'attribute', 'unknown', 'lambda'].includes(v.kind);
}
