// The local serverless engine: Vast's console and autoscaler on one loopback port, running deployments as local
// Python worker processes. This file composes the pieces and owns the periodic work (autoscaling, TTL teardown).
import { reapOrphanWorkers, WorkerPidRecord } from './orphans';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { desiredWorkers } from './autoscaler';
import { generateKey } from './auth';
import { deleteDeployment } from './deployments';
import { Router } from './http';
import { redact } from '../../shared/redact';
import { LogBook } from './logs';
import { detectMachineFacts } from '../daemon/machine';
import { type MachineFacts } from '../../shared/machine';
import { checkSdkWorker, checkSdkWorkerAsync, findPython, findPythonAsync, findSdkHost, SDK_WORKER_MODULE, type PythonVerdict } from './python';
import { registerAutoscalerRoutes } from './routes-autoscaler';
import { registerConsoleRoutes } from './routes-console';
import { registerAccountRoutes } from './routes-account';
import { registerLocalRoutes } from './routes-local';
import { RouteSigner } from './signing';
import { ensurePrivateDir, rememberedPorts, rememberPort, STATE_FILES, writeFileAtomic } from '../daemon/state-dir';
import { Store, type StoredDeployment, type StoredEndpoint, type StoredVersion } from './store';
import { readTarball, refusalMessage, sdkPreflight } from './sdk-worker';
import { WorkerManager, type LocalWorker, type SpawnPlan } from './workers';
import { hostEnvironment, venvOf, workerEnvironment } from './worker-env';
import { freeLoopbackPorts } from './worker-ports';

/** Load = cost routed per second over this window. */
const LOAD_WINDOW_MS = 10_000;

/**
 * Which worker runs deployments: our standard-library runtime (src/engine/python, the default), or the `vastai` SDK's
 * own serve-mode worker (`python -m vastai.serverless.remote.serve_deployment`) from the user's Python.
 */
export type WorkerRuntime = 'bundled' | 'sdk';
export const WORKER_RUNTIMES: readonly WorkerRuntime[] = ['bundled', 'sdk'];

export interface EngineOptions {
  stateDir: string;
  /**
   * Unset (default): the port this state folder's engine had last, so the URL in deployments' env flags stays the
   * same across restarts; any free port when it never ran or that port is taken. 0: any free port. N: exactly N.
   * The engine binds 127.0.0.1 only.
   */
  port?: number;
  /** The Python that runs workers; default `$VAST_PYTHON`, then python3, python. */
  python?: string;
  /** Default 'bundled'. */
  workerRuntime?: WorkerRuntime;
  /** Bundled runtime module (`python -m <module>`); default `$VAST_WORKER_MODULE` or `vast_worker`. */
  workerModule?: string;
  /**
   * Put first on the workers' PYTHONPATH (path-delimited), before the engine's own PYTHONPATH. Bundled runtime:
   * default `$VAST_WORKER_PATH` or `python/` beside the engine bundle; 'sdk': default `$VAST_WORKER_PATH` or nothing.
   */
  workerPath?: string;
  /** 'sdk' runtime: the host script that runs the SDK's worker (src/engine/python/sdk_host); default found by findSdkHost. */
  sdkHost?: string;
  /** Picks the ports of one worker process (tests: a port another program holds); default free loopback ports. */
  allocatePorts?: (count: number) => Promise<number[]>;
  /** Most workers per endpoint on this machine; default the number of CPU cores. */
  workerLimit?: number;
  /** Refuse deployments whose search_params this machine does not meet (default: run with a warning). */
  strictFilters?: boolean;
  maxUploadBytes?: number;
  /** Autoscaler period; default 1000 ms. */
  tickMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A worker that reported once and then not for this long shows `error` until it reports again; default 45 s. */
  reportStaleMs?: number;
  /** Replaces detection (tests). */
  machineFacts?: MachineFacts;
  /** Engine lifecycle lines (the daemon writes them to its log). */
  log?: (line: string) => void;
}

interface PendingToken {
  versionId: number;
  expiresAt: number;
}

