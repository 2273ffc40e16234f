/**
 * What every figure set of one cluster and period stands on: the settings as tables
 * (teams, prices, dated capacity), the cluster's capacity over time (capacity_intervals), the
 * shared macros (figure_macros.sql), and the periods as UTC instants.
 */
import { VARCHAR, LIST, listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Settings } from '../settings.js';
import { registerSettingsTables } from '../warehouse/settings-tables.js';
import { executeSqlFile, materializeSqlFile } from '../warehouse/run-sql-file.js';
import { periodsEndingWith, yearAgo, type Period } from './period.js';

/** A period with its instants: local midnight in the cluster's zone, as UTC (`YYYY-MM-DD HH:MM:SS`). */
export interface PeriodSpan extends Period {
  startUtc: string;
  endUtc: string;
}

export interface FigureContext {
  conn: DuckDBConnection;
  settings: Settings;
  cluster: string;
  timezone: string;
  /** The period the figures are for. */
  period: PeriodSpan;
  /** It and the periods before it, newest first: enough for a trend of eight and a year-ago comparison. */
  history: PeriodSpan[];
}

/** How many periods a trend shows (the period and the seven before it). */
export const TREND_PERIODS = 8;

/** The settings tables, once per connection. */
export async function prepareConnection(conn: DuckDBConnection, settings: Settings): Promise<void> {
  await registerSettingsTables(conn, settings);
}

/** The cluster's capacity over time on the connection (capacity_intervals) and its macros; after figure_macros. */
export async function prepareCapacity(conn: DuckDBConnection, cluster: string): Promise<void> {
  await materializeSqlFile(conn, 'capacity_intervals', 'capacity_intervals', { cluster });
  await executeSqlFile(conn, 'capacity_macros');
}

/** Set up the connection for one cluster's figures (capacity, macros) and resolve the periods. */
export async function clusterContext(
  conn: DuckDBConnection,
  settings: Settings,
  cluster: string,
  timezone: string,
  period: Period,
): Promise<FigureContext> {
  await executeSqlFile(conn, 'figure_macros');
  await prepareCapacity(conn, cluster);
  const periods = periodsEndingWith(period, Math.max(TREND_PERIODS, yearAgo(period) + 1), settings.fiscalYearStartMonth);
  const spans = await instants(conn, timezone, periods);
  return { conn, settings, cluster, timezone, period: spans[0], history: spans };
}

/** Local midnights of the periods' first and following days in the zone, as UTC timestamps. */
async function instants(conn: DuckDBConnection, zone: string, periods: Period[]): Promise<PeriodSpan[]> {
  const days = periods.flatMap((p) => [p.start, p.end]);
  const r = await conn.runAndReadAll(
    `select strftime(cast(timezone($zone, cast(d as date)::timestamp) as timestamp), '%Y-%m-%d %H:%M:%S') from (select unnest($days) as d)`,
    { zone, days: listValue(days) },
    { zone: VARCHAR, days: LIST(VARCHAR) },
  );
  const utc = r.getRows().map((row) => String(row[0]));
  return periods.map((p, k) => ({ ...p, startUtc: utc[2 * k], endUtc: utc[2 * k + 1] }));
}

/** The parameters naming a list of periods (labels, starts, ends), for the *_by_period files. */
export function periodListParams(spans: PeriodSpan[]): Record<string, DuckDBValue> {
  return {
    labels: listValue(spans.map((s) => s.label)),
    starts: listValue(spans.map((s) => s.startUtc)),
    ends: listValue(spans.map((s) => s.endUtc)),
  };
}

/** The parameters naming one period. */
export function periodParams(span: PeriodSpan): Record<string, DuckDBValue> {
  return { period_start: span.startUtc, period_end: span.endUtc };
}
