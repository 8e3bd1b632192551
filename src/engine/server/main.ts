// `node dist/engine.js [--state DIR] [--port N] [--python P] [--worker-limit N] [--worker-runtime bundled|sdk]
// [--strict-filters]`: the engine daemon. `vast-deploy engine start` runs it detached; it can also run in the
// foreground. It binds 127.0.0.1 only and writes engine.json (url, port, pid, API key; mode 0600) to the state
// folder once it answers, removing it on exit. Without --port it listens on the port it had last (ports.json), else
// on any free one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { engineClientInfo, engineProcessState, type EngineInfoFile } from '../daemon/client-info';
import { PRODUCT_VERSION } from '../../shared/version';
import { parseDaemonArgs, type DaemonArgs } from './daemon-args';
import { Engine } from './engine';
import { resolveStateDir, STATE_FILES, stateDirProblem, writeFileAtomic } from '../daemon/state-dir';

function stamp(line: string): string {
  return `${new Date().toISOString()} ${line}`;
}

export async function runDaemon(argv: string[]): Promise<void> {
  let args: DaemonArgs;
  try {
    args = parseDaemonArgs(argv);
  } catch (err) {
    process.stderr.write(`vast-deploy engine: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const stateDir = resolveStateDir(args.stateDir);
  // Refuse at once rather than run an engine nobody can find (no engine.json) or stop.
  const problem = stateDirProblem(stateDir);
  if (problem) {
    process.stderr.write(`vast-deploy engine: cannot start: ${problem}\n`);
    process.exitCode = 1;
    return;
  }
  const infoFile = path.join(stateDir, STATE_FILES.engineInfo);
  const previous = safeInfo(stateDir);
  // A stale engine.json (kill -9, power loss) may name a pid that is another program by now: only a proven engine
  // of this state folder blocks the start.
  if (previous && previous.pid !== process.pid && (await engineProcessState(previous)) !== 'stale') {
    process.stderr.write(`vast-deploy engine: already running at ${previous.url} (pid ${previous.pid})\n`);
    process.exitCode = 3;
    return;
  }
  // Whoever reads our output may go away (a pipe whose reader exited): writing then fails with EPIPE, and an error
  // logged by the handlers below would fail again, without end, starving every timer (100% CPU, SIGTERM never
  // completed). Once stdout fails, the engine stops logging there.
  let stdoutBroken = false;
  process.stdout.on('error', () => (stdoutBroken = true));
  process.stderr.on('error', () => undefined);
  const log = (line: string) => {
    if (!stdoutBroken) process.stdout.write(`${stamp(line)}\n`);
  };
  // A bug in one request or timer must not take every deployment down with it.
  process.on('uncaughtException', (err) => log(`uncaught exception (engine keeps running): ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => log(`unhandled rejection (engine keeps running): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));

  let engine: Engine;
  try {
    engine = await Engine.start({ stateDir, port: args.port, python: args.python, workerLimit: args.workerLimit, workerRuntime: args.workerRuntime, strictFilters: args.strictFilters, log });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EADDRINUSE' ? `port ${args.port} is already in use; pick another with --port` : e.message;
    process.stderr.write(`vast-deploy engine: cannot start: ${why}\n`);
    process.exitCode = 1;
    return;
  }
  const info: EngineInfoFile = {
    url: engine.url,
    port: engine.port,
    pid: process.pid,
    api_key: engine.apiKey,
    started_at: Date.now() / 1000,
    version: PRODUCT_VERSION,
    state_dir: stateDir,
  };
  try {
    writeFileAtomic(infoFile, `${JSON.stringify(info, null, 2)}\n`);
  } catch (err) {
    // The folder turned read-only since the check: without engine.json the CLI could neither find nor stop us.
    process.stderr.write(`vast-deploy engine: cannot start: cannot write ${infoFile} (${(err as Error).message})\n`);
    await engine.close().catch(() => undefined);
    process.exit(1);
  }
  log(`engine ${PRODUCT_VERSION} listening on ${engine.url} (pid ${process.pid}, state ${stateDir}, worker runtime ${engine.workerRuntime})`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping workers`);
    void engine
      .close()
      .catch((err: Error) => log(`error while stopping: ${err.message}`))
      .finally(() => {
        try {
          if (safeInfo(stateDir)?.pid === process.pid) fs.rmSync(infoFile, { force: true });
        } catch {
          // leave it; the next start sees a dead pid
        }
        log('stopped');
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function safeInfo(stateDir: string) {
  try {
    return engineClientInfo(stateDir);
  } catch {
    return undefined;
  }
}

if (require.main === module) void runDaemon(process.argv.slice(2));
