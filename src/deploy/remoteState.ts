// The deployed state a plan compares against: the deployment with the same (name, tag), its endpoint's autoscaling
// settings, and same-name deployments under other tags (a new tag is a new endpoint: tier 4).
import type { VastClient } from '../vast-api/client';
import type { DeploymentRecord } from '../shared/protocol/vast';
import type { RemoteState } from './types';

/** The state one deployments listing tells: everything but the endpoint (so autoscaling cannot be compared). */
export function remoteStateFromListing(deployments: DeploymentRecord[], identity: { name: string; tag: string }): RemoteState {
  const sameName = deployments.filter((d) => d.name === identity.name);
  const deployment = sameName.find((d) => d.tag === identity.tag);
  const otherTags = sameName.filter((d) => d.tag !== identity.tag);
  if (!deployment) return otherTags.length ? { otherTags } : {};
  return { deployment, otherTags };
}

export async function fetchRemoteState(
  client: VastClient,
  identity: { name: string; tag: string },
  options: { signal?: AbortSignal } = {},
): Promise<RemoteState> {
  const state = remoteStateFromListing(await client.listDeployments(options.signal), identity);
  if (!state.deployment) return state;
  return { ...state, endpoint: await client.getEndpoint(state.deployment.endpoint_id, options.signal) };
}
