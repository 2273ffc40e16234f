/**
 * All figure sets of a period, per cluster: the object `gazette figures` prints and the
 * newsletter renders. Every number comes from a SQL file in queries/ run with bound parameters;
 * this module only picks the files, passes the period, and derives growth and highlights from
 * their rows.
 */
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_FIGURE_THRESHOLDS, resolveTimeZone, type Settings } from '../settings.js';
import { runSqlFile } from '../warehouse/run-sql-file.js';
import { clusterContext, periodListParams, periodParams, prepareConnection, TREND_PERIODS, type FigureContext } from './context.js';
import { highlights, type Highlight } from './highlights.js';
import { yearAgo, type Period } from './period.js';

/** Thresholds of the figure sets when the settings' `figures:` does not change them (the settings' `figures` holds those in force). */
export const THRESHOLDS = DEFAULT_FIGURE_THRESHOLDS;

export type Row = Record<string, unknown>;

/** Job sources from HPC schedulers, whose compute is CPU time rather than YARN vcores. */
const HPC_SOURCES = ['slurm', 'swf'];
/** What a unit of compute is called for a job source: CPU-hours on HPC schedulers, vcore-hours on YARN. */
export const computeUnit = (source: string | undefined): ClusterFigures['compute_unit'] => (HPC_SOURCES.includes(source ?? '') ? 'CPU-hours' : 'vcore-hours');

export interface ComputeDemand {
  by_period: Row[];
  growth_over_previous: number | null;
  growth_over_year_ago: number | null;
  by_team: Row[];
  by_queue: Row[];
  /** The business series loaded for the cluster, each beside compute (business_series_by_period.sql). */
  business_series: BusinessSeries[];
}

export interface BusinessSeries {
  series: string;
  kind: string;
  unit: string | null;
  /** The period's growth (null unless it and the one compared with are complete). */
  growth_over_previous: number | null;
  growth_over_year_ago: number | null;
  compute_hours_per_1000: number | null;
  by_period: Row[];
}

export interface ClusterFigures {
  cluster: string;
  timezone: string;
  /** What a unit of compute is called on this cluster: vcore-hours (YARN) or CPU-hours (Slurm, SWF). */
  compute_unit: 'vcore-hours' | 'CPU-hours';
  period: { label: string; kind: string; start: string; end: string; start_utc: string; end_utc: string };
  compute_demand: ComputeDemand;
  reliability: { by_period: Row[]; incidents: Row[] };
  top_failing_jobs: Row[];
  wasteful: {
    failed_burn_by_user: Row[]; memory_over_request: Row[]; mapreduce_memory_over_request: Row[]; spark_memory_over_request: Row[];
    time_limit_over_request: Row[]; retries: Row[]; superuser_jobs: Row[];
  };
  top_consumers: { users: Row[]; teams: Row[]; queues: Row[]; dominant_jobs: Row[] };
  storage: {
    by_period: Row[]; trend: Row | null; growth_by_directory: Row[]; growth_by_team: Row[];
    cold_data_by_team: Row[]; cold_data_by_owner: Row[]; small_files_by_team: Row[];
  };
  throughput_by_framework: Row[];
  highlights: Highlight[];
}

export interface Figures {
  period: string;
  clusters: Record<string, ClusterFigures>;
}

/** The clusters the warehouse has jobs of. */
export async function clustersWithJobs(conn: DuckDBConnection): Promise<string[]> {
  return (await conn.runAndReadAll(`select distinct cluster from jobs order by 1`)).getRows().map((r) => String(r[0]));
}

export async function computeFigures(conn: DuckDBConnection, settings: Settings, period: Period, clusters: string[]): Promise<Figures> {
  await prepareConnection(conn, settings);
  const out: Figures = { period: period.label, clusters: {} };
  for (const cluster of clusters) {
    const ctx = await clusterContext(conn, settings, cluster, resolveTimeZone(undefined, cluster, settings), period);
    out.clusters[cluster] = await clusterFigures(ctx);
  }
  return out;
}

const growth = (now: unknown, before: unknown) =>
  typeof now === 'number' && typeof before === 'number' && before > 0 ? now / before - 1 : null;

