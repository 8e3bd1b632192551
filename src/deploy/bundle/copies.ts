// How `image.copy(src, dst)` sources are read: the member names they get (Python's posixpath.join rules, `dst`
// verbatim for a file) and the directory walk (os.walk: top-down, a directory's files before its subdirectories,
// symlinked directories listed but not entered). The hash walks in sorted order; the tarball uses the same order.
import * as fs from 'fs';
import * as path from 'path';
import type { CopySpec } from '../../shared/protocol/bundle';

/** `posixpath.join(a, b)` for two parts. */
export function posixJoin(a: string, b: string): string {
  if (b.startsWith('/')) return b;
  if (a === '' || a.endsWith('/')) return a + b;
  return `${a}/${b}`;
}

/** Python's `sorted()` on str: by code point (JS's default sort compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

export interface WalkEntry {
  kind: 'directory' | 'file' | 'symlink';
  /** Path on disk. */
  fsPath: string;
  /** Member name: under `dst`. */
  arcname: string;
}

function isDirectoryFollowingLinks(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** os.walk(src) in sorted order: each directory's entry, its files, then its subdirectories (recursively). */
export function* walkDirectory(src: string, arcRoot: string): Generator<WalkEntry> {
  yield { kind: 'directory', fsPath: src, arcname: arcRoot };
  const dirs: string[] = [];
  const files: { name: string; symlink: boolean }[] = [];
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const full = path.join(src, e.name);
    if (e.isDirectory()) dirs.push(e.name);
    else if (e.isSymbolicLink()) {
      // os.walk lists a link to a directory among the directories, and then does not descend into it.
      if (!isDirectoryFollowingLinks(full)) files.push({ name: e.name, symlink: true });
    } else files.push({ name: e.name, symlink: false });
  }
  files.sort((a, b) => compareCodePoints(a.name, b.name));
  dirs.sort(compareCodePoints);
  for (const f of files) {
    yield { kind: f.symlink ? 'symlink' : 'file', fsPath: path.join(src, f.name), arcname: posixJoin(arcRoot, f.name) };
  }
  for (const d of dirs) yield* walkDirectory(path.join(src, d), posixJoin(arcRoot, d));
}

/** Every member a copy contributes: a file (or link) under `dst`, or a directory tree. */
export function* copyEntries(copy: CopySpec, baseDir: string): Generator<WalkEntry> {
  const src = path.resolve(baseDir, copy.src);
  if (copy.kind === 'directory') {
    yield* walkDirectory(path.normalize(src), copy.dst);
    return;
  }
  let symlink = false;
  try {
    symlink = fs.lstatSync(src).isSymbolicLink();
  } catch {
    // Reported by the caller when it reads the file.
  }
  yield { kind: symlink ? 'symlink' : 'file', fsPath: src, arcname: copy.dst };
}

/** Whether `src` (resolved against `baseDir`) is a file or a directory, as os.path.isdir/isfile see it. */
export function copyKind(src: string, baseDir: string): 'file' | 'directory' | undefined {
  try {
    const st = fs.statSync(path.resolve(baseDir, src));
    if (st.isDirectory()) return 'directory';
    if (st.isFile()) return 'file';
  } catch {
    // missing
  }
  return undefined;
}
