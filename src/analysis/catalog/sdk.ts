// Documentation of the Vast Deployments SDK surface (`from vastai import Deployment`), for hover, completion and rules.
// Tier notes follow how the SDK builds its PUT /api/v0/deployments/ request: what is hashed into config.json + the
// file (Tier 2 soft update), what travels as its own field (image, env flags, search_params, storage, docker login:
// Tier 3 hard update), autoscaling keys (Tier 1) and the tag (Tier 4).

export interface ParamDoc {
  name: string;
  /** Python type as shown to the user. */
  type: string;
  /** Python default as source text; absent when the parameter is required or has no meaningful default. */
  default?: string;
  /** Markdown. */
  doc: string;
  /** Update tier a change causes, e.g. 'Tier 4: a new endpoint and workergroup'. */
  tier?: string;
}

export interface MethodDoc {
  name: string;
  signature: string;
  doc: string;
}

export interface ImageMethodDoc extends MethodDoc {
  tier: string;
}

export interface AutoscalingParamDoc extends ParamDoc {
  valueType: 'int' | 'number';
  min?: number;
  max?: number;
  /** When true, `min` itself is not allowed (target_util must be > 0). */
  minExclusive?: boolean;
}

export const TIER_1 = 'Tier 1: autoscaling update (no upload, workers keep running)';
export const TIER_2 = 'Tier 2: soft update (new code bundle, workers reinstall in place)';
export const TIER_3 = 'Tier 3: hard update (workers restart on the new image/settings)';
export const TIER_4 = 'Tier 4: a new endpoint and workergroup';

const KEYWORDS_TIP =
  '**Positional trap:** the first positional parameter of `Deployment(...)` is `api_key` in deploy mode but `name` ' +
  'in serve mode (on the worker). Always pass `name=` and `api_key=` as keywords.';

// ---------------------------------------------------------------------------------------------------------------
// Deployment(...)

export const DEPLOYMENT_PARAMS: readonly ParamDoc[] = [
  {
    name: 'name',
    type: 'str | None',
    default: 'None',
    doc:
      'Deployment name. With `tag` it is the deployment\'s identity: a new name is a **new deployment** (new endpoint ' +
      'and workers), and the old one keeps running. When omitted, the SDK sends the **module name** of the file that ' +
      'defines the first `@remote` function, which is `__main__` when the file is run as a script, so set it ' +
      'explicitly.\n\n' +
      KEYWORDS_TIP,
    tier: 'Identity: a new name creates a separate deployment',
  },
  {
    name: 'tag',
    type: 'str',
    default: '"default"',
    doc:
      'Version tag for routing, always sent. Changing it forces a redeploy onto **fresh workers** with a new endpoint ' +
      'and workergroup, so clients of the new tag never reach workers serving the old one. Use it for changes that ' +
      'are not backwards compatible.',
    tier: TIER_4,
  },
  {
    name: 'version_label',
    type: 'str | None',
    default: 'None',
    doc:
      'Optional human-readable version label shown in the console. Sent in the PUT body when set; it is not part of ' +
      'the content hash.',
  },
  {
    name: 'api_key',
    type: 'str',
    doc:
      'Vast API key. When omitted it is read from `VAST_API_KEY`, then `~/.config/vastai/vast_api_key`, then ' +
      '`~/.vast_api_key`. Used only for authentication: it is never stored in the deployment. Do not hard-code it in ' +
      'the file, which is uploaded to the workers.\n\n' +
      KEYWORDS_TIP,
  },
  {
    name: 'ttl',
    type: 'float | None',
    default: 'None',
    doc:
      'Seconds without a client heartbeat before the deployment tears itself down; `None` keeps it forever. When set, ' +
      'it is sent in the PUT body and the client posts a heartbeat every `min(ttl/2, 60)` s for as long as the ' +
      'process runs.',
  },
  {
    name: 'autoscaler_instance',
    type: 'str',
    default: '"prod"',
    doc:
      'Serverless engine to use: `"prod"` (https://run.vast.ai), `"alpha"`, `"candidate"` or `"local"` ' +
      '(http://localhost:8080); anything else means prod. Its URL becomes `REPORT_ADDR` in the env flag string, so ' +
      'changing it is a hard update. This constructor value is not sent as the endpoint\'s `autoscaler_instance`.',
    tier: TIER_3,
  },
  {
    name: 'autoscaler_url',
    type: 'str | None',
    default: 'None',
    doc:
      'Explicit autoscaler URL; overrides `autoscaler_instance`. Leave unset for production. Workers report to it ' +
      '(`REPORT_ADDR` in the env flag string), so changing it is a hard update.',
    tier: TIER_3,
  },
  {
    name: 'webserver_url',
    type: 'str',
    default: '"https://console.vast.ai"',
    doc:
      'Vast API base URL where the deployment is registered. A non-default value also adds `-e VAST_API_URL=...` to ' +
      'the env flag string (a hard update); a different server also holds different deployments.',
    tier: TIER_3,
  },
];

