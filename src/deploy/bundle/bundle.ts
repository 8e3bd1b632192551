// Everything `ensure_ready()` computes before its first request, from the static model: config.json, the content
// hash, the env flags, search_params and the PUT body. A value the model cannot know statically (a variable, a call,
// an f-string, `*args`) is reported, never guessed: a wrong hash would silently deploy the wrong thing.
import * as path from 'path';
import type { Argument, Deployment, DeploymentModel, StaticValue } from '../../analysis/model/types';
import { AUTOSCALING_KEYS, type AutoscalingKey, type AutoscalingSettings, type DeploymentPutBody } from '../../shared/protocol/vast';
import { configJson, deployConfig } from './config';
import { contentHash } from './contentHash';
import { copyKind } from './copies';
import { autoscalerUrlFor } from '../../shared/protocol/target';
import { DEFAULT_PORT, envFlags } from './envFlags';
import { readImageSteps } from './imageSteps';
import { PyFloat, PyTuple, type PyValue } from '../../shared/python/values';
import { pythonStr } from '../../shared/python/format';
import { problem, pyTypeName, short, toPyValue, unknown, type ValueContext } from './pyValues';
import { searchParams } from './searchParams';
import { type BundleResult, type UnknownValueReport } from '../types';
import { type Target } from '../../shared/protocol/target';
import { type Bundle, type CopySpec } from '../../shared/protocol/bundle';
import { useRange } from '../../analysis/model/valueUse';

export interface BuildBundleOptions {
  /** The deployment file on disk: its folder resolves copy() sources, its name is the module name. */
  filePath: string;
  /** The file's bytes (the editor's buffer may be newer than the disk); must be what `model` was built from. */
  fileBytes: Uint8Array;
  /**
   * Decides the worker-facing URLs. `vast`: the file's own `autoscaler_url` / `autoscaler_instance` and
   * `webserver_url`, as the SDK would use them. `local`: the local engine's `autoscalerUrl` and `consoleUrl`.
   */
  target: Pick<Target, 'kind' | 'consoleUrl' | 'autoscalerUrl'>;
  /** The deploying process's environment, used for `os.environ[...]` / `os.getenv(...)` values (as the SDK would
   * read them). Leave undefined to report such values as unknown. */
  environment?: Record<string, string | undefined>;
}

const DOCKER_LOGIN_KEYS = ['docker_login_user', 'docker_login_pass', 'docker_login_repo'] as const;

/** The module name the SDK falls back to for the PUT name: that of the file defining the first @remote function
 * (`deploy` for deploy.py when imported; `__main__` when the file is run as a script, which we cannot know). */
export function moduleNameOf(filePath: string): string {
  return path.basename(filePath).replace(/\.py$/, '');
}

function numberOf(v: PyValue): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.value;
  return undefined;
}

export class Reader {
  readonly reports: UnknownValueReport[] = [];
  /** Fields whose value is a Python float (`storage=16.0`): the PUT body sends them as floats, as the SDK does. */
  readonly floats = new Set<string>();
  constructor(readonly ctx: ValueContext) {}

  /** `v` as a number, noting `field` as a float when Python would send one. */
  number(v: PyValue, field: string): number | undefined {
    if (v instanceof PyFloat) this.floats.add(field);
    return numberOf(v);
  }

  value(v: StaticValue, field: string): PyValue | undefined {
    const r = toPyValue(v, field, this.ctx);
    if (!r.ok) {
      this.reports.push(r.report);
      return undefined;
    }
    return r.value;
  }

  /** A str or None argument (None and absent both give `undefined`); `null` when it could not be read. */
  optionalStr(arg: Argument | undefined, field: string): string | undefined | null {
    if (!arg) return undefined;
    const v = this.value(arg.value, field);
    if (v === undefined) return null;
    if (v === null) return undefined;
    if (typeof v === 'string') return v;
    this.reports.push(problem(field, `\`${short(arg.value.text)}\` must be a str, not ${pyTypeName(v)}`, useRange(arg.value)));
    return null;
  }

