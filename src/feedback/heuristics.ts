/**
 * The per-job heuristics (issue 8), Dr. Elephant style: for the jobs of a cluster that ended in a
 * window, or one job, each heuristic's verdict — severity none/low/moderate/severe/critical and the
 * numbers it rests on — computed by queries/job_findings.sql with the settings' thresholds
 * (`feedback:`) bound as parameters. The findings are plain data: rendering needs no connection.
 */
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { HEURISTICS, SEVERITIES, type Bands, type HeuristicName, type HeuristicSettings, type Settings, type Severity } from '../settings.js';
import { prepareCapacity } from '../analyze/context.js';
import { executeSqlFile, runSqlFile } from '../warehouse/run-sql-file.js';
import { registerSettingsTables } from '../warehouse/settings-tables.js';

/** The numbers each heuristic's finding rests on (queries/job_findings.sql says how each is computed). */
export interface HeuristicNumbers {
  chronic_failure: { streak: number; streak_since: string; vcore_hours: number; memory_gb_hours: number; gpu_hours: number; cost: number | null; currency: string | null };
  failure_burn_share: {
    window_start: string; window_end: string; runs: number; failed_runs: number; failed_vcore_hours: number;
    capacity_vcore_hours: number; share_of_capacity: number; cost: number | null; currency: string | null;
  };
  memory_over_request: { basis: string; asked_mb: number; used_mb: number; ratio: number; unused_gb_hours: number; unused_cost: number | null; currency: string | null };
  time_limit_over_request: { time_limit_hours: number; elapsed_hours: number; ratio: number };
  queue_wait: { wait_hours: number; submit_time: string | null; start_time: string | null };
  superuser: { user: string; vcore_hours: number };
  gc_share: { gc_time_s: number; task_time_s: number; gc_share: number };
  task_failure_rate: { tasks: number; failed_tasks: number; task_failure_rate: number; stages: number | null; failed_stages: number | null; stage_failure_rate: number | null };
  task_skew: { stage_id: string; stage_name: string | null; tasks: number | null; median_task_s: number; max_task_s: number; max_over_median: number };
  spill: { spilled_records: number; output_records: number; spilled_per_output_record: number };
}

/** One job's verdict under one heuristic. */
export type Finding = {
  [H in HeuristicName]: {
    cluster: string;
    jobId: string;
    jobKey: string | null;
    name: string | null;
    user: string | null;
    queue: string | null;
    account: string | null;
    /** settings-tables team_of: the user's team, else the queue's, else the account's, else 'unassigned'. */
    team: string;
    state: string;
    /** ISO 8601, UTC. */
    startTime: string | null;
    endTime: string | null;
    heuristic: H;
    severity: Severity;
    /** The number the severity is read from (a ratio, a share, a count of runs, seconds of wait). */
    value: number;
    numbers: HeuristicNumbers[H];
  };
}[HeuristicName];

/** Which jobs to evaluate: those of the cluster that ended in [since, until) (UTC, ISO 8601), or one job. */
export type JobSelection = { cluster: string; includeNone?: boolean } & ({ since: string; until: string } | { jobId: string });

/** Set up a connection for one cluster's heuristics: settings tables, capacity over time, the shared macros. */
export async function prepareHeuristics(conn: DuckDBConnection, settings: Settings, cluster: string): Promise<void> {
  await registerSettingsTables(conn, settings);
  await executeSqlFile(conn, 'figure_macros');
  await prepareCapacity(conn, cluster);
}

/** The bands that grade a superuser job (value 1) at the settings' severity: 1 up to it, never above. */
function superuserBands(severity: Severity): (number | null)[] {
  const rank = SEVERITIES.indexOf(severity);
  return [1, 2, 3, 4].map((k) => (k <= rank ? 1 : null));
}

/** The heuristics on and their bands, as job_findings.sql takes them. */
function bandParams(h: HeuristicSettings) {
  const on = HEURISTICS.flatMap((name): [HeuristicName, (number | null)[]][] => {
    if (name === 'superuser') return [[name, superuserBands(h.superuserSeverity)]];
    const bands: Bands | null = h.bands[name];
    return bands ? [[name, bands]] : [];
  });
  return {
    heuristics: listValue(on.map(([name]) => name)),
    bands: listValue(on.map(([, b]) => JSON.stringify(b))),
  };
}

interface Row {
  cluster: string; job_id: string; job_key: string | null; name: string | null; user: string | null; queue: string | null;
  account: string | null; team: string; state: string; start_time: string | null; end_time: string | null; heuristic: HeuristicName; severity: Severity;
  value: number; numbers: string;
}

/**
 * Every heuristic's finding for the jobs selected, by job end time then job id, the heuristics in
 * HEURISTICS order; severity none left out unless includeNone. The connection must be prepared for
 * the cluster (prepareHeuristics).
 */
export async function evaluateHeuristics(conn: DuckDBConnection, settings: Settings, sel: JobSelection): Promise<Finding[]> {
  const h = settings.feedback.heuristics;
  const one = 'jobId' in sel;
  const rows = await runSqlFile<Row>(conn, 'job_findings', {
    cluster: sel.cluster,
    since: one ? null : sel.since,
    until: one ? null : sel.until,
    job_id: one ? sel.jobId : null,
    ...bandParams(h),
    include_none: sel.includeNone ?? false,
    min_run_s: h.minRunSeconds,
    min_vcore_s: h.minVcoreHours * 3600,
    burn_window_s: Math.round(h.burnWindowDays * 86400),
  });
  return rows.map((r) => ({
    cluster: r.cluster, jobId: r.job_id, jobKey: r.job_key, name: r.name, user: r.user, queue: r.queue, account: r.account,
    team: r.team, state: r.state, startTime: r.start_time, endTime: r.end_time, heuristic: r.heuristic, severity: r.severity, value: r.value,
    numbers: JSON.parse(r.numbers),
  }) as Finding);
}

/** Prepare the connection and evaluate: the one call for a cluster's batch or one job. */
export async function findingsFor(conn: DuckDBConnection, settings: Settings, sel: JobSelection): Promise<Finding[]> {
  await prepareHeuristics(conn, settings, sel.cluster);
  return evaluateHeuristics(conn, settings, sel);
}
