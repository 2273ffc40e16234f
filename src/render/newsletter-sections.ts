/**
 * The sections of one cluster's part of the newsletter, from its figures: what each says first,
 * its chart and its tables, numbers formatted once. A section whose figures are empty says so in
 * one line (and what would fill it) rather than disappearing.
 */
import type { ClusterFigures, Row } from '../analyze/figures.js';
import { HIGHLIGHT_RULES } from '../analyze/highlights.js';
import type { ChartName } from './charts.js';
import { bytes, change, count, day, dayTime, dec, hours, int, money, pct, pctNear, times } from './newsletter-format.js';
import type { ChartRef, SectionView, TableView } from './newsletter-view.js';

export interface SectionContext {
  chart(name: ChartName): ChartRef;
  slug: string;
}

const num = (r: Row | undefined, k: string): number | null => (typeof r?.[k] === 'number' && Number.isFinite(r[k]) ? (r[k] as number) : null);
const str = (r: Row | undefined, k: string): string => (typeof r?.[k] === 'string' ? (r[k] as string) : '–');
/** A job key's name without the `[user@queue]` it is grouped by. */
const jobName = (r: Row) => str(r, 'job_key').replace(/\s*\[[^\]]*\]$/, '');

/** A table from column specs: [label, numeric?, cell of a row]. */
function table(caption: string, id: string, rows: Row[], columns: [string, boolean, (r: Row) => string][]): TableView {
  return { caption, id, columns: columns.map(([label, numeric]) => ({ label, numeric })), rows: rows.map((r) => columns.map(([, numeric, cell]) => ({ text: cell(r), numeric }))) };
}

/** The cost column, only where the figures carry money (prices are set). */
const costColumn = (rows: Row[], key: string): [string, boolean, (r: Row) => string][] =>
  rows.some((r) => num(r, key) !== null) ? [['Cost', true, (r) => money(num(r, key), typeof r.currency === 'string' ? r.currency : undefined)]] : [];

export function clusterSections(f: ClusterFigures, ctx: SectionContext): SectionView[] {
  return [computeDemand(f, ctx), storage(f, ctx), reliability(f, ctx), failing(f, ctx), wasteful(f, ctx), teams(f, ctx), throughput(f, ctx)];
}

function computeDemand(f: ClusterFigures, ctx: SectionContext): SectionView {
  const d = f.compute_demand;
  const [now, before] = d.by_period;
  const unit = f.compute_unit;
  const lead = [
    `${f.cluster} used ${hours(num(now, 'vcore_hours'), unit)} in ${f.period.label}, ${pct(num(now, 'share_of_capacity'))} of its capacity, in ${int(num(now, 'jobs'))} jobs of ${int(num(now, 'active_users'))} users.`,
  ];
  if (d.growth_over_previous !== null) {
    lead.push(`That is ${change(d.growth_over_previous)} on ${str(before, 'period')}${d.growth_over_year_ago !== null ? ` and ${change(d.growth_over_year_ago)} on the same ${f.period.kind} a year before` : ''}.`);
  }
  for (const s of d.business_series ?? []) {
    const growth = s.growth_over_previous === null ? '' : `, ${change(s.growth_over_previous)} on the ${f.period.kind} before`;
    const per = s.compute_hours_per_1000 === null ? '' : `; ${hours(s.compute_hours_per_1000, unit)} per 1,000 ${s.unit ?? s.series}`;
    const value = num(s.by_period[0], 'value');
    lead.push(`${s.series[0].toUpperCase()}${s.series.slice(1)} in ${f.period.label}: ${int(value)}${s.unit ? ` ${s.unit}` : ''}${growth}${per}.`);
  }
  const periods = d.by_period.filter((p) => num(p, 'jobs'));
  return {
    id: `demand-${ctx.slug}`,
    title: 'Compute demand',
    lead,
    chart: ctx.chart('compute-demand'),
    tables: [
      table(`Compute demand by ${f.period.kind}`, `demand-table-${ctx.slug}`, periods, [
        [f.period.kind === 'quarter' ? 'Quarter' : 'Month', false, (r) => str(r, 'period')],
        [unit[0].toUpperCase() + unit.slice(1), true, (r) => int(num(r, 'vcore_hours'))],
        ['Share', true, (r) => pct(num(r, 'share_of_capacity'))],
        ['Jobs', true, (r) => int(num(r, 'jobs'))],
        ['Users', true, (r) => int(num(r, 'active_users'))],
      ]),
    ],
  };
}

