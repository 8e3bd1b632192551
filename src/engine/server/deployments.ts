// Deployment operations behind the console routes: PUT (with the server-side tier decision), upload completion,
// stop/start, delete, and the wire records the list/show routes return.
import * as fs from 'node:fs';
import { AUTOSCALING_KEYS, type AutoscalingKey, type DeploymentPutBody, type DeploymentPutResponse, type DeploymentRecord, type EndpointRecord, type WorkergroupRecord } from '../../shared/protocol/vast';
import { generateKey } from './auth';
import type { ActivityTracker } from './activity';
import type { EngineAddress } from './address';
import { HttpError } from './http';
import type { LogBook } from './logs';
import { unmetFilters, type MachineFacts } from '../../shared/machine';
import type { Records } from './records';
import type { RoutingState } from './routing';
import { KEPT_VERSIONS, type Store, type StoredDeployment, type StoredEndpoint, type StoredVersion } from './store';
import { autoscalingOf, decideTier, HARD_UPDATE_FIELDS } from './tiers';
import type { TransferTokens } from './transfer-tokens';
import type { ReceivedUpload } from './upload';
import type { WorkerPool } from './worker-pool';
import type { WorkerManager } from './workers';

/** Validates a PUT body field by field; a bad one is a 422 naming it. */
export function parsePutBody(body: Record<string, unknown>): DeploymentPutBody {
  const str = (k: string, required: boolean, fallback = ''): string => {
    const v = body[k];
    if (v === undefined || v === null) {
      if (required) throw new HttpError(422, `field "${k}" is required (a string)`);
      return fallback;
    }
    if (typeof v !== 'string') throw new HttpError(422, `field "${k}" must be a string, got ${JSON.stringify(v)}`);
    return v;
  };
  const num = (k: string, required: boolean): number | undefined => {
    const v = body[k];
    if (v === undefined || v === null) {
      if (required) throw new HttpError(422, `field "${k}" is required (a number)`);
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new HttpError(422, `field "${k}" must be a non-negative number, got ${JSON.stringify(v)}`);
    return v;
  };
  const name = str('name', true);
  if (!name.trim()) throw new HttpError(422, 'field "name" must not be empty');
  const fileHash = str('file_hash', true);
  if (!/^[0-9a-f]{64}$/.test(fileHash)) throw new HttpError(422, `field "file_hash" must be a lowercase hex sha256 (64 characters), got ${JSON.stringify(fileHash)}`);
  const out: DeploymentPutBody = {
    name,
    image: str('image', false),
    file_hash: fileHash,
    file_size: num('file_size', true)!,
    env: str('env', false),
    tag: str('tag', false, 'default') || 'default',
    search_params: str('search_params', false),
    storage: num('storage', false) ?? 0,
  };
  const ttl = num('ttl', false);
  if (ttl !== undefined) out.ttl = ttl;
  for (const k of ['version_label', 'docker_login_user', 'docker_login_pass', 'docker_login_repo'] as const) {
    const v = str(k, false, '');
    if (body[k] !== undefined && body[k] !== null) out[k] = v;
  }
  for (const k of AUTOSCALING_KEYS) {
    if (body[k] === undefined || body[k] === null) continue;
    if (k === 'autoscaler_instance') out[k] = str(k, false);
    else out[k] = num(k, false);
  }
  return out;
}

export type EndpointState = 'active' | 'suspended' | 'stopped';
const ENDPOINT_STATES: readonly EndpointState[] = ['active', 'suspended', 'stopped'];

/** What a `PUT /api/v0/endptjobs/{id}/` changes, every field checked before anything is applied. */
export interface EndpointUpdate {
  settings: Partial<Record<Exclude<AutoscalingKey, 'autoscaler_instance'>, number>>;
  endpointName?: string;
  endpointState?: EndpointState;
}

/** What the deployment service works with. */
export interface DeploymentServiceDeps {
  store: Store;
  records: Records;
  workers: WorkerManager;
  pool: WorkerPool;
  logs: LogBook;
  routing: RoutingState;
  activity: ActivityTracker;
  address: EngineAddress;
  /** The upload URLs a PUT answers with. */
  uploads: TransferTokens;
  machine: MachineFacts;
  /** Refuse deployments whose search_params this machine does not meet. */
  strictFilters: boolean;
  /** Runs the autoscaler now (new code, a changed endpoint). */
  scaleSoon(): void;
}

/** The deployments, endpoints and workergroups: what the console routes change, and the records they answer with. */
export class DeploymentService {
  constructor(private readonly deps: DeploymentServiceDeps) {}

  /** Unmet search_params filters, plus the disk the deployment asks for (`storage`, GB). */
  localWarnings(body: DeploymentPutBody): string[] {
    const warnings = unmetFilters(body.search_params, this.deps.machine);
    if (body.storage > 0 && this.deps.machine.diskFreeGb > 0 && this.deps.machine.diskFreeGb < body.storage) {
      warnings.push(`no local offer matches storage=${body.storage} GB: this machine has ${this.deps.machine.diskFreeGb.toFixed(1)} GB of free disk`);
    }
    return warnings;
  }

  putDeployment(body: DeploymentPutBody): DeploymentPutResponse {
    const warnings = this.localWarnings(body);
    if (warnings.length && this.deps.strictFilters) {
      throw new HttpError(422, `this machine does not meet the deployment's search_params (strict filters are on): ${warnings.join('; ')}`, { filter_warnings: warnings });
    }
    const { state } = this.deps.store;
    const now = Date.now() / 1000;
    const existing = state.deployments.find((d) => d.name === body.name && d.tag === body.tag);
    const decision = decideTier(existing, existing && this.deps.records.currentVersion(existing)?.file_hash, body, {
      endpoint: existing && this.deps.records.endpoint(existing.endpoint_id),
      sameEnv: (a, b) => this.deps.address.sameEngineEnv(a, b),
    });

    // Every change to the state in one commit; files, workers, logs and tokens only once it is saved.
    const { dep, version, evicted } = this.deps.store.commit(() => {
      const dep = existing ?? this.createDeployment(body, now);
      const endpoint = this.deps.records.endpoint(dep.endpoint_id)!;
      for (const f of HARD_UPDATE_FIELDS) {
        if (body[f] === undefined) delete dep[f];
        else (dep as unknown as Record<string, unknown>)[f] = body[f];
      }
      dep.autoscaling = autoscalingOf(body);
      for (const k of AUTOSCALING_KEYS) {
        if (k === 'autoscaler_instance') continue;
        const v = dep.autoscaling[k];
        (endpoint as unknown as Record<string, unknown>)[k] = typeof v === 'number' ? v : null;
      }
      dep.ttl = body.ttl ?? null;
      dep.version_label = body.version_label ?? null;
      dep.last_client_heartbeat = now;
      dep.updated_at = now;
      endpoint.local_warnings = warnings;
      const workergroup = state.workergroups.find((g) => g.id === dep.workergroup_id);
      if (workergroup) {
        workergroup.search_query = dep.search_params;
        workergroup.launch_args = dep.env;
      }
      const pending = decision.needsUpload ? this.pendingVersion(dep, body, now) : undefined;
      if (decision.action === 'hard_update' && decision.needsUpload) dep.pending_hard_update = true;
      return { dep, version: pending?.version, evicted: pending?.evicted ?? [] };
    });
    for (const old of evicted) this.deps.store.removeTarball(old);
    if (!existing) {
      const endpointName = this.deps.records.endpoint(dep.endpoint_id)?.endpoint_name;
      this.deps.logs.add(dep.endpoint_id, null, 'lifecycle', `created deployment ${dep.id} (${dep.name}:${dep.tag}), endpoint ${dep.endpoint_id} "${endpointName}"`);
    }

    const response: DeploymentPutResponse = {
      success: true,
      action: decision.action,
      deployment_id: dep.id,
      endpoint_id: dep.endpoint_id,
      workergroup_id: dep.workergroup_id,
    };
    if (version) {
      const token = this.deps.uploads.issue(version.id);
      response.upload_url = `${this.deps.address.url}/upload/${token}`;
      response.upload_fields = { key: `deployments/${dep.id}/v${version.id}.tar.gz`, token };
      if (evicted.length) response.evicted_versions = evicted.map((v) => v.id);
    }
    const lines = [`PUT ${dep.name}:${dep.tag} → ${decision.action}`];
    if (decision.hardFields.length) lines.push(`changed: ${decision.hardFields.join(', ')}`);
    this.deps.logs.add(dep.endpoint_id, null, 'lifecycle', lines.join('; '));
    for (const w of warnings) this.deps.logs.add(dep.endpoint_id, null, 'lifecycle', `warning: ${w}`);
    if (warnings.length) response.msg = `running anyway (strict filters are off): ${warnings.join('; ')}`;
    if (decision.action === 'hard_update' && !decision.needsUpload) {
      this.restartForHardUpdate(dep, `hard update: ${decision.hardFields.join(', ')} changed`);
    }
    return response;
  }

  /** The new records of a first PUT (inside the PUT's commit). */
  private createDeployment(body: DeploymentPutBody, now: number): StoredDeployment {
    const { state } = this.deps.store;
    const id = this.deps.store.nextId('deployment');
    const endpointId = this.deps.store.nextId('endpoint');
    const workergroupId = this.deps.store.nextId('workergroup');
    let endpointName = body.tag === 'default' ? body.name : `${body.name}-${body.tag}`;
    while (state.endpoints.some((e) => e.endpoint_name === endpointName)) endpointName = `${endpointName}-${id}`;
    const endpoint: StoredEndpoint = {
      id: endpointId,
      endpoint_name: endpointName,
      api_key: generateKey(),
      user_id: 0,
      created_at: now,
      endpoint_state: 'active',
      deployment_id: id,
    };
    state.endpoints.push(endpoint);
    state.workergroups.push({
      id: workergroupId,
      endpoint_id: endpointId,
      endpoint_name: endpointName,
      search_query: body.search_params,
      launch_args: body.env,
      test_workers: 0,
      created_at: now,
    });
    const dep: StoredDeployment = {
      id,
      name: body.name,
      tag: body.tag,
      image: body.image,
      endpoint_id: endpointId,
      workergroup_id: workergroupId,
      env: body.env,
      file_hash: '',
      search_params: body.search_params,
      storage: body.storage,
      current_version_id: null,
      last_healthy_version_id: null,
      created_at: now,
      updated_at: now,
      autoscaling: {},
    };
    state.deployments.push(dep);
    return dep;
  }

  /**
   * The version an upload will fill: reused when the same code is already pending. Old versions leave the state here
   * (inside the PUT's commit); the caller removes their tarballs once the commit is saved.
   */
  private pendingVersion(dep: StoredDeployment, body: DeploymentPutBody, now: number): { version: StoredVersion; evicted: StoredVersion[] } {
    const { state } = this.deps.store;
    const pending = this.deps.records.version(dep.pending_version_id);
    if (pending && pending.uploaded_at === null && pending.file_hash === body.file_hash) {
      pending.file_size = body.file_size;
      return { version: pending, evicted: [] };
    }
    if (pending && pending.uploaded_at === null) state.versions = state.versions.filter((v) => v.id !== pending.id);
    const version: StoredVersion = {
      id: this.deps.store.nextId('version'),
      deployment_id: dep.id,
      file_hash: body.file_hash,
      file_size: body.file_size,
      created_at: now,
      uploaded_at: null,
      version_label: body.version_label ?? null,
    };
    state.versions.push(version);
    dep.pending_version_id = version.id;
    const uploaded = state.versions.filter((v) => v.deployment_id === dep.id && v.uploaded_at !== null && v.id !== dep.current_version_id);
    const evicted: StoredVersion[] = [];
    while (uploaded.length > KEPT_VERSIONS - 1) {
      const old = uploaded.shift()!;
      state.versions = state.versions.filter((v) => v.id !== old.id);
      evicted.push(old);
    }
    return { version, evicted };
  }

  /** The upload arrived: it becomes the current version; a hard update waiting for it goes ahead. */
  completeUpload(version: StoredVersion, receivedFile: string, received: ReceivedUpload): void {
    const dep = this.deps.records.deployment(version.deployment_id);
    if (!dep) throw new HttpError(410, `deployment ${version.deployment_id} was deleted before the upload arrived`);
    // The file was written and synced while it streamed in; the rename makes it appear whole.
    fs.renameSync(receivedFile, this.deps.store.tarballPath(version));
    let hardUpdateWaiting = false;
    try {
      this.deps.store.commit(() => {
        version.uploaded_at = Date.now() / 1000;
        dep.current_version_id = version.id;
        dep.file_hash = version.file_hash;
        dep.s3_key = `deployments/${dep.id}/v${version.id}.tar.gz`;
        if (dep.pending_version_id === version.id) dep.pending_version_id = null;
        dep.updated_at = Date.now() / 1000;
        hardUpdateWaiting = dep.pending_hard_update === true;
        dep.pending_hard_update = false;
      });
    } catch (err) {
      // The state still says "not uploaded": a tarball nobody refers to must not stay behind.
      this.deps.store.removeTarball(version);
      throw err;
    }
    this.deps.logs.add(dep.endpoint_id, null, 'lifecycle', `code uploaded: version ${version.id} (${received.size} bytes, sha256 ${received.sha256.slice(0, 12)}, file_hash ${version.file_hash.slice(0, 12)})`);
    if (hardUpdateWaiting) this.restartForHardUpdate(dep, 'hard update: new image/env/filters and code');
    this.deps.scaleSoon();
  }

  restartForHardUpdate(dep: StoredDeployment, why: string): void {
    this.deps.logs.add(dep.endpoint_id, null, 'lifecycle', why);
    for (const w of this.deps.workers.forEndpoint(dep.endpoint_id)) {
      if (w.status !== 'stopped' && w.status !== 'stopping') this.deps.workers.hardUpdate(w, why);
    }
  }

  async setEndpointState(dep: StoredDeployment, state: 'active' | 'stopped'): Promise<void> {
    const endpoint = this.deps.records.endpoint(dep.endpoint_id);
    if (!endpoint) throw new HttpError(404, `endpoint ${dep.endpoint_id} of deployment ${dep.id} is missing`);
    this.deps.store.commit(() => {
      endpoint.endpoint_state = state;
    });
    await this.endpointStateChanged(endpoint);
  }

  /** After a saved endpoint_state change: stop the workers now (stopped, suspended) or count idle time from now. */
  private async endpointStateChanged(endpoint: StoredEndpoint): Promise<void> {
    this.deps.logs.add(endpoint.id, null, 'lifecycle', `endpoint ${endpoint.endpoint_state === 'active' ? 'started' : endpoint.endpoint_state}`);
    if (endpoint.endpoint_state === 'active') this.deps.activity.touch(endpoint.id);
    else await Promise.all(this.deps.workers.forEndpoint(endpoint.id).map((w) => this.deps.workers.stop(w)));
  }


  /**
   * Reads the body of `vastai update endpoint`. The CLI sends every key it knows, with null for each flag the user did
   * not give: null (or a missing key) keeps the endpoint's current value. `client_id`, `autoscaler_instance` (the CLI
   * always sends "prod"; locally the engine is the autoscaler) and keys it does not know are accepted and ignored.
   */
  parseEndpointUpdate(endpoint: StoredEndpoint, body: Record<string, unknown>): EndpointUpdate {
    const given = (k: string) => body[k] !== undefined && body[k] !== null;
    const update: EndpointUpdate = { settings: {} };
    for (const k of AUTOSCALING_KEYS) {
      if (!given(k)) continue;
      const v = body[k];
      if (k === 'autoscaler_instance') {
        if (typeof v !== 'string') throw new HttpError(422, `field "${k}" must be a string, got ${JSON.stringify(v)}`);
        continue;
      }
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new HttpError(422, `field "${k}" must be a non-negative number, got ${JSON.stringify(v)}`);
      update.settings[k] = v;
    }
    if (given('endptjob_id') && body.endptjob_id !== endpoint.id) {
      throw new HttpError(422, `field "endptjob_id" (${JSON.stringify(body.endptjob_id)}) does not match the endpoint id in the URL (${endpoint.id})`);
    }
    if (given('endpoint_state')) {
      if (!ENDPOINT_STATES.includes(body.endpoint_state as EndpointState)) {
        throw new HttpError(422, `field "endpoint_state" must be active, suspended or stopped, got ${JSON.stringify(body.endpoint_state)}`);
      }
      update.endpointState = body.endpoint_state as EndpointState;
    }
    if (given('endpoint_name')) {
      const name = body.endpoint_name;
      if (typeof name !== 'string' || !name.trim()) throw new HttpError(422, `field "endpoint_name" must be a non-empty string, got ${JSON.stringify(name)}`);
      const holder = this.deps.store.state.endpoints.find((e) => e.endpoint_name === name && e.id !== endpoint.id);
      if (holder) throw new HttpError(409, `endpoint name "${name}" is taken by endpoint ${holder.id}`);
      update.endpointName = name;
    }
    return update;
  }

  /** Applies a parsed endpoint update in one commit, then acts on a state change. */
  async updateEndpoint(endpoint: StoredEndpoint, update: EndpointUpdate): Promise<void> {
    const stateChanged = update.endpointState !== undefined && update.endpointState !== endpoint.endpoint_state;
    this.deps.store.commit(() => {
      Object.assign(endpoint, update.settings);
      if (update.endpointState) endpoint.endpoint_state = update.endpointState;
      if (update.endpointName !== undefined) {
        endpoint.endpoint_name = update.endpointName;
        for (const g of this.deps.store.state.workergroups) if (g.endpoint_id === endpoint.id) g.endpoint_name = update.endpointName;
      }
    });
    const changed = [...Object.entries(update.settings).map(([k, v]) => `${k}=${v}`), ...(update.endpointName !== undefined ? [`endpoint_name=${update.endpointName}`] : [])];
    if (changed.length) this.deps.logs.add(endpoint.id, null, 'lifecycle', `endpoint updated: ${changed.join(', ')}`);
    if (stateChanged) await this.endpointStateChanged(endpoint);
    this.deps.scaleSoon();
  }

  async deleteDeployment(dep: StoredDeployment): Promise<void> {
    await this.deleteDeployments([dep]);
  }

  /** Deletes the deployments (with their endpoints, workergroups and versions) in one commit, then their files and workers. */
  async deleteDeployments(deps: StoredDeployment[]): Promise<void> {
    const { state } = this.deps.store;
    const doomed = deps.filter((d) => state.deployments.includes(d));
    if (!doomed.length) return;
    const ids = new Set(doomed.map((d) => d.id));
    const endpointIds = new Set(doomed.map((d) => d.endpoint_id));
    const workergroupIds = new Set(doomed.map((d) => d.workergroup_id));
    const versions = this.deps.store.commit(() => {
      const gone = state.versions.filter((v) => ids.has(v.deployment_id));
      state.deployments = state.deployments.filter((d) => !ids.has(d.id));
      state.versions = state.versions.filter((v) => !ids.has(v.deployment_id));
      state.endpoints = state.endpoints.filter((e) => !endpointIds.has(e.id));
      state.workergroups = state.workergroups.filter((g) => !workergroupIds.has(g.id));
      return gone;
    });
    for (const v of versions) this.deps.store.removeTarball(v);
    for (const dep of doomed) this.deps.logs.add(dep.endpoint_id, null, 'lifecycle', `deployment ${dep.id} deleted`);
    await Promise.all(doomed.flatMap((dep) => this.deps.workers.forEndpoint(dep.endpoint_id).map((w) => this.deps.pool.removeWorker(w))));
    for (const id of endpointIds) this.deps.routing.forgetWaiting(id);
    // Last, once the workers' exit lines are in: drops the rings (they stayed in memory forever) and the log files.
    for (const id of endpointIds) this.deps.logs.forget(id);
  }

  deploymentRecord(dep: StoredDeployment, detail: boolean): DeploymentRecord {
    const { autoscaling: _a, workergroup_id: _w, pending_version_id: _p, pending_hard_update: _h, docker_login_pass: _pass, ...rest } = dep;
    const record: DeploymentRecord = { ...rest };
    if (detail) {
      record.endpoint_state = this.deps.records.endpoint(dep.endpoint_id)?.endpoint_state ?? 'stopped';
      record.worker_count = this.deps.workers.forEndpoint(dep.endpoint_id).filter((w) => w.status !== 'stopped').length;
    }
    return record;
  }

  endpointRecord(endpoint: StoredEndpoint): EndpointRecord & { deployment_id: number; local_warnings?: string[] } {
    const dep = this.deps.records.deployment(endpoint.deployment_id);
    const out = { ...endpoint, auto_delete_in_seconds: null as number | null, auto_delete_due_24h: false };
    if (dep?.ttl) {
      const left = Math.max(0, Math.round((dep.last_client_heartbeat ?? dep.created_at) + dep.ttl - Date.now() / 1000));
      out.auto_delete_in_seconds = left;
      out.auto_delete_due_24h = left < 86_400;
    }
    return out;
  }

  workergroupRecord(group: WorkergroupRecord): WorkergroupRecord {
    const endpoint = this.deps.records.endpoint(group.endpoint_id);
    return {
      ...group,
      endpoint_name: endpoint?.endpoint_name ?? group.endpoint_name,
      min_load: endpoint?.min_load,
      target_util: endpoint?.target_util,
      cold_mult: endpoint?.cold_mult,
    };
  }
}