  optionalNumber(arg: Argument | undefined, field: string): number | undefined | null {
    if (!arg) return undefined;
    const v = this.value(arg.value, field);
    if (v === undefined) return null;
    if (v === null) return undefined;
    const n = this.number(v, field);
    if (n !== undefined) return n;
    this.reports.push(problem(field, `\`${short(arg.value.text)}\` must be a number, not ${pyTypeName(v)}`, useRange(arg.value)));
    return null;
  }
}

/** The Deployment(...) constructor values the bundle needs. */
export function readDeployment(deployment: Deployment, r: Reader, target: BuildBundleOptions['target']) {
  const call = deployment.call;
  for (const a of call.args) {
    if (a.splat) r.reports.push(unknown('Deployment', { text: a.splat + a.value.text, range: a.range }, 'may set any Deployment field'));
    else if (a.position !== undefined) {
      r.reports.push(
        problem('Deployment', `positional argument \`${short(a.value.text)}\`: in deploy mode the first positional parameter is api_key, not name; pass every field by keyword`, a.range),
      );
    }
  }
  const f = deployment.fields;
  const name = r.optionalStr(f.name, 'name');
  const tagArg = f.tag;
  let tag: string | null = 'default';
  if (tagArg) {
    const t = r.optionalStr(tagArg, 'tag');
    if (t === undefined) r.reports.push(problem('tag', 'tag=None sends no tag; give a str (the default is "default")', tagArg.range));
    tag = t ?? null;
  }
  const versionLabel = r.optionalStr(f.version_label, 'version_label');
  const ttl = r.optionalNumber(f.ttl, 'ttl');
  let autoscalerUrl: string | null = target.autoscalerUrl;
  let consoleUrl: string | null = target.consoleUrl;
  let apiKey: string | null | undefined;
  if (target.kind === 'vast') {
    // Only the cloud target reads these; the local engine replaces them. The target's URLs are the defaults a file
    // that names none gets (Vast's public ones, or an override of them).
    ({ autoscalerUrl, consoleUrl } = cloudUrls(f, r, target));
    apiKey = readApiKey(f.api_key, r);
  }
  return { name, tag, versionLabel, ttl, autoscalerUrl, consoleUrl, apiKey };
}

/**
 * The console and autoscaler a Deployment(...) talks to, as the SDK picks them: a non-empty `autoscaler_url` wins,
 * else an `autoscaler_instance` passed at all (None or an unknown name mean prod), else the default; `webserver_url`
 * when passed, else the default. `null` when a value cannot be read.
 */
function cloudUrls(f: Deployment['fields'], r: Reader, defaults: BuildBundleOptions['target']): { autoscalerUrl: string | null; consoleUrl: string | null } {
  const instance = r.optionalStr(f.autoscaler_instance, 'autoscaler_instance');
  const override = r.optionalStr(f.autoscaler_url, 'autoscaler_url');
  const webserver = r.optionalStr(f.webserver_url, 'webserver_url');
  let autoscalerUrl: string | null;
  if (instance === null || override === null) autoscalerUrl = null;
  else if (override) autoscalerUrl = httpUrl(override, 'autoscaler_url', f.autoscaler_url!, r);
  else if (f.autoscaler_instance) autoscalerUrl = autoscalerUrlFor(instance);
  else autoscalerUrl = defaults.autoscalerUrl;
  let consoleUrl: string | null;
  if (webserver === null) consoleUrl = null;
  else if (f.webserver_url && webserver === undefined) {
    r.reports.push(problem('webserver_url', 'webserver_url=None: the SDK needs a console URL here (it raises AttributeError)', f.webserver_url.range));
    consoleUrl = null;
  } else consoleUrl = webserver === undefined ? defaults.consoleUrl : httpUrl(webserver, 'webserver_url', f.webserver_url!, r);
  return { autoscalerUrl, consoleUrl };
}

function httpUrl(url: string, field: string, arg: Argument, r: Reader): string | null {
  if (/^https?:\/\/[^/\s]+/.test(url)) return url;
  r.reports.push(problem(field, `\`${short(arg.value.text)}\` is not an http(s) URL: every request the SDK sends there fails`, useRange(arg.value)));
  return null;
}