function storage(f: ClusterFigures, ctx: SectionContext): SectionView {
  const s = f.storage;
  const base = { id: `storage-${ctx.slug}`, title: 'Storage', tables: [] as TableView[] };
  const now = s.by_period.find((p) => num(p, 'used_bytes') !== null);
  if (!now && !s.cold_data_by_team.length) {
    return { ...base, lead: [], empty: `No storage figures for ${f.cluster}: load NameNode snapshots (jmx), du listings or fsimage rollups to see used against capacity and cold data.` };
  }
  const lead: string[] = [];
  if (now) {
    lead.push(`${bytes(num(now, 'used_bytes'))} used of ${bytes(num(now, 'capacity_bytes'))} (${pct(num(now, 'used_share'))}) on ${day(now.snapshot_at, f.timezone)}${num(now, 'growth') !== null ? `, ${change(num(now, 'growth'))} over the ${f.period.kind}` : ''}.`);
  }
  const t = s.trend;
  if (t && num(t, 'last_used_share') !== null) {
    const crossings = ([80, 90] as const).flatMap((level) => {
      if (t[`already_above_${level}`] === true) return [`it is already above ${level}%`];
      const at = t[`crossing_${level}_at`];
      return typeof at === 'string' ? [`it reaches ${level}% on ${day(at, f.timezone)}, in ${int(num(t, `days_until_${level}`))} days`] : [];
    });
    lead.push(`At the growth of the newest 90 days of snapshots (to ${day(t.window_to, f.timezone)}: ${pct(num(t, 'last_used_share'), 0)} full)${crossings.length ? `, ${crossings.join('; ')}` : ', it crosses neither 80% nor 90% within a year'}.`);
  }
  const cold = s.cold_data_by_team.filter((r) => (num(r, 'cold_365d_bytes') ?? 0) > 0).slice(0, 10);
  const top = cold[0];
  if (top) lead.push(`${str(top, 'team')} holds ${pct(num(top, 'share_of_cold_365d'), 0)} of the data nobody has read for a year (${bytes(num(top, 'cold_365d_bytes'))}): delete or archive what is no longer needed.`);
  const tables = cold.length
    ? [table(`Cold data by team (as of ${day(top!.as_of, 'UTC')})`, `cold-${ctx.slug}`, cold, [
        ['Team', false, (r) => str(r, 'team')],
        ['Data', true, (r) => bytes(num(r, 'bytes'))],
        ['Unread 90 d', true, (r) => bytes(num(r, 'cold_90d_bytes'))],
        ['Unread 1 yr', true, (r) => bytes(num(r, 'cold_365d_bytes'))],
        ['Share of year-cold', true, (r) => pct(num(r, 'share_of_cold_365d'))],
      ])]
    : [];
  return { ...base, lead, chart: now ? ctx.chart('storage') : undefined, tables };
}

function reliability(f: ClusterFigures, ctx: SectionContext): SectionView {
  const target = HIGHLIGHT_RULES.availabilityTarget;
  const [now] = f.reliability.by_period;
  const avail = num(now, 'availability');
  const lead = [
    avail === null
      ? 'No availability figure for this period.'
      : `Availability was ${pctNear(avail, target)}, ${avail < target ? 'below' : 'at or above'} the ${pct(target)} target: ${count(num(now, 'down_minutes') ?? 0, 'minute')} down.`,
    `${int(num(now, 'succeeded'))} of ${int(num(now, 'ended'))} jobs succeeded (${pct(num(now, 'success_rate'))}); ${int(num(now, 'failed'))} failed, ${int(num(now, 'killed'))} were killed.`,
  ];
  const incidents = f.reliability.incidents;
  return {
    id: `reliability-${ctx.slug}`,
    title: 'Reliability',
    lead,
    chart: ctx.chart('availability'),
    tables: incidents.length
      ? [table('Incidents', `incidents-${ctx.slug}`, incidents, [
          ['Started', false, (r) => dayTime(r.start_time, f.timezone)],
          ['Severity', false, (r) => str(r, 'severity')],
          ['What happened', false, (r) => str(r, 'title')],
          ['Minutes', true, (r) => int(num(r, 'minutes_in_period'))],
        ])]
      : [],
    action: incidents.length ? undefined : `No incidents were logged in ${f.period.label}.`,
  };
}