export class Engine {
  readonly store: Store;
  readonly signer: RouteSigner;
  readonly logs: LogBook;
  readonly workers: WorkerManager;
  readonly apiKey: string;
  readonly machine: MachineFacts;
  readonly workerLimit: number;
  readonly workerRuntime: WorkerRuntime;
  readonly strictFilters: boolean;
  readonly maxUploadBytes: number;
  readonly uploads = new Map<string, PendingToken>();
  readonly downloads = new Map<string, PendingToken>();
  /** Route polls waiting for a worker: endpoint id → request_idx → cost and when last polled. */
  readonly waiting = new Map<number, Map<number, { cost: number; seenAt: number }>>();
  /** Cost routed per endpoint, with times: the load rate the autoscaler compares with worker perf. */
  readonly routed = new Map<number, { at: number; cost: number }[]>();
  /** Last request routed or waiting, per endpoint (inactivity_timeout). */
  readonly lastActivity = new Map<number, number>();
  counter = Math.floor(Date.now() / 1000) % 100_000;
  url = '';
  port = 0;
  /** Ports this state folder's engine listened on, this one included: URLs naming them name this engine. */
  private readonly ownPorts = new Set<number>();
  private server?: http.Server;
  private timer?: NodeJS.Timeout;
  private pythonVerdict?: PythonVerdict;
  /** The background Python probe; the autoscaler awaits it before spawning instead of probing synchronously. */
  private pythonProbe?: Promise<void>;
  private ticking = false;
  /** A kick arrived while a tick ran: run one more right after it. */
  private tickAgain = false;
  private closed = false;

  private constructor(readonly options: EngineOptions) {
    const stateDir = options.stateDir;
    ensurePrivateDir(stateDir);
    this.store = new Store(stateDir);
    this.signer = new RouteSigner(stateDir);
    this.apiKey = loadOrCreateApiKey(stateDir);
    this.logs = new LogBook(path.join(stateDir, 'logs'), (line) => this.say(line));
    this.machine = options.machineFacts ?? detectMachineFacts(stateDir);
    this.workerLimit = options.workerLimit ?? Math.max(1, os.cpus().length);
    this.workerRuntime = options.workerRuntime ?? 'bundled';
    this.strictFilters = options.strictFilters ?? false;
    this.maxUploadBytes = options.maxUploadBytes ?? 1024 ** 3;
    // Random per engine run: a worker tag (WORKER_TAG_VARIABLE) can only be in processes this engine's workers started.
    const tagPrefix = crypto.randomBytes(8).toString('hex');
    this.workers = new WorkerManager({
      tagPrefix,
      planSpawn: (w) => this.planSpawn(w),
      log: this.logs,
      gpuName: this.machine.gpus[0]?.name ?? `CPU (${this.machine.cpuCores} cores, local)`,
      backoffBaseMs: options.backoffBaseMs ?? 1000,
      backoffMaxMs: options.backoffMaxMs ?? 60_000,
      changed: (w) => this.workerChanged(w),
      // The SDK's /pyworker/update only touches /.force_update for Vast's supervisor, which does not run here.
      softUpdates: this.workerRuntime !== 'sdk',
      pids: new WorkerPidRecord(options.stateDir, tagPrefix),
      reportStaleMs: options.reportStaleMs,
    });
    if (this.store.loadWarning) this.say(this.store.loadWarning);
    // No worker runs before the engine does: folders left by a previous run are stale.
    fs.rmSync(path.join(stateDir, 'workers'), { recursive: true, force: true });
    removePartialUploads(path.join(stateDir, 'tarballs'));
    // Log files of deployments deleted by an engine that died before it removed them (or deleted from state.json).
    this.logs.removeFilesExcept(new Set(this.store.state.endpoints.map((e) => e.id)));
  }

  static async start(options: EngineOptions): Promise<Engine> {
    // Before anything is spawned: workers a SIGKILLed engine left running would otherwise serve stale code forever.
    const reaped = reapOrphanWorkers(options.stateDir);
    const engine = new Engine(options);
    if (reaped.length) engine.say(`stopped ${reaped.length} worker process(es) left by a previous engine: ${reaped.join(', ')}`);
    // Probed in the background: python() would otherwise block the loop on a Python start at the first spawn.
    engine.pythonProbe = findPythonAsync(options.python).then(async (verdict) => {
      if (engine.workerRuntime === 'sdk') verdict = await checkSdkWorkerAsync(verdict, engine.sdkProbeEnv(verdict));
      engine.pythonVerdict ??= verdict;
      if (!engine.pythonVerdict.ok) engine.say(engine.pythonVerdict.error);
    });
    await engine.listen(options.port);
    engine.adoptOwnUrl();
    engine.timer = setInterval(() => void engine.tick(), options.tickMs ?? 1000);
    void engine.tick();
    return engine;
  }

  get stateDir(): string {
    return this.options.stateDir;
  }

