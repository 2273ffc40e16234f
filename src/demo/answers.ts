/**
 * The answer key: the planted stories' figures, computed from the very records the generator wrote.
 * Tests load sample-data/ and check that SQL over the warehouse finds the same numbers.
 */
import { quarters, type Quarter } from './calendar.js';
import {
  capacityVcoreSeconds, HADOOP_CLUSTER, HADOOP_TZ, vcoreSeconds, vcoreSecondsWithin, type App, type HadoopHistory,
} from './hadoop.js';
import { hpcCapacity, HPC_CLUSTER, HPC_TZ, type SlurmJob } from './hpc.js';
import { INCIDENTS, incidentWindow } from './incidents.js';
import { STORY_USERS, type Org } from './org.js';
import type { jobHistoryAnswers } from './job-history.js';
import type { computeStorageStories } from './storage-answers.js';
import { zonedInstant } from './time.js';

export interface PlantedReject {
  file: string;
  line: number;
  why: string;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function hadoopState(a: App) {
  if (a.state === 'RUNNING') return 'RUNNING';
  if (a.state === 'KILLED' || a.finalStatus === 'KILLED') return 'KILLED';
  if (a.state === 'FAILED' || a.finalStatus === 'FAILED') return 'FAILED';
  return 'SUCCEEDED';
}
function slurmState(j: SlurmJob, end: number) {
  if (j.start >= end) return 'PENDING';
  if (j.end > end) return 'RUNNING';
  if (j.state === 'COMPLETED') return 'SUCCEEDED';
  if (j.state.startsWith('CANCELLED')) return 'KILLED';
  return j.state;
}
const countBy = <T>(xs: T[], f: (x: T) => string) => {
  const out: Record<string, number> = {};
  for (const x of xs) out[f(x)] = (out[f(x)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
};

/** Minutes covered by critical and major incidents in [from, to), overlaps counted once. */
function downMinutes(cluster: string, tz: string, from: number, to: number) {
  const w = INCIDENTS.filter((i) => i.cluster === cluster && (i.severity === 'critical' || i.severity === 'major'))
    .map((i) => incidentWindow(i, tz)).map(([s, e]) => [Math.max(s, from), Math.min(e, to)]).filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cur: number[] | undefined;
  for (const x of w) {
    if (cur && x[0] <= cur[1]) cur[1] = Math.max(cur[1], x[1]);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [...x];
    }
  }
  if (cur) total += cur[1] - cur[0];
  return total / 60_000;
}

export function computeAnswers(
  org: Org, hadoop: HadoopHistory, hpc: SlurmJob[], rejects: PlantedReject[], hpcEnd: number,
  storage: ReturnType<typeof computeStorageStories>, history: ReturnType<typeof jobHistoryAnswers>,
) {
  const hq = quarters(HADOOP_TZ).filter((q) => q.label !== '2026-Q4');
  const pq = quarters(HPC_TZ).filter((q) => q.label !== '2026-Q4');
  const apps = hadoop.apps;
  const end = hadoop.end;
  const q3 = hq.find((q) => q.label === '2026-Q3')!;
  const pq3 = pq.find((q) => q.label === '2026-Q3')!;
  const capQ3 = capacityVcoreSeconds(hadoop.snapshots, q3.start, q3.end);
  const startsIn = (t: number, q: Quarter) => t >= q.start && t < q.end;
  const loadedHpc = hpc.filter((j) => j.story !== 'bad-line');

  // Compute demand by quarter: use split by time over each job's run.
  const hadoopDemand = hq.map((q) => {
    const started = apps.filter((a) => startsIn(a.launch, q));
    return {
      quarter: q.label,
      vcore_hours: r4(apps.reduce((s, a) => s + vcoreSecondsWithin(a, q.start, q.end, end), 0) / 3600),
      jobs: started.length,
      active_users: new Set(started.map((a) => a.user)).size,
      capacity_vcore_hours: r4(capacityVcoreSeconds(hadoop.snapshots, q.start, q.end) / 3600),
    };
  });
  const cpuSecondsWithin = (j: SlurmJob, from: number, to: number) => {
    if (j.start >= hpcEnd) return 0;
    const fin = Math.min(j.end, hpcEnd);
    const run = fin - j.start;
    if (run <= 0) return 0;
    const el = Math.round(run / 1000);
    return el * j.cpus * (Math.max(0, Math.min(fin, to) - Math.max(j.start, from)) / run);
  };
  const cap = hpcCapacity().map((c) => ({ ...c, at: zonedInstant(HPC_TZ, +c.since.slice(0, 4), +c.since.slice(5, 7), +c.since.slice(8, 10)) }));
  const hpcCapSeconds = (from: number, to: number) => cap.reduce((s, c, k) => {
    const a = Math.max(from, c.at);
    const b = Math.min(to, k + 1 < cap.length ? cap[k + 1].at : Infinity);
    return b > a ? s + (c.cpus * (b - a)) / 1000 : s;
  }, 0);
  const hpcDemand = pq.map((q) => {
    const started = loadedHpc.filter((j) => j.start < hpcEnd && startsIn(j.start, q));
    return {
      quarter: q.label,
      cpu_hours: r4(loadedHpc.reduce((s, j) => s + cpuSecondsWithin(j, q.start, q.end), 0) / 3600),
      jobs: started.length,
      active_users: new Set(started.map((j) => j.user)).size,
      capacity_cpu_hours: r4(hpcCapSeconds(q.start, q.end) / 3600),
    };
  });
  const growth = (xs: { vcore_hours?: number; cpu_hours?: number }[]) => {
    const v = xs.map((x) => x.vcore_hours ?? x.cpu_hours!);
    return r4(v[v.length - 1] / v[v.length - 2] - 1);
  };

  // The always-failing pipeline.
  const pipeline = apps.filter((a) => a.story === 'failing-pipeline').sort((a, b) => a.launch - b.launch);
  const pq3Runs = pipeline.filter((a) => startsIn(a.launch, q3));
  const failedQ3 = pq3Runs.filter((a) => hadoopState(a) === 'FAILED');
  let streak = 0;
  for (let k = pipeline.length - 1; k >= 0 && hadoopState(pipeline[k]) === 'FAILED'; k--) streak++;
  const streakStart = pipeline[pipeline.length - streak];
  const owner = org.users.find((u) => u.name === STORY_USERS.failingOwner)!;
  const burn = failedQ3.reduce((s, a) => s + vcoreSeconds(a, end), 0);

  // Superuser jobs.
  const su = apps.filter((a) => a.user === 'hdfs');
  const suQ3 = su.filter((a) => startsIn(a.launch, q3));

  // The job that took most of the cluster.
  const hog = apps.find((a) => a.story === 'cluster-hog')!;

  // Slurm over-requests, 2026-Q3, jobs that started in the quarter and had ended by the end.
  const ended = (j: SlurmJob) => j.end <= hpcEnd && startsIn(j.start, pq3);
  const maxRssMB = (j: SlurmJob) => Math.max(...j.steps.map((s) => s.maxRssKB)) / 1024;
  const hours = (j: SlurmJob) => Math.round((j.end - j.start) / 1000) / 3600;
  const mem = loadedHpc.filter((j) => j.user === STORY_USERS.memoryHog && ended(j));
  const tl = loadedHpc.filter((j) => j.user === STORY_USERS.timeHog && ended(j));
  const hpcOthers = loadedHpc.filter((j) => j.user !== STORY_USERS.memoryHog && j.user !== STORY_USERS.timeHog && ended(j) && maxRssMB(j) > 0);

  const availability = (cluster: string, tz: string, qs: Quarter[]) => qs.map((q) => {
    const minutes = (q.end - q.start) / 60_000;
    const down = downMinutes(cluster, tz, q.start, q.end);
    return { quarter: q.label, minutes, down_minutes: down, availability: r6(1 - down / minutes) };
  });

  return {
    about: 'The answer key of the demo clusters, computed by `npm run sample-data` from the records it wrote. Tests check the warehouse against it.',
    definitions: {
      quarter: 'calendar quarter in the cluster\'s time zone (demo-hadoop Europe/Amsterdam, demo-hpc America/New_York)',
      use: 'demo-hadoop: vcoreSeconds as the RM reports it; demo-hpc: elapsed x allocated CPUs. A job\'s use is spread evenly over [start_time, end_time] and split at quarter boundaries.',
      jobs: 'jobs whose start_time falls in the quarter; active_users: distinct users of those jobs',
      capacity: 'demo-hadoop: totalVirtualCores of the RM metrics snapshots, each in force until the next; demo-hpc: the dated capacity in gazette.yaml',
      availability: '1 - minutes covered by critical or major incidents (overlaps once) / minutes in the quarter',
      runs: 'a story\'s runs and burns count the jobs that started in the quarter, whole',
    },
    clusters: {
      [HADOOP_CLUSTER]: { jobs: apps.length, by_state: countBy(apps, hadoopState), rejects: 0 },
      [HPC_CLUSTER]: { jobs: loadedHpc.length, by_state: countBy(loadedHpc, (j) => slurmState(j, hpcEnd)), rejects: rejects.length },
    },
    planted_rejects: rejects,
    job_history: history.job_history,
    compute_demand: {
      [HADOOP_CLUSTER]: { quarters: hadoopDemand, growth_2026_q3_over_q2: growth(hadoopDemand) },
      [HPC_CLUSTER]: { quarters: hpcDemand, growth_2026_q3_over_q2: growth(hpcDemand) },
    },
    availability: {
      [HADOOP_CLUSTER]: availability(HADOOP_CLUSTER, HADOOP_TZ, hq),
      [HPC_CLUSTER]: availability(HPC_CLUSTER, HPC_TZ, pq),
    },
    stories: {
      failing_pipeline: {
        cluster: HADOOP_CLUSTER,
        quarter: '2026-Q3',
        user: owner.name,
        team: owner.team.name,
        queue: pipeline[0].queue,
        example_job_id: pq3Runs[0].id,
        example_name: pq3Runs[0].name,
        runs: pq3Runs.length,
        failed_runs: failedQ3.length,
        failed_vcore_hours: r4(burn / 3600),
        capacity_vcore_hours: r4(capQ3 / 3600),
        share_of_capacity: r6(burn / capQ3),
        failed_runs_in_a_row_at_end: streak,
        streak_first_failure_start: iso(streakStart.launch),
        diagnostics_starts: 'User class threw exception: org.apache.hadoop.security.AccessControlException: Permission denied',
      },
      superuser_jobs: {
        cluster: HADOOP_CLUSTER,
        quarter: '2026-Q3',
        user: 'hdfs',
        jobs: suQ3.length,
        vcore_hours: r4(suQ3.reduce((s, a) => s + vcoreSeconds(a, end), 0) / 3600),
        jobs_whole_period: su.length,
      },
      cluster_hog: {
        cluster: HADOOP_CLUSTER,
        job_id: hog.id,
        user: hog.user,
        name: hog.name,
        start_time: iso(hog.launch),
        end_time: iso(hog.finish),
        hours: r4((hog.finish - hog.launch) / 3_600_000),
        vcore_hours: r4(vcoreSeconds(hog) / 3600),
        share_of_capacity_during_run: r4(vcoreSeconds(hog) / capacityVcoreSeconds(hadoop.snapshots, hog.launch, hog.finish)),
      },
      memory_overrequest: {
        cluster: HPC_CLUSTER,
        quarter: '2026-Q3',
        user: STORY_USERS.memoryHog,
        team: org.users.find((u) => u.name === STORY_USERS.memoryHog)!.team.name,
        jobs: mem.length,
        requested_gb_hours: r4(mem.reduce((s, j) => s + (j.reqMemMB / 1024) * hours(j), 0)),
        max_rss_gb_hours: r4(mem.reduce((s, j) => s + (maxRssMB(j) / 1024) * hours(j), 0)),
        median_requested_over_max_rss: r4(median(mem.map((j) => j.reqMemMB / maxRssMB(j)))),
        everyone_else_median_requested_over_max_rss: r4(median(hpcOthers.map((j) => j.reqMemMB / maxRssMB(j)))),
      },
      time_limit_overrequest: {
        cluster: HPC_CLUSTER,
        quarter: '2026-Q3',
        user: STORY_USERS.timeHog,
        team: org.users.find((u) => u.name === STORY_USERS.timeHog)!.team.name,
        jobs: tl.length,
        time_limit_hours: r4(tl.reduce((s, j) => s + j.limitS / 3600, 0)),
        elapsed_hours: r4(tl.reduce((s, j) => s + hours(j), 0)),
        median_limit_over_elapsed: r4(median(tl.map((j) => j.limitS / 3600 / hours(j)))),
        everyone_else_median_limit_over_elapsed: r4(median(hpcOthers.filter((j) => hours(j) > 0).map((j) => j.limitS / 3600 / hours(j)))),
      },
      ...storage,
      ...history.stories,
    },
  };
}
