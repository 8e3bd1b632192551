// What the remote rules share about benchmarks: whether a remote function carries one, the sample dicts of its
// `benchmark_dataset`, and what its `benchmark_generator` refers to.
import type { Argument, DeploymentModel, DictValue, FunctionDef, LambdaValue, RemoteFunction, StaticValue } from '../../model/types';

/** The benchmark arguments a remote function really sets (`benchmark_x=None` is the default: no benchmark). */
export function benchmarkArgs(remote: RemoteFunction): Argument[] {
  return [remote.benchmarkDataset, remote.benchmarkGenerator]
    .filter((a): a is Argument => a !== undefined && a.value.kind !== 'none')
    .sort((a, b) => a.startOffset - b.startOffset);
}

/**
 * Whether the remote function has a benchmark: 'maybe' when the decorator has a `**spread` or positional arguments
 * we cannot attribute (a benchmark may hide there).
 */
export function hasBenchmark(remote: RemoteFunction): 'yes' | 'no' | 'maybe' {
  if (benchmarkArgs(remote).length > 0) return 'yes';
  const call = remote.decorator.call;
  if (call && (call.hasSplat || call.args.some((a) => a.name === undefined))) return 'maybe';
  return 'no';
}

/** The dict items of a list/tuple `benchmark_dataset` (other items are the shape rule's business). */
export function datasetSamples(remote: RemoteFunction): DictValue[] {
  const v = remote.benchmarkDataset?.value;
  if (!v || (v.kind !== 'list' && v.kind !== 'tuple')) return [];
  return v.items.filter((i): i is DictValue => i.kind === 'dict');
}

export type GeneratorTarget =
  | { kind: 'function'; fn: FunctionDef; value: StaticValue }
  | { kind: 'lambda'; fn: LambdaValue; value: StaticValue };

/** The module-level function or the lambda a `benchmark_generator` refers to, when we can see it. */
export function generatorTarget(model: DeploymentModel, remote: RemoteFunction): GeneratorTarget | undefined {
  const value = remote.benchmarkGenerator?.value;
  if (!value) return undefined;
  if (value.kind === 'lambda') return { kind: 'lambda', fn: value, value };
  if (value.kind === 'name') {
    const fn = model.functions.get(value.name);
    if (fn) return { kind: 'function', fn, value };
  }
  return undefined;
}

/** Dict literals the generator returns (a lambda's body, or the `return {...}` statements of a def). */
export function generatorSamples(model: DeploymentModel, remote: RemoteFunction): DictValue[] {
  const target = generatorTarget(model, remote);
  if (!target) return [];
  if (target.kind === 'lambda') return target.fn.body.kind === 'dict' ? [target.fn.body] : [];
  return target.fn.returnedDicts;
}

/** Every sample dict of a remote's benchmark we can read: dataset items and generator results. */
export function allSamples(model: DeploymentModel, remote: RemoteFunction): DictValue[] {
  return [...datasetSamples(remote), ...generatorSamples(model, remote)];
}

/** Remote functions grouped by deployment, in source order. */
export function remotesByDeployment(model: DeploymentModel): RemoteFunction[][] {
  return model.deployments.map((d) => [...d.remotes].sort((a, b) => a.fn.startOffset - b.fn.startOffset)).filter((g) => g.length);
}