  /** An engine line for the daemon's log; the engine's key and any key-shaped text in it are masked. */
  say(line: string): void {
    this.options.log?.(redact(line, [this.apiKey]));
  }

  private async listen(port: number | undefined): Promise<void> {
    const router = new Router();
    registerConsoleRoutes(router, this);
    registerAutoscalerRoutes(router, this);
    registerLocalRoutes(router, this);
    registerAccountRoutes(router, this);
    const handle = (req: http.IncomingMessage, res: http.ServerResponse) => void router.dispatch(req, res, (l) => this.say(l));
    const previous = port === undefined ? rememberedPorts(this.stateDir)[0] : undefined;
    let server: http.Server | undefined;
    if (previous !== undefined) {
      try {
        server = await bindLoopback(previous, handle);
      } catch (err) {
        this.say(`port ${previous} (this engine's previous port) is not available (${(err as Error).message}); listening on a new port`);
      }
    }
    server ??= await bindLoopback(port ?? 0, handle);
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    for (const p of rememberPort(this.stateDir, this.port)) this.ownPorts.add(p);
  }

  /** A loopback URL on one of this engine's ports, present or past. */
  namesThisEngine(url: string): boolean {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(u.hostname) && this.ownPorts.has(Number(u.port)) && ['', '/'].includes(u.pathname) && !u.search;
  }

  /**
   * Env flags with REPORT_ADDR / VAST_API_URL values that name this engine (under any of its ports) written as its
   * current URL. Locally the engine gives workers its own URL in both anyway, so such a value is the engine's
   * address, not a setting: a restart on another port must not turn every deployment into a hard update.
   */
  withOwnUrl(env: string, { pastPortsOnly = false } = {}): string {
    return env.replace(/(-e\s+(?:REPORT_ADDR|VAST_API_URL)=)(\S+)/g, (whole, flag: string, url: string) => {
      if (!this.namesThisEngine(url) || (pastPortsOnly && new URL(url).port === String(this.port))) return whole;
      return `${flag}${this.url}`;
    });
  }

  sameEngineEnv(stored: string, sent: string): boolean {
    return stored === sent || this.withOwnUrl(stored) === this.withOwnUrl(sent);
  }

