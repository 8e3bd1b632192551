// Tier preview: what `ensure_ready()` will make the server do, computed locally by comparing the bundle with the
// deployment record (and endpoint) the server holds. The server decides for real (docs/protocol.md, "Update tiers");
// this predicts it from the same fields: tag → 4, image/env flags/search/storage/docker login → 3, content hash → 2,
// autoscaling → 1.
import { AUTOSCALING_KEYS, type AutoscalingKey, type DeploymentRecord, type EndpointRecord } from '../shared/protocol/vast';
import type { Plan, PlanChange, RemoteState, Tier } from './types';
import type { Bundle, DeployConfig } from '../shared/protocol/bundle';

export const MASKED_SECRET = '********';

export const REASONS = {
  newDeployment: 'new deployment: the server creates its endpoint and workergroup and recruits workers',
  tag: 'tag changed: a new deployment with its own endpoint and workergroup, on freshly recruited workers',
  image: 'Docker image changed: workers are kept but pull the new image and refill their storage (hard update)',
  env: 'docker-run flags changed (ports, REPORT_ADDR, venv, system Python): workers restart with them (hard update)',
  search_params: 'machine search filters changed: the workergroup is re-created with the new filters (hard update)',
  storage: 'worker disk size changed: workers are re-created (hard update)',
  docker_login: 'private registry login changed: workers pull the image again with it (hard update)',
  fileHash: 'code, pip/apt, env() values, runs or copied files changed (content hash differs): new code is uploaded and workers reinstall it (soft update)',
  fileHashCodeOnly:
    'deployment file or image.copy() files changed (config.json is the same): new code is uploaded and workers reload it (soft update)',
  fileHashWithConfig: 'config.json changed (see the config rows; the code may have changed too): soft update',
  envValues:
    'image.env() values changed. The docs call new environment variables a hard update, but the SDK writes env() values into config.json, which is part of the content hash, so the server sees a new file_hash: a soft update',
  envValuesInHash:
    'image.env() values are part of this hash: changing them is a soft update (the SDK writes them into config.json), not the hard update the docs describe',
  config: (part: string) => `config.json ${part} changed (part of the content hash): workers reinstall (soft update)`,
  autoscaling: 'autoscaling setting: the server updates the endpoint and workergroup; no upload, no worker restart',
  metadata: (field: string) =>
    `${field} is deployment metadata: the record is updated without touching workers (inferred: the docs place it in no tier)`,
  otherTag: (tag: string) => `differs from the deployment under tag "${tag}"; the new deployment starts with it`,
};

/** Short names used by planSummary, per change field. */
export const CHANGE_LABELS: Record<string, string> = {
  file_hash: 'code',
  'config.pip_installs': 'pip installs',
  'config.apt_gets': 'apt packages',
  'config.envs': 'env() values',
  'config.runs': 'run steps',
  'config.name': 'config name',
};

const HARD_FIELDS = ['image', 'env', 'search_params', 'storage'] as const;
const DOCKER_LOGIN_FIELDS = ['docker_login_user', 'docker_login_repo', 'docker_login_pass'] as const;
const AUTOSCALING_FIELD = new Set<string>(AUTOSCALING_KEYS);
const CONFIG_PARTS = ['name', 'pip_installs', 'apt_gets', 'envs', 'runs'] as const satisfies readonly (keyof DeployConfig)[];

export function computePlan(bundle: Bundle, fileSize: number, remote: RemoteState): Plan {
  const notes: string[] = [];
  let changes: PlanChange[];
  let tier: Plan['tier'];
  const deployed = remote.deployment;
  const otherTagRecords = [
    ...(deployed && deployed.tag !== bundle.identity.tag ? [deployed] : []),
    ...(remote.otherTags ?? []).filter((r) => r.tag !== bundle.identity.tag),
  ];
  if (deployed && deployed.tag === bundle.identity.tag) {
    changes = compareWithDeployed(bundle, deployed, remote, notes);
    tier = changes.reduce<Tier>((max, c) => (c.tier > max ? c.tier : max), 0);
  } else if (otherTagRecords.length > 0) {
    changes = newTagChanges(bundle, otherTagRecords);
    tier = 4;
  } else {
    changes = createChanges(bundle);
    tier = 'create';
  }
  const body = bundle.putBody;
  const plan: Plan = {
    deployment: { ...bundle.identity },
    file_hash: bundle.fileHash,
    file_size: fileSize,
    config_json: bundle.configJson,
    search_params: body.search_params,
    env: body.env,
    image: body.image,
    storage: body.storage,
    autoscaling: { ...bundle.autoscaling },
    tier,
    changes,
  };
  if (notes.length) plan.notes = notes;
  return plan;
}

