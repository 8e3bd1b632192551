// Lookups in the engine's saved state: the deployment, endpoint and version records by id or name. Read-only; the
// deployment service changes the records, inside the store's commits.
import type { Store, StoredDeployment, StoredEndpoint, StoredVersion } from './store';

export class Records {
  constructor(private readonly store: Store) {}

  deployment(id: number): StoredDeployment | undefined {
    return this.store.state.deployments.find((d) => d.id === id);
  }
  endpoint(id: number): StoredEndpoint | undefined {
    return this.store.state.endpoints.find((e) => e.id === id);
  }
  endpointByName(name: string): StoredEndpoint | undefined {
    return this.store.state.endpoints.find((e) => e.endpoint_name === name) ?? (/^\d+$/.test(name) ? this.endpoint(Number(name)) : undefined);
  }
  version(id: number | null | undefined): StoredVersion | undefined {
    return id === null || id === undefined ? undefined : this.store.state.versions.find((v) => v.id === id);
  }
  /** The code workers should run: the deployment's current uploaded version. */
  currentVersion(dep: StoredDeployment): StoredVersion | undefined {
    const v = this.version(dep.current_version_id);
    return v && v.uploaded_at !== null ? v : undefined;
  }
  /** The search_params (and storage) this machine does not meet, saved on the deployment's endpoint at its PUT. */
  filterWarnings(dep: StoredDeployment): string[] {
    return this.endpoint(dep.endpoint_id)?.local_warnings ?? [];
  }
}
