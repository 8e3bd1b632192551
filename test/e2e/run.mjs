#!/usr/bin/env node
// Runs the extension inside a real VS Code: code-server's bundled VS Code OSS (web workbench + Node extension host),
// driven by Debian's Chromium through playwright-core.
//
//   node test/e2e/run.mjs exthost <extensionPath> <testsModule> <workspace>
//       Extension-host tests (@vscode/test-electron style): loads <extensionPath> as the development extension and
//       runs <testsModule>'s run() in the extension host. Prints `exthost: N passed, N failed`.
//   node test/e2e/run.mjs ui <vsix> <workspace> <outDir>
//       Installs <vsix> into a fresh profile, opens a copy of <workspace>, opens bad_deploy.py from the explorer and
//       checks what the user sees (VD001 squiggle, Problems entry, marker highlighting), then the lenses on
//       good_deploy.py and the Vast sidebar, then Deploy from the lens to the real local engine until the tree shows
//       a ready worker, Show logs on the result toast, and a tier 3 change: the modal, Deploy in it, Show workers; a tier 2 change deployed from the plan view's button;
//       screenshots (diagnostics, codelens, sidebar, welcome, deployed, logs, tier3-modal, tier3-deployed, plan-view) go to <outDir>;
//       then the newcomer path on examples/square, ending with Watch: a fix saved in the editor updates the inline result.
//       Prints `ui: N passed, N failed`.
//
// Environment: CODE_SERVER (launcher; default: scripts/code-server.mjs's cache, installed on demand),
// CHROMIUM (default /usr/bin/chromium), VAST_E2E_TIMEOUT_S (default 180), VAST_E2E_VERBOSE=1 (echo code-server's
// log and the browser console), VAST_E2E_KEEP=1 (keep the temporary profile).
// Exit code: 0 when every test passed and at least one ran; 1 otherwise; 2 on bad usage.
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { ensureCodeServer } from '../../scripts/code-server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// The whole run of a mode: the extension-host suites and the UI steps start real workers (debugging, watch) on a
// 2-core machine; each test has its own, shorter limit.
const TIMEOUT_MS = Number(process.env.VAST_E2E_TIMEOUT_S || 480) * 1000;
const VERBOSE = process.env.VAST_E2E_VERBOSE === '1';
const PYTHON_WITH_DEBUGPY = '/usr/bin/python3';
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
};

/**
 * VS Code ≥ ~1.10x only reads the test payload (extensionDevelopmentPath, extensionTestsPath) when
 * developmentOptions.enableSmokeTestDriver is set in the page's configuration. code-server cannot set it, so patch
 * the data-settings attribute the workbench reads; harmless on 1.100.
 */
