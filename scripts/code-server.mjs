// Ensures code-server (the npm package that bundles a full VS Code OSS build) is installed in a cache outside
// the work tree, and says where its launcher is. Used by `npm start`, `npm test`, `.ci/run` and test/e2e/run.mjs.
//
//   node scripts/code-server.mjs          install if needed, then print the path of bin/code-server
//   node scripts/code-server.mjs --path   print the path if already installed; exit 1 (printing nothing) if not
//
// The pin is the newest code-server whose engines.node is 20
// (it bundles VS Code 1.100.3). Its install needs three fixes on this machine: the gssapi headers from
// libkrb5-dev (the kerberos addon builds from source), a seeded @vscode/ripgrep download cache (GitHub is
// unreachable), and npm_config_yes=true (node-pty's postinstall runs `npx node-gyp`). Installing Debian
// packages is not this module's job: it fails early with the command to run instead.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
/** @vscode/ripgrep version pinned in code-server 4.100.3's lib/vscode/npm-shrinkwrap.json. */
const RIPGREP_PKG_VERSION = '1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const GSSAPI_HEADER = '/usr/include/gssapi/gssapi.h';

/** The folder code-server is (or will be) installed into. */
export function codeServerDir() {
  const cache = process.env.VSCODE_CI_CACHE || join(homedir(), '.cache', 'vscode-ci');
  return resolve(cache, `code-server-${CODE_SERVER_VERSION}`);
}

/** Path of the launcher when code-server is ready to use ($CODE_SERVER or the cache), else undefined. */
export function installedCodeServer() {
  if (process.env.CODE_SERVER) return existsSync(process.env.CODE_SERVER) ? process.env.CODE_SERVER : undefined;
  const dir = codeServerDir();
  const bin = join(dir, 'node_modules', '.bin', 'code-server');
  return existsSync(join(dir, '.ok')) && existsSync(bin) ? bin : undefined;
}

/** Finds an executable on PATH. */
export function which(name) {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Debian packages the code-server install needs and this machine lacks (empty when the install can go ahead).
 * Only meaningful while code-server is not installed yet: a cached install needs neither.
 */
export function missingInstallPrerequisites() {
  const missing = [];
  if (!existsSync(GSSAPI_HEADER)) missing.push('libkrb5-dev');
  if (!existsSync(ripgrepCacheFile()) && !which('rg')) missing.push('ripgrep');
  return missing;
}

function ripgrepCacheFile() {
  return join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`, RIPGREP_TARBALL);
}

/** @vscode/ripgrep's postinstall looks in this cache before it downloads from GitHub: put Debian's rg there. */
async function seedRipgrepCache() {
  const target = ripgrepCacheFile();
  if (existsSync(target)) return;
  const rg = which('rg');
  mkdirSync(join(target, '..'), { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'rgtar-'));
  try {
    copyFileSync(rg, join(staging, 'rg'));
    await run('tar', ['czf', target, '-C', staging, 'rg'], { stdio: 'inherit' });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Environment for a nested npm: drop what an outer `npm run` exported (ignore-scripts, prefixes, yes=false...). */
function cleanNpmEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ...extra };
}

function run(cmd, args, options) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, options);
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0 ? resolvePromise() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? code}`)),
    );
  });
}

function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Installs code-server@4.100.3 into the cache unless it is there already (a `.ok` stamp marks a finished
 * install) and resolves to the path of its launcher. $CODE_SERVER, when set, wins and is used as is.
 * Rejects with a message that says what to do (missing Debian packages, the install log's tail).
 */
export async function ensureCodeServer({ log = (line) => console.error(line) } = {}) {
  if (process.env.CODE_SERVER) {
    if (!existsSync(process.env.CODE_SERVER)) throw new Error(`CODE_SERVER=${process.env.CODE_SERVER} does not exist`);
    return process.env.CODE_SERVER;
  }
  const ready = installedCodeServer();
  if (ready) return ready;

  const missing = missingInstallPrerequisites();
  if (missing.length) {
    const why = {
      'libkrb5-dev': `${GSSAPI_HEADER} is missing (the kerberos addon builds from source)`,
      ripgrep: 'rg is missing (@vscode/ripgrep would try to download it from GitHub)',
    };
    throw new Error(
      `cannot install code-server@${CODE_SERVER_VERSION}: ${missing.map((p) => why[p]).join('; ')}.\n` +
        `Install the Debian package(s) first:\n  sudo apt-get install -y ${missing.join(' ')}`,
    );
  }

  const dir = codeServerDir();
  const logFile = join(dir, 'install.log');
  const started = Date.now();
  log(`code-server: installing code-server@${CODE_SERVER_VERSION} into ${dir} (about a minute; log: ${logFile})`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await seedRipgrepCache();
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');

  const out = createWriteStream(logFile);
  await new Promise((r) => out.on('open', r));
  try {
    await run(
      'npm',
      ['install', '--unsafe-perm', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`],
      {
        cwd: dir,
        stdio: ['ignore', out, out],
        // npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which ~/.npmrc's yes=false would cancel.
        // npm_config_ignore_scripts=false: code-server's postinstall must run (the repo's .npmrc disables scripts
        // and `npm run` exports that to children).
        env: cleanNpmEnv({ npm_config_yes: 'true', npm_config_ignore_scripts: 'false' }),
      },
    );
  } catch (err) {
    out.end();
    await new Promise((r) => out.on('close', r));
    throw new Error(`${err.message}\n--- last 50 lines of ${logFile} ---\n${tail(logFile, 50)}`);
  }
  out.end();
  await new Promise((r) => out.on('close', r));

  const bin = join(dir, 'node_modules', '.bin', 'code-server');
  if (!existsSync(bin)) throw new Error(`code-server install finished but ${bin} is missing; see ${logFile}`);
  writeFileSync(join(dir, '.ok'), `${new Date().toISOString()}\n`);
  log(`code-server: installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--path')) {
    const bin = installedCodeServer();
    if (bin) console.log(bin);
    process.exit(bin ? 0 : 1);
  }
  ensureCodeServer().then(
    (bin) => console.log(bin),
    (err) => {
      console.error(`code-server: ${err.message}`);
      process.exit(1);
    },
  );
}