// ---------------------------------------------------------------------------------------------------------------
// app.image(...) and Image methods

export const IMAGE_CONSTRUCTOR: ParamDoc[] = [
  {
    name: 'from_image',
    type: 'str',
    doc:
      'Docker image for the workers, e.g. `"vastai/base-image:@vastai-automatic-tag"`; the server resolves ' +
      '`@vastai-automatic-tag` for Vast-managed base images.',
    tier: TIER_3,
  },
  {
    name: 'storage',
    type: 'int',
    doc:
      'Worker disk allocation in **GB**. Required in deploy mode: `app.image()` has no default for it (the `Image` ' +
      'class itself defaults to 50), so `app.image("img")` raises a TypeError.',
    tier: TIER_3,
  },
  {
    name: 'docker_login_user',
    type: 'str',
    doc: 'Registry user for a private image (keyword only). Sent as its own PUT field.',
    tier: TIER_3,
  },
  {
    name: 'docker_login_pass',
    type: 'str',
    doc: 'Registry password or token for a private image (keyword only). Read it from the environment rather than writing it in the file.',
    tier: TIER_3,
  },
  {
    name: 'docker_login_repo',
    type: 'str',
    doc: 'Registry host for a private image, e.g. `"ghcr.io"` (keyword only).',
    tier: TIER_3,
  },
];

const SOFT = 'Stored in config.json, which is part of the content hash, so a change is a soft update (Tier 2).';
const ENV_FLAGS = 'Changes the env flag string (a separate PUT field, not hashed), so a change is a hard update (Tier 3).';

export const IMAGE_METHODS: ReadonlyMap<string, ImageMethodDoc> = new Map(
  (
    [
      {
        name: 'require',
        signature: 'require(*queries: Query) -> Image',
        doc:
          'Add GPU/hardware search filters built from `vastai.data.query` columns, e.g. ' +
          '`image.require(gpu_name.in_([RTX_4090, RTX_5090]), gpu_ram >= 24000)`. Every search starts with ' +
          '`verified=true rentable=true rented=false`; setting the same operator twice on a column raises ' +
          'ValueError. `gpu_ram`, `cpu_ram` and `gpu_total_ram` are in **MB**. Sent as the `search_params` string, so a ' +
          'change is a hard update (Tier 3).',
        tier: TIER_3,
      },
      {
        name: 'pip_install',
        signature: 'pip_install(*packages: str) -> Image',
        doc:
          'Packages the worker installs with `uv pip install` at startup; one requirement per argument ' +
          '(e.g. `"torch==2.4.0"`). ' + SOFT,
        tier: TIER_2,
      },
      {
        name: 'apt_get',
        signature: 'apt_get(*packages: str) -> Image',
        doc:
          'Debian packages the worker installs with `apt-get install -y` at startup; one package per argument. ' + SOFT,
        tier: TIER_2,
      },
      {
        name: 'env',
        signature: 'env(**variables: str) -> Image',
        doc:
          'Environment variables exported on the worker (and appended to /etc/environment). The docs say new ' +
          'environment variables need a hard update, but the SDK writes `env()` values into config.json, which is ' +
          'hashed: a change is a **soft update** (Tier 2). Values are uploaded with the bundle; keep secrets out of the ' +
          'file.',
        tier: TIER_2,
      },
      {
        name: 'run_script',
        signature: 'run_script(script: str) -> Image',
        doc:
          'Shell script the worker runs with `sh -c` at startup, after pip installs. A failing script aborts the worker ' +
          'boot. ' + SOFT,
        tier: TIER_2,
      },
      {
        name: 'run_cmd',
        signature: 'run_cmd(*args: str) -> Image',
        doc:
          'Command (argv, no shell) the worker runs at startup, e.g. `run_cmd("python", "prep.py")`. A non-zero exit ' +
          'aborts the worker boot. ' + SOFT,
        tier: TIER_2,
      },
      {
        name: 'copy',
        signature: 'copy(src: str, dst: str) -> Image',
        doc:
          'Add a local file or directory to the bundle under `dst` (relative to /workspace, or absolute). Only the ' +
          'deployment file itself is bundled otherwise: sibling modules and requirement files need `copy`. The copied ' +
          'bytes are hashed, so a change is a soft update (Tier 2).',
        tier: TIER_2,
      },
      {
        name: 'venv',
        signature: 'venv(path: str) -> Image',
        doc: 'Use an existing virtualenv at `path` on the image instead of the SDK-managed one (`-e ENV_PATH=...`). ' + ENV_FLAGS,
        tier: TIER_3,
      },
      {
        name: 'use_system_python',
        signature: 'use_system_python() -> Image',
        doc: 'Use the image\'s system Python instead of a venv (`-e USE_SYSTEM_PYTHON=true ...`). ' + ENV_FLAGS,
        tier: TIER_3,
      },
      {
        name: 'publish_port',
        signature: 'publish_port(number: int, type_: str = "tcp") -> Image',
        doc:
          'Publish another port on the worker (`-p N:N/type`); port 3000/tcp is always published for the worker ' +
          'server. ' + ENV_FLAGS,
        tier: TIER_3,
      },
    ] satisfies ImageMethodDoc[]
  ).map((m) => [m.name, m]),
);

