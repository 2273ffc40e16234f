/**
 * Which files `gazette ingest` loads, as what, for which cluster: the paths expanded, each
 * file's format (--format, or detected from its content) and cluster (clusterOfFile), and the
 * files grouped by (format, cluster) — each group is one ingestFiles run.
 */
import { clusterOfFile, type Settings } from '../settings.js';
import { detectFormat } from './detect.js';
import { expandPaths, type FoundFile } from './files.js';
import { sourceFor } from './sources.js';

export interface Group {
  format: string;
  cluster: string;
  files: string[];
}

export interface Unplaced extends FoundFile {
  /** What it looked like. */
  looked: string;
}

export interface Plan {
  groups: Group[];
  /** Files whose format could not be told: reported. */
  unplaced: Unplaced[];
  /** Files met in a directory whose names say they are not data (README.md, notes.txt): counted. */
  ignored: string[];
}

/** Files looked at together while detecting. */
const DETECT_AT_ONCE = 16;

export async function planIngest(paths: string[], opts: { format?: string; cluster?: string; settings: Settings }): Promise<Plan> {
  const plan: Plan = { groups: [], unplaced: [], ignored: [] };
  const byKey = new Map<string, Group>();
  const place = (file: string, format: string) => {
    const cluster = clusterOfFile(opts.cluster, file, opts.settings);
    const key = `${format}\0${cluster}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { format, cluster, files: [] }));
    g.files.push(file);
  };
  if (opts.format) {
    const source = await sourceFor(opts.format);
    for (const f of expandPaths(paths, source.extensions)) place(f.path, opts.format);
  } else {
    const found = expandPaths(paths);
    for (let i = 0; i < found.length; i += DETECT_AT_ONCE) {
      const chunk = found.slice(i, i + DETECT_AT_ONCE);
      const detected = await Promise.all(chunk.map((f) => detectFormat(f.path)));
      chunk.forEach((f, j) => {
        const d = detected[j];
        if (d.format !== undefined) place(f.path, d.format);
        else if (d.quiet && !f.explicit) plan.ignored.push(f.path);
        else plan.unplaced.push({ ...f, looked: d.looked });
      });
    }
  }
  plan.groups = [...byKey.values()];
  return plan;
}
