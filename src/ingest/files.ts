/** Expand the paths given to `gazette ingest`: files as named, directories to the files below them. */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

export interface FoundFile {
  path: string;
  /** Named on the command line (not met while walking a directory). */
  explicit: boolean;
}

/**
 * Files as named; directories walked recursively (hidden entries skipped), keeping the files
 * whose names end in one of `extensions` — or every file when `extensions` is undefined.
 */
export function expandPaths(paths: string[], extensions?: readonly string[]): FoundFile[] {
  const out: FoundFile[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or directory.`);
    }
    if (st.isDirectory()) {
      const found = walk(p).filter((f) => !extensions?.length || extensions.some((e) => f.toLowerCase().endsWith(e)));
      if (!found.length && extensions) {
        throw new UsageError(`${p}: a directory with no ${extensions.join(' or ')} files in it. Name the files, or check --format.`);
      }
      out.push(...found.map((f) => ({ path: f, explicit: false })));
    } else {
      out.push({ path: p, explicit: true });
    }
  }
  return out;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