// ---------------------------------------------------------------------------------------------------------------
// app.configure_autoscaling(...)

const count = (name: string, doc: string): AutoscalingParamDoc => ({
  name,
  type: 'int',
  doc,
  tier: TIER_1,
  valueType: 'int',
  min: 0,
});
const num = (name: string, doc: string, extra?: Partial<AutoscalingParamDoc>): AutoscalingParamDoc => ({
  name,
  type: 'float',
  doc,
  tier: TIER_1,
  valueType: 'number',
  min: 0,
  ...extra,
});

export const AUTOSCALING_PARAMS: ReadonlyMap<string, AutoscalingParamDoc> = new Map(
  [
    count('cold_workers', 'Number of idle (cold) workers to keep ready beyond the current load.'),
    count('max_workers', 'Maximum number of workers the endpoint may run at once.'),
    num('min_load', 'Minimum load the endpoint is always provisioned for, in the benchmark\'s load units (each request counts 100 by default).'),
    num('min_cold_load', 'Load threshold used to size the cold (idle) worker pool.'),
    num('target_util', 'Target utilization of worker capacity, greater than 0 and at most 1 (e.g. `0.8`).', { min: 0, max: 1, minExclusive: true }),
    num('cold_mult', 'Multiplier applied to the current load to size the cold worker capacity.'),
    num('max_queue_time', 'Maximum time a request may wait in a queue, in seconds.'),
    num('target_queue_time', 'Target queue wait time, in seconds.'),
    num('inactivity_timeout', 'Seconds without requests before the endpoint scales down.'),
  ].map((p) => [p.name, p]),
);

export const CONFIGURE_AUTOSCALING_DOC =
  'Set the endpoint\'s autoscaling parameters. All are optional, but the method **must be called at least once**: ' +
  '`ensure_ready()` otherwise raises "Trying to deploy a deployment without autoscaling configured." (an empty ' +
  '`configure_autoscaling()` is enough). Later calls merge into earlier ones. Only the keys you pass are sent; the ' +
  'server keeps its defaults for the rest. A change is an autoscaling update (Tier 1). Vast\'s examples put ' +
  '`#!VAST_IGNORE_CHANGES` on this line so that tuning it does not change the content hash.';

// ---------------------------------------------------------------------------------------------------------------
// @app.remote(...)

export const REMOTE_PARAMS: readonly ParamDoc[] = [
  {
    name: 'benchmark_dataset',
    type: 'list[dict] | None',
    default: 'None',
    doc:
      'Sample inputs for the worker benchmark; each dict\'s keys are the function\'s parameter names. **Exactly one** ' +
      '`@remote` function of the deployment must carry a benchmark (this or `benchmark_generator`): with zero or two ' +
      'the worker crashes at boot without reporting an error. Known SDK bug: the worker only uses the **last** item ' +
      'of the list. Values must be serializable by the SDK, which cannot serialize `bool` (`True`/`False`).',
  },
  {
    name: 'benchmark_generator',
    type: 'Callable[[], dict] | None',
    default: 'None',
    doc:
      'A function returning one sample input dict per call; the alternative to `benchmark_dataset` for varied ' +
      'inputs. Exactly one `@remote` function per deployment must carry a benchmark. Generated values cannot contain ' +
      '`bool`.',
  },
  {
    name: 'benchmark_runs',
    type: 'int',
    default: '10',
    doc:
      'Number of timed benchmark rounds after one warm-up call. Each request counts 100 load units; the worker\'s ' +
      'score is the **best** round\'s throughput (load units per second), not the average. Rounds run one request at ' +
      'a time on deployments.',
  },
];

