// The PUT body's `env` field: docker-run style flags the server puts on the workers. It is compared as
// a string by the server, so a change is a hard update; the port order is therefore made stable here, where the
// SDK iterates a Python set and its order can differ from run to run.
import { VAST_CONSOLE_URL } from '../../shared/protocol/target';

/** The worker port the SDK always publishes. */
export const DEFAULT_PORT: readonly [string, string] = ['3000', 'tcp'];

export interface EnvFlagInputs {
  /** Ports published with `publish_port(number, type_)`, as `[str(number), type_]`. */
  ports: readonly (readonly [string, string])[];
  /** The worker's own port, always published: 3000/tcp unless `app.image(..., worker_port=(n, type))`. */
  workerPort?: readonly [string, string];
  /** undefined = SDK-managed venv, '' = use_system_python(), else venv(path). */
  venv?: string;
  /** Where workers report (REPORT_ADDR). */
  autoscalerUrl: string;
  /** The console the deployment is registered with; only a non-default one is passed (VAST_API_URL). */
  webserverUrl: string;
}

function comparePorts(a: readonly [string, string], b: readonly [string, string]): number {
  const na = Number(a[0]);
  const nb = Number(b[0]);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** The `env` string: ports (sorted by number, then type), REPORT_ADDR, VAST_API_URL, the Python flags. */
export function envFlags(inputs: EnvFlagInputs): string {
  const ports: (readonly [string, string])[] = [inputs.workerPort ?? DEFAULT_PORT];
  for (const p of inputs.ports) if (!ports.some((q) => q[0] === p[0] && q[1] === p[1])) ports.push(p);
  ports.sort(comparePorts);
  const flags = ports.map(([n, type]) => `-p ${n}:${n}/${type}`);
  flags.push(`-e REPORT_ADDR=${inputs.autoscalerUrl}`);
  if (inputs.webserverUrl !== VAST_CONSOLE_URL) flags.push(`-e VAST_API_URL=${inputs.webserverUrl}`);
  if (inputs.venv === '') flags.push('-e USE_SYSTEM_PYTHON=true', '-e UV_SYSTEM_PYTHON=1', '-e UV_BREAK_SYSTEM_PACKAGES=1');
  else if (inputs.venv !== undefined) flags.push(`-e ENV_PATH=${inputs.venv}`);
  return flags.join(' ');
}
