/**
 * What `gazette kb check` reports of a knowledge base against the warehouse: how many of the
 * jobs that failed or were killed in a window each entry matches (each job counted once, for
 * its known error), and the commonest signatures of those no entry matches.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../settings.js';
import { prepareConnection } from '../analyze/context.js';
import { executeSqlFile, runSqlFile } from '../warehouse/run-sql-file.js';
import type { KbEntry, KnowledgeBase } from './kb.js';
import { knownErrorMatcher, type KbJob } from './kb-match.js';

export interface KbCheckWindow {
  since: Date;
  until: Date;
  cluster?: string;
}

export interface UnmatchedSignature {
  signature: string;
  jobs: number;
  /** The states of those jobs, commonest first. */
  states: string[];
  exampleJobId: string;
  exampleCluster: string;
}

export interface KbCheckReport {
  jobs: number;
  matched: number;
  byEntry: { entry: KbEntry; jobs: number }[];
  unmatched: UnmatchedSignature[];
}

interface FailureRow extends KbJob {
  cluster: string;
  signature: string;
}

/** The newest job end in the warehouse (of one cluster, or of all), or undefined when none has ended. */
export async function newestJobEnd(conn: DuckDBConnection, cluster?: string): Promise<Date | undefined> {
  const [row] = await runSqlFile<{ newest_end: string | null }>(conn, 'kb_check_window', { cluster: cluster ?? null });
  return row?.newest_end ? new Date(row.newest_end) : undefined;
}

export async function checkAgainstWarehouse(conn: DuckDBConnection, settings: Settings, kb: KnowledgeBase, w: KbCheckWindow, top: number): Promise<KbCheckReport> {
  // figure_macros (for error_signature) stands on the settings tables
  await prepareConnection(conn, settings);
  await executeSqlFile(conn, 'figure_macros');
  const rows = await runSqlFile<FailureRow>(conn, 'kb_check_failures', {
    since: w.since.toISOString(),
    until: w.until.toISOString(),
    cluster: w.cluster ?? null,
  });
  const match = knownErrorMatcher(kb);
  const counts = new Map<string, number>(kb.entries.map((e) => [e.id, 0]));
  const unmatched = new Map<string, { rows: FailureRow[]; states: Map<string, number> }>();
  for (const r of rows) {
    const e = match(r);
    if (e) {
      counts.set(e.id, counts.get(e.id)! + 1);
      continue;
    }
    const u = unmatched.get(r.signature) ?? { rows: [] as FailureRow[], states: new Map<string, number>() };
    u.rows.push(r);
    u.states.set(r.state ?? '', (u.states.get(r.state ?? '') ?? 0) + 1);
    unmatched.set(r.signature, u);
  }
  const byCount = <T>(a: [T, number], b: [T, number]) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0]));
  return {
    jobs: rows.length,
    matched: rows.length - [...unmatched.values()].reduce((n, u) => n + u.rows.length, 0),
    byEntry: kb.entries.map((entry) => ({ entry, jobs: counts.get(entry.id)! })),
    unmatched: [...unmatched.entries()]
      .map(([signature, u]) => [signature, u] as const)
      .sort((a, b) => byCount([a[0], a[1].rows.length], [b[0], b[1].rows.length]))
      .slice(0, top)
      .map(([signature, u]) => ({
        signature,
        jobs: u.rows.length,
        states: [...u.states.entries()].sort(byCount).map(([s]) => s),
        exampleJobId: u.rows[u.rows.length - 1].job_id,
        exampleCluster: u.rows[u.rows.length - 1].cluster,
      })),
  };
}