function enableSmokeTestDriver() {
  const original = Element.prototype.getAttribute;
  Element.prototype.getAttribute = function (name) {
    const value = original.call(this, name);
    if (name === 'data-settings' && this.id === 'vscode-workbench-web-configuration' && value) {
      try {
        const config = JSON.parse(value);
        config.developmentOptions = { ...config.developmentOptions, enableSmokeTestDriver: true };
        return JSON.stringify(config);
      } catch {
        return value;
      }
    }
    return value;
  };
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (line) => console.log(`[e2e ${elapsed()}] ${line}`);

// Everything cleanup() must undo, filled in as the run goes.
const state = { server: undefined, browser: undefined, profile: undefined, logFile: undefined, ok: false };

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

function makeProfile() {
  const dir = mkdtempSync(join(tmpdir(), 'vast-e2e-'));
  const userDataDir = join(dir, 'data');
  const extensionsDir = join(dir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  state.profile = dir;
  state.logFile = join(dir, 'code-server.log');
  return { dir, userDataDir, extensionsDir };
}

function profileArgs(profile) {
  return ['--config', '/dev/null', '--extensions-dir', profile.extensionsDir, '--user-data-dir', profile.userDataDir];
}

function runToEnd(cmd, args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolveRun(output) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
}

/** Starts code-server in its own process group and resolves once /healthz answers. */
async function startCodeServer(bin, profile) {
  const port = await freePort();
  const log = createWriteStream(state.logFile);
  const args = [
    ...profileArgs(profile),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
  ];
  // No local engine and no API key: the extension sees a clean machine whatever this one has.
  const env = { ...process.env, VAST_DEPLOY_STATE: join(profile.dir, 'engine-state'), XDG_CONFIG_HOME: join(profile.dir, 'config') };
  delete env.VAST_API_KEY;
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  state.server = child;
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipe(log, { end: false });
    if (VERBOSE) stream.on('data', (d) => process.stderr.write(`[code-server] ${d}`));
  }
  let exited;
  child.on('exit', (code, signal) => (exited = signal ?? code));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`code-server exited (${exited}) before it answered /healthz`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { port, base };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('code-server did not answer /healthz within 30 s');
}

/** `testDriver`: the extension-host mode needs it to run tests; it also makes the workbench refuse modal dialogs. */
async function openBrowser({ testDriver }) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  state.browser = browser;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  if (VERBOSE) {
    page.on('console', (m) => process.stderr.write(`[browser ${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => process.stderr.write(`[browser pageerror] ${e.message}\n`));
  }
  if (testDriver) await page.addInitScript(enableSmokeTestDriver);
  return page;
}

function logTail(lines = 40) {
  try {
    return readFileSync(state.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no code-server log)';
  }
}

/** The extension starts the local engine as a detached daemon (its own process group): stop it with the run. */
async function stopEngineOf(stateDir) {
  let pid;
  try {
    pid = JSON.parse(readFileSync(join(stateDir, 'engine.json'), 'utf8')).pid;
  } catch {
    return; // never started, or stopped cleanly
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || !alive()) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}

async function cleanup() {
  const { browser, server, profile } = state;
  state.browser = state.server = undefined;
  if (browser) await Promise.race([browser.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
  if (server?.pid) {
    // Kill the whole group: code-server leaves file watcher and extension host children otherwise.
    const kill = (signal) => {
      try {
        process.kill(-server.pid, signal);
        return true;
      } catch {
        return false; // group already gone
      }
    };
    if (kill('SIGTERM')) {
      for (let i = 0; i < 30 && kill(0); i++) await new Promise((r) => setTimeout(r, 100));
      kill('SIGKILL');
    }
  }
  if (profile) await stopEngineOf(join(profile, 'engine-state'));
  if (profile && process.env.VAST_E2E_KEEP !== '1') rmSync(profile, { recursive: true, force: true });
  else if (profile) say(`kept profile ${profile}`);
}

// ---------------------------------------------------------------------------------------------------------------
// exthost mode

async function runExthost([extensionPath, testsModule, workspace]) {
  if (!extensionPath || !testsModule || !workspace) usage();
  extensionPath = resolve(extensionPath);
  testsModule = resolve(testsModule);
  workspace = resolve(workspace);
  for (const p of [join(extensionPath, 'package.json'), testsModule, workspace]) {
    if (!existsSync(p)) throw new Error(`${p} does not exist (build first: node scripts/build.mjs && node scripts/build-exthost.mjs)`);
  }
  const bin = await ensureCodeServer();
  const profile = makeProfile();
  // A copy: the suites write files (deployments, payloads) and a run killed half-way must not leave them in the
  // fixture for the next run (the UI layer copies the same fixture).
  const fixture = workspace;
  workspace = join(profile.dir, 'ws');
  cpSync(fixture, workspace, { recursive: true });
  const { port, base } = await startCodeServer(bin, profile);
  say(`code-server up on port ${port}`);

  const page = await openBrowser({ testDriver: true });
  let result; // { passed, failed } from the EXTHOST-RESULT line
  let begun = VERBOSE; // workbench chatter before the test module's EXTHOST-BEGIN is held back unless it fails
  const early = [];
  let resolveExit;
  const exitCode = new Promise((r) => (resolveExit = r));
  // Both must exist before the workbench loads: it looks for them to forward the extension host's console (and
  // its own log) and to report the tests' end.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = format(...(Array.isArray(args) ? args : [args]));
    const m = /EXTHOST-RESULT (\{.*\})/.exec(line);
    if (m) result = JSON.parse(m[1]);
    else if (line.includes('EXTHOST-BEGIN')) begun = true;
    else if (begun) console.log(line);
    else early.push(line);
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsModule)],
    ['skipWelcome', 'true'],
  ];
  await page.goto(`${base}/?folder=${workspace}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  say('workbench loading; tests run in the extension host');
  const code = await exitCode;
  say(`extension host exited with ${code}`);

  let { passed = 0, failed = 0 } = result ?? {};
  if (!begun && early.length) console.log(`--- workbench log before the tests started ---\n${early.join('\n')}`);
  if (!result) {
    say('no EXTHOST-RESULT line: the test module did not finish (counted as 1 failure)');
    failed = Math.max(failed, 1);
  } else if (passed + failed === 0) {
    say('no tests ran (counted as 1 failure)');
    failed = 1;
  } else if (code !== 0 && failed === 0) {
    say(`the test run failed outside the tests (exit code ${code}; counted as 1 failure)`);
    failed = 1;
  }
  return { passed, failed };
}

// ---------------------------------------------------------------------------------------------------------------
// ui mode

async function runUi([vsix, workspace, outDir]) {
  if (!vsix || !workspace || !outDir) usage();
  vsix = resolve(vsix);
  workspace = resolve(workspace);
  outDir = resolve(outDir);
  for (const p of [vsix, workspace]) if (!existsSync(p)) throw new Error(`${p} does not exist`);
  mkdirSync(outDir, { recursive: true });

  const bin = await ensureCodeServer();
  const profile = makeProfile();
  // The debugging steps run the workers under debugpy: Debian's python3-debugpy is under /usr/bin/python3 (.ci/run
  // installs it), while the python3 first on PATH may have none. vast.pythonPath is machine-overridable, so in
  // code-server (a remote window) it is read from the machine's settings, not the user's.
  mkdirSync(join(profile.userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(profile.userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'vast.pythonPath': PYTHON_WITH_DEBUGPY }, null, 2));
  // A copy: the steps below edit and save files (a tier 3 change), which must not touch the fixtures.
  const fixture = workspace;
  workspace = join(profile.dir, 'ws');
  cpSync(fixture, workspace, { recursive: true });
  await runToEnd(bin, [...profileArgs(profile), '--install-extension', vsix]);
  say(`installed ${vsix}`);
  const { port, base } = await startCodeServer(bin, profile);
  say(`code-server up on port ${port}`);
  const page = await openBrowser({ testDriver: false });
  await page.goto(`${base}/?folder=${workspace}`);

  let passed = 0;
  let failed = 0;
  const check = async (name, body, timeoutMs = 30_000) => {
    const t0 = Date.now();
    try {
      await Promise.race([
        body(),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)),
      ]);
      passed++;
      console.log(`  ✔ ${name} (${Date.now() - t0} ms)`);
      return true;
    } catch (err) {
      failed++;
      console.log(`  ✖ ${name} (${Date.now() - t0} ms)\n      ${String(err.message ?? err).split('\n').join('\n      ')}`);
      await page.screenshot({ path: join(outDir, 'failure.png') }).catch(() => undefined);
      return false;
    }
  };

  const editor = page.locator('.monaco-editor').filter({ hasText: 'def square' }).first();
  const steps = [
    ['the workbench loads', () => page.locator('.monaco-workbench').waitFor({ state: 'visible' })],
    [
      'bad_deploy.py opens from the explorer',
      async () => {
        const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'bad_deploy.py' });
        await row.waitFor({ state: 'visible' });
        await row.click();
        await editor.locator('.view-lines').waitFor({ state: 'visible' });
      },
    ],
    [
      'the language server puts a squiggle under the non-async remote function',
      () => editor.locator('.squiggly-error, .squiggly-warning').first().waitFor({ state: 'attached' }),
    ],
    [
      'the Problems panel lists VD001',
      async () => {
        await page.locator('.monaco-editor textarea').first().focus().catch(() => undefined);
        await page.keyboard.press('Control+Shift+M');
        await page.locator('.markers-panel .monaco-list-row', { hasText: 'VD001' }).first().waitFor({ state: 'visible' });
      },
    ],
    [
      '!VAST_IGNORE_CHANGES is highlighted apart from its comment',
      async () => {
        const marker = editor.locator('.view-line span span', { hasText: /^!VAST_IGNORE_CHANGES$/ });
        await marker.waitFor({ state: 'visible' });
        const colors = await marker.evaluate((el) => {
          const hash = [...el.parentElement.children].find((s) => s.textContent.trim() === '#');
          return { marker: getComputedStyle(el).color, comment: hash ? getComputedStyle(hash).color : undefined };
        });
        if (!colors.comment) throw new Error('no separate "#" token before the marker');
        if (colors.marker === colors.comment) throw new Error(`marker has the comment's colour ${colors.comment}`);
      },
    ],
  ];
  const shot = async (name) => {
    await page.screenshot({ path: join(outDir, name) });
    say(`screenshot: ${join(outDir, name)}`);
  };
  for (const [name, body] of steps) {
    if (!(await check(name, body))) break; // later steps build on earlier ones
  }
  if (failed === 0) await shot('diagnostics.png');

  // The extension's UI: lenses above Deployment(...) and @remote, and the Vast sidebar. Independent of the
  // diagnostics steps above, so they run even if one of those failed.
  const good = page.locator('.monaco-editor').filter({ hasText: 'good-app' }).first();
  const lens = (text) => good.locator('.codelens-decoration a', { hasText: text }).first();
  const deploymentsPane = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Deployments' }) }).first();
  const toastButton = (toastText, button) =>
    page.locator('.notification-toast', { hasText: toastText }).last().locator('.monaco-button', { hasText: button }).first();
  const uiSteps = [
    [
      'good_deploy.py shows the Deploy, Show plan, target and Run remotely lenses',
      async () => {
        await page.keyboard.press('Escape');
        const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'good_deploy.py' });
        await row.waitFor({ state: 'visible' });
        await row.click();
        await good.locator('.view-lines').waitFor({ state: 'visible' });
        for (const text of ['Deploy', 'Show plan', 'local engine', 'Run remotely']) await lens(text).waitFor({ state: 'visible' });
        await shot('codelens.png');
      },
    ],
    [
      'the Vast sidebar opens from the activity bar with its Deployments view',
      async () => {
        await page.locator('.activitybar .action-item .action-label[aria-label^="Vast"]').first().click();
        const pane = deploymentsPane();
        await pane.waitFor({ state: 'visible' });
        // No key in this run's environment; the local engine appears once planning the open file started it.
        await pane.locator('.welcome-view-content, .monaco-list-row').first().waitFor({ state: 'visible' });
        await shot('sidebar.png');
      },
    ],
    [
      'with no target ready, the Deployments view shows its welcome: start the engine, set a key, the walkthrough',
      async () => {
        const welcome = deploymentsPane().locator('.welcome-view-content');
        await welcome.locator('.monaco-button', { hasText: 'Start Local Engine' }).waitFor({ state: 'visible' });
        await welcome.locator('.monaco-button', { hasText: 'Set API Key' }).waitFor({ state: 'visible' });
        await welcome.locator('a', { hasText: 'Open the walkthrough' }).waitFor({ state: 'visible' });
        await shot('welcome.png');
      },
    ],
    [
      'Deploy from the lens reaches a ready worker on the local engine, and the tree shows it',
      async () => {
        await lens('Deploy').click();
        await page.locator('.notification-toast', { hasText: 'ready in' }).first().waitFor({ state: 'visible', timeout: 90_000 });
        const pane = deploymentsPane();
        const row = pane.locator('.monaco-list-row', { hasText: 'good-app:default' }).first();
        await row.waitFor({ state: 'visible', timeout: 30_000 });
        if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
        await pane.locator('.monaco-list-row', { hasText: /Worker \d+.*Ready/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
        await shot('deployed.png');
      },
      120_000,
    ],
    [
      "Show logs on the deploy's result toast opens the deployment's log channel with the worker's lines",
      async () => {
        await toastButton('ready in', 'Show logs').click();
        const output = page.locator('.part.panel');
        // The engine's lifecycle lines ("status model_loading → idle") are in no other channel.
        await output.locator('.monaco-editor .view-lines', { hasText: /status\s\w+\s→\s\w+/ }).first().waitFor({ state: 'visible', timeout: 20_000 });
        await shot('logs.png');
      },
      45_000,
    ],
    [
      'a tier 3 change asks in a modal dialog; Deploy there recreates the worker and Show workers reveals it',
      async () => {
        const file = join(workspace, 'good_deploy.py');
        writeFileSync(file, readFileSync(file, 'utf8').replace('@vastai-automatic-tag", 16)', '@vastai-automatic-tag", 20)'));
        await lens('tier 3').waitFor({ state: 'visible', timeout: 30_000 });
        await lens('Deploy').click();
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.filter({ hasText: 'recreates every worker' }).waitFor({ state: 'visible' });
        await shot('tier3-modal.png');
        await dialog.locator('.monaco-button', { hasText: /^Deploy$/ }).click();
        await toastButton('hard update', 'Show workers').click({ timeout: 90_000 });
        const pane = deploymentsPane();
        await pane.locator('.monaco-list-row', { hasText: /Worker \d+.*Ready/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
        await lens('tier 0').waitFor({ state: 'visible', timeout: 30_000 });
        await shot('tier3-deployed.png');
      },
      150_000,
    ],
    [
      "the plan view lists a code change as tier 2, and its Deploy button deploys it",
      async () => {
        const file = join(workspace, 'good_deploy.py');
        writeFileSync(file, readFileSync(file, 'utf8').replace('return x * x', 'return x * x  # plan view'));
        await lens('tier 2').waitFor({ state: 'visible', timeout: 30_000 });
        await lens('Show plan').click();
        // The webview's page sits in an iframe inside the webview host iframe.
        const plan = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
        await plan.locator('table tr', { hasText: 'file_hash' }).first().waitFor({ state: 'visible', timeout: 30_000 });
        // Long values (64-character hashes) wrap: the Reason column stays inside the panel.
        const panel = await page.locator('iframe.webview.ready').boundingBox();
        const reason = await plan.locator('th', { hasText: 'Reason' }).boundingBox();
        if (!panel || !reason || reason.x + reason.width > panel.x + panel.width + 1) {
          throw new Error(`the Reason column is cut off: ${JSON.stringify({ panel, reason })}`);
        }
        await shot('plan-view.png');
        await plan.locator('button#deploy').click();
        await page.locator('.notification-toast', { hasText: 'soft update' }).filter({ hasText: 'ready in' }).first().waitFor({ state: 'visible', timeout: 90_000 });
        await lens('tier 0').waitFor({ state: 'visible', timeout: 30_000 });
      },
      150_000,
    ],
  ];
  for (const [name, body, timeoutMs] of uiSteps) await check(name, body, timeoutMs);
  await newcomerPath(page, workspace, check, shot, deploymentsPane);
  await debugPath(page, workspace, check, shot);
  return { passed, failed };
}

/**
 * The newcomer path on examples/square: open it, deploy from the lens, see a Ready worker, run it inline and see the
 * value after the def line, break the function, deploy and run again, and see the traceback mapped to this file.
 */
async function newcomerPath(page, workspace, check, shot, deploymentsPane) {
  const file = join(workspace, 'square', 'deploy.py');
  const square = page.locator('.monaco-editor').filter({ hasText: 'Deployment(name="square")' }).first();
  const lens = (text) => square.locator('.codelens-decoration a', { hasText: text }).first();
  const payload = page.locator('.monaco-editor').filter({ hasText: 'vast-schema:/square/' }).first();
  // Decorations' after-text is drawn by CSS (::after), so it is read from the computed style, with its line's text.
  const inlineAfter = async (editor, lineText, pattern, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await editor.locator('.view-line span').evaluateAll((spans) =>
        spans.map((el) => [el.closest('.view-line')?.textContent ?? '', getComputedStyle(el, '::after').content]).filter(([, c]) => c && c !== 'none' && c !== 'normal'),
      );
      const hit = found.find(([line, content]) => line.replace(/\s+/g, ' ').includes(lineText) && pattern.test(content));
      if (hit) return hit[1];
      if (Date.now() > deadline) throw new Error(`no inline text ${pattern} after "${lineText}" (seen: ${JSON.stringify(found)})`);
      await page.waitForTimeout(300);
    }
  };
  const readyWorkers = () => deploymentsPane().locator('.monaco-list-row', { hasText: /Worker \d+.*Ready/ });
  const steps = [
    [
      'newcomer: square/deploy.py opens with its lenses',
      async () => {
        mkdirSync(join(workspace, 'square'), { recursive: true });
        writeFileSync(file, readFileSync(new URL('../../examples/square/deploy.py', import.meta.url)));
        // The command center (the search box in the title bar) opens quick open, wherever the focus is.
        const quickOpen = async (text, row) => {
          await page.keyboard.press('Escape');
          await page.locator('.command-center').first().click();
          const input = page.locator('.quick-input-widget input');
          await input.waitFor({ state: 'visible' });
          // The widget can still be settling from the last pick and clear what was typed: type until it stays.
          for (let i = 0; (await input.inputValue()) !== text; i++) {
            if (i > 20) throw new Error(`quick open does not keep "${text}"`);
            await input.fill(text);
            await page.waitForTimeout(200);
          }
          await page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first().waitFor({ state: 'visible' });
          await page.keyboard.press('Enter');
        };
        await quickOpen('>View: Close All Editors', 'Close All Editors'); // only this path's views stay
        await quickOpen('square/deploy.py', 'square');
        await lens('Run remotely').waitFor({ state: 'visible' });
      },
    ],
    [
      'newcomer: Deploy from the lens, and the tree shows a Ready worker of square',
      async () => {
        const before = await readyWorkers().count();
        await lens('Deploy').click();
        await page.locator('.notification-toast', { hasText: 'square:default' }).filter({ hasText: 'ready in' }).first().waitFor({ state: 'visible', timeout: 90_000 });
        const row = deploymentsPane().locator('.monaco-list-row', { hasText: 'square:default' }).first();
        await row.waitFor({ state: 'visible', timeout: 30_000 });
        // A refresh of the tree can re-render the row collapsed: expand it again until its worker shows.
        for (let i = 0; (await readyWorkers().count()) <= before; i++) {
          if (i > 60) throw new Error('no Ready worker of square appeared in the tree');
          if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
          await page.waitForTimeout(500);
        }
        await shot('newcomer-deployed.png');
      },
      120_000,
    ],
    [
      'newcomer: Run remotely, then Run on the payload: the value shows inline after the def line',
      async () => {
        await lens('Run remotely').click();
        await payload.locator('.codelens-decoration a', { hasText: 'Run square on the local engine' }).first().click();
        await inlineAfter(square, 'async def square(x):', /→ 4 · \d+ ms · worker/);
        await inlineAfter(payload, '{', /→ 4 · \d+ ms/);
        await shot('newcomer-inline-value.png');
      },
      45_000,
    ],
    [
      'newcomer: break the function, deploy, run it again: the error shows inline and the traceback points at this file',
      async () => {
        // A bug the benchmark (x = 2, 100, -5) does not hit, so the update deploys; the payload hits it.
        const broken = readFileSync(file, 'utf8').replace('return x * x', 'return x * x / (x - 3)');
        const raising = broken.split('\n').findIndex((l) => l.includes('(x - 3)')) + 1;
        writeFileSync(file, broken);
        await lens('tier 2').waitFor({ state: 'visible', timeout: 30_000 });
        await lens('Deploy').click();
        await page.locator('.notification-toast', { hasText: 'square:default' }).filter({ hasText: 'soft update' }).filter({ hasText: 'ready in' }).first().waitFor({ state: 'visible', timeout: 90_000 });
        // The payload that hits the bug: edit x in its editor and save.
        await payload.locator('.view-line', { hasText: /"x":\s2/ }).locator('span', { hasText: /^2$/ }).dblclick();
        await page.keyboard.type('3');
        await page.keyboard.press('Control+S');
        await payload.locator('.view-line', { hasText: /"x":\s3/ }).waitFor({ state: 'visible' });
        await payload.locator('.codelens-decoration a', { hasText: 'Run square on the local engine' }).first().click();
        await inlineAfter(square, 'async def square(x):', /✖ ZeroDivisionError: (float )?division by zero/);
        await square.locator('.squiggly-error').first().waitFor({ state: 'attached' });
        // The Run History view lists the run; its row opens the result view with the mapped traceback.
        const history = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Run History' }) }).first();
        await history.locator('.monaco-list-row', { hasText: 'ZeroDivisionError' }).first().click();
        const view = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
        const frame = view.locator('a.frame', { hasText: `${file}", line ${raising}` });
        await frame.waitFor({ state: 'visible', timeout: 30_000 });
        await shot('newcomer-mapped-traceback.png');
        await frame.click();
        await page.locator('.monaco-editor.focused .view-line', { hasText: /\(x\s-\s3\)/ }).first().waitFor({ state: 'visible' });
      },
      150_000,
    ],
    [
      'watch: Watch from the lens, fix the function in the editor and save: the inline result changes in place',
      async () => {
        await lens(/^\s*Watch\s*$/).click();
        await page.locator('.statusbar-item', { hasText: 'watching square' }).first().waitFor({ state: 'visible', timeout: 30_000 });
        // Nothing changed since the deploy: watching starts by running the last payload (x = 3) again, still the error.
        await square.locator('.codelens-decoration a', { hasText: 'Stop watching' }).first().waitFor({ state: 'visible', timeout: 30_000 });
        await inlineAfter(square, 'async def square(x):', /✖ ZeroDivisionError/);
        await square.locator('.view-line', { hasText: /\(x\s-\s3\)/ }).first().click();
        await page.keyboard.press('End');
        await page.keyboard.press('Shift+Home');
        await page.keyboard.type('return x * x + 1');
        await page.keyboard.press('Escape'); // a completion list, if one opened, takes nothing
        await page.keyboard.press('Control+S');
        // The save soft-updated the worker and ran the payload again: 3 * 3 + 1.
        await inlineAfter(square, 'async def square(x):', /→ 10 · \d+ ms · worker/, 60_000);
        // The narrow editor is scrolled sideways: the cursor at the start of the def line brings the lines' start back.
        await square.locator('.view-line', { hasText: 'async def square' }).first().click();
        await page.keyboard.press('Home');
        await page.keyboard.press('Home');
        await page.waitForTimeout(300);
        await shot('watch-inline-updated.png');
      },
      120_000,
    ],
  ];
  for (const [name, body, timeoutMs] of steps) {
    if (!(await check(name, body, timeoutMs))) break; // each step builds on the one before
  }
}

/**
 * Debug remotely, as a user does it: a breakpoint on square's return line (F9), the Debug remotely lens, the payload
 * {x: 5} run from its lens; VS Code stops there with x = 5 in the Variables view; Continue gives 25 inline. Its own
 * copy of the example under another name, so the newcomer path's broken square does not matter.
 */
async function debugPath(page, workspace, check, shot) {
  const file = join(workspace, 'debug_square', 'deploy.py');
  const square = page.locator('.monaco-editor').filter({ hasText: 'Deployment(name="square-debug")' }).first();
  const lens = (text) => square.locator('.codelens-decoration a', { hasText: text }).first();
  const payload = page.locator('.monaco-editor').filter({ hasText: 'vast-schema:/square-debug/' }).first();
  const returnLine = square.locator('.view-line', { hasText: /return\sx\s\*\sx/ }).first();
  const steps = [
    [
      'debug: a breakpoint on square\'s return line (F9), then Debug remotely attaches to the worker under debugpy',
      async () => {
        mkdirSync(join(workspace, 'debug_square'), { recursive: true });
        writeFileSync(file, readFileSync(new URL('../../examples/square/deploy.py', import.meta.url), 'utf8').replace('Deployment(name="square")', 'Deployment(name="square-debug")'));
        await page.keyboard.press('Escape');
        await page.locator('.command-center').first().click();
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        for (let i = 0; (await input.inputValue()) !== 'debug_square/deploy.py'; i++) {
          if (i > 20) throw new Error('quick open does not keep the file name');
          await input.fill('debug_square/deploy.py');
          await page.waitForTimeout(200);
        }
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'debug_square' }).first().waitFor({ state: 'visible' });
        await page.keyboard.press('Enter');
        await lens('Debug remotely').waitFor({ state: 'visible' });
        await returnLine.click();
        await page.keyboard.press('F9');
        await square.locator('.codicon-debug-breakpoint').first().waitFor({ state: 'visible' });
        await lens('Debug remotely').click();
        await page.locator('.notification-toast', { hasText: 'Debugger attached' }).first().waitFor({ state: 'visible', timeout: 120_000 });
        await page.locator('.debug-toolbar').first().waitFor({ state: 'visible' });
        await shot('debug-attached.png');
      },
      150_000,
    ],
    [
      'debug: the payload {x: 5} run from its lens stops at the breakpoint with x = 5 in the Variables view',
      async () => {
        await page.locator('.notification-toast', { hasText: 'Debugger attached' }).last().locator('.monaco-button', { hasText: 'Run remotely' }).click();
        await payload.locator('.view-line', { hasText: /"x":\s2/ }).locator('span', { hasText: /^2$/ }).dblclick();
        await page.keyboard.type('5');
        await page.keyboard.press('Control+S');
        await payload.locator('.view-line', { hasText: /"x":\s5/ }).waitFor({ state: 'visible' });
        await payload.locator('.codelens-decoration a', { hasText: 'Run square on the local engine' }).first().click();
        // Paused: the editor marks the top stack frame's line, and the Run and Debug view lists the locals.
        await page.locator('.debug-top-stack-frame-line').first().waitFor({ state: 'attached', timeout: 60_000 });
        const variablesPane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Variables' }) }).first();
        const variables = variablesPane.locator('.monaco-list-row', { hasText: /^\s*x\s*[:=]?\s*5\s*$/ }).first();
        await variables.waitFor({ state: 'visible', timeout: 30_000 });
        await shot('debug-breakpoint.png');
      },
      120_000,
    ],
    [
      'debug: Continue lets the call finish: 25 shows inline after the def line; Disconnect ends the session',
      async () => {
        await page.locator('.debug-toolbar .codicon-debug-continue').first().click();
        const deadline = Date.now() + 30_000;
        for (;;) {
          const texts = await square.locator('.view-line span').evaluateAll((spans) => spans.map((el) => getComputedStyle(el, '::after').content));
          if (texts.some((t) => /→ 25 · [\d.]+ m?s · worker/.test(t))) break;
          if (Date.now() > deadline) throw new Error(`no "→ 25" inline (seen: ${JSON.stringify(texts.filter((t) => t && t !== 'none' && t !== 'normal'))})`);
          await page.waitForTimeout(300);
        }
        await shot('debug-continued.png');
        await page.locator('.debug-toolbar .codicon-debug-disconnect').first().click();
        await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 });
      },
      60_000,
    ],
  ];
  for (const [name, body, timeoutMs] of steps) {
    if (!(await check(name, body, timeoutMs))) break; // each step builds on the one before
  }
}

// ---------------------------------------------------------------------------------------------------------------

function usage() {
  console.error(
    'usage: node test/e2e/run.mjs exthost <extensionPath> <testsModule> <workspace>\n' +
      '       node test/e2e/run.mjs ui <vsix> <workspace> <outDir>',
  );
  process.exit(2);
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  const modes = { exthost: runExthost, ui: runUi };
  if (!modes[mode]) usage();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, async () => {
      say(`${signal}: stopping`);
      await cleanup();
      process.exit(130);
    });
  }
  let timer;
  let counts;
  try {
    counts = await Promise.race([
      modes[mode](args),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`global timeout: ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    console.error(`${mode}: ${err.stack ?? err}`);
    if (state.logFile) console.error(`--- code-server log (tail) ---\n${logTail()}`);
    counts = { passed: 0, failed: 1 };
  } finally {
    clearTimeout(timer);
    await cleanup();
  }
  say('done');
  console.log(`${mode}: ${counts.passed} passed, ${counts.failed} failed`);
  process.exit(counts.failed === 0 && counts.passed > 0 ? 0 : 1);
}

await main();
