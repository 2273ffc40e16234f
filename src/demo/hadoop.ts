/**
 * demo-hadoop: a YARN cluster's applications and capacity over the demo period.
 *
 * Recurring pipelines (hourly, daily, weekly; Airflow, Oozie, cron, Hive) and ad-hoc work (Spark
 * shells, notebooks, Hive queries) with a day/night and weekday rhythm; job counts and sizes grow
 * each quarter, faster than the user base. Failures carry the diagnostics YARN, Spark, MapReduce and
 * HDFS really print. Planted: the always-failing daily pipeline, superuser (`hdfs`) jobs, one job that
 * takes most of the cluster for a day, and the NameNode outage of 2026-08-12.
 */
import { days, periodEnd, periodStart, quarters, quartersSince } from './calendar.js';
import { INCIDENTS, incidentWindow } from './incidents.js';
import { STORY_USERS, type Org, type Team } from './org.js';
import type { Rng } from './rng.js';
import { DAY_MS, localDate, localTime, pad, zonedInstant } from './time.js';

export const HADOOP_TZ = 'Europe/Amsterdam';
export const HADOOP_CLUSTER = 'demo-hadoop';
export const NODE_VCORES = 32;
export const NODE_MB = 229_376;
export const NODES_BEFORE = 48;
export const NODES_AFTER = 72;
/** The expansion: 24 nodes in service from this local date. */
export const EXPANSION = { year: 2026, month: 2, day: 10, hour: 12 };
/** Background use (everything but the planted stories) in 2026-Q3, as a share of capacity. */
const BACKGROUND_UTILISATION_Q3 = 0.45;
/** Quarter-over-quarter growth of background job counts and of job sizes. */
const COUNT_GROWTH = 1.12;
const SIZE_GROWTH = 1.17;
/** The failing pipeline's burn in 2026-Q3, as a share of capacity. */
const FAILING_SHARE_Q3 = 0.1;

export type AppType = 'SPARK' | 'MAPREDUCE' | 'TEZ';

export interface App {
  user: string;
  name: string;
  queue: string;
  type: AppType;
  tags: string[];
  submit: number;
  launch: number;
  /** Finish instant; past the period's end for apps still running at the end. */
  finish: number;
  vcores: number;
  mbPerVcore: number;
  state: 'FINISHED' | 'FAILED' | 'KILLED' | 'RUNNING';
  finalStatus: 'SUCCEEDED' | 'FAILED' | 'KILLED' | 'UNDEFINED';
  /** Diagnostics; `{id}`, `{attempt}`, `{container}` filled in once ids are assigned. */
  diagnostics: string;
  story?: 'failing-pipeline' | 'superuser' | 'cluster-hog';
  /** Background apps are scaled to the utilisation target; story apps are sized exactly. */
  scalable: boolean;
  id?: string;
  clusterTs?: number;
  seq?: number;
  epoch?: number;
  host?: string;
}

export interface MetricsSnapshot {
  /** The instant the snapshot was taken (its file is named for it). */
  at: number;
  totalNodes: number;
  activeNodes: number;
  lostNodes: number;
  unhealthyNodes: number;
  decommissionedNodes: number;
  appsRunning: number;
  allocatedVcores: number;
  allocatedMB: number;
  appsSubmitted: number;
  appsCompleted: number;
  appsFailed: number;
  appsKilled: number;
}

export interface HadoopHistory {
  apps: App[];
  snapshots: MetricsSnapshot[];
  /** The running apps' dump, taken at the period's end. */
  end: number;
}

interface Pipeline {
  team: Team;
  user: string;
  queue: string;
  type: AppType;
  style: 'airflow' | 'oozie' | 'cron' | 'hive';
  every: 'hourly' | 'daily' | 'weekly';
  hour: number;
  minute: number;
  base: string;
  dag: string;
  task: string;
  tagged: boolean;
  /** vcores and run seconds at the period's start */
  vcores: number;
  seconds: number;
  failRate: number;
  from: number;
  mbPerVcore: number;
}

const FEEDS = ['orders', 'clicks', 'sessions', 'payments', 'impressions', 'inventory', 'shipments', 'users', 'devices', 'searches', 'reviews', 'refunds', 'carts', 'campaigns'];
const VERBS = ['Aggregate', 'Build', 'Compute', 'Refresh', 'Export', 'Score', 'Join', 'Dedupe'];
const camel = (s: string) => s.replace(/(^|[_-])([a-z])/g, (_, __, c: string) => c.toUpperCase());

export function expansionInstant() {
  return zonedInstant(HADOOP_TZ, EXPANSION.year, EXPANSION.month, EXPANSION.day, EXPANSION.hour);
}
export const nodesAt = (t: number) => (t >= expansionInstant() ? NODES_AFTER : NODES_BEFORE);

