// The .tar.gz the workers download: `./config.json` (0644, mtime 0), `./deployment.py`, then each copy,
// every member owned by root (uid/gid 0). Headers are the `tar` package's ustar/PAX encoding; the archive is built
// in memory and gzipped at level 9 like Python's tarfile. Not deterministic (file mtimes, gzip header), which is
// harmless: the server compares the content hash, not the tarball.
import * as fs from 'fs';
import * as path from 'path';
import { Header, Pax } from 'tar';
import { promisify } from 'util';
import * as zlib from 'zlib';
import { copyEntries } from './copies';
import { DEPLOYMENT_MEMBER } from './contentHash';
import type { Bundle } from '../../shared/protocol/bundle';

const gzip = promisify(zlib.gzip);
const BLOCK = 512;

export interface TarMember {
  path: string;
  type: 'File' | 'Directory' | 'SymbolicLink';
  mode: number;
  mtime: Date;
  data?: Buffer;
  linkpath?: string;
}

function encodeMember(m: TarMember): Buffer[] {
  const size = m.data?.length ?? 0;
  const fields = {
    // Python's tarfile writes directory names with a trailing slash.
    path: m.type === 'Directory' && !m.path.endsWith('/') ? m.path + '/' : m.path,
    mode: m.mode & 0o7777,
    uid: 0,
    gid: 0,
    size,
    mtime: m.mtime,
    type: m.type,
    linkpath: m.linkpath,
    uname: 'root',
    gname: 'root',
  };
  const header = new Header(fields);
  const out: Buffer[] = [];
  // A long or non-ASCII name does not fit the ustar fields: a PAX extended header carries it, as in Python's PAX format.
  if (header.encode()) out.push(new Pax(fields).encode());
  out.push(header.block!);
  if (m.data && size) {
    out.push(m.data);
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad) out.push(Buffer.alloc(pad));
  }
  return out;
}

function statMember(fsPath: string, arcname: string, follow: boolean): TarMember {
  const st = follow ? fs.statSync(fsPath) : fs.lstatSync(fsPath);
  if (st.isSymbolicLink()) {
    return { path: arcname, type: 'SymbolicLink', mode: st.mode, mtime: st.mtime, linkpath: fs.readlinkSync(fsPath) };
  }
  if (st.isDirectory()) return { path: arcname, type: 'Directory', mode: st.mode, mtime: st.mtime };
  return { path: arcname, type: 'File', mode: st.mode, mtime: st.mtime, data: fs.readFileSync(fsPath) };
}

/** The members in order, without reading anything twice. Exposed for tests and for a size preview. */
export function tarballMembers(bundle: Pick<Bundle, 'filePath' | 'configJson' | 'copies'>, fileBytes: Uint8Array): TarMember[] {
  const members: TarMember[] = [
    { path: './config.json', type: 'File', mode: 0o644, mtime: new Date(0), data: Buffer.from(bundle.configJson, 'utf8') },
  ];
  // The file's own mode and mtime, as tarfile.gettarinfo gives them; the bytes are the ones analysed (the editor's
  // buffer may be newer than the disk).
  let mode = 0o644;
  let mtime = new Date();
  try {
    const st = fs.statSync(bundle.filePath);
    mode = st.mode;
    mtime = st.mtime;
  } catch {
    // An unsaved file: defaults above.
  }
  members.push({ path: DEPLOYMENT_MEMBER, type: 'File', mode, mtime, data: Buffer.from(fileBytes) });
  const baseDir = path.dirname(bundle.filePath);
  for (const copy of bundle.copies) {
    for (const entry of copyEntries(copy, baseDir)) {
      members.push(statMember(entry.fsPath, entry.arcname, false));
    }
  }
  return members;
}

/** The deployment tarball (.tar.gz) as a Buffer; its length is the PUT body's `file_size`. */
export async function writeTarball(bundle: Pick<Bundle, 'filePath' | 'configJson' | 'copies'>, fileBytes: Uint8Array): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const m of tarballMembers(bundle, fileBytes)) parts.push(...encodeMember(m));
  parts.push(Buffer.alloc(BLOCK * 2));
  // tarfile pads the archive to a multiple of its 20-block record size.
  const RECORD = BLOCK * 20;
  const length = parts.reduce((n, b) => n + b.length, 0);
  if (length % RECORD) parts.push(Buffer.alloc(RECORD - (length % RECORD)));
  return gzip(Buffer.concat(parts), { level: 9 });
}