function compareWithDeployed(bundle: Bundle, deployed: DeploymentRecord, remote: RemoteState, notes: string[]): PlanChange[] {
  const body = bundle.putBody;
  const changes: PlanChange[] = [];
  for (const field of HARD_FIELDS) {
    if (field === 'env' && sameEngineEnv(deployed.env, body.env, bundle.autoscalerUrl)) continue;
    if (!sameValue(deployed[field], body[field])) {
      changes.push({ field, before: deployed[field], after: body[field], tier: 3, reason: REASONS[field] });
    }
  }
  changes.push(...dockerLoginChanges(bundle, deployed, notes));
  if (deployed.file_hash !== bundle.fileHash) changes.push(...contentChanges(bundle, deployed, remote.previousConfig));
  for (const field of ['ttl', 'version_label'] as const) {
    if (!sameValue(deployed[field], body[field])) {
      changes.push({ field, before: deployed[field] ?? null, after: body[field] ?? null, tier: 1, reason: REASONS.metadata(field) });
    }
  }
  changes.push(...autoscalingChanges(bundle, remote.endpoint, notes));
  return changes;
}

/** The server does not report the login in its record (the local engine may): compare only what it reports. */
function dockerLoginChanges(bundle: Bundle, deployed: DeploymentRecord, notes: string[]): PlanChange[] {
  const reported = deployed as unknown as Partial<Record<string, unknown>>;
  const changes: PlanChange[] = [];
  const unknown: string[] = [];
  for (const field of DOCKER_LOGIN_FIELDS) {
    const after = bundle.putBody[field];
    if (!(field in reported)) {
      if (after !== undefined) unknown.push(field);
      continue;
    }
    const before = reported[field];
    if (sameValue(before, after)) continue;
    const mask = field === 'docker_login_pass' ? maskSecret : (v: unknown) => v ?? null;
    changes.push({ field, before: mask(before), after: mask(after), tier: 3, reason: REASONS.docker_login });
  }
  if (unknown.length) {
    notes.push(`${unknown.join(', ')} not compared: the server does not report them; a change there is a hard update`);
  }
  return changes;
}

function contentChanges(bundle: Bundle, deployed: DeploymentRecord, previous: DeployConfig | undefined): PlanChange[] {
  const hashChange = (reason: string): PlanChange => ({
    field: 'file_hash',
    before: deployed.file_hash,
    after: bundle.fileHash,
    tier: 2,
    reason,
  });
  if (!previous) {
    const envNote = bundle.config.envs.length ? `; ${REASONS.envValuesInHash}` : '';
    return [hashChange(REASONS.fileHash + envNote)];
  }
  const configChanges: PlanChange[] = [];
  for (const part of CONFIG_PARTS) {
    if (sameValue(previous[part], bundle.config[part])) continue;
    configChanges.push({
      field: `config.${part}`,
      before: previous[part],
      after: bundle.config[part],
      tier: 2,
      reason: part === 'envs' ? REASONS.envValues : REASONS.config(part),
    });
  }
  return [hashChange(configChanges.length ? REASONS.fileHashWithConfig : REASONS.fileHashCodeOnly), ...configChanges];
}

function autoscalingChanges(bundle: Bundle, endpoint: EndpointRecord | undefined, notes: string[]): PlanChange[] {
  const keys = Object.keys(bundle.autoscaling) as AutoscalingKey[];
  if (keys.length === 0) return [];
  if (!endpoint) {
    notes.push('autoscaling not compared: the endpoint record was not available');
    return [];
  }
  const reported = endpoint as unknown as Partial<Record<string, unknown>>;
  const changes: PlanChange[] = [];
  const unreported: string[] = [];
  for (const key of keys) {
    if (!(key in reported)) {
      unreported.push(key);
      continue;
    }
    const before = reported[key] ?? null;
    const after = bundle.autoscaling[key];
    if (!sameSetting(before, after)) changes.push({ field: key, before, after, tier: 1, reason: REASONS.autoscaling });
  }
  if (unreported.length) notes.push(`${unreported.join(', ')} not compared: the endpoint record does not report them`);
  return changes;
}

