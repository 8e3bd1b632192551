// Persistent engine state: deployments, versions, endpoints, workergroups (one JSON file, written atomically) and
// code tarballs (one file per version). Workers are not persisted: after a restart the autoscaler spawns them again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  AutoscalingSettings,
  DeploymentRecord,
  DeploymentVersion,
  EndpointRecord,
  WorkergroupRecord,
} from '../../shared/protocol/vast';
import { ensurePrivateDir, STATE_FILES, writeFileAtomic } from '../daemon/state-dir';

export interface StoredDeployment extends DeploymentRecord {
  workergroup_id: number;
  autoscaling: AutoscalingSettings;
  docker_login_user?: string;
  docker_login_pass?: string;
  docker_login_repo?: string;
  /** A version registered by PUT whose tarball has not arrived yet. */
  pending_version_id?: number | null;
  /** A hard update (image/env/filters changed) whose new code is still to be uploaded: workers wait for it. */
  pending_hard_update?: boolean;
  /** Local only (PUT /local/v0/deployments/{id}/debug): its one worker runs under debugpy. */
  local_debug?: LocalDebugSetting;
}

export interface StoredVersion extends DeploymentVersion {
  id: number;
  deployment_id: number;
  file_hash: string;
  file_size: number;
  created_at: number;
  uploaded_at: number | null;
  version_label?: string | null;
}

export interface StoredEndpoint extends EndpointRecord {
  deployment_id: number;
  /** Local engine only: search_params filters this machine does not meet (see machine.ts). */
  local_warnings?: string[];
}

export interface EngineState {
  schema: 1;
  next_id: { deployment: number; endpoint: number; workergroup: number; version: number; worker: number };
  deployments: StoredDeployment[];
  versions: StoredVersion[];
  endpoints: StoredEndpoint[];
  workergroups: WorkergroupRecord[];
}

export function emptyState(): EngineState {
  return {
    schema: 1,
    next_id: { deployment: 1, endpoint: 1, workergroup: 1, version: 1, worker: 1 },
    deployments: [],
    versions: [],
    endpoints: [],
    workergroups: [],
  };
}

/** How many uploaded versions keep their tarball; older ones are evicted (and reported in the PUT response). */
export const KEPT_VERSIONS = 5;

export class Store {
  readonly state: EngineState;
  /** Set when the state file could not be read: the message says where the bad file went. */
  readonly loadWarning?: string;
  private readonly file: string;
  private readonly tarballDir: string;

  constructor(readonly stateDir: string) {
    ensurePrivateDir(stateDir);
    this.file = path.join(stateDir, STATE_FILES.state);
    this.tarballDir = path.join(stateDir, 'tarballs');
    // Now rather than at the first upload: a file in its place stops the start with a message, not each upload.
    ensurePrivateDir(this.tarballDir);
    const loaded = loadState(this.file);
    this.state = loaded.state;
    this.loadWarning = loaded.warning;
  }

  nextId(kind: keyof EngineState['next_id']): number {
    return this.state.next_id[kind]++;
  }

  save(): void {
    writeFileAtomic(this.file, `${JSON.stringify(this.state, null, 2)}\n`);
  }

  /**
   * Applies `change` to the state and saves it, all or nothing: when `change` throws or the save fails, the state is
   * put back as it was, so memory never holds what the disk refused (or half of a change a refusal cut short).
   * The same objects are restored in place, so a handler holding a record keeps a live one. Side effects outside the
   * state (files, workers, logs, tokens) belong after the commit.
   */
  commit<T>(change: () => T): T {
    const before = snapshot(this.state);
    try {
      const out = change();
      this.save();
      return out;
    } catch (err) {
      restore(this.state, before);
      throw err;
    }
  }

  tarballPath(version: StoredVersion): string {
    return path.join(this.tarballDir, `v${version.id}-${version.file_hash.slice(0, 16)}.tar.gz`);
  }

  writeTarball(version: StoredVersion, bytes: Buffer): void {
    writeFileAtomic(this.tarballPath(version), bytes);
  }

  hasTarball(version: StoredVersion): boolean {
    return fs.existsSync(this.tarballPath(version));
  }

  removeTarball(version: StoredVersion): void {
    fs.rmSync(this.tarballPath(version), { force: true });
  }
}

const RECORD_LISTS = ['deployments', 'versions', 'endpoints', 'workergroups'] as const;
type RecordList = (typeof RECORD_LISTS)[number];

interface Snapshot {
  nextId: EngineState['next_id'];
  /** Per list: the records it held, and a deep copy of each record's fields at the time. */
  lists: Record<RecordList, { record: object; fields: object }[]>;
}

function snapshot(state: EngineState): Snapshot {
  const lists = {} as Snapshot['lists'];
  for (const key of RECORD_LISTS) lists[key] = state[key].map((record) => ({ record, fields: structuredClone(record) }));
  return { nextId: { ...state.next_id }, lists };
}

function restore(state: EngineState, before: Snapshot): void {
  Object.assign(state.next_id, before.nextId);
  for (const key of RECORD_LISTS) {
    for (const { record, fields } of before.lists[key]) {
      for (const k of Object.keys(record)) delete (record as Record<string, unknown>)[k];
      Object.assign(record, fields);
    }
    (state as unknown as Record<RecordList, object[]>)[key] = before.lists[key].map((x) => x.record);
  }
}

function loadState(file: string): { state: EngineState; warning?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState() };
    throw new Error(`cannot read engine state ${file}: ${(err as Error).message}`);
  }
  const problem = validateState(text);
  if (typeof problem !== 'string') return { state: problem };
  // Keep the bad file for the user (nothing is lost) and start clean rather than refuse to run.
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(file, aside);
  return {
    state: emptyState(),
    warning: `engine state ${file} is corrupt (${problem}); it was moved to ${aside} and the engine started with no deployments`,
  };
}

function validateState(text: string): EngineState | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return `not valid JSON: ${(err as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not a JSON object';
  const s = parsed as Partial<EngineState>;
  if (s.schema !== 1) return `unknown schema ${JSON.stringify(s.schema)}`;
  for (const key of ['deployments', 'versions', 'endpoints', 'workergroups'] as const) {
    if (!Array.isArray(s[key])) return `"${key}" is not a list`;
  }
  const ids = s.next_id as Record<string, unknown> | undefined;
  if (!ids || !['deployment', 'endpoint', 'workergroup', 'version', 'worker'].every((k) => Number.isInteger(ids[k]))) {
    return '"next_id" is missing or incomplete';
  }
  return s as EngineState;
}

/**
 * Debugging of a deployment turned on (local engine only): `wait`, the worker waits for a debugger before entering
 * contexts; `debugpy_path`, a folder holding a debugpy package, used when the worker's Python has none.
 */
export interface LocalDebugSetting {
  wait: boolean;
  debugpy_path?: string;
}
