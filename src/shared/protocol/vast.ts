// Vast's own HTTP protocol, as the real `vastai` SDK and console speak it (described in docs/protocol.md). Defined
// once here and imported by every side: the API client, the local engine, the CLI and the extension.
// Field names are wire names; do not rename them. Optional fields are ones the server may leave out.

// ---------------------------------------------------------------------------------------------------------------
// Deployments (console)

/** Keys `configure_autoscaling(...)` accepts; only those the user passed travel in the PUT body. */
export const AUTOSCALING_KEYS = [
  'cold_workers',
  'max_workers',
  'min_load',
  'min_cold_load',
  'target_util',
  'cold_mult',
  'max_queue_time',
  'target_queue_time',
  'inactivity_timeout',
  'autoscaler_instance',
] as const;
export type AutoscalingKey = (typeof AUTOSCALING_KEYS)[number];
export type AutoscalingSettings = Partial<Record<AutoscalingKey, number | string>>;

/** Body of `PUT {console}/api/v0/deployments/`, key order as the SDK's dataclass, None fields dropped. */
export interface DeploymentPutBody extends AutoscalingSettings {
  name: string;
  image: string;
  file_hash: string;
  file_size: number;
  env: string;
  tag: string;
  search_params: string;
  storage: number;
  ttl?: number;
  version_label?: string;
  docker_login_user?: string;
  docker_login_pass?: string;
  docker_login_repo?: string;
}

/** What the server decided. `hard_update` is ours (the real server's name for it is not public; docs/decisions.md). */
export type DeploymentAction = 'created' | 'soft_update' | 'autoscale_update' | 'exists' | 'hard_update';

export interface DeploymentPutResponse {
  success: boolean;
  action: DeploymentAction;
  deployment_id: number;
  endpoint_id: number;
  workergroup_id?: number;
  upload_url?: string;
  upload_fields?: Record<string, string>;
  evicted_versions?: unknown[];
  msg?: string;
  error?: string;
}

export interface DeploymentRecord {
  id: number;
  name: string;
  tag: string;
  image: string;
  endpoint_id: number;
  env: string;
  file_hash: string;
  s3_key?: string;
  search_params: string;
  current_version_id?: number | null;
  last_healthy_version_id?: number | null;
  storage: number;
  ttl?: number | null;
  version_label?: string | null;
  last_client_heartbeat?: number | null;
  created_at: number;
  updated_at: number;
  /** Only in the detail (`GET /api/v0/deployment/{id}/`). */
  endpoint_state?: EndpointState;
  worker_count?: number;
}

