// `npm start`: from a fresh checkout to the real editor. Sets up what is missing (npm packages, code-server),
// builds, packages the extension, installs it into a profile of its own under .vscode-test/start/, and serves
// VS Code (code-server) on 127.0.0.1 with examples/ open, after starting the local serverless engine. Prints both
// URLs and runs until Ctrl+C, then stops every process it started.
//
// Environment: PORT (first port to try; default 8080, the next free one is used), CODE_SERVER, VSCODE_CI_CACHE,
// VAST_DEPLOY_STATE (the engine's state folder).
// Exit codes: 0 after Ctrl+C, 1 when a step or a service fails, 2 when Debian packages are missing and this user
// cannot install them (the apt-get command is printed).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, installedCodeServer, missingInstallPrerequisites, which } from './code-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const START_DIR = join(root, '.vscode-test', 'start');
const VSIX = join(root, '.vscode-test', 'vast-deployments.vsix');
const WORKSPACE = join(root, 'examples');
const PROFILE = { extensionsDir: join(START_DIR, 'extensions'), userDataDir: join(START_DIR, 'user-data') };
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'git.openRepositoryInParentFolders': 'never', // examples/ sits inside this repository
};

class ExitError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

const say = (line) => console.log(`[start] ${line}`);

/** Runs a command in the repo root. With `quiet`, its output is shown only when it fails. */
function run(cmd, args, { quiet = false, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'] });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', (err) => reject(new Error(`${cmd}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(output);
      if (quiet) process.stderr.write(output);
      reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? code}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Setup steps, in order. Each is idempotent and quick when there is nothing to do.

/** libkrb5-dev and ripgrep are needed once, to install code-server. As root (CI, containers) they are installed. */
async function debianPackages() {
  if (installedCodeServer()) return 'not needed (code-server is installed)';
  const missing = missingInstallPrerequisites();
  if (!missing.length) return 'present';
  const command = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0 || !which('apt-get')) {
    throw new ExitError(
      `code-server's install needs Debian packages that are missing: ${missing.join(', ')}.\n` +
        `Install them, then run npm start again:\n\n  sudo apt-get update && sudo ${command}\n`,
      2,
    );
  }
  say(`installing ${missing.join(' ')} with apt-get (running as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-q'], { quiet: true, env });
  await run('apt-get', ['install', '-y', '-q', ...missing], { quiet: true, env });
  return `installed ${missing.join(' ')}`;
}

async function npmPackages() {
  if (existsSync(join(root, 'node_modules'))) return 'present';
  await run('npm', ['install', '--no-audit', '--no-fund']);
  return 'installed';
}

async function build() {
  await run('node', ['scripts/build.mjs']);
  return 'dist/ up to date';
}

async function packageVsix() {
  mkdirSync(dirname(VSIX), { recursive: true });
  await run('npx', ['vsce', 'package', '--allow-missing-repository', '--skip-license', '-o', VSIX], { quiet: true });
  return VSIX;
}

let codeServerBin;
async function codeServer() {
  codeServerBin = await ensureCodeServer({ log: say });
  return codeServerBin;
}

function profileArgs() {
  return ['--config', '/dev/null', '--extensions-dir', PROFILE.extensionsDir, '--user-data-dir', PROFILE.userDataDir];
}

/** The profile persists between runs (the editor's state survives); the extension is reinstalled each time. */
async function profile() {
  const settingsFile = join(PROFILE.userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(settingsFile), { recursive: true });
  mkdirSync(PROFILE.extensionsDir, { recursive: true });
  let settings = {};
  if (existsSync(settingsFile)) {
    try {
      settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    } catch {
      say(`${settingsFile} is not plain JSON (comments?); leaving it as it is`);
      settings = undefined;
    }
  }
  if (settings) writeFileSync(settingsFile, `${JSON.stringify({ ...settings, ...USER_SETTINGS }, null, 2)}\n`);
  await run(codeServerBin, [...profileArgs(), '--install-extension', VSIX, '--force'], { quiet: true });
  return START_DIR;
}

const steps = [
  ['Debian packages', debianPackages],
  ['npm packages', npmPackages],
  ['build', build],
  ['package', packageVsix],
  ['code-server', codeServer],
  ['profile', profile],
];

// ---------------------------------------------------------------------------------------------------------------
// Services: long-running processes, started in this order once the steps are done and stopped together (in
// reverse order) on exit. A service is { name, start(): Promise<{ url, stop(), exited }> }; startService() below
// does the spawning, logging, readiness probe and process-group kill, so a new one (the local serverless engine
// will be one, listed before the editor) is a single entry.

function isPortFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function freePortFrom(first) {
  for (let port = first; port < first + 100; port++) if (await isPortFree(port)) return port;
  throw new Error(`no free port in ${first}-${first + 99}`);
}

/**
 * Spawns `cmd` in its own process group with its output in `.vscode-test/start/<name>.log`, and resolves once
 * `healthUrl` answers 2xx. `exited` resolves with the exit status if the process ends on its own.
 */
async function startService(name, cmd, args, { healthUrl, url, timeoutMs = 30_000 }) {
  mkdirSync(START_DIR, { recursive: true });
  const logFile = join(START_DIR, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(cmd, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let status;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve((status = signal ?? code))));
  child.on('error', (err) => log.write(`spawn failed: ${err.message}\n`));
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    if (!killGroup('SIGTERM')) return;
    for (let i = 0; i < 30 && killGroup(0); i++) await new Promise((r) => setTimeout(r, 100));
    killGroup('SIGKILL');
  };
  process.on('exit', () => killGroup('SIGKILL')); // last resort if this process dies without cleaning up
  const tail = () => readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (status !== undefined) throw new Error(`${name} exited (${status}) during start-up. Its log (${logFile}):\n${tail()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer ${healthUrl} within ${timeoutMs / 1000} s. Its log (${logFile}):\n${tail()}`);
    }
    try {
      if ((await fetch(healthUrl)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { name, url, logFile, stop, exited };
}

const editor = {
  name: 'code-server',
  async start() {
    mkdirSync(WORKSPACE, { recursive: true });
    const port = await freePortFrom(Number(process.env.PORT || 8080));
    const base = `http://127.0.0.1:${port}`;
    return startService(
      'code-server',
      codeServerBin,
      [
        ...profileArgs(),
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        WORKSPACE,
      ],
      { healthUrl: `${base}/healthz`, url: `${base}/?folder=${WORKSPACE}` },
    );
  },
};

/**
 * The local serverless engine (the daemon of `vast-deploy engine start`), in the state folder the extension uses
 * too ($VAST_DEPLOY_STATE, else ~/.local/state/vast-deploy): deploys from the editor go to it at once. An engine
 * that already ran is left running on exit; one started here is stopped.
 */
const engine = {
  name: 'local engine',
  async start() {
    const output = await run('node', ['dist/cli.js', 'engine', 'start', '--format', 'json'], { quiet: true });
    const line = output.split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`vast-deploy engine start printed no status:\n${output}`);
    const info = JSON.parse(line);
    const startedHere = info.note === 'engine started';
    return {
      name: 'local engine',
      url: info.url,
      logFile: join(info.state_dir, 'engine.log'),
      stop: async () => {
        if (startedHere) await run('node', ['dist/cli.js', 'engine', 'stop'], { quiet: true }).catch(() => undefined);
      },
      exited: new Promise(() => undefined), // a detached daemon: the editor reports it if it goes away
    };
  },
};

const services = [engine, editor];

// ---------------------------------------------------------------------------------------------------------------

const running = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const service of running.reverse()) {
    say(`stopping ${service.name}`);
    await service.stop();
  }
  process.exit(code);
}

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(0));
  for (const [name, step] of steps) {
    const t0 = Date.now();
    const result = await step();
    say(`${name}: ${result} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  for (const service of services) {
    const handle = await service.start();
    running.push(handle);
    say(`${handle.name} ready (log: ${handle.logFile})`);
    handle.exited.then((status) => {
      if (stopping) return;
      console.error(`[start] ${handle.name} stopped on its own (${status}); see ${handle.logFile}`);
      void stopAll(1);
    });
  }
  const editorUrl = running.find((s) => s.name === editor.name).url;
  const engineUrl = running.find((s) => s.name === engine.name).url;
  console.log(
    `\n  Vast Deployments is running in VS Code (code-server):\n\n      ${editorUrl}\n\n` +
      `  Local serverless engine (deploys go here by default):\n\n      ${engineUrl}\n\n  Press Ctrl+C to stop.\n`,
  );
}

main().catch(async (err) => {
  console.error(`\n[start] ${err.message}`);
  await stopAll(err instanceof ExitError ? err.code : 1);
});
