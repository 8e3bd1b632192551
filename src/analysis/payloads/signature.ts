// What a payload for one @remote function must look like: its parameters, annotations, defaults and the benchmark
// sample the decorator carries. Plain JSON, so it travels from the language server to the extension unchanged.
import type { DeploymentModel, RemoteFunction } from '../model/types';
import type { RemoteSignature, SignatureParameter } from '../../shared/protocol/lsp';
import { staticToJson } from './staticJson';
import { type Json } from '../../shared/protocol/lsp';


/** The deployment's name as written (`Deployment(name="x")`), or a placeholder naming its variable. */
export function deploymentName(remote: RemoteFunction): string {
  const name = remote.deployment.fields.name?.value;
  if (name?.kind === 'str' && name.value) return name.value;
  return remote.deployment.variable?.name ?? `deployment${remote.deployment.index + 1}`;
}

export function remoteSignature(model: DeploymentModel, remote: RemoteFunction): RemoteSignature {
  const params: SignatureParameter[] = remote.fn.params
    .filter((p) => p.kind !== 'var-positional' && p.kind !== 'var-keyword')
    .map((p) => {
      const param: SignatureParameter = { name: p.name, kind: p.kind, hasDefault: p.default !== undefined };
      if (p.annotation) param.annotation = p.annotation.text;
      const def = staticToJson(p.default);
      if (def !== undefined) param.default = def;
      return param;
    });
  const signature: RemoteSignature = {
    deployment: deploymentName(remote),
    function: remote.fn.name,
    params,
    acceptsExtraKeywords: remote.fn.params.some((p) => p.kind === 'var-keyword'),
  };
  const sample = benchmarkSample(model, remote);
  if (sample) signature.benchmarkSample = sample;
  return signature;
}

function benchmarkSample(model: DeploymentModel, remote: RemoteFunction): { [key: string]: Json } | undefined {
  const dataset = remote.benchmarkDataset?.value;
  if (dataset && (dataset.kind === 'list' || dataset.kind === 'tuple')) {
    for (const item of dataset.items) {
      const json = staticToJson(item);
      if (json && typeof json === 'object' && !Array.isArray(json)) return json;
    }
  }
  const generator = remote.benchmarkGenerator?.value;
  if (generator?.kind === 'name') {
    for (const dict of model.functions.get(generator.name)?.returnedDicts ?? []) {
      const json = staticToJson(dict);
      if (json && typeof json === 'object' && !Array.isArray(json)) return json;
    }
  }
  return undefined;
}
