// Shared pieces of the end-to-end tests that run the REAL worker runtime (dist/python, `python -m vast_worker`) under
// the in-process engine, driven through the real deploy flow and API client.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, before } from 'node:test';
import { initPythonParser } from '../../src/analysis/document';
import { engineTarget } from '../../src/engine/daemon/client-info';
import { Engine, type EngineOptions } from '../../src/engine/server/engine';
import { VastClient } from '../../src/vast-api/client';
import { deploy, type DeployOutcome } from '../../src/deploy/deployFlow';
import { loadDeployment, type LoadedDeployment } from '../../src/deploy/bundle/loadDeployment';
import { writeTarball } from '../../src/deploy/bundle/tarball';
import type { Target } from '../../src/shared/protocol/target';
import { fixturePath, repoRoot } from '../support/paths';
import { tempStateDir, TEST_MACHINE } from './helpers';

/** dist/python (the runtime, built by scripts/build.mjs) plus the vLLM test double the llm example imports. */
export function realWorkerPath(): string {
  return [path.join(repoRoot(), 'dist', 'python'), fixturePath('e2e', 'pystubs')].join(path.delimiter);
}

export async function startRealEngine(overrides: Partial<EngineOptions> = {}): Promise<Engine> {
  return Engine.start({
    stateDir: overrides.stateDir ?? tempStateDir(),
    workerModule: 'vast_worker',
    workerPath: realWorkerPath(),
    machineFacts: TEST_MACHINE,
    workerLimit: 2,
    tickMs: 150,
    backoffBaseMs: 300,
    backoffMaxMs: 2000,
    ...overrides,
  });
}

export function targetOf(engine: Engine, apiKey = engine.apiKey): Target {
  return engineTarget({ url: engine.url, port: engine.port, pid: process.pid, apiKey, stateDir: engine.options.stateDir });
}

export function clientOf(engine: Engine, apiKey = engine.apiKey): VastClient {
  return new VastClient(targetOf(engine, apiKey));
}

/** Writes engine.json the way the daemon does, so the CLI (`VAST_DEPLOY_STATE=<state>`) talks to this engine. */
export function publishEngineInfo(engine: Engine): void {
  const info = { url: engine.url, port: engine.port, pid: process.pid, api_key: engine.apiKey, started_at: Date.now() / 1000, version: 'test', state_dir: engine.options.stateDir };
  fs.writeFileSync(path.join(engine.options.stateDir, 'engine.json'), JSON.stringify(info), { mode: 0o600 });
}

/** Points the CLI at this engine (engine.json, VAST_DEPLOY_STATE, the default local target); returns the undo. */
export function cliUsesEngine(engine: Engine): () => void {
  const saved = { state: process.env.VAST_DEPLOY_STATE, target: process.env.VAST_DEPLOY_TARGET };
  publishEngineInfo(engine);
  process.env.VAST_DEPLOY_STATE = engine.options.stateDir;
  delete process.env.VAST_DEPLOY_TARGET;
  return () => {
    if (saved.state === undefined) delete process.env.VAST_DEPLOY_STATE;
    else process.env.VAST_DEPLOY_STATE = saved.state;
    if (saved.target !== undefined) process.env.VAST_DEPLOY_TARGET = saved.target;
  };
}

/** loadDeployment + the deploy flow (confirming tier 3/4), waiting for a ready worker unless `wait` is false. */
export async function deployFile(engine: Engine, file: string, wait = true): Promise<{ loaded: LoadedDeployment; outcome: DeployOutcome }> {
  const target = targetOf(engine);
  const loaded = await loadDeployment(file, { target });
  const client = new VastClient(target);
  const outcome = await deploy(loaded, client, target, { confirm: async () => true }, { pack: writeTarball, wait, readyTimeoutMs: 120_000, pollIntervalMs: 100 });
  return { loaded, outcome };
}

/** A copy of a folder (an example or fixture) in a temp dir, so a test can edit its deploy.py. */
export function copyFolder(from: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-e2e-'));
  fs.cpSync(from, dir, { recursive: true });
  return dir;
}

/** Replaces one exact piece of text in a file; fails loudly when it is not there (the test would test nothing). */
export function editFile(file: string, from: string | RegExp, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: ${String(from)} not found`);
  fs.writeFileSync(file, next);
}

/** A ustar header + body for one regular file, written by hand so the name can hold `..` (tar refuses to). */
function tarEntry(name: string, body: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write(Math.floor(Date.now() / 1000).toString(8).padStart(11, '0') + '\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  body.copy(padded);
  return Buffer.concat([header, padded]);
}

export function handMadeTarball(entries: Record<string, string>): Buffer {
  const parts = Object.entries(entries).map(([name, text]) => tarEntry(name, Buffer.from(text)));
  return zlib.gzipSync(Buffer.concat([...parts, Buffer.alloc(1024)]));
}

/** Every file under `dir`, relative (for "nothing was written there" checks). */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

/**
 * A real engine for the tests of the enclosing file or describe, with the CLI pointed at it: started (parser ready)
 * before them, given to `started`, and closed, the CLI's engine restored, after them.
 */
export function engineForCliTests(started: (engine: Engine) => void = () => undefined, overrides: Partial<EngineOptions> = {}): void {
  let engine: Engine | undefined;
  let restoreCli: (() => void) | undefined;
  before(async () => {
    await initPythonParser();
    engine = await startRealEngine(overrides);
    restoreCli = cliUsesEngine(engine);
    started(engine);
  });
  after(async () => {
    restoreCli?.();
    await engine?.close();
  });
}
