// What the SDK's own serve-mode worker (workerRuntime 'sdk') would do to this machine, read from the deployment's
// tarball before it starts. In a container those steps are harmless; here they act on the user's own system, so the
// engine refuses a deployment that needs them (src/engine/CONTRACT.md "The SDK's worker"):
// - config.json `envs`: it appends them to /etc/environment;
// - `apt_gets`: it runs apt-get update / install;
// - absolute (or `..`) names in the tarball, i.e. copy() destinations: it extracts them to those paths as they are
//   (and links pointing there: later members would be written through them);
// - `pip_installs`: it runs `uv pip install`, which is allowed only into the engine Python's own virtual environment;
// - a DEBUG_DEPLOYMENT_TAR flag: it extracts that file instead of the uploaded code, then deletes it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';

export interface TarballConfig {
  envs: unknown[];
  apt_gets: string[];
  pip_installs: string[];
}

export interface TarballFacts {
  /** Member names (with pax and GNU long names), the first MAX_LISTED_MEMBERS of them. */
  names: string[];
  /** Symbolic and hard links: name → target, the first MAX_LISTED_MEMBERS of them. */
  links: Record<string, string>;
  /** Every name the SDK's extraction would write outside the worker folder (the first few). */
  outside: string[];
  /** Every link pointing outside the worker folder, as `name -> target` (the first few). */
  escapingLinks: string[];
  config?: TarballConfig;
  /** Why the tarball could not be read as the SDK would (a config.json too large to be one). */
  problems: string[];
}

/** How many names and links are listed (the checks still see every member). */
const MAX_LISTED_MEMBERS = 10_000;
/** How many offending names or links are kept for the message. */
const MAX_NAMED = 6;
/** config.json, pax records and GNU long names are read into memory up to this size; no other member is. */
const MAX_READ_MEMBER_BYTES = 4 * 1024 * 1024;

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Reads a deployment .tar.gz as a stream: member names (with pax and GNU long names), links and config.json. Only
 * headers and the few members it needs are held in memory, so a tarball that unpacks to gigabytes (a model's weights,
 * or a gzip bomb) costs the engine no more memory than a small one; the whole archive used to be unpacked in memory.
 */
export async function readTarball(source: Buffer | string): Promise<TarballFacts> {
  const scanner = new TarScanner();
  const input = typeof source === 'string' ? fs.createReadStream(source) : Readable.from([source]);
  const gunzip = zlib.createGunzip();
  input.on('error', (err: Error) => gunzip.destroy(err));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) {
      scanner.push(chunk as Buffer);
      if (scanner.ended) break; // the end-of-archive block: what follows is padding
    }
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return scanner.facts;
}

/** A tar parser fed decompressed bytes in chunks of any size. */
class TarScanner {
  readonly facts: TarballFacts = { names: [], links: {}, outside: [], escapingLinks: [], problems: [] };
  ended = false;
  private header = Buffer.alloc(0);
  /** Bytes of the current member's body (with its padding to 512) still to come. */
  private remaining = 0;
  /** The current member's body, when it is one to read: its type, data size and what arrived so far. */
  private reading?: { type: string; name: string; size: number; chunks: Buffer[]; got: number };
  private longName?: string;
  private longLink?: string;

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - at);
        const r = this.reading;
        if (r && r.got < r.size) {
          const take = Math.min(n, r.size - r.got);
          r.chunks.push(Buffer.from(chunk.subarray(at, at + take)));
          r.got += take;
        }
        this.remaining -= n;
        at += n;
        if (this.remaining === 0) this.endMember();
        continue;
      }
      const take = Math.min(512 - this.header.length, chunk.length - at);
      this.header = Buffer.concat([this.header, chunk.subarray(at, at + take)]);
      at += take;
      if (this.header.length === 512) {
        const header = this.header;
        this.header = Buffer.alloc(0);
        this.startMember(header);
      }
    }
  }

  private startMember(header: Buffer): void {
    if (header.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    const size = parseInt(text(header, 124, 12).trim() || '0', 8) || 0;
    const type = String.fromCharCode(header[156]!);
    this.remaining = Math.ceil(size / 512) * 512;
    if (type === 'x' || type === 'L' || type === 'K' || type === 'g') {
      this.reading = type === 'g' ? undefined : { type, name: '', size, chunks: [], got: 0 };
    } else {
      const prefix = text(header, 257, 6).startsWith('ustar') ? text(header, 345, 155) : '';
      const name = this.longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
      if (type === '1' || type === '2') this.link(name, this.longLink ?? text(header, 157, 100));
      this.longName = undefined;
      this.longLink = undefined;
      this.member(name);
      const isConfig = name.replace(/^\.\//, '') === 'config.json' && (type === '0' || type === '\0');
      this.reading = isConfig ? { type: 'config', name, size, chunks: [], got: 0 } : undefined;
    }
    if (this.reading && size > MAX_READ_MEMBER_BYTES) {
      if (this.reading.type === 'config') this.facts.problems.push(`its config.json is ${size} bytes (a deployment's is a few hundred)`);
      this.reading = undefined;
    }
    if (this.remaining === 0) this.endMember();
  }

  private endMember(): void {
    const r = this.reading;
    this.reading = undefined;
    if (!r) return;
    const body = Buffer.concat(r.chunks);
    if (r.type === 'x') {
      const records = body.toString('utf8');
      this.longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(records)?.[1] ?? this.longName;
      this.longLink = /(?:^|\n)\d+ linkpath=([^\n]*)\n/.exec(records)?.[1] ?? this.longLink;
    } else if (r.type === 'L') this.longName = text(body, 0, body.length);
    else if (r.type === 'K') this.longLink = text(body, 0, body.length);
    else if (r.type === 'config') {
      const raw = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      this.facts.config = {
        envs: list(raw.envs),
        apt_gets: list(raw.apt_gets).map(String),
        pip_installs: list(raw.pip_installs).map(String),
      };
    }
  }

  private member(name: string): void {
    if (this.facts.names.length < MAX_LISTED_MEMBERS) this.facts.names.push(name);
    if (outsideWorkerFolder(name) && this.facts.outside.length < MAX_NAMED) this.facts.outside.push(name);
  }

  private link(name: string, target: string): void {
    if (Object.keys(this.facts.links).length < MAX_LISTED_MEMBERS) this.facts.links[name] = target;
    const escapes = target.startsWith('/') || outsideWorkerFolder(path.posix.join(path.posix.dirname(name), target));
    if (escapes && this.facts.escapingLinks.length < MAX_NAMED) this.facts.escapingLinks.push(`${name} -> ${target}`);
  }
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
  refusals.push(...facts.problems);
  if (!config && !facts.problems.length) refusals.push('the tarball has no config.json');
  const { outside, escapingLinks } = facts;
  if (outside.length) {
    refusals.push(`it would extract ${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', …' : ''} to those paths on this machine (copy() destinations outside the worker folder)`);
  }
  if (escapingLinks.length) {
    refusals.push(`it would create links pointing outside the worker folder (${escapingLinks.slice(0, 5).join(', ')}${escapingLinks.length > 5 ? ', …' : ''})`);
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
