/** Expand the paths given to `gazette ingest`: files as named, directories to every matching file below them. */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

export function expandPaths(paths: string[], extensions: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or directory.`);
    }
    if (st.isDirectory()) {
      const found = walk(p).filter((f) => extensions.length === 0 || extensions.some((e) => f.toLowerCase().endsWith(e)));
      if (!found.length) {
        throw new UsageError(`${p}: a directory with no ${extensions.join(' or ')} files in it. Name the files, or check --format.`);
      }
      out.push(...found);
    } else {
      out.push(p);
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
