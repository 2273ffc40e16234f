/**
 * Highlights: the handful of facts worth a headline this period, chosen by fixed rules over the
 * figure sets, each a sentence with the numbers it rests on. A rule whose figures are missing
 * says nothing rather than something vague.
 */
import type { ClusterFigures, Row } from './figures.js';

export interface Highlight {
  /** Which rule chose it. */
  kind: 'compute-growth' | 'failing-job' | 'dominant-job' | 'availability' | 'storage-deadline' | 'cold-data' | 'memory-over-request' | 'time-limit-over-request';
  text: string;
  /** The figures the sentence states, unrounded. */
  numbers: Record<string, number | string | null>;
}

/** The rules' thresholds. */
export const HIGHLIGHT_RULES = {
  /** Growth over the previous period worth a headline (either way). */
  growth: 0.1,
  /** A failing job worth naming: its failed runs burned at least this share of the cluster… */
  failingShare: 0.01,
  /** …or failed at least this share of its runs, at least failingRuns times. */
  failingRate: 0.9,
  failingRuns: 10,
  /** A job that took at least this share of the cluster while it ran. */
  dominantShare: 0.5,
  /** Availability below this target. */
  availabilityTarget: 0.999,
  /** A storage threshold crossed within this many days. */
  storageDays: 365,
  /** A team holding at least this share of the data unread for a year. */
  coldShare: 0.25,
  /** A user whose median memory (or time limit) asked ÷ used is at least this. */
  overRequestRatio: 4,
};

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
/** A share under a target, with enough digits not to print as the target itself (99.896%, not 99.90%). */
const pctBelow = (x: number, target: number) => {
  let digits = 2;
  while (digits < 6 && (x * 100).toFixed(digits) === (target * 100).toFixed(digits)) digits++;
  return pct(x, digits);
};
const num = (r: Row | undefined, k: string) => (typeof r?.[k] === 'number' ? (r[k] as number) : undefined);
const str = (r: Row | undefined, k: string) => (typeof r?.[k] === 'string' ? (r[k] as string) : undefined);