function failing(f: ClusterFigures, ctx: SectionContext): SectionView {
  const jobs = f.top_failing_jobs;
  const base = { id: `failing-${ctx.slug}`, title: 'Top failing jobs', tables: [] as TableView[] };
  if (!jobs.length) return { ...base, lead: [], empty: `No recurring job failed often enough to list in ${f.period.label}.` };
  const burn = jobs.reduce((s, r) => s + (num(r, 'failed_vcore_hours') ?? 0), 0);
  const share = jobs.reduce((s, r) => s + (num(r, 'share_of_capacity') ?? 0), 0);
  const [top] = jobs;
  const lead = [
    `The failed runs of these ${count(jobs.length, 'recurring job')} burned ${hours(burn, f.compute_unit)}, ${pct(share)} of the cluster.`,
    `${jobName(top)} of ${str(top, 'owner')} (${str(top, 'team')}) failed ${num(top, 'failures') === num(top, 'runs') ? `all ${int(num(top, 'runs'))}` : `${int(num(top, 'failures'))} of ${int(num(top, 'runs'))}`} runs${(num(top, 'streak') ?? 0) > 1 ? `, ${int(num(top, 'streak'))} in a row since ${day(top.streak_since, f.timezone)}` : ''}: ${hours(num(top, 'failed_vcore_hours'), f.compute_unit)}, ${pct(num(top, 'share_of_capacity'))} of the cluster${num(top, 'failed_cost') !== null ? `, ${money(num(top, 'failed_cost'), str(top, 'currency'))}` : ''}. Most common error: ${str(top, 'error_signature').slice(0, 200)}`,
  ];
  return {
    ...base,
    lead,
    chart: ctx.chart('top-failing'),
    tables: [table(`Recurring jobs with ${f.period.label}'s most wasted failed runs (burn in ${f.compute_unit})`, `failing-table-${ctx.slug}`, jobs, [
      ['Job', false, jobName],
      ['Owner', false, (r) => str(r, 'owner')],
      ['Team', false, (r) => str(r, 'team')],
      ['Failed', true, (r) => `${int(num(r, 'failures'))} / ${int(num(r, 'runs'))}`],
      ['Streak', true, (r) => int(num(r, 'streak'))],
      ['Burn', true, (r) => int(num(r, 'failed_vcore_hours'))],
      ['Share', true, (r) => pct(num(r, 'share_of_capacity'))],
      ...costColumn(jobs, 'failed_cost'),
    ])],
    action: `Is one of these yours? Fix or unschedule it. gazette explain ${str(top, 'last_job_id')} shows why the last run of the first one failed.`,
  };
}

function wasteful(f: ClusterFigures, ctx: SectionContext): SectionView {
  const w = f.wasteful;
  const id = (what: string) => `${what}-${ctx.slug}`;
  const tables: TableView[] = [];
  const add = (rows: Row[], make: (rows: Row[]) => TableView) => rows.length && tables.push(make(rows.slice(0, 5)));
  add(w.failed_burn_by_user, (rows) => table('Failed runs\' burn by user', id('failed-burn'), rows, [
    ['User', false, (r) => str(r, 'user')], ['Team', false, (r) => str(r, 'team')], ['Failed runs', true, (r) => int(num(r, 'failed_runs'))],
    [`Burn (${f.compute_unit})`, true, (r) => int(num(r, 'failed_vcore_hours'))], ['Share', true, (r) => pct(num(r, 'share_of_capacity'))], ...costColumn(rows, 'cost'),
  ]));
  add(w.memory_over_request, (rows) => table('Memory asked for and not used, by user', id('memory'), rows, [
    ['User', false, (r) => str(r, 'user')], ['Team', false, (r) => str(r, 'team')], ['Asked ÷ used', true, (r) => times(num(r, 'median_ratio'))],
    ['Unused GB-hours', true, (r) => int(num(r, 'unused_gb_hours'))], ...costColumn(rows, 'unused_cost'),
  ]));
  for (const [rows, what] of [[w.mapreduce_memory_over_request, 'MapReduce'], [w.spark_memory_over_request, 'Spark']] as const) {
    add(rows, (rs) => table(`${what} containers larger than their tasks use`, id(`${what.toLowerCase()}-memory`), rs, [
      ['Job', false, jobName], ['Owner', false, (r) => str(r, 'owner')], ['Asked ÷ used', true, (r) => times(num(r, 'median_ratio'))],
      ['Unused GB-hours', true, (r) => int(num(r, 'unused_gb_hours'))],
    ]));
  }
  add(w.time_limit_over_request, (rows) => table('Time limits far above run time, by user', id('time-limit'), rows, [
    ['User', false, (r) => str(r, 'user')], ['Team', false, (r) => str(r, 'team')], ['Jobs', true, (r) => int(num(r, 'jobs'))],
    ['Limit ÷ run time', true, (r) => times(num(r, 'median_ratio'))],
  ]));
  add(w.retries, (rows) => table('Retries of failed runs', id('retries'), rows, [
    ['Job', false, jobName], ['Owner', false, (r) => str(r, 'owner')], ['Retries', true, (r) => int(num(r, 'retries'))],
    ['Failed again', true, (r) => int(num(r, 'failed_again'))], [f.compute_unit, true, (r) => int(num(r, 'retry_vcore_hours'))],
  ]));
  add(w.superuser_jobs, (rows) => table('Jobs run as a superuser account', id('superuser'), rows, [
    ['Account', false, (r) => str(r, 'user')], ['Jobs', true, (r) => int(num(r, 'jobs'))], ['Example', false, (r) => str(r, 'example_name')],
    [f.compute_unit, true, (r) => int(num(r, 'vcore_hours'))],
  ]));
  const lead: string[] = [];
  const mem = w.memory_over_request[0];
  if (mem) lead.push(`${str(mem, 'user')} asked for ${times(num(mem, 'median_ratio'))} the memory their jobs used (the cluster's median is ${times(num(mem, 'cluster_median_ratio'))}).`);
  const tl = w.time_limit_over_request[0];
  if (tl) lead.push(`${str(tl, 'user')} set time limits ${times(num(tl, 'median_ratio'))} what their jobs ran: shorter limits start sooner.`);
  if (w.superuser_jobs.length) lead.push(`${count(w.superuser_jobs.reduce((s, r) => s + (num(r, 'jobs') ?? 0), 0), 'job')} ran as the platform's own accounts (${w.superuser_jobs.map((r) => str(r, 'user')).join(', ')}): run them as a team's account instead.`);
  return {
    id: `wasteful-${ctx.slug}`,
    title: 'Wasteful jobs',
    lead,
    tables,
    empty: tables.length ? undefined : `No failed burn, over-requests, retries or superuser jobs worth listing in ${f.period.label}.`,
  };
}