export interface DeploymentListResponse {
  success: boolean;
  deployments: DeploymentRecord[];
}
export interface DeploymentShowResponse {
  success: boolean;
  deployment: DeploymentRecord;
}
export interface DeploymentVersion {
  id: number;
  deployment_id?: number;
  file_hash?: string;
  created_at?: number;
  [field: string]: unknown;
}
export interface DeploymentVersionsResponse {
  success: boolean;
  versions: DeploymentVersion[];
}
export interface DeploymentStateResponse {
  success: boolean;
  endpoint_state: EndpointState;
}
export interface DownloadUrlResponse {
  success: boolean;
  download_url: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Endpoints and workergroups (console)

export type EndpointState = 'active' | 'suspended' | 'stopped';

export interface EndpointRecord {
  id: number;
  endpoint_name: string;
  /** The endpoint's own key: the one `/route/` and worker calls use. */
  api_key: string;
  user_id?: number;
  created_at?: number;
  cold_workers?: number;
  max_workers?: number;
  min_load?: number;
  min_cold_load?: number;
  target_util?: number;
  cold_mult?: number;
  max_queue_time?: number;
  target_queue_time?: number;
  inactivity_timeout?: number | null;
  endpoint_state: EndpointState;
  auto_delete_in_seconds?: number | null;
  auto_delete_due_24h?: boolean;
  /** Local engine only: the deployment's search_params filters this machine does not meet. */
  local_warnings?: string[];
}
export interface EndpointListResponse {
  success: boolean;
  results: EndpointRecord[];
}
/** `GET /api/v0/endptjobs/{id}/`. */
export interface EndpointShowResponse {
  success?: boolean;
  result: EndpointRecord;
}

export interface WorkergroupRecord {
  id: number;
  endpoint_id: number;
  endpoint_name?: string;
  template_hash?: string | null;
  template_id?: number | null;
  search_query?: string;
  launch_args?: string;
  gpu_ram?: number;
  min_load?: number;
  target_util?: number;
  cold_mult?: number;
  test_workers?: number;
  api_key?: string;
  user_id?: number;
  created_at?: number;
  [field: string]: unknown;
}
export interface WorkergroupListResponse {
  success: boolean;
  results: WorkergroupRecord[];
}

// ---------------------------------------------------------------------------------------------------------------
// Autoscaler ("serverless engine")

export interface UpdateWorkersBody {
  workergroup_id: number;
  api_key: string;
  cancel_update?: boolean;
}
export interface UpdateWorkersResponse {
  success: boolean;
  cancelled?: boolean;
  workers_to_update?: number;
  error_msg?: string;
}

/** Worker status names as Vast reports them; compare case-insensitively (the SDK's mocks use upper case). */
export const WORKER_STATUSES = [
  'creating',
  'created',
  'pending',
  'starting',
  'loading',
  'model_loading',
  'idle',
  'running',
  'error',
  'rebooting',
  'stopping',
  'stopped',
  'destroying',
  'unavail',
  'update_ready',
  'update_rebooting',
  'update_starting',
] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

/** One element of `POST {autoscaler}/get_endpoint_workers/`. */
/** Local engine only: a worker started under debugpy (src/engine/CONTRACT.md "Debugging a deployment"). */
export type DebuggerState = 'listening' | 'waiting' | 'attached';
export const DEBUGGER_STATES: readonly DebuggerState[] = ['listening', 'waiting', 'attached'];

export interface LocalDebugInfo {
  /** The debugpy DAP server (loopback) a client attaches to. */
  host: string;
  port: number;
  /** The worker's folder holding its copy of deployment.py: the remote side of a client's pathMappings. */
  remote_root: string;
  /**
   * The worker's copy of the deployment file (every bundle names it deployment.py): map the user's file to it, and
   * the user's folder to remote_root, in that order.
   */
  remote_file: string;
  /** The worker waits for a client before entering the deployment's contexts. */
  wait: boolean;
  /**
   * The debugger as the worker last reported it: `listening` (attachable), `waiting` (with `wait`: the worker waits
   * for a client before entering its contexts), `attached`. Absent until debugpy listens.
   */
  debugger?: DebuggerState;
}

export interface WorkerRecord {
  id: number;
  status: string;
  /** Local engine only, on a debug worker; absent on Vast and on every other worker. */
  local_debug?: LocalDebugInfo;
  cur_load: number;
  new_load: number;
  cur_load_rolling_avg: number;
  cur_perf: number;
  perf: number;
  measured_perf: number;
  dlperf: number;
  reliability: number;
  reqs_working: number;
  disk_usage: number;
  loaded_at: number | null;
  started_at: number | null;
  gpu_name: string;
  url?: string;
  created_at?: number;
  /** Not in Vast's documented shape; the local engine adds it (and the cloud may send it) when a worker failed. */
  error_msg?: string;
  /** Local engine only: the deployment's search_params filters this machine does not meet. */
  filter_warnings?: string[];
}

export interface EndpointLogsBody {
  id: number;
  api_key: string;
  tail?: number;
}
export interface EndpointLogsResponse {
  info0: string;
  info1: string;
  trace: string;
  debug: string;
}

export interface RouteRequest {
  endpoint: string;
  api_key: string;
  cost: number;
  request_idx: number;
  replay_timeout: number;
}
/** Ready: the whole body becomes the worker call's `auth_data`. */
export interface RouteReady {
  url: string;
  reqnum: number;
  signature: string;
  endpoint: string;
  cost: number;
  request_idx: number;
  __request_id?: string;
  /** Local engine only: the worker runs under a debugger (a call may pause at a breakpoint: no time limit). */
  local_debug?: boolean;
  [field: string]: unknown;
}
/** Waiting: no `url`; `status` summarises the workers ("Stopped", "2 loading"...). */
export interface RouteWaiting {
  endpoint: string;
  status: string;
  request_idx: number;
  url?: undefined;
}
export type RouteResponse = RouteReady | RouteWaiting;

export interface WorkerCallBody {
  auth_data: RouteReady;
  session_id: null;
  payload: { kwargs: Record<string, WireValue>; args?: WireValue[] };
}
export type WorkerResult = { ok: WireValue } | { err: WireValue };
export interface WorkerCallResponse {
  result: WorkerResult;
}

/**
 * `POST {REPORT_ADDR}/worker_status/`, sent by workers every 10 s, and every second while something changes.
 * `num_requests_recieved` is misspelled on the wire.
 */
export interface WorkerStatusReport {
  id: number | string;
  mtoken: string;
  version: string;
  loadtime: number;
  cur_load: number;
  rej_load: number;
  new_load: number;
  error_msg: string;
  max_perf: number;
  cur_perf: number;
  cur_capacity: number;
  max_capacity: number;
  num_requests_working: number;
  num_requests_recieved: number;
  additional_disk_usage: number;
  working_request_idxs: number[];
  url: string;
  /** Local engine only: a debug worker's debugger state (the SDK's worker never sends it). */
  debugger?: DebuggerState;
}

// ---------------------------------------------------------------------------------------------------------------
// Argument/result encoding (docs/protocol.md, "Argument and result encoding"). Bool has no encoding: the real worker
// crashes on it.

export type WireModule = { type: 'relative' | 'absolute'; path: string[] };
export type WireValue =
  | number
  | string
  | null
  | { type: 'bytes'; contents: string }
  | { type: 'list' | 'tuple'; contents: WireValue[] }
  | { type: 'dict'; contents: [WireValue, WireValue][] }
  | { type: 'obj'; module: WireModule; class: string; contents: Record<string, WireValue> };