export function generateHadoop(r: Rng, org: Org): HadoopHistory {
  const start = periodStart(HADOOP_TZ);
  const end = periodEnd(HADOOP_TZ);
  const outages = INCIDENTS.filter((i) => i.cluster === HADOOP_CLUSTER && (i.severity === 'critical')).map((i) => incidentWindow(i, HADOOP_TZ));
  const hadoopTeams = org.teams.filter((t) => t.clusters.includes('hadoop'));
  const pipelines = buildPipelines(r, hadoopTeams, start);
  const apps: App[] = [];

  for (const day of days(HADOOP_TZ)) {
    const q = quartersSince(day, start);
    const lt = localTime(day + 12 * 3600_000, HADOOP_TZ);
    const weekend = lt.weekday === 0 || lt.weekday === 6;
    // Recurring pipelines
    for (const p of pipelines) {
      if (day + DAY_MS <= p.from) continue;
      const runs: number[] = [];
      if (p.every === 'hourly') for (let h = 0; h < 24; h++) runs.push(h);
      else if (p.every === 'daily' || (p.every === 'weekly' && lt.weekday === 1)) runs.push(p.hour);
      for (const h of runs) {
        const submit = zonedInstant(HADOOP_TZ, lt.year, lt.month, lt.day, h, p.minute) + r.int(0, 90_000);
        if (submit < p.from) continue;
        const grow = Math.pow(SIZE_GROWTH, q);
        apps.push(...pipelineRun(r, p, submit, grow, lt.weekday));
      }
    }
    // Ad-hoc work by people: Poisson per user, more on weekdays and in office hours.
    const countGrowth = Math.pow(COUNT_GROWTH, q);
    for (const t of hadoopTeams) {
      for (const u of t.users) {
        if (u.joins > (day - start) / (end - start)) continue;
        const n = r.poisson(0.036 * u.weight * countGrowth * (weekend ? 0.2 : 1));
        for (let k = 0; k < n; k++) {
          const hour = weekend ? r.int(10, 22) : officeHour(r);
          const submit = day + hour * 3600_000 + r.int(0, 3_599_000);
          apps.push(adhocApp(r, u.name, t, submit, Math.pow(SIZE_GROWTH, q)));
        }
      }
    }
  }
  apps.push(...superuserApps(r, start, end));
  apps.push(clusterHog(), ...stillRunning(end));

  // The outage: nothing starts while HDFS is down; what was running fails.
  const kept: App[] = [];
  for (const a of apps) {
    const hit = outages.find(([s, e]) => a.submit < e && a.finish > s);
    if (!hit) {
      kept.push(a);
      continue;
    }
    const [s, e] = hit;
    if (a.submit >= s) {
      // Submitted during the outage: the scheduler retries after it.
      const shift = e - a.submit + r.int(60_000, 1_800_000);
      a.submit += shift;
      a.launch += shift;
      a.finish += shift;
      kept.push(a);
    } else if (a.launch >= s) {
      continue; // never launched; its retry after the outage is another run
    } else {
      a.finish = s + r.int(5_000, 240_000);
      a.state = 'FAILED';
      a.finalStatus = 'FAILED';
      a.diagnostics = OUTAGE_DIAG;
      kept.push(a);
    }
  }
  kept.sort((a, b) => a.submit - b.submit || a.user.localeCompare(b.user) || a.name.localeCompare(b.name));
  const snapshots = takeSnapshots(r, kept, start, end, outages);
  scaleBackground(kept, snapshots);
  // Still running at the end: the running apps' dump.
  for (const a of kept) {
    if (a.finish > end) {
      a.state = 'RUNNING';
      a.finalStatus = 'UNDEFINED';
      a.diagnostics = '';
    }
  }
  assignIds(r, kept, start, outages);
  // Allocation at snapshot time, now that sizes are final.
  for (const s of snapshots) {
    let vc = 0;
    let mb = 0;
    let n = 0;
    for (const a of kept) {
      if (a.launch <= s.at && a.finish > s.at) {
        vc += a.vcores;
        mb += a.vcores * a.mbPerVcore;
        n++;
      }
    }
    s.appsRunning = n;
    s.allocatedVcores = Math.min(vc, s.activeNodes * NODE_VCORES);
    s.allocatedMB = Math.min(mb, s.activeNodes * NODE_MB);
  }
  return { apps: kept.filter((a) => a.submit < end && a.launch < end), snapshots, end };
}

function officeHour(r: Rng) {
  const w = [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 2, 5, 9, 10, 10, 7, 9, 10, 10, 9, 7, 4, 3, 3, 3, 2, 1.5];
  return r.weighted(w);
}

