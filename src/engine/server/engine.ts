// The local serverless engine: Vast's console and autoscaler on one loopback port, running deployments as local
// Python worker processes. This file composes the services (records, routing state, activity, transfer tokens,
// worker pool, deployment service, scaler), hands each route file the ones it needs, and owns the lifetime: the
// listening server, the autoscaler's timer, the Python probe and how workers are spawned.
import { reapOrphanWorkers, WorkerPidRecord } from './orphans';
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActivityTracker } from './activity';
import { EngineAddress } from './address';
import { generateKey } from './auth';
import { DeploymentService } from './deployments';
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
import { registerOfferRoutes } from './routes-offers';
import { Records } from './records';
import { RoutingState } from './routing';
import { Scaler } from './scaler';
import { RouteSigner } from './signing';
import { ensurePrivateDir, rememberedPorts, rememberPort, STATE_FILES, writeFileAtomic } from '../daemon/state-dir';
import { Store, type StoredDeployment, type StoredEndpoint, type StoredVersion, type LocalDebugSetting } from './store';
import { readTarball, refusalMessage, sdkPreflight } from './sdk-worker';
import { DOWNLOAD_TOKEN_TTL_MS, TransferTokens, UPLOAD_TOKEN_TTL_MS } from './transfer-tokens';
import { WorkerManager, type LocalWorker, type SpawnPlan } from './workers';
import { hostEnvironment, venvOf, workerEnvironment } from './worker-env';
import { WorkerPool } from './worker-pool';
import { freeLoopbackPorts } from './worker-ports';
import type { WorkerRuntime } from './worker-runtime';


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
  readonly records: Records;
  readonly address = new EngineAddress();
  readonly deployments: DeploymentService;
  private readonly routing = new RoutingState();
  private readonly activity = new ActivityTracker();
  private readonly uploads = new TransferTokens(UPLOAD_TOKEN_TTL_MS);
  private readonly downloads = new TransferTokens(DOWNLOAD_TOKEN_TTL_MS);
  private readonly pool: WorkerPool;
  private readonly scaler: Scaler;
  private server?: http.Server;
  private timer?: NodeJS.Timeout;
  private pythonVerdict?: PythonVerdict;
  /** The background Python probe; the autoscaler awaits it before spawning instead of probing synchronously. */
  private pythonProbe?: Promise<void>;
  private closed = false;

  private constructor(readonly options: EngineOptions) {
    const stateDir = options.stateDir;
    ensurePrivateDir(stateDir);
    this.store = new Store(stateDir);
    this.records = new Records(this.store);
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
    this.pool = new WorkerPool(this.store, this.records, this.workers, stateDir);
    this.deployments = new DeploymentService({
      store: this.store,
      records: this.records,
      workers: this.workers,
      pool: this.pool,
      logs: this.logs,
      routing: this.routing,
      activity: this.activity,
      address: this.address,
      uploads: this.uploads,
      machine: this.machine,
      strictFilters: this.strictFilters,
      scaleSoon: () => this.scaler.scaleSoon(),
    });
    this.scaler = new Scaler({
      store: this.store,
      records: this.records,
      workers: this.workers,
      pool: this.pool,
      logs: this.logs,
      routing: this.routing,
      activity: this.activity,
      workerLimit: this.workerLimit,
      deleteDeployment: (dep) => this.deployments.deleteDeployment(dep),
      pythonProbe: () => (!this.pythonVerdict && this.pythonProbe ? this.pythonProbe : undefined),
      say: (line) => this.say(line),
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
  get url(): string {
    return this.address.url;
  }
  get port(): number {
    return this.address.port;
  }

  /** An engine line for the daemon's log; the engine's key and any key-shaped text in it are masked. */
  say(line: string): void {
    this.options.log?.(redact(line, [this.apiKey]));
  }

  private async listen(port: number | undefined): Promise<void> {
    const router = new Router();
    const { apiKey, store, records, workers, logs, signer, routing, activity, address } = this;
    registerConsoleRoutes(router, { apiKey, store, records, workers, deployments: this.deployments, address, uploads: this.uploads, downloads: this.downloads, maxUploadBytes: this.maxUploadBytes });
    registerAutoscalerRoutes(router, { apiKey, store, records, workers, logs, signer, routing, activity });
    registerLocalRoutes(router, {
      apiKey,
      stateDir: this.stateDir,
      store,
      records,
      workers,
      logs,
      address,
      python: () => this.python(),
      machine: this.machine,
      workerLimit: this.workerLimit,
      workerRuntime: this.workerRuntime,
      strictFilters: this.strictFilters,
      maxUploadBytes: this.maxUploadBytes,
      setDebug: (id, setting) => this.setDebug(id, setting),
    });
    registerAccountRoutes(router, apiKey);
    registerOfferRoutes(router, { apiKey, machine: this.machine });
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
    const bound = (server.address() as AddressInfo).port;
    this.address.listening(bound, rememberPort(this.stateDir, bound));
  }

  /** After a start on a new port: the stored env flags name the engine's current URL, so records and plans agree. */
  private adoptOwnUrl(): void {
    const { state } = this.store;
    const moved = (env: string) => this.address.withOwnUrl(env, { pastPortsOnly: true });
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
    this.scaler.stop();
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
  // Lookups (tests and tools read the state through these)

  deployment(id: number): StoredDeployment | undefined {
    return this.records.deployment(id);
  }
  endpoint(id: number): StoredEndpoint | undefined {
    return this.records.endpoint(id);
  }
  version(id: number | null | undefined): StoredVersion | undefined {
    return this.records.version(id);
  }
  currentVersion(dep: StoredDeployment): StoredVersion | undefined {
    return this.records.currentVersion(dep);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Workers

  private async planSpawn(w: LocalWorker): Promise<SpawnPlan | { error: string }> {
    if (!this.pythonVerdict && this.pythonProbe) await this.pythonProbe;
    const py = this.python();
    if (!py.ok) return { error: py.error };
    const dep = this.records.deployment(w.deploymentId);
    if (!dep) return { error: `deployment ${w.deploymentId} no longer exists` };
    if (dep.local_debug && this.workerRuntime === 'sdk') {
      return { error: 'debugging needs the bundled worker runtime: the vastai SDK\'s own worker has no debugger hook; deploy without --debug or switch the engine to the bundled runtime' };
    }
    const [workerPort, httpPort, debugPort] = await (this.options.allocatePorts ?? freeLoopbackPorts)(dep.local_debug ? 3 : 2);
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
      const version = this.records.currentVersion(dep);
      if (!version) return { error: `deployment ${dep.id} has no uploaded code` };
      const { refusals, notes } = sdkPreflight(await readTarball(this.store.tarballPath(version)), env);
      if (refusals.length) return { error: refusalMessage(refusals) };
      for (const note of notes) this.logs.add(w.endpointId, w.id, 'lifecycle', note);
      // Through our host script: it adds the boot time limits and the parent watch the SDK's worker lacks.
      const host = this.options.sdkHost ?? findSdkHost();
      return { command: py.command, args: host ? ['-u', host] : ['-u', '-m', SDK_WORKER_MODULE], env };
    }
    const module = this.options.workerModule ?? process.env.VAST_WORKER_MODULE ?? 'vast_worker';
    if (!dep.local_debug) return { command: py.command, args: ['-u', '-m', module], env };
    // Checked here, with the worker's own environment, so a missing debugpy is one clear error, not a crash loop.
    // The worker's own debugpy wins; the editor may offer a copy (an installed debugpy extension's) as a fallback.
    let missing = await debugpyMissing(py.command, env);
    const fallback = dep.local_debug.debugpy_path;
    if (missing && fallback) {
      env.PYTHONPATH = [env.PYTHONPATH, fallback].filter(Boolean).join(path.delimiter);
      missing = await debugpyMissing(py.command, env);
      if (missing) missing = `${missing}; the debugpy in ${fallback} did not import either`;
    }
    if (missing) return { error: missing };
    // The runtime itself listens (vast_worker/debug.py), so it can wait for a client just before the contexts.
    env.VAST_DEBUG_PORT = String(debugPort);
    if (dep.local_debug.wait) env.VAST_DEBUG_WAIT = '1';
    // debugpy warns on every start that the standard library's frozen modules may miss breakpoints: not user code.
    env.PYDEVD_DISABLE_FILE_VALIDATION = '1';
    const debug = { host: '127.0.0.1', port: debugPort!, remote_root: w.cwd, remote_file: path.join(w.cwd, 'deployment.py'), wait: dep.local_debug.wait };
    return { command: py.command, args: ['-u', '-m', module], env, debug };
  }

  private workerChanged(w: LocalWorker): void {
    if (w.status !== 'idle') return;
    const dep = this.records.deployment(w.deploymentId);
    const current = dep && this.records.currentVersion(dep);
    if (dep && current && w.downloadedHash === current.file_hash && dep.last_healthy_version_id !== current.id) {
      dep.last_healthy_version_id = current.id;
      this.store.save();
    }
  }

  /**
   * Turns debugging of a deployment on (its workers start again under debugpy) or off (they start again plain), and
   * says whether that changed anything. Undefined when there is no such deployment.
   */
  setDebug(deploymentId: number, setting: LocalDebugSetting | undefined): { changed: boolean } | undefined {
    const dep = this.records.deployment(deploymentId);
    if (!dep) return undefined;
    const same = JSON.stringify(dep.local_debug ?? null) === JSON.stringify(setting ?? null);
    if (same) return { changed: false };
    this.store.commit(() => {
      if (setting) dep.local_debug = setting;
      else delete dep.local_debug;
    });
    const why = setting ? `debugging on${setting.wait ? ' (waits for the debugger before entering contexts)' : ''}` : 'debugging off';
    this.logs.add(dep.endpoint_id, null, 'lifecycle', why);
    for (const w of this.workers.forEndpoint(dep.endpoint_id)) {
      if (!['stopped', 'stopping'].includes(w.status)) this.workers.hardUpdate(w, why);
    }
    void this.scaler.tick();
    return { changed: true };
  }

  /** Runs the autoscaler's periodic work now (the timer runs it every tickMs). */
  tick(): Promise<void> {
    return this.scaler.tick();
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

/** Undefined when `python` can import debugpy; else the error a debug worker fails with, naming how to install it. */
function debugpyMissing(python: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import debugpy'], { env, timeout: 30_000, encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (!err) return resolve(undefined);
      const last = (stderr || err.message).trim().split('\n').pop();
      resolve(`cannot debug: ${python} cannot import debugpy (${last}); install it with "${python} -m pip install debugpy" (on Debian: apt install python3-debugpy)`);
    });
  });
}
