// What the SDK's own serve-mode worker (workerRuntime 'sdk') would do to this machine, read from the deployment's
// tarball before it starts. In a container those steps are harmless; here they act on the user's own system, so the
// engine refuses a deployment that needs them (engine/CONTRACT.md "The SDK's worker"):
// - config.json `envs`: it appends them to /etc/environment;
// - `apt_gets`: it runs apt-get update / install;
// - absolute (or `..`) names in the tarball, i.e. copy() destinations: it extracts them to those paths as they are
//   (and links pointing there: later members would be written through them);
// - `pip_installs`: it runs `uv pip install`, which is allowed only into the engine Python's own virtual environment;
// - a DEBUG_DEPLOYMENT_TAR flag: it extracts that file instead of the uploaded code, then deletes it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export interface TarballConfig {
  envs: unknown[];
  apt_gets: string[];
  pip_installs: string[];
}

export interface TarballFacts {
  names: string[];
  /** Symbolic and hard links: name → target. */
  links: Record<string, string>;
  config?: TarballConfig;
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Member names (with pax and GNU long names) and config.json of a deployment .tar.gz. */
export function readTarball(gz: Buffer): TarballFacts {
  const tar = zlib.gunzipSync(gz);
  const names: string[] = [];
  const links: Record<string, string> = {};
  let config: TarballConfig | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      const records = body.toString('utf8');
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(records)?.[1] ?? longName;
      longLink = /(?:^|\n)\d+ linkpath=([^\n]*)\n/.exec(records)?.[1] ?? longLink;
      continue;
    }
    if (type === 'L' || type === 'K') {
      if (type === 'L') longName = text(body, 0, body.length);
      else longLink = text(body, 0, body.length);
      continue;
    }
    if (type === 'g') continue;
    const prefix = text(header, 257, 6).startsWith('ustar') ? text(header, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    if (type === '1' || type === '2') links[name] = longLink ?? text(header, 157, 100);
    longName = undefined;
    longLink = undefined;
    names.push(name);
    if (name.replace(/^\.\//, '') === 'config.json' && (type === '0' || type === '\0')) {
      const raw = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      config = {
        envs: list(raw.envs),
        apt_gets: list(raw.apt_gets).map(String),
        pip_installs: list(raw.pip_installs).map(String),
      };
    }
  }
  return { names, links, config };
}

/** A name the SDK's extraction would write outside the worker folder. */
function outsideWorkerFolder(name: string): boolean {
  return name.startsWith('/') || name.split('/').includes('..');
}

function onPath(program: string, pathVar: string): boolean {
  return pathVar.split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface SdkPreflight {
  /** Why the SDK's worker must not run this deployment here; empty when it may. */
  refusals: string[];
  /** What it will do that the user should know about (lifecycle lines). */
  notes: string[];
}

/** Checks a deployment's tarball against the SDK worker's side effects; `env` is the worker's environment. */
export function sdkPreflight(facts: TarballFacts, env: Record<string, string>): SdkPreflight {
  const refusals: string[] = [];
  const notes: string[] = [];
  const config = facts.config;
  if (!config) refusals.push('the tarball has no config.json');
  const outside = facts.names.filter(outsideWorkerFolder);
  if (outside.length) {
    refusals.push(`it would extract ${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', …' : ''} to those paths on this machine (copy() destinations outside the worker folder)`);
  }
  const escapingLinks = Object.entries(facts.links).filter(([name, target]) => target.startsWith('/') || outsideWorkerFolder(path.posix.join(path.posix.dirname(name), target)));
  if (escapingLinks.length) {
    refusals.push(`it would create links pointing outside the worker folder (${escapingLinks.slice(0, 5).map(([name, target]) => `${name} -> ${target}`).join(', ')})`);
  }
  if (env.DEBUG_DEPLOYMENT_TAR) refusals.push(`it would extract DEBUG_DEPLOYMENT_TAR=${env.DEBUG_DEPLOYMENT_TAR} instead of the uploaded code, then delete that file`);
  if (config?.envs.length) refusals.push(`it would append the deployment's ${config.envs.length} env variable(s) to /etc/environment`);
  if (config?.apt_gets.length) refusals.push(`it would run apt-get install ${config.apt_gets.join(' ')} on this machine`);
  if (config?.pip_installs.length) {
    const what = `uv pip install ${config.pip_installs.join(' ')}`;
    if (!env.VIRTUAL_ENV) refusals.push(`it would run "${what}", which needs the engine's Python to be a virtual environment's (--python <venv>/bin/python)`);
    else if (!onPath('uv', env.PATH ?? '')) refusals.push(`it would run "${what}", and uv is not on PATH (install uv into ${env.VIRTUAL_ENV})`);
    else notes.push(`the SDK worker runs "${what}" into ${env.VIRTUAL_ENV}`);
  }
  return { refusals, notes };
}

export function refusalMessage(refusals: string[]): string {
  return `the SDK's worker (worker runtime "sdk") cannot run this deployment on this machine: ${refusals.join('; ')}. The bundled worker runtime (the default) runs it inside the worker folder`;
}