function buildPipelines(r: Rng, teams: Team[], start: number): Pipeline[] {
  const out: Pipeline[] = [];
  const end = periodEnd(HADOOP_TZ);
  for (const team of teams) {
    const short = team.queue!.slice(5);
    const n = Math.max(1, Math.round(team.weight * 1.3));
    for (let i = 0; i < n; i++) {
      const feed = FEEDS[(i * 5 + short.length) % FEEDS.length];
      const styleRoll = r.next();
      const style = styleRoll < 0.4 ? 'airflow' : styleRoll < 0.6 ? 'oozie' : styleRoll < 0.85 ? 'cron' : 'hive';
      const everyRoll = r.next();
      const every = out.filter((p) => p.every === 'hourly').length < 3 && everyRoll < 0.06 ? 'hourly' : everyRoll < 0.8 ? 'daily' : 'weekly';
      // About half the pipelines exist from the start; the rest are added at a growing pace.
      const u = r.next();
      const fromQ = u < 0.5 ? 0 : Math.log(u) / Math.log(COUNT_GROWTH) + 6.3;
      const from = start + Math.max(0, Math.min(6.2, fromQ)) * 91.3125 * DAY_MS + r.int(0, 20) * DAY_MS;
      const person = team.users.filter((x) => x.joins * (end - start) + start <= from)[0] ?? team.users[0];
      const user = r.chance(0.6) ? `svc_${short}` : person.name;
      const type: AppType = style === 'hive' ? (r.chance(0.5) ? 'TEZ' : 'MAPREDUCE') : style === 'oozie' ? (r.chance(0.5) ? 'MAPREDUCE' : 'SPARK') : 'SPARK';
      const verb = VERBS[(i + short.length) % VERBS.length];
      out.push({
        team, user, queue: team.queue!, type, style, every,
        hour: r.int(0, 6), minute: r.pick([0, 5, 15, 30]),
        base: `${short}.${verb}${camel(feed)}`,
        dag: `${short}_${feed}_${every}`,
        task: `${verb.toLowerCase()}_${feed}`,
        tagged: style === 'airflow' && r.chance(0.6),
        vcores: every === 'hourly' ? r.int(4, 24) : r.int(16, 240),
        seconds: every === 'hourly' ? r.int(120, 900) : r.logUniform(600, 7200),
        failRate: r.logUniform(0.006, 0.04),
        from,
        mbPerVcore: type === 'SPARK' ? r.pick([4096, 6144, 8192]) : r.pick([2048, 3072, 4096]),
      });
    }
  }
  out.push(failingPipeline(teams));
  return out;
}

/**
 * The story: clickstream's daily sessionization, owned by a person, big, and — since the output
 * directory was handed to another owner in late June 2026 — failing at its final write every day.
 */
export const FAILING_SINCE = { year: 2026, month: 6, day: 24 };
function failingPipeline(teams: Team[]): Pipeline {
  const team = teams.find((t) => t.name === 'clickstream')!;
  return {
    team, user: STORY_USERS.failingOwner, queue: team.queue!, type: 'SPARK', style: 'cron', every: 'daily',
    hour: 1, minute: 30, base: 'clickstream.SessionizeDaily', dag: '', task: '', tagged: false,
    vcores: 0, seconds: 0, failRate: 0,
    from: zonedInstant(HADOOP_TZ, 2025, 9, 15), mbPerVcore: 6144,
  };
}

function pipelineName(p: Pipeline, submit: number): string {
  const lt = localTime(submit, HADOOP_TZ);
  const d = `${lt.year}-${pad(lt.month)}-${pad(lt.day)}`;
  const dn = d.replace(/-/g, '');
  const h = pad(p.every === 'hourly' ? lt.hour : p.hour);
  switch (p.style) {
    case 'airflow':
      return p.every === 'hourly' ? `${p.dag}_${dn}${h}` : `${p.dag}_${dn}`;
    case 'oozie':
      return `oozie:action:T=${p.type === 'SPARK' ? 'spark' : 'map-reduce'}:W=wf_${p.dag}:A=${p.task}:ID=${pad(Math.floor(submit / 60_000) % 9_999_999, 7)}-${String(lt.year).slice(2)}${pad(lt.month)}${pad(lt.day)}${pad(lt.hour)}${pad(lt.minute)}00${pad(submit % 1000, 3)}-oozie-oozi-W`;
    case 'cron':
      return `${p.base}_${d.replace(/-/g, '_')}T${h}`;
    case 'hive':
      return `INSERT OVERWRITE TABLE mart.${p.dag} PARTITION(dt='${d}')...${p.dag}(Stage-1)`;
  }
}