  /** After a start on a new port: the stored env flags name the engine's current URL, so records and plans agree. */
  private adoptOwnUrl(): void {
    const { state } = this.store;
    const moved = (env: string) => this.withOwnUrl(env, { pastPortsOnly: true });
    const stale = state.deployments.filter((d) => d.env && moved(d.env) !== d.env);
    if (!stale.length) return;
    try {
      this.store.commit(() => {
        for (const dep of stale) {
          dep.env = moved(dep.env);
          const group = state.workergroups.find((g) => g.id === dep.workergroup_id);
          if (group) group.launch_args = dep.env;
        }
      });
    } catch (err) {
      // Not fatal: PUTs still compare these URLs as the engine's; only plans show the env flags as changed.
      this.say(`could not save the engine's new address into its deployments' env flags: ${(err as Error).message}`);
      return;
    }
    this.say(`${stale.length} deployment(s) named this engine's previous address in their env flags; they now name ${this.url}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.workers.stopAll();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    // Two turns of the event loop (the sockets' files close at the end of one, the peers read the end in the next):
    // keep-alive sockets this process holds to the engine are dropped before a new engine, which takes the same port
    // again, could be sent a request on one of them.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  python(): PythonVerdict {
    if (!this.pythonVerdict) {
      let verdict = findPython(this.options.python);
      if (this.workerRuntime === 'sdk') verdict = checkSdkWorker(verdict, this.sdkProbeEnv(verdict));
      this.pythonVerdict = verdict;
      if (!verdict.ok) this.say(verdict.error);
    }
    return this.pythonVerdict;
  }

  /** PYTHONPATH entries for workers: the runtime's folder, then the engine's own PYTHONPATH. */
  private workerPythonPath(): string[] {
    const configured = this.options.workerPath ?? process.env.VAST_WORKER_PATH;
    // Never our dist/python for the SDK runtime: its `vastai` stand-in would hide the real package.
    const runtime = this.workerRuntime === 'sdk' ? configured : (configured ?? path.join(__dirname, 'python'));
    return [runtime ?? '', process.env.PYTHONPATH ?? ''];
  }

  /** What the SDK import check runs with: the workers' PYTHONPATH and virtual environment. */
  private sdkProbeEnv(verdict: PythonVerdict): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...hostEnvironment(process.env), IS_DEPLOYMENT: '1' };
    const pythonPath = this.workerPythonPath().filter(Boolean).join(path.delimiter);
    if (pythonPath) env.PYTHONPATH = pythonPath;
    const venv = verdict.ok ? venvOf(verdict.command) : undefined;
    if (venv) env.VIRTUAL_ENV = venv;
    return env;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Lookups

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

  newToken(map: Map<string, PendingToken>, versionId: number, ttlMs: number): string {
    const token = crypto.randomBytes(24).toString('hex');
    const now = Date.now();
    for (const [t, p] of map) if (p.expiresAt < now) map.delete(t);
    map.set(token, { versionId, expiresAt: now + ttlMs });
    return token;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Workers

  private async planSpawn(w: LocalWorker): Promise<SpawnPlan | { error: string }> {
    if (!this.pythonVerdict && this.pythonProbe) await this.pythonProbe;
    const py = this.python();
    if (!py.ok) return { error: py.error };
    const dep = this.deployment(w.deploymentId);
    if (!dep) return { error: `deployment ${w.deploymentId} no longer exists` };
    const [workerPort, httpPort] = await (this.options.allocatePorts ?? freeLoopbackPorts)(2);
    const env = workerEnvironment({
      base: process.env,
      flags: dep.env ?? '',
      pythonPath: this.workerPythonPath(),
      venv: venvOf(py.command),
      ports: { worker: workerPort!, http: httpPort! },
      deploymentId: dep.id,
      workerId: w.id,
      token: w.token,
      mtoken: w.mtoken,
      engineUrl: this.url,
      venvCache: path.join(this.stateDir, 'venv-cache'),
      tag: this.workers.tagOf(w),
    });
    if (this.workerRuntime === 'sdk') {
      const version = this.currentVersion(dep);
      if (!version) return { error: `deployment ${dep.id} has no uploaded code` };
      const { refusals, notes } = sdkPreflight(await readTarball(this.store.tarballPath(version)), env);
      if (refusals.length) return { error: refusalMessage(refusals) };
      for (const note of notes) this.logs.add(w.endpointId, w.id, 'lifecycle', note);
      // Through our host script: it adds the boot time limits and the parent watch the SDK's worker lacks.
      const host = this.options.sdkHost ?? findSdkHost();
      return { command: py.command, args: host ? ['-u', host] : ['-u', '-m', SDK_WORKER_MODULE], env };
    }
    const module = this.options.workerModule ?? process.env.VAST_WORKER_MODULE ?? 'vast_worker';
    return { command: py.command, args: ['-u', '-m', module], env };
  }

  private workerChanged(w: LocalWorker): void {
    if (w.status !== 'idle') return;
    const dep = this.deployment(w.deploymentId);
    const current = dep && this.currentVersion(dep);
    if (dep && current && w.downloadedHash === current.file_hash && dep.last_healthy_version_id !== current.id) {
      dep.last_healthy_version_id = current.id;
      this.store.save();
    }
  }

  filterWarnings(dep: StoredDeployment): string[] {
    return this.endpoint(dep.endpoint_id)?.local_warnings ?? [];
  }

  newWorker(dep: StoredDeployment): LocalWorker {
    const id = this.store.nextId('worker');
    this.store.save();
    return this.workers.create(id, dep.id, dep.endpoint_id, path.join(this.stateDir, 'workers', `w${id}`), this.filterWarnings(dep));
  }

  async removeWorker(w: LocalWorker): Promise<void> {
    await this.workers.remove(w);
    fs.rmSync(w.cwd, { recursive: true, force: true });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Periodic work

  async tick(): Promise<void> {
    if (this.closed) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    try {
      do {
        this.tickAgain = false;
        this.teardownExpired();
        this.workers.checkReports();
        if (!this.pythonVerdict && this.pythonProbe) await this.pythonProbe;
        for (const endpoint of [...this.store.state.endpoints]) await this.scaleEndpoint(endpoint);
      } while (this.tickAgain && !this.closed);
    } catch (err) {
      this.say(`autoscaler error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Runs the autoscaler now instead of at the next period: new code just arrived, so the first worker can start
   * without waiting up to a whole tick (the deploy -> ready path).
   */
  scaleSoon(): void {
    setImmediate(() => void this.tick());
  }

  private teardownExpired(): void {
    const now = Date.now() / 1000;
    for (const dep of [...this.store.state.deployments]) {
      if (!dep.ttl || dep.ttl <= 0) continue;
      const last = dep.last_client_heartbeat ?? dep.created_at;
      if (now - last <= dep.ttl) continue;
      this.logs.add(dep.endpoint_id, null, 'lifecycle', `ttl: no client heartbeat for ${Math.round(now - last)} s (ttl ${dep.ttl} s); deleting deployment ${dep.id}`);
      deleteDeployment(this, dep).catch((err: Error) => this.say(`ttl teardown of deployment ${dep.id} failed: ${err.message}`));
    }
  }

  private async scaleEndpoint(endpoint: StoredEndpoint): Promise<void> {
    const dep = this.deployment(endpoint.deployment_id);
    if (!dep) return;
    const workers = this.workers.forEndpoint(endpoint.id);
    const now = Date.now();
    for (const w of workers) {
      for (const [idx, o] of w.outstanding) if (now - o.since > 10 * 60_000) w.outstanding.delete(idx);
    }
    const waiting = this.waiting.get(endpoint.id);
    if (waiting) for (const [idx, o] of waiting) if (now - o.seenAt > 15_000) waiting.delete(idx);

    if (endpoint.endpoint_state !== 'active') {
      await Promise.all(workers.filter((w) => w.status !== 'stopped').map((w) => this.workers.stop(w)));
      return;
    }
    // No code yet (first upload pending) or a hard update waiting for its upload: nothing to run.
    if (!this.currentVersion(dep) || dep.pending_hard_update) return;

    const live = workers.filter((w) => !['stopped', 'stopping'].includes(w.status));
    const recent = (this.routed.get(endpoint.id) ?? []).filter((r) => now - r.at <= LOAD_WINDOW_MS);
    this.routed.set(endpoint.id, recent);
    const target = desiredWorkers({
      endpoint,
      perfs: live.map((w) => Number(w.report?.max_perf) || 0).filter((p) => p > 0),
      load: recent.reduce((s, r) => s + r.cost, 0) / (LOAD_WINDOW_MS / 1000),
      waiting: waiting?.size ?? 0,
      idleMs: now - this.lastActiveAt(endpoint),
      localLimit: this.workerLimit,
    });
    if (live.length < target) {
      let missing = target - live.length;
      for (const w of workers.filter((x) => x.status === 'stopped')) {
        if (missing === 0) break;
        this.workers.restartStopped(w);
        missing--;
      }
      for (; missing > 0; missing--) this.newWorker(dep);
    } else if (live.length > target) {
      // Newest first, and never one that is serving.
      const idle = live.filter((w) => w.outstanding.size === 0 && !(Number(w.report?.num_requests_working) > 0)).sort((a, b) => b.id - a.id);
      for (const w of idle.slice(0, live.length - target)) {
        this.logs.add(endpoint.id, w.id, 'lifecycle', `scaling down to ${target} worker${target === 1 ? '' : 's'}`);
        await this.removeWorker(w);
      }
    }
  }

  readonly startedAt = Date.now();

  /**
   * When an endpoint was last used: its last request, or its creation or last deploy when later. Without a request
   * since this engine started, idle time counts from the start, never from before it: an endpoint created on an
   * engine that has run longer than its inactivity_timeout must still get its first worker.
   */
  private lastActiveAt(endpoint: StoredEndpoint): number {
    const deployment = this.store.state.deployments.find((d) => d.endpoint_id === endpoint.id);
    return Math.max(this.lastActivity.get(endpoint.id) ?? this.startedAt, (endpoint.created_at ?? 0) * 1000, (deployment?.updated_at ?? 0) * 1000);
  }
}

function bindLoopback(port: number, handle: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handle);
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function loadOrCreateApiKey(stateDir: string): string {
  const file = path.join(stateDir, STATE_FILES.apiKey);
  try {
    const key = fs.readFileSync(file, 'utf8').trim();
    // Clients send the key in a header: anything but printable ASCII there failed every client's request silently.
    if (/[^\x21-\x7e]/.test(key)) {
      throw new Error(`the engine's API key file ${file} holds a key with spaces, line breaks or non-ASCII characters inside it (clients send the key in a header: one line of printable ASCII); write it on one line, or delete the file to have the engine make a new one`);
    }
    if (key) return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // else: first start
  }
  const key = generateKey();
  writeFileAtomic(file, `${key}\n`);
  return key;
}

/** Uploads an engine killed mid-transfer left behind (`<tarball>.<random>.part`): never code, only disk. */
function removePartialUploads(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // no tarballs yet
  }
  for (const name of names) if (name.endsWith('.part')) fs.rmSync(path.join(dir, name), { force: true });
}
