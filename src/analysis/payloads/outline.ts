// The part of the model the extension's UI needs (lenses, payload files, "Run remotely"), as plain JSON: every
// Deployment(...) with its name, tag and range, and every @remote function with its signature.
import type { DeploymentModel } from '../model/types';
import type { DeploymentOutline, DeploymentOutlineEntry } from '../../shared/protocol/lsp';
import { deploymentName, remoteSignature } from './signature';


export function deploymentOutline(model: DeploymentModel): DeploymentOutline {
  return {
    isDeploymentFile: model.isDeploymentFile,
    deployments: model.deployments.map((d) => {
      const nameValue = d.fields.name?.value;
      const tagValue = d.fields.tag?.value;
      const entry: DeploymentOutlineEntry = {
        index: d.index,
        name: '',
        nameIsLiteral: nameValue?.kind === 'str' && nameValue.value !== '',
        range: d.call.range,
        remotes: d.remotes.map((r) => ({
          name: r.fn.name,
          range: { start: (r.fn.decorators[0] ?? r.decorator).range.start, end: r.fn.nameSpan.range.end },
          signature: remoteSignature(model, r),
          hasBenchmark: Boolean(r.benchmarkDataset || r.benchmarkGenerator),
        })),
      };
      if (tagValue?.kind === 'str') entry.tag = tagValue.value;
      if (d.variable) entry.variable = d.variable.name;
      entry.name = d.remotes[0] ? deploymentName(d.remotes[0]) : nameValue?.kind === 'str' && nameValue.value ? nameValue.value : (d.variable?.name ?? `deployment${d.index + 1}`);
      return entry;
    }),
  };
}