function pipelineRun(r: Rng, p: Pipeline, submit: number, grow: number, weekday: number): App[] {
  const name = pipelineName(p, submit);
  const lt = localTime(submit, HADOOP_TZ);
  const tags = p.tagged
    ? [`airflow_dag_id:${p.dag}`, `airflow_task_id:${p.task}`, `airflow_run_id:scheduled__${lt.year}-${pad(lt.month)}-${pad(lt.day)}t${pad(p.hour)}:00:00+00:00`]
    : p.style === 'oozie' ? [`oozie-${hash32(name)}`] : [];
  if (p.base === 'clickstream.SessionizeDaily') return [failingRun(r, p, submit, name)];
  const wait = Math.round(r.logUniform(800, 90_000));
  const seconds = p.seconds * Math.sqrt(grow) * r.logUniform(0.7, 1.4) * (weekday === 1 ? 1.3 : 1);
  const vcores = Math.max(1, Math.round(p.vcores * Math.sqrt(grow) * r.logUniform(0.8, 1.25)));
  const launch = submit + wait;
  const a: App = {
    user: p.user, name, queue: p.queue, type: p.type, tags, submit, launch, finish: launch + Math.round(seconds * 1000),
    vcores, mbPerVcore: p.mbPerVcore, state: 'FINISHED', finalStatus: 'SUCCEEDED', diagnostics: '', scalable: true,
  };
  if (r.chance(p.failRate)) {
    fail(r, a, p.user);
    // Airflow retries once, five minutes after the failure.
    if (p.style === 'airflow' && a.finalStatus === 'FAILED') {
      const again = { ...a, submit: a.finish + 300_000 + r.int(0, 30_000) };
      again.launch = again.submit + Math.round(r.logUniform(800, 30_000));
      again.finish = again.launch + Math.round(seconds * 1000 * r.logUniform(0.9, 1.1));
      again.state = 'FINISHED';
      again.finalStatus = 'SUCCEEDED';
      again.diagnostics = '';
      if (r.chance(0.3)) fail(r, again, p.user);
      return [a, again];
    }
  }
  return [a];
}

/** Runs of the story pipeline: sized later (see sizeFailingPipeline), failing from FAILING_SINCE. */
function failingRun(r: Rng, p: Pipeline, submit: number, name: string): App {
  const failing = submit >= zonedInstant(HADOOP_TZ, FAILING_SINCE.year, FAILING_SINCE.month, FAILING_SINCE.day);
  const launch = submit + r.int(2_000, 40_000);
  // Succeeding runs take about 2.9 h; failing ones retry the last stage four times first.
  const seconds = (failing ? 4.4 : 2.9) * 3600 * r.logUniform(0.93, 1.07);
  const a: App = {
    user: p.user, name, queue: p.queue, type: 'SPARK', tags: [], submit, launch, finish: launch + Math.round(seconds * 1000),
    vcores: 0, mbPerVcore: p.mbPerVcore, state: 'FINISHED', finalStatus: 'SUCCEEDED', diagnostics: '', scalable: false, story: 'failing-pipeline',
  };
  if (failing) {
    const d = localDate(submit, HADOOP_TZ);
    a.finalStatus = 'FAILED';
    a.diagnostics = `User class threw exception: org.apache.hadoop.security.AccessControlException: Permission denied: user=${p.user}, access=WRITE, inode="/data/clickstream/sessions/dt=${d}":clickstream_etl:hadoop:drwxr-xr-x\n`
      + `\tat org.apache.hadoop.hdfs.server.namenode.FSPermissionChecker.check(FSPermissionChecker.java:506)\n`
      + `\tat org.apache.hadoop.hdfs.server.namenode.FSPermissionChecker.checkPermission(FSPermissionChecker.java:346)\n`
      + `\tat org.apache.hadoop.hdfs.server.namenode.FSDirectory.checkPermission(FSDirectory.java:1943)\n`
      + `\tat org.apache.spark.sql.execution.datasources.InsertIntoHadoopFsRelationCommand.run(InsertIntoHadoopFsRelationCommand.scala:186)\n`;
  }
  return a;
}

const ADHOC = [
  { name: 'Spark shell', type: 'SPARK', w: 5, vcores: [2, 40], secs: [300, 10_800], mb: 4096 },
  { name: 'PySparkShell', type: 'SPARK', w: 5, vcores: [2, 40], secs: [300, 10_800], mb: 4096 },
  { name: 'livy-session-', type: 'SPARK', w: 3, vcores: [2, 24], secs: [300, 7200], mb: 4096 },
  { name: 'HIVE-', type: 'TEZ', w: 6, vcores: [1, 60], secs: [20, 1800], mb: 3072 },
  { name: 'SELECT', type: 'MAPREDUCE', w: 2, vcores: [1, 80], secs: [30, 2400], mb: 2048 },
  { name: 'QuasiMonteCarlo', type: 'MAPREDUCE', w: 0.3, vcores: [2, 16], secs: [30, 300], mb: 2048 },
  { name: 'word count', type: 'MAPREDUCE', w: 0.3, vcores: [2, 16], secs: [30, 600], mb: 2048 },
  { name: 'PigLatin:DefaultJobName', type: 'MAPREDUCE', w: 0.6, vcores: [2, 30], secs: [60, 2400], mb: 2048 },
  { name: 'spark-submit', type: 'SPARK', w: 3, vcores: [4, 120], secs: [300, 14_400], mb: 6144 },
] as const;