/** `Deployment(api_key=...)`: the key the SDK uses before any other. Absent → undefined; unreadable → null. */
function readApiKey(arg: Argument | undefined, r: Reader): string | null | undefined {
  if (!arg) return undefined;
  const key = r.optionalStr(arg, 'api_key');
  if (key === null) return null;
  if (!key?.trim()) {
    r.reports.push(problem('api_key', `api_key=${key === undefined ? 'None' : '""'} passes no key: the SDK stops with "API key missing" (leave it out to use VAST_API_KEY or the key file)`, arg.range));
    return null;
  }
  return key;
}

export function readAutoscaling(deployment: Deployment, r: Reader): AutoscalingSettings | undefined {
  const calls = deployment.autoscaling.calls;
  if (!calls.length) {
    r.reports.push(
      problem('autoscaling', 'configure_autoscaling() is never called: the SDK refuses to deploy without it (call it, even with no arguments)', deployment.call.range),
    );
    return undefined;
  }
  for (const call of calls) {
    for (const a of call.args) {
      if (a.splat) r.reports.push(unknown('autoscaling', { text: a.splat + a.value.text, range: a.range }, 'may set any autoscaling key'));
      else if (!a.name) r.reports.push(problem('autoscaling', `configure_autoscaling() takes keywords only; \`${short(a.value.text)}\` raises TypeError`, a.range));
    }
  }
  const out: AutoscalingSettings = {};
  for (const key of AUTOSCALING_KEYS) {
    const arg = deployment.autoscaling.merged.get(key);
    if (!arg) continue;
    const v = r.value(arg.value, key);
    if (v === undefined || v === null) continue; // None is dropped from the body, like every None field
    const n = r.number(v, key);
    if (n !== undefined) out[key] = n;
    else if (typeof v === 'string') out[key] = v;
    else r.reports.push(problem(key, `\`${short(arg.value.text)}\` must be a number, not ${pyTypeName(v)}`, useRange(arg.value)));
  }
  for (const [key, arg] of deployment.autoscaling.merged) {
    if (!(AUTOSCALING_KEYS as readonly string[]).includes(key)) {
      r.reports.push(problem('autoscaling', `\`${key}\` is not a configure_autoscaling() key: the deploy request raises TypeError`, arg.nameSpan?.range ?? arg.range));
    }
  }
  return out;
}

/**
 * The bundle of `deployment` (one of `model.deployments`), or every value that stops it being built. Copy sources
 * resolve against the deployment file's folder (the SDK resolves them against the current directory of the process
 * that runs the file, which is usually the same folder).
 */