export const SERVE_ONLY_REMOTE_PARAMS = ['allow_parallel_requests', 'max_queue_time'] as const;

export const SERVE_ONLY_REMOTE_PARAMS_DOC =
  '`allow_parallel_requests` and `max_queue_time` exist only in the serve-mode `@remote` (on the worker). The ' +
  'deploy-mode decorator does not accept them: passing them raises a TypeError as soon as the file is imported. ' +
  'Every remote function therefore runs one request at a time per worker, with a 30 s queue limit.';

// ---------------------------------------------------------------------------------------------------------------
// Deployment methods

export const DEPLOYMENT_METHODS: ReadonlyMap<string, MethodDoc> = new Map(
  (
    [
      {
        name: 'image',
        signature: 'image(from_image: str, storage: int, **docker_login) -> Image',
        doc:
          'Configure the workers\' Docker image and disk (GB) and return an `Image` whose methods chain: `require`, ' +
          '`pip_install`, `apt_get`, `env`, `run_script`, `run_cmd`, `copy`, `venv`, `use_system_python`, ' +
          '`publish_port`. Optional keywords `docker_login_user`, `docker_login_pass`, `docker_login_repo` for private ' +
          'registries. Required before `ensure_ready()`; calling it again replaces the image. Image, storage and ' +
          'docker login changes are hard updates (Tier 3).',
      },
      {
        name: 'remote',
        signature:
          '@app.remote(benchmark_dataset: list[dict] | None = None, benchmark_generator: Callable[[], dict] | None = None, benchmark_runs: int = 10)',
        doc:
          'Mark an `async def` function for execution on the GPU workers. All remote functions must live in the ' +
          'deployment file itself. Calling it awaits a worker and returns the result; arguments and results are ' +
          'serialized by the SDK (no `bool`, and exceptions lose their message). Exactly one remote function must ' +
          'carry a benchmark.',
      },
      {
        name: 'context',
        signature: '@app.context(*args, **kwargs)',
        doc:
          'Class decorator: register an async context manager (`__aenter__`/`__aexit__`) created once per worker. ' +
          'All contexts are entered in parallel at startup, before the benchmark; the arguments go to the class ' +
          'constructor. A failure is reported as "Lifecycle startup failed".',
      },
      {
        name: 'get_context',
        signature: 'get_context(context_class: type[AsyncContextManager[T]]) -> T',
        doc:
          'Inside a `@remote` function on the worker: the value returned by `__aenter__` of that context class. It ' +
          'raises NotImplementedError outside serve mode.',
      },
      {
        name: 'configure_autoscaling',
        signature:
          'configure_autoscaling(*, cold_workers: int = ..., max_workers: int = ..., min_load: float = ..., min_cold_load: float = ..., target_util: float = ..., cold_mult: float = ..., max_queue_time: float = ..., target_queue_time: float = ..., inactivity_timeout: float = ...)',
        doc: CONFIGURE_AUTOSCALING_DOC,
      },
      {
        name: 'ensure_ready',
        signature: 'ensure_ready() -> None',
        doc:
          'Blocking: bundle the file, compute the content hash, register the deployment (PUT), upload the bundle if ' +
          'the server asks for it and trigger a rolling update on a soft update. Needs an image, at least one ' +
          '`@remote` function and a `configure_autoscaling()` call. It does not wait for workers: the first remote ' +
          'call does. Call it before any remote call; it is a no-op on the worker.',
      },
      {
        name: 'lookup',
        signature: 'Deployment.lookup(name: str) -> Deployment | None',
        doc:
          'Class method: the `Deployment` constructed in this process under `name`. A purely local registry: it makes ' +
          'no API call.',
      },
    ] satisfies MethodDoc[]
  ).map((m) => [m.name, m]),
);