function adhocApp(r: Rng, user: string, team: Team, submit: number, grow: number): App {
  const k = ADHOC[r.weighted(ADHOC.map((x) => x.w))];
  const tables = ['events', 'orders', 'sessions', 'users', 'payments', 'clicks'];
  let name: string;
  switch (k.name) {
    case 'livy-session-': name = `livy-session-${r.int(1, 60_000)}`; break;
    case 'HIVE-': name = `HIVE-${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`; break;
    case 'SELECT': name = `SELECT count(*) FROM ${team.name.replace(/-/g, '_')}.${r.pick(tables)} WHERE dt='${localDate(submit, HADOOP_TZ)}'(Stage-1)`; break;
    case 'spark-submit': name = `${r.pick(['backfill', 'explore', 'train', 'evaluate', 'debug'])}_${r.pick(tables)}${r.chance(0.4) ? `_v${r.int(1, 9)}` : ''}.py`; break;
    default: name = k.name;
  }
  const launch = submit + Math.round(r.logUniform(500, 60_000));
  const secs = r.logUniform(k.secs[0], k.secs[1]);
  const a: App = {
    user, name, queue: r.chance(0.7) ? 'root.adhoc' : team.queue!, type: k.type, tags: k.name === 'livy-session-' ? [`livy-session-${r.int(1, 60_000)}-${r.hex(8)}`] : [],
    submit, launch, finish: launch + Math.round(secs * 1000),
    vcores: Math.max(1, Math.round(r.logUniform(k.vcores[0], k.vcores[1]) * Math.sqrt(grow))), mbPerVcore: k.mb,
    state: 'FINISHED', finalStatus: 'SUCCEEDED', diagnostics: '', scalable: true,
  };
  const roll = r.next();
  if (roll < 0.05) fail(r, a, user);
  else if (roll < 0.08) {
    a.state = 'KILLED';
    a.finalStatus = 'KILLED';
    a.finish = a.launch + Math.round((a.finish - a.launch) * r.next());
    a.diagnostics = r.chance(0.6) ? 'Application killed by user.' : `Application {id} was killed by user ${user} at 10.${r.int(10, 40)}.${r.int(0, 255)}.${r.int(1, 254)}`;
  }
  return a;
}

/** Weekly backups and ad-hoc repairs run as the HDFS superuser, against policy. */
function superuserApps(r: Rng, start: number, end: number): App[] {
  const out: App[] = [];
  for (const day of days(HADOOP_TZ)) {
    const lt = localTime(day + 12 * 3600_000, HADOOP_TZ);
    if (lt.weekday === 0) {
      const submit = day + 22 * 3600_000 + r.int(0, 300_000);
      const launch = submit + r.int(1000, 20_000);
      out.push({
        user: 'hdfs', name: 'distcp: hdfs://nameservice1/data/finance -> hdfs://backup-nn:8020/backup/finance', queue: 'root.data_platform', type: 'MAPREDUCE', tags: [],
        submit, launch, finish: launch + Math.round(r.logUniform(1800, 5400) * 1000), vcores: r.int(20, 40), mbPerVcore: 2048,
        state: 'FINISHED', finalStatus: 'SUCCEEDED', diagnostics: '', scalable: true, story: 'superuser',
      });
    }
    if (r.chance(0.04)) {
      const submit = day + r.int(9, 17) * 3600_000 + r.int(0, 3_599_000);
      const launch = submit + r.int(1000, 20_000);
      out.push({
        user: 'hdfs', name: r.chance(0.5) ? `INSERT OVERWRITE TABLE finance.gl_entries PARTITION(dt='${localDate(day, HADOOP_TZ)}')...gl_entries(Stage-1)` : 'Spark shell',
        queue: 'root.default', type: r.chance(0.5) ? 'MAPREDUCE' : 'SPARK', tags: [],
        submit, launch, finish: launch + Math.round(r.logUniform(120, 3600) * 1000), vcores: r.int(4, 60), mbPerVcore: 4096,
        state: 'FINISHED', finalStatus: 'SUCCEEDED', diagnostics: '', scalable: true, story: 'superuser',
      });
    }
  }
  return out.filter((a) => a.submit >= start && a.submit < end);
}

