/** Expand the paths given to `gazette ingest`: files as named, directories to the files below them. */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { isRollingLogDirName } from './spark-rolling.js';

export interface FoundFile {
  path: string;
  /** Named on the command line (not met while walking a directory). */
  explicit: boolean;
}

/**
 * Files as named; directories walked recursively (hidden entries skipped), keeping the files
 * whose names end in one of `extensions` — or every file when `extensions` is undefined. A Spark
 * rolling event log's directory (`eventlog_v2_…`) is not walked: it is one input, as a file is.
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
    if (st.isDirectory() && isRollingLogDirName(path.basename(path.resolve(p)))) {
      out.push({ path: p, explicit: true });
    } else if (st.isDirectory()) {
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
    // A Spark rolling event log's directory is one input: its files are parts of one application.
    if (e.isDirectory() && isRollingLogDirName(e.name)) out.push(p);
    else if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