export async function buildBundle(model: DeploymentModel, deployment: Deployment, options: BuildBundleOptions): Promise<BundleResult> {
  const r = new Reader({ model, environment: options.environment });
  const d = readDeployment(deployment, r, options.target);

  if (!deployment.remotes.length) {
    r.reports.push(problem('remote', 'no @remote function: the SDK has no module to deploy ("unbound deployment")', deployment.call.range));
  }

  // app.image(...) replaces the image each time: the last call is the one deployed, with the steps on it.
  const image = deployment.images[deployment.images.length - 1];
  let fromImage: string | null | undefined = null;
  let storage: number | null | undefined = null;
  const dockerLogin: Partial<Record<(typeof DOCKER_LOGIN_KEYS)[number], string>> = {};
  let workerPort: [string, string] = [...DEFAULT_PORT];
  if (!image) {
    r.reports.push(problem('image', 'no app.image(...) call: the SDK refuses to deploy without an image', deployment.call.range));
  } else {
    for (const a of image.call.args) {
      if (a.splat) r.reports.push(unknown('image', { text: a.splat + a.value.text, range: a.range }, 'unpacks arguments that are only known when Python runs'));
    }
    fromImage = r.optionalStr(image.fromImage, 'from_image');
    storage = r.optionalNumber(image.storage, 'storage');
    if (fromImage === undefined || storage === undefined) {
      r.reports.push(problem('image', 'app.image() needs from_image and storage (GB): Python raises TypeError', image.call.range));
    }
    for (const kw of image.keywords) {
      if ((DOCKER_LOGIN_KEYS as readonly string[]).includes(kw.name!)) {
        const v = r.optionalStr(kw, kw.name!);
        if (typeof v === 'string') dockerLogin[kw.name as (typeof DOCKER_LOGIN_KEYS)[number]] = v;
      } else if (kw.name === 'worker_port') {
        const v = r.value(kw.value, 'worker_port');
        if (v instanceof PyTuple && v.items.length === 2 && typeof v.items[1] === 'string') workerPort = [pythonStr(v.items[0] as PyValue), v.items[1]];
        else if (v !== undefined) r.reports.push(problem('worker_port', `\`${short(kw.value.text)}\` must be a (number, "tcp") tuple`, useRange(kw.value)));
      } else {
        r.reports.push(problem('image', `\`${kw.name}\` is not an app.image() parameter: the deploy request raises TypeError`, kw.nameSpan?.range ?? kw.range));
      }
    }
  }
  const steps = image ? readImageSteps(image, r.ctx) : undefined;
  if (steps) r.reports.push(...steps.reports);

  const baseDir = path.dirname(options.filePath);
  const copies: CopySpec[] = [];
  for (const c of steps?.settings.copies ?? []) {
    const kind = copyKind(c.src, baseDir);
    const src = path.resolve(baseDir, c.src);
    if (!kind) r.reports.push(problem('copy', `${c.src} does not exist (looked for ${src}): the SDK raises FileNotFoundError`, c.range));
    else copies.push({ src, dst: c.dst, kind });
  }

  const search = image ? searchParams(image.requirements, r.ctx) : undefined;
  if (search && !search.ok) r.reports.push(...search.reports);

  const autoscaling = readAutoscaling(deployment, r);

  if (r.reports.length || !image || !steps || !search?.ok || !autoscaling) return { ok: false, unknowns: r.reports };
  if (d.name === null || d.tag === null || d.versionLabel === null || d.ttl === null || d.apiKey === null) return { ok: false, unknowns: r.reports };
  if (d.autoscalerUrl === null || d.consoleUrl === null || typeof fromImage !== 'string' || typeof storage !== 'number') {
    return { ok: false, unknowns: r.reports };
  }

  const config = deployConfig(d.name ?? '', steps.settings);
  const json = configJson(config);
  let fileHash: string;
  try {
    fileHash = await contentHash(json, options.fileBytes, copies, baseDir);
  } catch (err) {
    return { ok: false, unknowns: [problem('copy', (err as Error).message)] };
  }
  const env = envFlags({
    ports: steps.settings.ports,
    workerPort,
    venv: steps.settings.venv,
    autoscalerUrl: d.autoscalerUrl,
    webserverUrl: d.consoleUrl,
  });

  const putName = d.name ? d.name : moduleNameOf(options.filePath);
  const putBody: Omit<DeploymentPutBody, 'file_size'> = {
    name: putName,
    image: fromImage,
    file_hash: fileHash,
    env,
    tag: d.tag,
    search_params: search.text,
    storage,
  };
  if (d.ttl !== undefined) putBody.ttl = d.ttl;
  if (d.versionLabel !== undefined) putBody.version_label = d.versionLabel;
  for (const key of DOCKER_LOGIN_KEYS) if (dockerLogin[key] !== undefined) putBody[key] = dockerLogin[key];
  for (const key of AUTOSCALING_KEYS) if (autoscaling[key] !== undefined) (putBody as Record<AutoscalingKey, unknown>)[key] = autoscaling[key];

  const bundle: Bundle = {
    filePath: options.filePath,
    config,
    configJson: json,
    fileHash,
    copies,
    putBody,
    autoscaling,
    identity: { name: putName, tag: d.tag },
    consoleUrl: d.consoleUrl,
    autoscalerUrl: d.autoscalerUrl,
    pythonFloats: [...r.floats].filter((field) => field in putBody),
  };
  if (d.apiKey !== undefined) bundle.apiKey = d.apiKey;
  return { ok: true, bundle };
}

// Kept where it was first exported; it lives apart so the deploy flow does not pull the bundle builder in.