/** The ALS backfill of 2026-08-19: 1,850 vcores (80% of the cluster) for about 23 hours. */
export const HOG = { vcores: 1850, submitLocal: [2026, 8, 19, 7, 10] as const, seconds: 23 * 3600 + 24 * 60 };
function clusterHog(): App {
  const [y, m, d, h, mi] = HOG.submitLocal;
  const submit = zonedInstant(HADOOP_TZ, y, m, d, h, mi) + 17_345;
  const launch = submit + 94_211;
  return {
    user: STORY_USERS.bigJob, name: 'als_recommendations_full_backfill_2024_2026', queue: 'root.recommendations', type: 'SPARK', tags: [],
    submit, launch, finish: launch + HOG.seconds * 1000, vcores: HOG.vcores, mbPerVcore: 8192,
    state: 'FINISHED', finalStatus: 'SUCCEEDED', diagnostics: '', scalable: false, story: 'cluster-hog',
  };
}

/** Apps still running at the end: a streaming ingest restarted a few days before, and a late Spark shell. */
function stillRunning(end: number): App[] {
  const base = { state: 'FINISHED', finalStatus: 'SUCCEEDED', diagnostics: '', scalable: false, tags: [] } as const;
  return [
    { ...base, tags: [], user: 'svc_clickstream', name: 'clickstream-kafka-ingest (Structured Streaming)', queue: 'root.clickstream', type: 'SPARK', submit: end - 5 * DAY_MS - 3_601_245, launch: end - 5 * DAY_MS - 3_589_002, finish: end + 30 * DAY_MS, vcores: 24, mbPerVcore: 4096 },
    { ...base, tags: [], user: STORY_USERS.bigJob, name: 'Spark shell', queue: 'root.adhoc', type: 'SPARK', submit: end - 2_712_040, launch: end - 2_698_311, finish: end + 3_600_000, vcores: 8, mbPerVcore: 4096 },
  ];
}

const OUTAGE_DIAG = `Application {id} failed 2 times due to Error launching {attempt}. Got exception: java.net.ConnectException: Call From rm1.demo-hadoop.example.com/10.20.0.11 to nn1.demo-hadoop.example.com:8020 failed on connection exception: java.net.ConnectException: Connection refused; For more details see:  http://wiki.apache.org/hadoop/ConnectionRefused\n. Failing the application.`;

