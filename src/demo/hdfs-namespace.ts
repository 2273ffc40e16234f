/**
 * An HDFS namespace over time: every inode with its birth and death, and the views of it at an
 * instant that the NameNode and the Offline Image Viewer print (sizes on disk, access and
 * modification times, owners).
 */

export const BLOCK_SIZE = 134_217_728;
/** The cluster was installed then: the root and the top-level directories are this old. */
export const INSTALLED = Date.UTC(2022, 2, 14, 9, 12);

export interface Inode {
  id: number;
  path: string;
  parent?: Inode;
  dir: boolean;
  born: number;
  /** Deleted then (Infinity: still there at the end). */
  died: number;
  /** Bytes (files); set by the calibration for scaled files. */
  size: number;
  /** Size before calibration, for team data (scaled); undefined for files of a fixed size. */
  weight?: number;
  repl: number;
  perm: string;
  owner: string;
  group: string;
  /** Read every day or so until then. */
  hotUntil: number;
  /** Whole-dataset reads (backfills, the ALS backfill of 2026-08-19), shared by a dataset's files. */
  rereads?: number[];
  /** Handed to another owner at `at`. */
  chown?: { at: number; owner: string; group: string };
  nsQuota?: number;
  dsQuota?: number;
  /** Births and deaths of the directory's children, sorted (directories' modification times). */
  changes?: number[];
}

export const blocksOf = (f: Inode) => (f.dir ? 0 : Math.ceil(f.size / BLOCK_SIZE));
/** Bytes a file takes on the DataNodes: each replica's blocks and their checksum (.meta) files. */
export function replicaBytes(f: Inode): number {
  if (f.dir || f.size === 0) return 0;
  const full = Math.floor(f.size / BLOCK_SIZE);
  const rest = f.size - full * BLOCK_SIZE;
  const meta = full * (7 + (BLOCK_SIZE / 512) * 4) + (rest ? 7 + Math.ceil(rest / 512) * 4 : 0);
  return f.repl * (f.size + meta);
}
export const alive = (f: Inode, t: number) => f.born <= t && f.died > t;
export function ownerAt(f: Inode, t: number) {
  return f.chown && t >= f.chown.at ? f.chown : f;
}
/** When a file was last read as of `t` (HDFS sets the access time at creation, then on reads). */
export function accessTime(f: Inode, t: number): number {
  if (f.dir) return 0;
  let a = f.born;
  const hot = Math.min(t, f.hotUntil);
  // The last of the regular reads: some hours before `t` (or before the reads stopped).
  if (hot > f.born) a = Math.max(f.born, hot - Math.floor(jitter(f.id) * 20) * 3600_000 - (f.id % 60) * 60_000);
  for (const x of f.rereads ?? []) if (x >= f.born && x <= t && x > a) a = x;
  return a;
}
/** A directory's modification time: its latest child created or deleted by `t`, or its own creation. */
export function dirModified(d: Inode, t: number): number {
  const c = d.changes ?? [];
  let lo = 0;
  let hi = c.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (c[m] <= t) lo = m + 1;
    else hi = m;
  }
  return lo ? Math.max(d.born, c[lo - 1]) : d.born;
}
const jitter = (id: number) => ((Math.imul(id, 2654435761) >>> 0) % 1_000_003) / 1_000_003;

/** The namespace as it is built: a directory per path, created once, children recorded. */
export class Namespace {
  private dirs = new Map<string, Inode>();
  private all: Inode[] = [];
  constructor() {
    const root: Inode = { id: 0, path: '/', dir: true, born: INSTALLED, died: Infinity, size: 0, repl: 0, perm: 'rwxr-xr-x', owner: 'hdfs', group: 'supergroup', hotUntil: 0, nsQuota: Number.MAX_SAFE_INTEGER };
    this.dirs.set('/', root);
    this.all.push(root);
  }
  /** The directory at `path` (made, with its parents, if new); an existing one is made older if need be. */
  mkdir(path: string, born: number, owner: string, group: string, perm: string, died = Infinity): Inode {
    const have = this.dirs.get(path);
    if (have) {
      if (have.born > born) this.olden(have, born);
      have.died = have.died === Infinity || died === Infinity ? Infinity : Math.max(have.died, died);
      return have;
    }
    const cut = path.lastIndexOf('/');
    const parentPath = cut === 0 ? '/' : path.slice(0, cut);
    // A parent made on the way is the child's owner's, and outlives the child (partitions come and go).
    const parent = this.dirs.get(parentPath) ?? this.mkdir(parentPath, born, owner, group, perm.startsWith('rwxrwx') ? 'rwxr-xr-x' : perm);
    if (parent.born > born) this.olden(parent, born);
    const d: Inode = { id: 0, path, parent, dir: true, born, died, size: 0, repl: 0, perm, owner, group, hotUntil: 0 };
    this.dirs.set(path, d);
    this.all.push(d);
    return d;
  }
  file(dir: Inode, name: string, born: number, died: number, o: { size?: number; weight?: number; repl: number; owner: string; group: string; hotUntil: number; rereads?: number[] }) {
    if (dir.born > born) this.olden(dir, born);
    this.all.push({ id: 0, path: `${dir.path}/${name}`, parent: dir, dir: false, born, died, size: o.size ?? 0, weight: o.weight, repl: o.repl, perm: 'rw-r--r--', owner: o.owner, group: o.group, hotUntil: o.hotUntil, rereads: o.rereads?.length ? o.rereads : undefined });
  }
  private olden(d: Inode, born: number) {
    for (let x: Inode | undefined = d; x && x.born > born; x = x.parent) x.born = born;
  }
  /** Inode ids in creation order (parents first), and each directory's child events. */
  finish(): Inode[] {
    const depth = (f: Inode) => f.path.split('/').length;
    this.all.sort((a, b) => a.born - b.born || depth(a) - depth(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.all.forEach((f, i) => (f.id = 16385 + i));
    for (const f of this.all) {
      if (!f.parent) continue;
      // A directory that outlives its children's deletions stays; one whose last child goes goes with it.
      (f.parent.changes ??= []).push(f.born);
      if (f.died !== Infinity) f.parent.changes.push(f.died);
    }
    for (const f of this.all) f.changes?.sort((a, b) => a - b);
    return this.all;
  }
}