export function highlights(f: Omit<ClusterFigures, 'highlights'>): Highlight[] {
  const out: Highlight[] = [];
  const label = f.period.label;
  const kindWord = f.period.kind;
  const unit = f.compute_unit;

  const [now, before] = f.compute_demand.by_period;
  const g = f.compute_demand.growth_over_previous;
  if (g !== null && Math.abs(g) >= HIGHLIGHT_RULES.growth && now && before) {
    out.push({
      kind: 'compute-growth',
      text: `Compute demand ${g > 0 ? 'grew' : 'fell'} ${pct(Math.abs(g), 0)} over the previous ${kindWord}: ${int(num(now, 'vcore_hours')!)} ${unit} in ${label}, against ${int(num(before, 'vcore_hours')!)} in ${String(before.period)}.`,
      numbers: { growth: g, vcore_hours: num(now, 'vcore_hours') ?? null, previous_vcore_hours: num(before, 'vcore_hours') ?? null },
    });
  }

  for (const j of f.top_failing_jobs) {
    const share = num(j, 'share_of_capacity') ?? 0;
    const rate = num(j, 'failure_rate') ?? 0;
    const failures = num(j, 'failures') ?? 0;
    if (share < HIGHLIGHT_RULES.failingShare && !(rate >= HIGHLIGHT_RULES.failingRate && failures >= HIGHLIGHT_RULES.failingRuns)) continue;
    const runs = num(j, 'runs')!;
    const streak = num(j, 'streak') ?? 0;
    out.push({
      kind: 'failing-job',
      text: `${str(j, 'example_name') ?? str(j, 'job_key')} (${str(j, 'owner') ?? 'unknown owner'}, ${str(j, 'team')}) failed ${failures === runs ? `all ${int(runs)}` : `${int(failures)} of ${int(runs)}`} of its runs in ${label}`
        + `${streak > 1 ? `, ${int(streak)} in a row by now` : ''}; the failed runs burned ${int(num(j, 'failed_vcore_hours') ?? 0)} ${unit}, ${pct(share)} of the cluster.`,
      numbers: { job_key: str(j, 'job_key') ?? null, owner: str(j, 'owner') ?? null, runs, failures, streak, failed_vcore_hours: num(j, 'failed_vcore_hours') ?? null, share_of_capacity: share },
    });
    break;
  }

  const hog = f.top_consumers.dominant_jobs[0];
  const hogShare = num(hog, 'share_of_capacity_during_run');
  if (hog && hogShare !== undefined && hogShare >= HIGHLIGHT_RULES.dominantShare) {
    out.push({
      kind: 'dominant-job',
      text: `One job, ${str(hog, 'name') ?? str(hog, 'job_id')} by ${str(hog, 'user')}, took ${pct(hogShare, 0)} of the cluster for ${(num(hog, 'hours') ?? 0).toFixed(1)} hours.`,
      numbers: { job_id: str(hog, 'job_id') ?? null, user: str(hog, 'user') ?? null, share_of_capacity_during_run: hogShare, hours: num(hog, 'hours') ?? null },
    });
  }

  const rel = f.reliability.by_period[0];
  const avail = num(rel, 'availability');
  if (rel && avail !== undefined && avail < HIGHLIGHT_RULES.availabilityTarget) {
    const incidents = f.reliability.incidents.filter((i) => i.severity === 'critical' || i.severity === 'major').length;
    out.push({
      kind: 'availability',
      text: `Availability was ${pctBelow(avail, HIGHLIGHT_RULES.availabilityTarget)}, below the ${pct(HIGHLIGHT_RULES.availabilityTarget, 1)} target: ${int(num(rel, 'down_minutes') ?? 0)} minutes down in ${incidents} ${incidents === 1 ? 'incident' : 'incidents'}.`,
      numbers: { availability: avail, target: HIGHLIGHT_RULES.availabilityTarget, down_minutes: num(rel, 'down_minutes') ?? null, incidents },
    });
  }

  const t = f.storage.trend ?? undefined;
  for (const level of [90, 80] as const) {
    const days = num(t, `days_until_${level}`);
    const at = str(t, `crossing_${level}_at`);
    if (days === undefined || at === undefined || days > HIGHLIGHT_RULES.storageDays) continue;
    out.push({
      kind: 'storage-deadline',
      text: `At the growth of the last ${int(num(t, 'window_days') ?? 90)} days, storage reaches ${level}% of its capacity on ${at.slice(0, 10)}, in ${int(days)} days; it is ${pct(num(t, 'last_used_share') ?? 0, 0)} full now.`,
      numbers: { level: level / 100, crossing_at: at, days, last_used_share: num(t, 'last_used_share') ?? null },
    });
    break;
  }

  const cold = f.storage.cold_data_by_team.find((r) => r.team !== 'unassigned');
  const coldShare = num(cold, 'share_of_cold_365d');
  if (cold && coldShare !== undefined && coldShare >= HIGHLIGHT_RULES.coldShare) {
    out.push({
      kind: 'cold-data',
      text: `${str(cold, 'team')} holds ${pct(coldShare, 0)} of the data nobody has read for a year: ${((num(cold, 'cold_365d_bytes') ?? 0) / 1e12).toFixed(1)} TB.`,
      numbers: { team: str(cold, 'team') ?? null, cold_365d_bytes: num(cold, 'cold_365d_bytes') ?? null, share_of_cold_365d: coldShare },
    });
  }

  const mem = f.wasteful.memory_over_request[0];
  const memRatio = num(mem, 'median_ratio');
  if (mem && memRatio !== undefined && memRatio >= HIGHLIGHT_RULES.overRequestRatio) {
    out.push({
      kind: 'memory-over-request',
      text: `${str(mem, 'user')} (${str(mem, 'team')}) asked for ${memRatio.toFixed(1)}× the memory their jobs used (median of ${int(num(mem, 'jobs') ?? 0)} jobs; the cluster's median is ${(num(mem, 'cluster_median_ratio') ?? 0).toFixed(1)}×): ${int(num(mem, 'unused_gb_hours') ?? 0)} GB-hours reserved and not used.`,
      numbers: { user: str(mem, 'user') ?? null, median_ratio: memRatio, cluster_median_ratio: num(mem, 'cluster_median_ratio') ?? null, unused_gb_hours: num(mem, 'unused_gb_hours') ?? null },
    });
  }

  const tl = f.wasteful.time_limit_over_request[0];
  const tlRatio = num(tl, 'median_ratio');
  if (tl && tlRatio !== undefined && tlRatio >= HIGHLIGHT_RULES.overRequestRatio * 5) {
    out.push({
      kind: 'time-limit-over-request',
      text: `${str(tl, 'user')} (${str(tl, 'team')}) set time limits ${int(tlRatio)}× what their jobs ran (median of ${int(num(tl, 'jobs') ?? 0)} jobs; the cluster's median is ${(num(tl, 'cluster_median_ratio') ?? 0).toFixed(1)}×).`,
      numbers: { user: str(tl, 'user') ?? null, median_ratio: tlRatio, cluster_median_ratio: num(tl, 'cluster_median_ratio') ?? null },
    });
  }
  return out;
}
