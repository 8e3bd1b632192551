// A minimal LSP client for benchmarks: spawns the real bundled server over stdio and speaks JSON-RPC with
// vscode-jsonrpc, so what we time is exactly what an editor would see (framing, JSON, scheduling included).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');

/** VmRSS and VmHWM (peak RSS) of a process in MB, from /proc (Linux); undefined elsewhere. */
export function processMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

export class LspServer {
  /** Spawns `node <serverPath> --stdio` (plus `nodeArgs`, e.g. --cpu-prof). `spawnedAt` is the performance.now() of the spawn. */
  constructor(serverPath, { nodeArgs = [], cwd } = {}) {
    this.spawnedAt = performance.now();
    this.proc = spawn(process.execPath, [...nodeArgs, serverPath, '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.conn = rpc.createMessageConnection(new rpc.StreamMessageReader(this.proc.stdout), new rpc.StreamMessageWriter(this.proc.stdin));
    /** uri → callbacks waiting for a publishDiagnostics of that uri. */
    this.waiters = new Map();
    this.logErrors = [];
    this.conn.onNotification('textDocument/publishDiagnostics', (params) => {
      const at = performance.now();
      const list = this.waiters.get(params.uri) ?? [];
      this.waiters.set(
        params.uri,
        list.filter((w) => !w(params, at)),
      );
    });
    this.conn.onNotification('window/logMessage', (p) => {
      if (p.type === 1) this.logErrors.push(p.message);
    });
    // The server may ask for configuration or register capabilities; answer like a quiet client.
    this.conn.onRequest(() => null);
    this.conn.listen();
  }

  get pid() {
    return this.proc.pid;
  }

  async initialize(rootUri) {
    const result = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'bench' }] : null,
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
    });
    await this.conn.sendNotification('initialized', {});
    return result;
  }

  /**
   * Resolves with { params, at } on the first publishDiagnostics for `uri` whose version is `version` (any version
   * when undefined). Register before sending the change so a fast answer cannot be missed.
   */
  diagnosticsFor(uri, version, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version} in ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiters.get(uri) ?? [];
      list.push((params, at) => {
        if (version !== undefined && params.version !== version) return false;
        clearTimeout(timer);
        resolve({ params, at });
        return true;
      });
      this.waiters.set(uri, list);
    });
  }

  open(uri, text, version = 1) {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
  }

  change(uri, version, contentChanges) {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  async shutdown() {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // the server may already be gone
    }
    const exited = this.proc.exitCode !== null || this.proc.signalCode !== null ? Promise.resolve() : new Promise((r) => this.proc.once('exit', r));
    const timer = setTimeout(() => this.proc.kill(), 3000);
    await exited;
    clearTimeout(timer);
    this.conn.dispose();
  }
}