/** Every field the new deployment will have; `before` is null because nothing exists yet. */
function createChanges(bundle: Bundle): PlanChange[] {
  return Object.entries(newDeploymentFields(bundle)).map(([field, after]) => ({
    field,
    before: null,
    after,
    tier: 4,
    reason: field === 'tag' ? REASONS.newDeployment : 'set on the new deployment',
  }));
}

/** A new tag beside existing ones: the tag row, then what differs from the most recently updated other tag. */
function newTagChanges(bundle: Bundle, others: DeploymentRecord[]): PlanChange[] {
  const latest = others.reduce((a, b) => ((b.updated_at ?? 0) > (a.updated_at ?? 0) ? b : a));
  const tags = [...new Set(others.map((r) => r.tag))];
  const changes: PlanChange[] = [
    { field: 'tag', before: tags.join(', '), after: bundle.identity.tag, tier: 4, reason: REASONS.tag },
  ];
  const reported = latest as unknown as Partial<Record<string, unknown>>;
  for (const [field, after] of Object.entries(newDeploymentFields(bundle))) {
    if (field === 'tag' || !(field in reported) || AUTOSCALING_FIELD.has(field)) continue;
    const before = field === 'docker_login_pass' ? maskSecret(reported[field]) : reported[field];
    if (!sameValue(before, after)) changes.push({ field, before, after, tier: 4, reason: REASONS.otherTag(latest.tag) });
  }
  return changes;
}

/** The fields a new deployment is created with, secrets masked, unset optional fields left out. */
function newDeploymentFields(bundle: Bundle): Record<string, unknown> {
  const body = bundle.putBody;
  const fields: Record<string, unknown> = {
    tag: bundle.identity.tag,
    image: body.image,
    env: body.env,
    search_params: body.search_params,
    storage: body.storage,
    file_hash: bundle.fileHash,
  };
  for (const field of ['ttl', 'version_label', ...DOCKER_LOGIN_FIELDS] as const) {
    if (body[field] !== undefined) fields[field] = field === 'docker_login_pass' ? maskSecret(body[field]) : body[field];
  }
  for (const [key, value] of Object.entries(bundle.autoscaling)) fields[key] = value;
  return fields;
}

export function maskSecret(value: unknown): string | null {
  return value === undefined || value === null || value === '' ? null : MASKED_SECRET;
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost'];

/** `url` as host:port when it is a plain http URL on loopback (an engine's address), else undefined. */
function loopbackAddress(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' || !LOOPBACK_HOSTS.includes(u.hostname) || !['', '/'].includes(u.pathname) || u.search) return undefined;
  return u.port || '80';
}

/**
 * Env flags equal but for how they name the engine the bundle reports to (the local target, on loopback):
 * `http://localhost:P` and `http://127.0.0.1:P` are the same engine, as the local engine itself compares them
 * (it also counts its past ports, and rewrites those in its records when it moves, so they never reach a plan).
 */
function sameEngineEnv(deployed: string | undefined, sent: string, engineUrl: string): boolean {
  const port = loopbackAddress(engineUrl);
  if (port === undefined || deployed === undefined) return false;
  const neutral = (env: string) =>
    env.replace(/(-e\s+(?:REPORT_ADDR|VAST_API_URL)=)(\S+)/g, (whole, flag: string, url: string) => (loopbackAddress(url) === port ? `${flag}<engine>` : whole));
  return neutral(deployed) === neutral(sent);
}

/** Equality for plan fields: null and undefined both mean "not set"; arrays compare by content. */
function sameValue(a: unknown, b: unknown): boolean {
  if ((a ?? null) === null || (b ?? null) === null) return (a ?? null) === (b ?? null);
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

/** Autoscaling values: the endpoint stores numbers; `configure_autoscaling` may pass numbers or numeric strings. */
function sameSetting(before: unknown, after: unknown): boolean {
  if (sameValue(before, after)) return true;
  const a = typeof before === 'string' ? Number(before) : before;
  const b = typeof after === 'string' ? Number(after) : after;
  return typeof a === 'number' && typeof b === 'number' && !Number.isNaN(a) && a === b;
}
