// The engine's state folder: where it keeps its port, pid, API key, signing key, deployments and tarballs.
// Everything in it is private to the user (folder 0700, files 0600): the API key there is the engine's only secret.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** `$VAST_DEPLOY_STATE`, else `$XDG_STATE_HOME/vast-deploy`, else `~/.local/state/vast-deploy`. */
export function resolveStateDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  if (env.VAST_DEPLOY_STATE) return path.resolve(env.VAST_DEPLOY_STATE);
  if (env.XDG_STATE_HOME) return path.join(path.resolve(env.XDG_STATE_HOME), 'vast-deploy');
  return path.join(os.homedir(), '.local', 'state', 'vast-deploy');
}

export function ensurePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A file where a folder of the state belongs (left by hand, or by another program): say which, and what to do.
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new Error(`${dir} is not a folder (a file is in its place): move or delete it, and start the engine again`);
    throw err;
  }
}

/**
 * Why the engine cannot keep its state in `dir` (it cannot create the folder or write a file in it), or undefined.
 * Checked before the engine starts: one that cannot write engine.json would run with no way for anyone to find it
 * or stop it. `write` is the seam tests use to make the write fail where the folder's mode cannot (root).
 */
export function stateDirProblem(dir: string, write: (file: string, content: string) => void = writeFileAtomic): string | undefined {
  const probe = path.join(dir, `.write-check.${process.pid}`);
  try {
    ensurePrivateDir(dir);
    write(probe, '');
  } catch (err) {
    return `cannot write to the state folder ${dir} (${(err as Error).message}); make it writable, or choose another folder with --state or VAST_DEPLOY_STATE`;
  } finally {
    try {
      fs.rmSync(probe, { force: true });
    } catch {
      // nothing was written
    }
  }
  return undefined;
}

/**
 * Writes a file atomically (temp file in the same folder, fsync, rename) with mode 0600, so a crash mid-write
 * never leaves a half-written file and the content is never readable by other users, even briefly.
 */
export function writeFileAtomic(file: string, content: string | Buffer, mode = 0o600): void {
  ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Names of the files in the state folder that other processes (CLI, extension) read. */
export const STATE_FILES = {
  /** `{url, port, pid, api_key, started_at, version}` while the engine runs; removed when it stops. */
  engineInfo: 'engine.json',
  apiKey: 'api_key',
  signingKey: 'signing-key.pem',
  state: 'state.json',
  daemonLog: 'engine.log',
  /** `{ports}`: the ports the engine listened on, newest first; a restart asks for the newest again. */
  ports: 'ports.json',
} as const;

/** How many past ports are remembered (their URLs still count as this engine's in stored env flags). */
const REMEMBERED_PORTS = 32;

/** The ports an engine of this state folder listened on, newest first; [] when none (or the file is unreadable). */
export function rememberedPorts(stateDir: string): number[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(stateDir, STATE_FILES.ports), 'utf8')) as { ports?: unknown };
    if (!Array.isArray(parsed.ports)) return [];
    return parsed.ports.filter((p): p is number => Number.isInteger(p) && p > 0 && p <= 65535);
  } catch {
    return [];
  }
}

/** Records `port` as the newest; returns every remembered port. */
export function rememberPort(stateDir: string, port: number): number[] {
  const ports = [port, ...rememberedPorts(stateDir).filter((p) => p !== port)].slice(0, REMEMBERED_PORTS);
  writeFileAtomic(path.join(stateDir, STATE_FILES.ports), `${JSON.stringify({ ports })}\n`);
  return ports;
}

/** The daemon's log (engine.log, its stdout and stderr) is moved to `engine.log.1` at a start once past this (8 MiB). */
export const DAEMON_LOG_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Called before a daemon starts appending to its log: a log past `maxBytes` becomes `<log>.1` (replacing the older
 * one), so the log of an engine started again and again stays bounded. Best effort: a log that cannot be moved is
 * appended to, as before.
 */
export function rotateDaemonLog(file: string, maxBytes = DAEMON_LOG_MAX_BYTES): void {
  try {
    if (fs.statSync(file).size > maxBytes) fs.renameSync(file, `${file}.1`);
  } catch {
    // no log yet, or it cannot be moved
  }
}

/** The last `lines` lines of a log file, reading at most its last 64 KiB (a log can be large); undefined if unreadable. */
export function tailOfFile(file: string, lines: number, maxBytes = 64 * 1024): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    let text = buffer.toString('utf8');
    if (length < size) text = text.slice(text.indexOf('\n') + 1); // the first line read is cut
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