function fail(r: Rng, a: App, user: string) {
  const kinds = a.type === 'SPARK'
    ? ['spark-oom', 'spark-oom', 'am-oom', 'access', 'missing', 'quota', 'spark-stage']
    : ['am-oom', 'am-oom', 'access', 'missing', 'quota', 'timeout', 'timeout'];
  const k = r.pick(kinds);
  const d = localDate(a.submit, HADOOP_TZ);
  const ts = `${d} ${pad(localTime(a.finish, HADOOP_TZ).hour)}:${pad(r.int(0, 59))}:${pad(r.int(0, 59))}.${pad(r.int(0, 999), 3)}`;
  const path = `/data/${a.queue.replace(/^root\./, '')}/${r.pick(['raw', 'staging', 'curated'])}/${r.pick(FEEDS)}/dt=${d}`;
  a.finish = a.launch + Math.round((a.finish - a.launch) * r.logUniform(0.1, 0.9));
  a.state = 'FINISHED';
  a.finalStatus = 'FAILED';
  switch (k) {
    case 'am-oom': {
      a.state = 'FAILED';
      const limit = a.mbPerVcore / 1024;
      a.diagnostics = `Application {id} failed 2 times due to AM Container for {attempt} exited with  exitCode: -104\nFailing this attempt.Diagnostics: [${ts}]Container [pid=${r.int(3000, 60000)},containerID={container}] is running ${r.int(10, 900) * 1048576}B beyond the 'PHYSICAL' memory limit. Current usage: ${(limit + r.next() * 0.4).toFixed(1)} GB of ${limit} GB physical memory used; ${(limit * 2.3).toFixed(1)} GB of ${(limit * 2.1).toFixed(1)} GB virtual memory used. Killing container.\nContainer killed on request. Exit code is 143\nContainer exited with a non-zero exit code 143. \nFor more detailed output, check the application tracking page: http://rm1.demo-hadoop.example.com:8088/cluster/app/{id} Then click on links to logs of each attempt.\n. Failing the application.`;
      break;
    }
    case 'spark-oom': {
      const ex = r.int(1, 200);
      a.diagnostics = `User class threw exception: org.apache.spark.SparkException: Job aborted due to stage failure: Task ${r.int(0, 400)} in stage ${r.int(1, 40)}.0 failed 4 times, most recent failure: Lost task ${r.int(0, 400)}.3 in stage ${r.int(1, 40)}.0 (TID ${r.int(100, 90000)}) (worker${pad(r.int(1, 48), 3)}.demo-hadoop.example.com executor ${ex}): ExecutorLostFailure (executor ${ex} exited caused by one of the running tasks) Reason: Container killed by YARN for exceeding physical memory limits. ${(a.mbPerVcore / 1024 * 1.5 + 0.4).toFixed(1)} GB of ${(a.mbPerVcore / 1024 * 1.5).toFixed(1)} GB physical memory used. Consider boosting spark.executor.memoryOverhead.\nDriver stacktrace:\n`;
      break;
    }
    case 'spark-stage':
      a.diagnostics = `User class threw exception: org.apache.spark.SparkException: Job aborted due to stage failure: ShuffleMapStage ${r.int(1, 30)} (save at ${r.pick(['Etl', 'Job', 'Main'])}.scala:${r.int(20, 400)}) has failed the maximum allowable number of times: 4. Most recent failure reason: org.apache.spark.shuffle.FetchFailedException: Failed to connect to worker${pad(r.int(1, 48), 3)}.demo-hadoop.example.com/10.20.${r.int(1, 9)}.${r.int(1, 250)}:7337\n`;
      break;
    case 'access':
      a.diagnostics = `${a.type === 'SPARK' ? 'User class threw exception: ' : 'Job init failed : '}org.apache.hadoop.security.AccessControlException: Permission denied: user=${user}, access=WRITE, inode="${path}":hdfs:hadoop:drwxr-xr-x\n\tat org.apache.hadoop.hdfs.server.namenode.FSPermissionChecker.check(FSPermissionChecker.java:506)\n\tat org.apache.hadoop.hdfs.server.namenode.FSPermissionChecker.checkPermission(FSPermissionChecker.java:346)\n`;
      break;
    case 'missing':
      a.diagnostics = a.type === 'SPARK'
        ? `User class threw exception: java.io.FileNotFoundException: File does not exist: hdfs://nameservice1${path}\n\tat org.apache.hadoop.hdfs.DistributedFileSystem$29.doCall(DistributedFileSystem.java:1757)\n`
        : `Job init failed : org.apache.hadoop.mapreduce.lib.input.InvalidInputException: Input path does not exist: hdfs://nameservice1${path}\n`;
      break;
    case 'quota':
      a.diagnostics = r.chance(0.7)
        ? `${a.type === 'SPARK' ? 'User class threw exception: ' : ''}org.apache.hadoop.hdfs.protocol.DSQuotaExceededException: The DiskSpace quota of /data/${a.queue.replace(/^root\./, '')} is exceeded: quota = 109951162777600 B = 100 TB but diskspace consumed = 109951${r.int(200000000, 999999999)} B = 100.00 TB\n`
        : `${a.type === 'SPARK' ? 'User class threw exception: ' : ''}org.apache.hadoop.hdfs.protocol.NSQuotaExceededException: The NameSpace quota (directories and files) of directory /user/${user} is exceeded: quota=100000 file count=100001\n`;
      break;
    case 'timeout': {
      const task = `task_{ts}_{seq}_m_${pad(r.int(0, 999), 6)}`;
      a.diagnostics = `Task failed ${task}\nJob failed as tasks failed. failedMaps:1 failedReduces:0 killedMaps:0 killedReduces: 0\nAttemptID:attempt_{ts}_{seq}_m_${pad(r.int(0, 999), 6)}_3 Timed out after 600 secs\n`;
      break;
    }
  }
}

/** Daily metrics at 06:00 local (the collecting cron); none while HDFS was down. */
function takeSnapshots(r: Rng, apps: App[], start: number, end: number, outages: [number, number][]): MetricsSnapshot[] {
  const out: MetricsSnapshot[] = [];
  let submitted = 0;
  let completed = 0;
  let failed = 0;
  let killed = 0;
  let i = 0;
  const byFinish = [...apps].sort((a, b) => a.finish - b.finish);
  let j = 0;
  for (const day of days(HADOOP_TZ)) {
    const at = day + 6 * 3600_000;
    if (outages.some(([s, e]) => at >= s && at < e)) continue;
    while (i < apps.length && apps[i].submit <= at) { submitted++; i++; }
    while (j < byFinish.length && byFinish[j].finish <= at) {
      const a = byFinish[j++];
      if (a.finalStatus === 'KILLED') killed++;
      else if (a.finalStatus === 'FAILED') failed++;
      else completed++;
    }
    const total = nodesAt(at);
    const unhealthy = r.chance(0.12) ? r.int(1, 2) : 0;
    const lost = r.chance(0.05) ? 1 : 0;
    const decommissioned = at >= expansionInstant() + 120 * DAY_MS ? 1 : 0;
    out.push({
      at, totalNodes: total, activeNodes: total - unhealthy - lost - decommissioned, lostNodes: lost, unhealthyNodes: unhealthy,
      decommissionedNodes: decommissioned, appsRunning: 0, allocatedVcores: 0, allocatedMB: 0,
      appsSubmitted: submitted, appsCompleted: completed, appsFailed: failed, appsKilled: killed,
    });
  }
  return out.filter((s) => s.at < end);
}

