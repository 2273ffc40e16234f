/**
 * The jobs a diagnosis is about, as `gazette explain` and the feedback emails show them: each
 * job's record with its team, use and cost (queries/jobs_by_id.sql), and the recent runs of its
 * recurring job (queries/job_key_recent_runs.sql).
 */
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { FailureError, UsageError } from '../errors.js';
import type { Settings } from '../settings.js';
import { executeSqlFile, runSqlFile } from '../warehouse/run-sql-file.js';
import { registerSettingsTables } from '../warehouse/settings-tables.js';

export interface JobRecord {
  cluster: string; job_id: string; source: string; name: string | null; job_key: string | null; user: string | null;
  queue: string | null; account: string | null; app_type: string | null; state: string; raw_state: string | null;
  exit_code: number | null; diagnostics: string | null; failure_reason: string | null; team: string;
  /** ISO 8601, UTC. */
  submit_time: string | null; start_time: string | null; end_time: string | null;
  elapsed_s: number | null; vcore_hours: number | null; memory_gb_hours: number | null; gpu_hours: number | null;
  /** At the settings' prices; null without a vcore price. */
  cost: number | null; currency: string | null;
}

export interface RunRecord {
  job_key: string; job_id: string; state: string; failed: boolean; start_time: string | null; end_time: string | null; elapsed_s: number | null; vcore_hours: number | null;
}

/** The settings tables and macros jobsById needs (prepareHeuristics sets them up too). */
export async function prepareJobQueries(conn: DuckDBConnection, settings: Settings): Promise<void> {
  await registerSettingsTables(conn, settings);
  await executeSqlFile(conn, 'figure_macros');
}

/** The jobs of these ids (on one cluster, or on any: an id may be on several), by cluster then id. */
export function jobsById(conn: DuckDBConnection, ids: string[], cluster: string | null): Promise<JobRecord[]> {
  return runSqlFile<JobRecord>(conn, 'jobs_by_id', { job_ids: listValue(ids), cluster });
}

/** The latest `runs` runs of each job key of a cluster, newest first. */
export async function recentRuns(conn: DuckDBConnection, cluster: string, keys: string[], runs: number): Promise<Map<string, RunRecord[]>> {
  const out = new Map<string, RunRecord[]>();
  if (!keys.length || runs < 1) return out;
  for (const r of await runSqlFile<RunRecord>(conn, 'job_key_recent_runs', { cluster, job_keys: listValue(keys), runs })) {
    const list = out.get(r.job_key) ?? [];
    list.push(r);
    out.set(r.job_key, list);
  }
  return out;
}

/** The one job of an id (on a cluster, or on any): none is a failure (exit 1), several a usage error (exit 2, say --cluster). */
export async function findJob(conn: DuckDBConnection, jobId: string, cluster: string | null): Promise<JobRecord> {
  const found = await jobsById(conn, [jobId], cluster);
  if (!found.length) {
    throw new FailureError(`${jobId}: no such job${cluster ? ` on cluster ${cluster}` : ''} in the warehouse. Load its history first (gazette ingest), or check the id.`);
  }
  if (found.length > 1) throw new UsageError(`${jobId}: a job of this id is on ${found.map((j) => j.cluster).join(', ')}; say which with --cluster.`);
  return found[0];
}
