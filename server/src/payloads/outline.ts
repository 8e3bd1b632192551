// The part of the model the extension's UI needs (lenses, payload files, "Run remotely"), as plain JSON: every
// Deployment(...) with its name, tag and range, and every @remote function with its signature.
import type { DeploymentModel, Range } from '../model/types';
import { deploymentName, remoteSignature, type RemoteSignature } from './signature';

export interface DeploymentOutlineEntry {
  index: number;
  /** Name as written, or a placeholder from its variable when the name is not a literal. */
  name: string;
  /** True when `name` is the literal Deployment name (so payload folders and the server agree on it). */
  nameIsLiteral: boolean;
  tag?: string;
  variable?: string;
  /** The `Deployment(...)` call (where its lenses go). */
  range: Range;
  remotes: RemoteOutlineEntry[];
}

export interface RemoteOutlineEntry {
  name: string;
  /** The first decorator line through the `def` line's end: where the "Run remotely" lens goes. */
  range: Range;
  signature: RemoteSignature;
  hasBenchmark: boolean;
}

export interface DeploymentOutline {
  isDeploymentFile: boolean;
  deployments: DeploymentOutlineEntry[];
}

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
