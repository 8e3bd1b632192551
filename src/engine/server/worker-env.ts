// The worker's environment (src/engine/CONTRACT.md "Spawning a worker"): what a real Vast container gives its worker,
// the deployment's `-e K=V` flags, and an allow-list of the engine's own variables that a Python needs to run. Nothing
// else of the engine's environment is copied: it may hold the user's VAST_API_KEY and other secrets, and a
// deployment's code must not see what it would not see on Vast.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Splits a docker-run flag string the way a shell would (single/double quotes, backslash escapes). */
export function shellSplit(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += ch;
      inToken = true;
    }
  }
  if (inToken) out.push(cur);
  return out;
}

const ENGINE_OWNED = new Set(['REPORT_ADDR', 'VAST_API_URL']);

/**
 * `-e K=V`, `--env K=V`, `-eK=V`, `--env=K=V`; ports and other flags mean nothing to a local process. A bare `-e K`
 * (docker: copy K from the host) gives an empty value: on Vast the host is Vast's machine, not this one, so the
 * engine's own environment is never copied, not even by name.
 */
export function envFromFlags(flags: string): Record<string, string> {
  const tokens = shellSplit(flags);
  const env: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let assignment: string | undefined;
    if (t === '-e' || t === '--env') assignment = tokens[++i];
    else if (t.startsWith('--env=')) assignment = t.slice(6);
    else if (t.startsWith('-e') && t.length > 2 && !t.startsWith('--')) assignment = t.slice(2);
    if (!assignment) continue;
    const eq = assignment.indexOf('=');
    const key = eq < 0 ? assignment : assignment.slice(0, eq);
    if (!key || ENGINE_OWNED.has(key)) continue;
    env[key] = eq < 0 ? '' : assignment.slice(eq + 1);
  }
  return env;
}

/** The engine's variables a worker may see: what a shell session, a Python and pip need, and nothing that is a key. */
export const HOST_VARIABLES: readonly string[] = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TERM',
  // Proxies, so pip and downloads work where the machine needs one.
  'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY',
  // Certificate stores and package indexes, for the same machines.
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_TRUSTED_HOST', 'PIP_CERT',
  // A Python built against its own shared libraries, and which local GPUs workers may use.
  'LD_LIBRARY_PATH', 'CUDA_VISIBLE_DEVICES',
  // What Python needs to start on Windows.
  'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT', 'TEMP', 'TMP', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
];
const HOST_VARIABLE_SET = new Set(HOST_VARIABLES);

export function isHostVariable(name: string): boolean {
  // VAST_BOOT_TIMEOUT_<PHASE>: the bundled runtime's boot time limits, set for every worker of this engine.
  return HOST_VARIABLE_SET.has(name) || /^LC_[A-Z_]+$/.test(name) || /^VAST_BOOT_TIMEOUT_[A-Z]+$/.test(name);
}

/** Loopback must never go through a proxy: the worker's downloads and reports go to the engine on 127.0.0.1. */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

export function hostEnvironment(base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && isHostVariable(k)) env[k] = v;
  const proxied = ['http_proxy', 'https_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY'].some((k) => env[k]);
  if (proxied) {
    for (const k of ['no_proxy', 'NO_PROXY']) {
      const have = (env[k] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      env[k] = [...have, ...LOOPBACK_HOSTS.filter((h) => !have.includes(h))].join(',');
    }
  }
  return env;
}

/**
 * The virtual environment a Python command belongs to (`<venv>/bin/python` beside `<venv>/pyvenv.cfg`), found on
 * PATH when the command is a bare name. Workers get it as VIRTUAL_ENV with its bin folder first on PATH, as an
 * activated venv (or a Vast image's venv) has: run scripts and installers then use that environment.
 */
export function venvOf(pythonCommand: string, pathVar = process.env.PATH ?? ''): string | undefined {
  const candidates = pythonCommand.includes(path.sep) || pythonCommand.includes('/')
    ? [path.resolve(pythonCommand)]
    : pathVar.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, pythonCommand));
  for (const file of candidates) {
    if (!fs.existsSync(file)) continue;
    // Not realpath: a venv's python is usually a symlink to the base interpreter, which is not in the venv.
    const venv = path.dirname(path.dirname(file));
    return fs.existsSync(path.join(venv, 'pyvenv.cfg')) ? venv : undefined;
  }
  return undefined;
}

export interface WorkerPorts {
  /** WORKER_PORT: the worker's API (`/remote/...`); what its url names. */
  worker: number;
  /** WORKER_HTTP_PORT: the SDK worker's second, plain-HTTP listener (`/session/end`). */
  http: number;
}

export interface WorkerEnvironmentInput {
  /** The engine's environment; only HOST_VARIABLES are taken from it. */
  base: NodeJS.ProcessEnv;
  /** The deployment's docker-run style `env` string. */
  flags: string;
  /** PYTHONPATH entries, in order (the runtime's folder; the engine's own PYTHONPATH where the runtime wants it). */
  pythonPath: string[];
  /** The Python's virtual environment, if it has one. */
  venv?: string;
  ports: WorkerPorts;
  deploymentId: number;
  workerId: number;
  token: string;
  mtoken: string;
  engineUrl: string;
  venvCache: string;
  /** WORKER_TAG_VARIABLE's value: marks the worker's processes and everything they start (see WorkerManager.stop). */
  tag: string;
}

/**
 * Set to `<engine instance>-<worker id>` in every worker's environment, which its descendants inherit: the engine
 * finds them by it when the worker is gone (a child in a session of its own whose worker crashed).
 */
export const WORKER_TAG_VARIABLE = 'VAST_LOCAL_WORKER_TAG';

/** The whole environment of one worker process: host allow-list < deployment flags < what Vast's container sets. */
export function workerEnvironment(input: WorkerEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = { ...hostEnvironment(input.base), ...envFromFlags(input.flags) };
  if (input.venv) {
    env.VIRTUAL_ENV = input.venv;
    env.PATH = [path.join(input.venv, process.platform === 'win32' ? 'Scripts' : 'bin'), env.PATH].filter(Boolean).join(path.delimiter);
  }
  // The deployment's own PYTHONPATH (an `-e` flag) comes after the runtime's entries.
  const pythonPath = [...input.pythonPath, env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  if (pythonPath) env.PYTHONPATH = pythonPath;
  else delete env.PYTHONPATH;
  const { worker, http } = input.ports;
  Object.assign(env, {
    PYTHONUNBUFFERED: '1',
    IS_DEPLOYMENT: 'true',
    DEPLOYMENT_ID: String(input.deploymentId),
    CONTAINER_ID: String(input.workerId),
    CONTAINER_API_KEY: input.token,
    MASTER_TOKEN: input.mtoken,
    VAST_API_URL: input.engineUrl,
    REPORT_ADDR: input.engineUrl,
    PUBLIC_IPADDR: '127.0.0.1',
    // A container's ports are mapped (internal → external); on this machine the port a worker binds is the one
    // clients reach, so each maps to itself.
    WORKER_PORT: String(worker),
    WORKER_HTTP_PORT: String(http),
    [`VAST_TCP_PORT_${worker}`]: String(worker),
    [`VAST_TCP_PORT_${http}`]: String(http),
    USE_SSL: 'false',
    VAST_VENV_CACHE: input.venvCache,
    VAST_LOCAL_ENGINE: '1',
    [WORKER_TAG_VARIABLE]: input.tag,
  });
  return env;
}