/** Capacity in vcore-seconds between two instants: each snapshot holds until the next. */
export function capacityVcoreSeconds(snapshots: MetricsSnapshot[], from: number, to: number): number {
  let sum = 0;
  for (let k = 0; k < snapshots.length; k++) {
    const s = snapshots[k];
    const a = Math.max(from, s.at);
    const b = Math.min(to, k + 1 < snapshots.length ? snapshots[k + 1].at : Infinity);
    if (b > a) sum += (s.activeNodes * NODE_VCORES * (b - a)) / 1000;
  }
  return sum;
}

/** vcore-seconds of an app that fall between two instants (use spread evenly over its run). */
export function vcoreSecondsWithin(a: App, from: number, to: number, end = Infinity): number {
  const finish = Math.min(a.finish, end);
  const run = finish - a.launch;
  if (run <= 0) return 0;
  const overlap = Math.max(0, Math.min(finish, to) - Math.max(a.launch, from));
  return vcoreSeconds(a, end) * (overlap / run);
}

/** What the RM reports: vcores × run seconds (up to `end` for running apps). */
export function vcoreSeconds(a: App, end = Infinity): number {
  return Math.round((a.vcores * (Math.min(a.finish, end) - a.launch)) / 1000);
}

function scaleBackground(apps: App[], snapshots: MetricsSnapshot[]) {
  const q3 = quarters(HADOOP_TZ).find((q) => q.label === '2026-Q3')!;
  const cap = capacityVcoreSeconds(snapshots, q3.start, q3.end);
  // The story pipeline: sized so its failing runs of the quarter burn FAILING_SHARE_Q3 of capacity.
  const failing = apps.filter((a) => a.story === 'failing-pipeline');
  const inQ3 = failing.filter((a) => a.launch >= q3.start && a.launch < q3.end);
  const runSeconds = inQ3.reduce((s, a) => s + (a.finish - a.launch) / 1000, 0);
  const vcores = Math.round((FAILING_SHARE_Q3 * cap) / runSeconds);
  for (const a of failing) a.vcores = vcores;
  let background = 0;
  // Background sizes so far are relative: scale them to the utilisation target.
  for (const a of apps) if (a.scalable) background += vcoreSecondsWithin(a, q3.start, q3.end);
  const k = (BACKGROUND_UTILISATION_Q3 * cap) / background;
  for (const a of apps) if (a.scalable) a.vcores = Math.max(1, Math.round(a.vcores * k));
}

/**
 * Application ids: `application_<RM start time>_<sequence>`; the RM restarted at the expansion and
 * after the outage, each time with a new cluster timestamp and the sequence back at 1.
 */
function assignIds(r: Rng, apps: App[], start: number, outages: [number, number][]) {
  const restarts = [start - 19 * DAY_MS + 3_812_117, expansionInstant() + 1_203_554, ...outages.map(([, e]) => e - 412_000), zonedInstant(HADOOP_TZ, 2026, 10, 21, 13, 38)].sort((a, b) => a - b);
  let epoch = 14;
  let seq = 8_112;
  let current = restarts[0];
  for (const a of apps) {
    const latest = restarts.filter((t) => t <= a.submit).pop()!;
    if (latest !== current) {
      current = latest;
      seq = 0;
      epoch++;
    }
    seq++;
    a.clusterTs = current;
    a.seq = seq;
    a.epoch = epoch;
    a.id = `application_${current}_${pad(seq, 4)}`;
    a.host = `worker${pad(r.int(1, nodesAt(a.submit)), 3)}.demo-hadoop.example.com`;
    const attempt = `appattempt_${current}_${pad(seq, 4)}_000002`;
    const container = `container_e${epoch}_${current}_${pad(seq, 4)}_02_000001`;
    a.diagnostics = a.diagnostics
      .replaceAll('{id}', a.id).replaceAll('{attempt}', attempt).replaceAll('{container}', container)
      .replaceAll('{ts}', String(current)).replaceAll('{seq}', pad(seq, 4));
  }
}

function hash32(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    h1 = Math.imul(h1 ^ s.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ s.charCodeAt(i), 2246822519) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
}
