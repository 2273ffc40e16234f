/**
 * The rows each chart's spec draws, taken from one cluster's figures (`gazette figures`): one
 * small function a chart, so what a chart shows is read here and tested on hand-worked values.
 * Rows are plain JSON (numbers, strings, booleans, ISO dates), oldest period first.
 */
import type { BusinessSeries, ClusterFigures, Row } from '../analyze/figures.js';

export type ChartRow = Record<string, string | number | boolean | null>;

/** Bytes in a TB as the charts print it: 10^12, as the highlights, the tables and the answer key count. */
export const TB = 1e12;
/** Availability target of the reliability chart (the highlights' own). */
export const AVAILABILITY_TARGET = 0.999;
/** How far ahead the storage chart draws the trend to show a crossing (days after the last snapshot). */
export const STORAGE_HORIZON_DAYS = 365;
/** Bars in the top-failing and team/queue charts. */
export const TOP_BARS = 8;

const DAY_MS = 86_400_000;

export const num = (r: Row | undefined, k: string): number | null => (typeof r?.[k] === 'number' && Number.isFinite(r[k]) ? (r[k] as number) : null);
export const str = (r: Row | undefined, k: string): string | null => (typeof r?.[k] === 'string' ? (r[k] as string) : null);
const round = (x: number, digits: number) => Number(x.toFixed(digits));

function businessSeries(f: ClusterFigures, name?: string): BusinessSeries | undefined {
  // figures written before business series were computed have none
  const all = f.compute_demand.business_series ?? [];
  return name === undefined ? all[0] : all.find((s) => s.series === name);
}

/**
 * Compute demand by period: a bar a period for the compute unit's hours, and beside it (a line)
 * the business series when the figures have one (the named one, else the first), else active users.
 */
export function computeDemandRows(f: ClusterFigures, options: { series?: string } = {}): ChartRow[] {
  // Periods before the cluster's first job are not zero demand: they are before the history.
  const periods = [...f.compute_demand.by_period].reverse();
  while (periods.length > 1 && !num(periods[0], 'jobs') && !num(periods[0], 'vcore_hours')) periods.shift();
  const business = businessSeries(f, options.series);
  const companion = business ? business.series : 'active users';
  // A period the series does not cover whole (a flow missing months) would draw as a fall: left out.
  const businessValue = new Map((business?.by_period ?? []).map((r) => [str(r, 'period'), r.complete === false ? null : num(r, 'value')]));
  return periods.flatMap((p) => {
    const period = str(p, 'period');
    const current = period === f.period.label;
    return [
      { period, kind: 'compute', order: 1, measure: f.compute_unit, value: num(p, 'vcore_hours'), current },
      { period, kind: 'companion', order: 2, measure: companion, value: business ? businessValue.get(period) ?? null : num(p, 'active_users'), current },
    ];
  });
}

/**
 * Storage over time: used and capacity (TB) at each period's end and at the newest snapshot, the
 * 80–90% and 90–100% zones of capacity, the trend line of the newest snapshots projected until
 * it crosses 80% or 90% (within STORAGE_HORIZON_DAYS), and a marker at each crossing.
 */
export function storageRows(f: ClusterFigures): ChartRow[] {
  const points = f.storage.by_period
    .filter((p) => str(p, 'snapshot_at') && num(p, 'used_bytes') !== null && num(p, 'capacity_bytes') !== null)
    .map((p) => ({ date: str(p, 'snapshot_at')!, used: num(p, 'used_bytes')!, capacity: num(p, 'capacity_bytes')! }));
  const t = f.storage.trend ?? undefined;
  const last = str(t, 'window_to');
  if (last && num(t, 'last_used_bytes') !== null && num(t, 'last_capacity_bytes') !== null && !points.some((p) => p.date >= last)) {
    points.push({ date: last, used: num(t, 'last_used_bytes')!, capacity: num(t, 'last_capacity_bytes')! });
  }
  points.sort((a, b) => a.date.localeCompare(b.date));
  if (points.length === 0) return [];

  const rows: ChartRow[] = [];
  const tb = (bytes: number) => round(bytes / TB, 3);
  const slope = num(t, 'slope_bytes_per_day');
  const intercept = num(t, 'intercept_bytes');
  const crossings = [80, 90]
    .map((level) => ({ level, at: str(t, `crossing_${level}_at`) }))
    .filter((c): c is { level: number; at: string } => !!c.at && !!last && Date.parse(c.at) - Date.parse(last) <= STORAGE_HORIZON_DAYS * DAY_MS);
  const end = points[points.length - 1];
  const until = crossings.length ? crossings[crossings.length - 1].at : end.date;
  const zoneDates = [...points.map((p) => ({ date: p.date, capacity: p.capacity })), ...(until > end.date ? [{ date: until, capacity: end.capacity }] : [])];
  for (const z of zoneDates) {
    rows.push({ date: z.date, series: 'zone 80–90%', tb: tb(0.8 * z.capacity), tb2: tb(0.9 * z.capacity) });
    rows.push({ date: z.date, series: 'zone 90–100%', tb: tb(0.9 * z.capacity), tb2: tb(z.capacity) });
    rows.push({ date: z.date, series: 'capacity', tb: tb(z.capacity) });
  }
  for (const p of points) rows.push({ date: p.date, series: 'used', tb: tb(p.used) });
  const from = str(t, 'window_from');
  if (slope !== null && intercept !== null && from && last) {
    const at = (iso: string) => tb(intercept + (slope * Date.parse(iso)) / DAY_MS);
    const to = until > last ? until : last;
    rows.push({ date: from, series: 'trend', tb: at(from) }, { date: to, series: 'trend', tb: at(to) });
  }
  for (const c of crossings) {
    rows.push({ date: c.at, series: 'crossing', tb: tb((c.level / 100) * end.capacity), label: `${c.level}% on ${c.at.slice(0, 10)}` });
  }
  return rows;
}

