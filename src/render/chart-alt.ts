/**
 * Alt text of each chart: one or two sentences that state the chart's main fact with its numbers,
 * from the same rows the chart draws, for `alt=` in the email and `<title>`/aria-label on the web.
 * A chart with no rows says so.
 */
import type { ClusterFigures } from '../analyze/figures.js';
import { AVAILABILITY_TARGET, num, type ChartRow } from './chart-data.js';

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number, digits = 1) => `${x.toFixed(digits)}%`;
const n = (r: ChartRow | undefined, k: string) => (typeof r?.[k] === 'number' ? (r[k] as number) : null);

export function computeDemandAlt(f: ClusterFigures, rows: ChartRow[]): string {
  const compute = rows.filter((r) => r.kind === 'compute' && n(r, 'value') !== null);
  const now = compute[compute.length - 1];
  if (!now) return `Compute demand by ${f.period.kind}: no figures.`;
  const before = compute[compute.length - 2];
  const g = before && n(before, 'value')! > 0 ? n(now, 'value')! / n(before, 'value')! - 1 : null;
  const change = g === null ? '' : `, ${g >= 0 ? 'up' : 'down'} ${pct(Math.abs(g) * 100, 0)} from ${int(n(before, 'value')!)} in ${before.period}`;
  const companion = rows.find((r) => r.kind === 'companion' && r.period === now.period);
  const beside = companion && n(companion, 'value') !== null ? `; ${companion.measure}: ${int(n(companion, 'value')!)}` : '';
  return `Compute demand by ${f.period.kind}: ${int(n(now, 'value')!)} ${now.measure} in ${now.period}${change}${beside}.`;
}

export function storageAlt(f: ClusterFigures, rows: ChartRow[]): string {
  const used = rows.filter((r) => r.series === 'used');
  const last = used[used.length - 1];
  if (!last) return 'Storage: no snapshots of used and capacity.';
  const capacity = rows.filter((r) => r.series === 'capacity' && r.date === last.date)[0];
  const share = capacity && n(capacity, 'tb')! > 0 ? ` (${pct((n(last, 'tb')! / n(capacity, 'tb')!) * 100, 0)})` : '';
  const head = `Storage: ${int(n(last, 'tb')!)} TB used of ${capacity ? int(n(capacity, 'tb')!) : '?'} TB${share} on ${String(last.date).slice(0, 10)}`;
  const crossings = rows.filter((r) => r.series === 'crossing').map((r) => r.label);
  const t = f.storage.trend ?? undefined;
  const perDay = num(t, 'slope_bytes_per_day');
  if (crossings.length) return `${head}; at the recent trend it reaches ${crossings.join(' and ')}.`;
  if (perDay !== null && perDay > 0) return `${head}; at the recent trend it crosses no new threshold within a year.`;
  return `${head}.`;
}

export function availabilityAlt(f: ClusterFigures, rows: ChartRow[], target = AVAILABILITY_TARGET): string {
  const now = rows.find((r) => r.current) ?? rows[rows.length - 1];
  if (!now) return `Availability by ${f.period.kind}: no figures.`;
  const digits = now.below && n(now, 'availability_pct')! >= target * 100 - 0.01 ? 3 : 2;
  const met = rows.filter((r) => !r.below).length;
  return `Availability was ${pct(n(now, 'availability_pct')!, digits)} in ${now.period} (${int(n(now, 'down_minutes') ?? 0)} minutes down), `
    + `${now.below ? 'below' : 'meeting'} the ${pct(target * 100, 1)} target; ${met} of ${rows.length} ${f.period.kind}s met it.`;
}

export function topFailingAlt(f: ClusterFigures, rows: ChartRow[]): string {
  const first = rows[0];
  if (!first) return `No job failed 3 times or more in ${f.period.label}.`;
  const share = n(first, 'share_pct') === null ? '' : `, ${pct(n(first, 'share_pct')!)} of the cluster`;
  return `The failing job that burned the most in ${f.period.label} is ${first.job}: ${first.failures} of ${first.runs} runs failed, `
    + `${int(n(first, 'hours')!)} ${f.compute_unit}${share}.`;
}

export function teamsAlt(f: ClusterFigures, rows: ChartRow[]): string {
  const teams = rows.filter((r) => r.dimension === 'Teams');
  const first = teams[0];
  if (!first) return `No team used the cluster in ${f.period.label}.`;
  const sum = teams.reduce((s, r) => s + n(r, 'share_pct')!, 0);
  return `${first.name} used the largest share of the cluster in ${f.period.label}: ${pct(n(first, 'share_pct')!)} (${int(n(first, 'hours')!)} ${f.compute_unit}); `
    + `the top ${teams.length} teams together ${pct(sum)}.`;
}

export function throughputAlt(f: ClusterFigures, rows: ChartRow[]): string {
  if (rows.length === 0) return `Throughput by framework: no job of ${f.period.label} has its bytes read and written in Spark or MapReduce history.`;
  const ranked = [...rows].sort((a, b) => (n(b, 'median') ?? -1) - (n(a, 'median') ?? -1));
  const each = ranked.map((r) => `${r.framework} ${(n(r, 'median') ?? 0).toFixed(1)} MB/s over ${r.jobs} jobs`);
  return `Median throughput per job in ${f.period.label}: ${each.join('; ')}.`;
}