async function clusterFigures(ctx: FigureContext): Promise<ClusterFigures> {
  const { conn, cluster, period, history } = ctx;
  const one = { cluster, ...periodParams(period) };
  const limits = ctx.settings.figures;
  const top = limits.top;

  const sources = await runSqlFile<{ source: string }>(conn, 'cluster_job_sources', { cluster });
  const compute_unit = computeUnit(sources[0]?.source);
  const demandRows = await runSqlFile(conn, 'compute_demand_by_period', { cluster, ...periodListParams(history) });
  const byGroup = await runSqlFile(conn, 'compute_use_by_user_team_queue', { ...one, ...prevParams(ctx) });
  const group = (dimension: string) => byGroup.filter((r) => r.dimension === dimension).map(({ dimension: _, ...r }) => r);
  const compute_demand: ComputeDemand = {
    by_period: demandRows.slice(0, TREND_PERIODS),
    growth_over_previous: growth(demandRows[0]?.vcore_hours, demandRows[1]?.vcore_hours),
    growth_over_year_ago: growth(demandRows[0]?.vcore_hours, demandRows[yearAgo(period)]?.vcore_hours),
    by_team: group('team'),
    by_queue: group('queue'),
    business_series: await businessSeries(ctx, demandRows),
  };

  const reliability = {
    by_period: (await runSqlFile(conn, 'reliability_by_period', { cluster, ...periodListParams(history) })).slice(0, TREND_PERIODS),
    incidents: await runSqlFile(conn, 'incidents_in_period', one),
  };
  const top_failing_jobs = await runSqlFile(conn, 'top_failing_jobs', { ...one, min_failures: limits.minFailures, top });
  const wasteful = {
    failed_burn_by_user: await runSqlFile(conn, 'failed_burn_by_user', { ...one, top }),
    memory_over_request: await runSqlFile(conn, 'memory_over_request_by_user', { ...one, min_ratio: limits.overRequestRatio, min_run_s: limits.minRunSeconds, top }),
    mapreduce_memory_over_request: await runSqlFile(conn, 'mapreduce_memory_over_request_by_job_key', { ...one, min_ratio: limits.overRequestRatio, top }),
    spark_memory_over_request: await runSqlFile(conn, 'spark_memory_over_request_by_job_key', { ...one, min_ratio: limits.overRequestRatio, top }),
    time_limit_over_request: await runSqlFile(conn, 'time_limit_over_request_by_user', { ...one, min_ratio: limits.overRequestRatio, min_run_s: limits.minRunSeconds, top }),
    retries: await runSqlFile(conn, 'retries_by_job_key', { ...one, retry_window_s: limits.retryWindowSeconds, top }),
    superuser_jobs: await runSqlFile(conn, 'superuser_jobs', one),
  };
  const top_consumers = {
    users: group('user').slice(0, top),
    teams: group('team').slice(0, top),
    queues: group('queue').slice(0, top),
    dominant_jobs: await runSqlFile(conn, 'dominant_jobs', { ...one, top }),
  };
  const storageByPeriod = (await runSqlFile(conn, 'storage_by_period', { cluster, ...periodListParams(history) })).slice(0, TREND_PERIODS);
  const growthRows = await runSqlFile(conn, 'storage_growth_by_directory', { cluster, period_start: period.start, period_end: period.end, top });
  const storage = {
    by_period: storageByPeriod,
    growth_by_directory: growthRows.filter((r) => r.dimension === 'directory').map(({ dimension: _, ...r }) => r),
    growth_by_team: growthRows.filter((r) => r.dimension === 'team').map(({ dimension: _, ...r }) => r),
    // A deadline is about the future: the trend is that of the newest 90 days of data loaded, up
    // to now, even for a past period (window_from/window_to say which days).
    trend: (await runSqlFile(conn, 'storage_trend', { cluster, period_end: new Date().toISOString(), window_days: 90 }))[0] ?? null,
    cold_data_by_team: await runSqlFile(conn, 'cold_data_by_team', { cluster, period_end: period.end }),
    cold_data_by_owner: await runSqlFile(conn, 'cold_data_by_owner', { cluster, period_end: period.end, top }),
    small_files_by_team: await runSqlFile(conn, 'small_files_by_team', { cluster, period_end: period.end }),
  };
  const throughput_by_framework = await runSqlFile(conn, 'throughput_by_framework', one);

  const figures: Omit<ClusterFigures, 'highlights'> = {
    cluster,
    timezone: ctx.timezone,
    compute_unit,
    period: { label: period.label, kind: period.kind, start: period.start, end: period.end, start_utc: period.startUtc, end_utc: period.endUtc },
    compute_demand, reliability, top_failing_jobs, wasteful, top_consumers, storage, throughput_by_framework,
  };
  return { ...figures, highlights: highlights(figures) };
}

/** Each business series of the cluster over the trend's periods, beside the compute of each period. */
async function businessSeries(ctx: FigureContext, demandRows: Row[]): Promise<BusinessSeries[]> {
  const { history } = ctx;
  const hours = history.map((h) => demandRows.find((r) => r.period === h.label)?.vcore_hours);
  const rows = await runSqlFile(ctx.conn, 'business_series_by_period', {
    cluster: ctx.cluster,
    labels: listValue(history.map((h) => h.label)),
    starts: listValue(history.map((h) => h.start)),
    ends: listValue(history.map((h) => h.end)),
    compute_hours: listValue(hours.map((x) => (typeof x === 'number' ? x : 0))),
    year_ago: yearAgo(ctx.period),
  });
  const names = [...new Set(rows.map((r) => String(r.series)))];
  return names.map((name) => {
    const own = rows.filter((r) => r.series === name);
    const [now] = own;
    const num = (k: string) => (typeof now[k] === 'number' ? (now[k] as number) : null);
    return {
      series: name,
      kind: String(now.kind),
      unit: typeof now.unit === 'string' ? now.unit : null,
      growth_over_previous: num('growth_over_previous'),
      growth_over_year_ago: num('growth_over_year_ago'),
      compute_hours_per_1000: num('compute_hours_per_1000'),
      by_period: own.slice(0, TREND_PERIODS).map(({ series: _s, kind: _k, unit: _u, ...r }) => r),
    };
  });
}

function prevParams(ctx: FigureContext) {
  const prev = ctx.history[1];
  return { previous_start: prev.startUtc, previous_end: prev.endUtc };
}
