/**
 * Which files are loaded already: a file's identity as the pipeline (pipeline.ts) skips by it —
 * its path, size and modification time (a loaded run with the same is the same content, as make
 * and rsync assume), else its content's SHA-256 — and the index of the runs loaded before.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FileInput } from './pipeline.js';
import type { FileMeta } from './staged.js';

export async function fileMeta(input: FileInput): Promise<FileMeta> {
  const abs = path.resolve(typeof input === 'string' ? input : input.path);
  const st = await fs.promises.stat(abs);
  const file = typeof input === 'string' ? abs : input.label;
  if (!st.isDirectory()) return { path: abs, file, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
  // A directory that is one input (a Spark rolling event log): its files' total size and newest change.
  const parts = await Promise.all(dirFiles(abs).map((f) => fs.promises.stat(f)));
  return { path: abs, file, size: parts.reduce((t, p) => t + p.size, 0), mtimeMs: Math.trunc(Math.max(st.mtimeMs, ...parts.map((p) => p.mtimeMs))) };
}

/** The files directly in a directory that is one input, in name order (hidden ones left out). */
export function dirFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => path.join(dir, e.name)).sort();
}

export interface LoadedRun {
  id: number;
  sha256: string;
}
export interface LoadedIndex {
  byStat: Map<string, LoadedRun>;
  bySha: Map<string, LoadedRun>;
}
export const statKey = (file: string, size: number, mtime: number, variant: string | null | undefined) => `${variant ?? ''}\u0000${size}\u0000${mtime}\u0000${file}`;
export const shaKey = (sha: string, variant: string | null | undefined) => `${variant ?? ''}\u0000${sha}`;

/**
 * The runs already loaded for this cluster and format, read once per ingest. For a target whose
 * files replace their earlier versions, only a file's latest load counts (its rows are the ones
 * in the warehouse).
 */
export async function loadedRuns(conn: DuckDBConnection, opts: { cluster: string; format: string; byFile: boolean }): Promise<LoadedIndex> {
  const current = opts.byFile
    ? `and id = (select max(id) from ingest_runs l where l.file = r.file and l.format = r.format and l.status = 'loaded')`
    : '';
  const rows = (await conn.runAndReadAll(
    `select id, file, size_bytes, mtime_ms, sha256, variant from ingest_runs r
     where status = 'loaded' and cluster = $c and format = $f ${current} order by id`,
    { c: opts.cluster, f: opts.format },
  )).getRowObjectsJS();
  const index: LoadedIndex = { byStat: new Map(), bySha: new Map() };
  for (const r of rows) {
    const run = { id: Number(r.id), sha256: String(r.sha256) };
    // Later runs overwrite earlier ones: the newest load of a content is the one named.
    index.byStat.set(statKey(String(r.file), Number(r.size_bytes), Number(r.mtime_ms), r.variant as string | null), run);
    index.bySha.set(shaKey(run.sha256, r.variant as string | null), run);
  }
  return index;
}

/** A file's SHA-256; a directory's is over its files' names and contents, in name order. */
export async function sha256(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  const files = (await fs.promises.stat(file)).isDirectory() ? dirFiles(file) : [file];
  // Read into a buffer used again, not a new one a chunk (a stream's): a gigabyte of 1 MB buffers
  // kept Node's garbage collector busy for over a CPU-second.
  const buf = hashBuffers.pop() ?? Buffer.allocUnsafe(1 << 20);
  try {
    for (const f of files) {
      if (f !== file) h.update(`${path.basename(f)}\0${(await fs.promises.stat(f)).size}\0`);
      const fh = await fs.promises.open(f);
      try {
        for (let n; (n = (await fh.read(buf, 0, buf.length, null)).bytesRead) > 0; ) h.update(buf.subarray(0, n));
      } finally {
        await fh.close();
      }
    }
  } finally {
    hashBuffers.push(buf);
  }
  return h.digest('hex');
}
/** Buffers sha256 reads into, free for the next hash. */
const hashBuffers: Buffer[] = [];