/** Availability by period, in percent, against the target; a period below it is marked. */
export function availabilityRows(f: ClusterFigures, target = AVAILABILITY_TARGET): ChartRow[] {
  return [...f.reliability.by_period].reverse().flatMap((p) => {
    const a = num(p, 'availability');
    if (a === null) return [];
    return [{
      period: str(p, 'period'), availability_pct: round(a * 100, 4), target_pct: round(target * 100, 4),
      down_minutes: num(p, 'down_minutes'), below: a < target, current: str(p, 'period') === f.period.label,
    }];
  });
}

/** The name of a job key without its `[user@queue]` part. */
const jobName = (key: string) => key.replace(/\s*\[[^\]]*\]$/, '');

/** The top failing job keys by burn: a bar a key, labelled by name and owner, with share and failures. */
export function topFailingRows(f: ClusterFigures, top = TOP_BARS): ChartRow[] {
  const rows = f.top_failing_jobs.slice(0, top).map((j, i) => {
    const share = num(j, 'share_of_capacity');
    return {
      rank: i + 1,
      job: `${jobName(str(j, 'job_key') ?? '?')} (${str(j, 'owner') ?? '?'})`,
      job_key: str(j, 'job_key'), owner: str(j, 'owner'), team: str(j, 'team'),
      hours: round(num(j, 'failed_vcore_hours') ?? 0, 1),
      share_pct: share === null ? null : round(share * 100, 4),
      failures: num(j, 'failures'), runs: num(j, 'runs'),
      note: `${share === null ? '' : `${(share * 100).toFixed(1)}% · `}${num(j, 'failures')}/${num(j, 'runs')} failed`,
    };
  });
  // The same name and owner in two queues: tell them apart by their rank.
  const repeated = new Set(rows.filter((r, i) => rows.findIndex((o) => o.job === r.job) !== i).map((r) => r.job));
  for (const r of rows) if (repeated.has(r.job)) r.job = `${r.rank}. ${r.job}`;
  return rows;
}

/** The teams and the queues that used the largest shares of the cluster, a panel each. */
export function teamRows(f: ClusterFigures, top = TOP_BARS): ChartRow[] {
  const panel = (dimension: string, list: Row[]) => list.slice(0, top).map((r, i) => {
    const share = num(r, 'share_of_capacity') ?? 0;
    return { dimension, rank: i + 1, name: str(r, 'name'), share_pct: round(share * 100, 4), hours: round(num(r, 'vcore_hours') ?? 0, 1), note: `${(share * 100).toFixed(1)}%` };
  });
  return [...panel('Teams', f.top_consumers.teams), ...panel('Queues', f.top_consumers.queues)];
}

/** Throughput per application type: the middle half (p25–p75) of its jobs' MB/s, the median and the fastest. */
export function throughputRows(f: ClusterFigures): ChartRow[] {
  return f.throughput_by_framework.map((r) => {
    const median = num(r, 'median_mb_per_s');
    return {
      framework: str(r, 'framework'), jobs: num(r, 'jobs'),
      p25: num(r, 'p25_mb_per_s'), median, p75: num(r, 'p75_mb_per_s'), max: num(r, 'max_mb_per_s'),
      note: `${median === null ? '?' : median.toFixed(1)} MB/s median · ${num(r, 'jobs')} jobs`,
    };
  });
}
