// Remote tracebacks pointed back at the workspace. A worker runs a copy of the deployment file: the tarball's
// `deployment.py` extracted into the worker's own folder, with each `image.copy()` source beside it under its
// destination (an absolute destination lands under that folder on the local engine, at its own path on Vast). Python
// names frames by those copies, so "File "/…/workers/w1/deployment.py", line 10" is line 10 of the user's file and
// "…/workers/w1/lib/helper.py" is the copy() source `lib/helper.py`. Pure (no editor, no disk): the CLI and the
// extension both use it.
import * as path from 'path';

/** One `image.copy(src, dst)` of the deployment; `src` is resolved against the deployment file's folder. */
export interface CopySource {
  src: string;
  dst: string;
  kind: 'file' | 'directory';
}

export interface TracebackSources {
  /** The deployment file in the workspace (an absolute path). */
  deploymentFile: string;
  copies?: readonly CopySource[];
}

export interface TracebackFrame {
  /** The path Python printed (the worker's copy). */
  remoteFile: string;
  line: number;
  /** The function the frame runs (`<module>` for top-level code). */
  function: string;
  /** Index of the frame's `File "…"` line in the traceback text. */
  textLine: number;
  /** The workspace file this frame's code came from, when the frame runs the deployment's code. */
  localFile?: string;
}

export interface MappedTraceback {
  frames: TracebackFrame[];
  /** The innermost frame in the user's code: where the error decoration goes. */
  userFrame?: TracebackFrame;
  /** The traceback with each mapped frame's path replaced by its workspace path. */
  text: string;
}

const FRAME = /^(\s*File ")(.+)(", line )(\d+)(?:, in (.*))?$/;
const WORKER_COPY = 'deployment.py';

/** The worker's folder: where the deployment's own copy ran. The SDK's package has a `vastai/deployment.py` too. */
function workerRoot(frames: { remoteFile: string }[]): string | undefined {
  for (const f of frames) {
    const file = f.remoteFile.replace(/\\/g, '/');
    if (path.posix.basename(file) !== WORKER_COPY) continue;
    const dir = path.posix.dirname(file);
    if (path.posix.basename(dir) === 'vastai') continue;
    return dir;
  }
  return undefined;
}

/** `rest` under `member` ('' for the member itself), else undefined. */
function under(rel: string, member: string): string | undefined {
  if (rel === member) return '';
  return rel.startsWith(member + '/') ? rel.slice(member.length + 1) : undefined;
}

function localSource(remote: string, root: string, sources: TracebackSources): string | undefined {
  const file = remote.replace(/\\/g, '/');
  if (file === `${root}/${WORKER_COPY}`) return sources.deploymentFile;
  const rel = file.startsWith(root + '/') ? file.slice(root.length + 1) : undefined;
  const baseDir = path.dirname(sources.deploymentFile);
  // A later copy to the same destination overwrites an earlier one in the worker's folder, so the last match wins.
  const copies = [...(sources.copies ?? [])].reverse();
  for (const copy of copies) {
    const dst = path.posix.normalize(copy.dst.replace(/\\/g, '/')).replace(/\/$/, '');
    const absolute = dst.startsWith('/');
    // Vast extracts an absolute destination where it says; the local engine under the worker's folder.
    const rest = (absolute ? under(file, dst) : undefined) ?? (rel === undefined ? undefined : under(rel, absolute ? dst.slice(1) : dst));
    if (rest === undefined) continue;
    const src = path.resolve(baseDir, copy.src);
    if (copy.kind === 'file') {
      if (rest === '') return src;
      continue;
    }
    return rest === '' ? src : path.join(src, ...rest.split('/'));
  }
  return undefined;
}

export function mapTraceback(traceback: string, sources: TracebackSources): MappedTraceback {
  const lines = traceback.split('\n');
  const frames: TracebackFrame[] = [];
  lines.forEach((text, i) => {
    const m = FRAME.exec(text);
    if (m) frames.push({ remoteFile: m[2], line: Number(m[4]), function: m[5] ?? '', textLine: i });
  });
  const root = workerRoot(frames);
  if (root !== undefined) {
    for (const frame of frames) {
      const local = localSource(frame.remoteFile, root, sources);
      if (local === undefined) continue;
      frame.localFile = local;
      lines[frame.textLine] = lines[frame.textLine].replace(FRAME, (_all, a: string, _file: string, b: string, n: string, fn?: string) =>
        `${a}${local}${b}${n}${fn === undefined ? '' : `, in ${fn}`}`,
      );
    }
  }
  const userFrame = [...frames].reverse().find((f) => f.localFile !== undefined);
  return { frames, userFrame, text: lines.join('\n') };
}