function teams(f: ClusterFigures, ctx: SectionContext): SectionView {
  const c = f.top_consumers;
  const unit = f.compute_unit;
  const usage = (caption: string, what: string, rows: Row[]) => table(caption, `${what}-${ctx.slug}`, rows, [
    [what === 'teams' ? 'Team' : 'Queue', false, (r) => str(r, 'name')], [unit, true, (r) => int(num(r, 'vcore_hours'))],
    ['Share', true, (r) => pct(num(r, 'share_of_capacity'))], ['Change', true, (r) => change(num(r, 'growth'))],
  ]);
  const tables = [usage('Top teams', 'teams', c.teams), usage('Top queues', 'queues', c.queues)].filter((t) => t.rows.length);
  const hogs = c.dominant_jobs.filter((r) => (num(r, 'share_of_capacity_during_run') ?? 0) >= HIGHLIGHT_RULES.dominantShare);
  if (hogs.length) {
    tables.push(table('Jobs that took half the cluster or more', `dominant-${ctx.slug}`, hogs, [
      ['Job', false, (r) => str(r, 'name')], ['User', false, (r) => str(r, 'user')], ['Hours', true, (r) => dec(num(r, 'hours'))],
      ['Share while running', true, (r) => pct(num(r, 'share_of_capacity_during_run'), 0)],
    ]));
  }
  const [top] = c.teams;
  return {
    id: `teams-${ctx.slug}`,
    title: 'Top teams and queues',
    lead: top ? [`${str(top, 'name')} used the most: ${hours(num(top, 'vcore_hours'), unit)}, ${pct(num(top, 'share_of_capacity'))} of the cluster.`] : [],
    chart: tables.length ? ctx.chart('teams') : undefined,
    tables,
    empty: tables.length ? undefined : 'No use by team or queue in this period.',
  };
}

function throughput(f: ClusterFigures, ctx: SectionContext): SectionView {
  const rows = f.throughput_by_framework;
  const base = { id: `throughput-${ctx.slug}`, title: 'Framework throughput' };
  if (!rows.length) return { ...base, lead: [], tables: [], empty: 'No Spark or MapReduce history with bytes read and written for this period, so no throughput to compare.' };
  return {
    ...base,
    lead: ['MB read and written per second of run, per job, by application type.'],
    chart: ctx.chart('throughput'),
    tables: [table('Throughput by framework', `throughput-table-${ctx.slug}`, rows, [
      ['Framework', false, (r) => str(r, 'framework')], ['Jobs', true, (r) => int(num(r, 'jobs'))],
      ['Median MB/s', true, (r) => dec(num(r, 'median_mb_per_s'))], ['Max MB/s', true, (r) => dec(num(r, 'max_mb_per_s'))],
    ])],
  };
}
