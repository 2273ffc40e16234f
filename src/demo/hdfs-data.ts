/**
 * What demo-hadoop's users write to HDFS over the demo period, into a Namespace:
 *
 *   /data/<short>/<zone>/<feed>/<partition…>/part-…   team data (short = the team's YARN queue name),
 *                                                      daily, hourly, weekly or monthly partitions, kept
 *                                                      for a retention period or for ever
 *   /data/clickstream/sessions/dt=…                    the failing pipeline's output (see hadoop.ts)
 *   /data/finance/gl_entries/dt=…                      finance-reporting's legacy directory (the hdfs distcp)
 *   /user/<person>, /user/svc_<short>                  homes: notebooks, extracts, jars
 *   /tmp/hive/<user>/<uuid>/…                          scratch, gone within hours or days
 *   /apps/…                                            framework tarballs
 *
 * Team data is written with relative sizes (`weight`), scaled to the cluster afterwards (storage.ts).
 */
import { HADOOP_TZ, type App } from './hadoop.js';
import { INSTALLED, type Namespace } from './hdfs-namespace.js';
import { STORY_USERS, type Org, type Team } from './org.js';
import type { Rng } from './rng.js';
import { DAY_MS, localTime, pad, zonedInstant } from './time.js';

/** The cold-data team. */
export const COLD_TEAM = 'ads-measurement';

interface Dataset {
  team: Team;
  dir: string;
  layout: 'daily' | 'hourly' | 'weekly' | 'monthly';
  format: 'parquet' | 'orc' | 'text';
  since: number;
  /** Days a partition is kept (Infinity: for ever). */
  retention: number;
  /** Bytes a day at the period's start, and the yearly growth. */
  perDay: number;
  growth: number;
  /** Files a partition is written as (least, most). */
  files: [number, number];
  hotDays: number;
  rereads: number[];
  owner: string;
  repl: number;
  hour: number;
}

const FEEDS = ['orders', 'clicks', 'sessions', 'payments', 'impressions', 'inventory', 'shipments', 'users', 'devices', 'searches', 'reviews', 'refunds', 'carts', 'campaigns'];
const GB = 1e9;

/** Everything the period's users write, in a fixed order (the seed decides the rest). */
export function writeNamespace(r: Rng, ns: Namespace, org: Org, apps: App[], start: number, end: number) {
  for (const [p, owner, perm] of [['/data', 'hdfs', 'rwxr-xr-x'], ['/user', 'hdfs', 'rwxr-xr-x'], ['/tmp', 'hdfs', 'rwxrwxrwt'], ['/tmp/hive', 'hive', 'rwx-wx-wx'], ['/apps', 'hdfs', 'rwxr-xr-x']]) {
    ns.mkdir(p, INSTALLED, owner, 'supergroup', perm);
  }
  const teams = org.teams.filter((t) => t.clusters.includes('hadoop'));
  // Team directories, as old as their oldest data (made older as data is written).
  for (const t of teams) ns.mkdir(teamDir(t), end, `svc_${t.queue!.slice(5)}`, t.name, 'rwxrwxr-x');
  ns.mkdir('/data/finance', end, 'svc_finance_reporting', 'finance-reporting', 'rwxrwxr-x');
  const datasets = teams.flatMap((t) => teamDatasets(r, t, start, end));
  datasets.push(...storyDatasets(teams, start));
  // rzhang's ALS backfill of 2026-08-19 reads all of recommendations' data an hour into its run.
  const als = apps.find((a) => a.story === 'cluster-hog')!.launch + 3600_000;
  for (const d of datasets) if (d.team.name === 'recommendations') d.rereads = [...d.rereads, als];
  for (const d of datasets) writeDataset(r, ns, d, start, end);
  writeSessions(r, ns, teams, apps);
  writeHomes(r, ns, org, start, end);
  writeScratch(r, ns, teams, start, end);
  writeApps(ns, start);
  return teams;
}

/** A team's directory under /data: its YARN queue's name, as the jobs' diagnostics have it. */
export const teamDir = (t: Team) => `/data/${t.queue!.slice(5)}`;

/**
 * Each team's datasets: a raw feed kept for weeks, monthly aggregates kept for ever (dashboards read
 * the last thirteen months), and some of: staging kept days, weekly snapshots, daily curated tables.
 */
function teamDatasets(r: Rng, team: Team, start: number, end: number): Dataset[] {
  const short = team.queue!.slice(5);
  const extra = Math.min(3, Math.round(team.weight * 0.5));
  const kinds = ['raw', 'monthly', ...Array.from({ length: extra }, () => r.pick(['raw', 'staging', 'weekly', 'weekly', 'daily'] as const))];
  const feeds = [...FEEDS].sort(() => r.next() - 0.5);
  const size = Math.sqrt(team.weight);
  return kinds.map((kind, i) => {
    // Most datasets were there before the period (with up to three years of history); the rest arrive during it.
    const since = r.chance(0.7) ? start - r.logUniform(90, 1000) * DAY_MS : start + r.next() * (end - start - 30 * DAY_MS);
    const base = {
      team, format: r.pick(['parquet', 'parquet', 'orc', 'text'] as const), since, growth: r.logUniform(1.05, 1.3),
      rereads: [] as number[], owner: `svc_${short}`, repl: 3, hour: r.int(0, 6),
    };
    const feed = feeds[i];
    switch (kind) {
      case 'raw':
        return { ...base, dir: `/data/${short}/raw/${feed}`, layout: 'daily', retention: r.pick([30, 60, 90, 120]), perDay: r.logUniform(40, 250) * GB * size, files: [1, 3], hotDays: r.int(2, 7) };
      case 'staging':
        return { ...base, dir: `/data/${short}/staging/${feed}`, layout: 'daily', retention: r.pick([7, 14]), perDay: r.logUniform(20, 100) * GB * size, files: [1, 2], hotDays: 2 };
      case 'monthly':
        return { ...base, dir: `/data/${short}/curated/${feed}_monthly`, layout: 'monthly', retention: Infinity, perDay: r.logUniform(8, 40) * GB * size, files: [2, 5], hotDays: r.pick([120, 200, 400]) };
      case 'weekly':
        return { ...base, dir: `/data/${short}/curated/${feed}_weekly`, layout: 'weekly', retention: r.pick([56, 91, 182, 364, Infinity]), perDay: r.logUniform(5, 30) * GB * size, files: [1, 3], hotDays: r.int(14, 60), rereads: r.chance(0.4) ? quarterly(since, end) : [] };
      default:
        return { ...base, format: 'orc', dir: `/data/${short}/curated/${feed}`, layout: 'daily', retention: r.pick([365, 730]), perDay: r.logUniform(5, 30) * GB * size, files: [1, 1], hotDays: r.int(30, 90), rereads: r.chance(0.4) ? quarterly(since, end) : [] };
    }
  });
}

/** The planted and the coherent: ads-measurement's cold raw logs, clickstream's hourly events, finance's legacy directory. */
function storyDatasets(teams: Team[], start: number): Dataset[] {
  const team = (name: string) => teams.find((t) => t.name === name)!;
  const base = { rereads: [] as number[], repl: 3, hour: 2, growth: 1.2 };
  return [
    // Kept for ever, read by the daily aggregation in the first days and never again.
    { ...base, team: team(COLD_TEAM), dir: '/data/ads_measurement/raw/impressions', layout: 'daily', format: 'text', since: start - 900 * DAY_MS, retention: Infinity, perDay: 250 * GB, files: [2, 2], hotDays: 2, owner: 'svc_ads_measurement' },
    { ...base, team: team(COLD_TEAM), dir: '/data/ads_measurement/raw/viewability', layout: 'daily', format: 'orc', since: start - 600 * DAY_MS, retention: Infinity, perDay: 90 * GB, files: [1, 1], hotDays: 1, owner: 'svc_ads_measurement' },
    { ...base, team: team('clickstream'), dir: '/data/clickstream/raw/events', layout: 'hourly', format: 'orc', since: start - 30 * DAY_MS, retention: 7, perDay: 300 * GB, files: [1, 1], hotDays: 2, owner: 'svc_clickstream' },
    { ...base, team: team('finance-reporting'), dir: '/data/finance/gl_entries', layout: 'daily', format: 'orc', since: start - 700 * DAY_MS, retention: Infinity, perDay: 4 * GB, files: [1, 1], hotDays: 10, owner: 'svc_finance_reporting' },
  ];
}

/** Quarterly backfills: a whole table read on the 3rd of January, April, July and October at 09:30. */
function quarterly(from: number, to: number): number[] {
  const out: number[] = [];
  for (let y = 2025; y <= 2026; y++) {
    for (const m of [1, 4, 7, 10]) {
      const t = zonedInstant(HADOOP_TZ, y, m, 3, 9, 30);
      if (t > from && t < to) out.push(t);
    }
  }
  return out;
}

/** A dataset's partitions, each written the day (hour, week, month) after the one it holds. */
function writeDataset(r: Rng, ns: Namespace, d: Dataset, start: number, end: number) {
  const group = d.team.name;
  const year = 365.25 * DAY_MS;
  const parts: { name: string[]; at: number; days: number }[] = [];
  for (let t = localNoon(d.since); t < end; t = localNoon(t + DAY_MS)) {
    const lt = localTime(t, HADOOP_TZ);
    const day = `${lt.year}-${pad(lt.month)}-${pad(lt.day)}`;
    const next = localTime(t + DAY_MS, HADOOP_TZ);
    const at = zonedInstant(HADOOP_TZ, next.year, next.month, next.day, d.hour, 5 + (lt.day * 7) % 50);
    if (d.layout === 'daily') parts.push({ name: [`dt=${day}`], at, days: 1 });
    else if (d.layout === 'weekly' && lt.weekday === 0) parts.push({ name: [`snapshot_date=${day}`], at, days: 7 });
    else if (d.layout === 'monthly' && next.day === 1) parts.push({ name: [`month=${lt.year}-${pad(lt.month)}`], at: at + DAY_MS, days: lt.day });
    else if (d.layout === 'hourly') {
      const midnight = zonedInstant(HADOOP_TZ, lt.year, lt.month, lt.day);
      for (let h = 0; h < 24; h++) parts.push({ name: [`dt=${day}`, `hr=${pad(h)}`], at: midnight + (h + 1) * 3600_000 + 12 * 60_000, days: 1 / 24 });
    }
  }
  for (const p of parts) {
    const died = d.retention === Infinity ? Infinity : p.at + d.retention * DAY_MS + 22 * 3600_000;
    if (died <= start || p.at >= end) continue;
    const bytes = d.perDay * p.days * Math.pow(d.growth, (p.at - start) / year) * r.logUniform(0.75, 1.3);
    const files = r.int(d.files[0], d.files[1]);
    const uuid = uuidOf(r);
    let at = p.at;
    let dir = ns.mkdir(d.dir, at, d.owner, group, 'rwxr-xr-x');
    for (const part of p.name) dir = ns.mkdir(`${dir.path}/${part}`, at, d.owner, group, 'rwxr-xr-x', died);
    for (let k = 0; k < files; k++) {
      at += r.int(20_000, 240_000);
      ns.file(dir, fileName(d.format, k, uuid), at, died, { weight: bytes / files * r.logUniform(0.8, 1.25), repl: d.repl, owner: d.owner, group, hotUntil: at + d.hotDays * DAY_MS, rereads: d.rereads });
    }
    if (d.format !== 'orc') ns.file(dir, '_SUCCESS', at + 1500, died, { size: 0, repl: d.repl, owner: d.owner, group, hotUntil: at + d.hotDays * DAY_MS });
  }
}

/**
 * clickstream's sessions, written by mbrennan's daily SessionizeDaily runs until the directory was
 * handed to clickstream_etl on 2026-06-24: from then on the partitions are created empty by the new
 * owner and every run fails to write into them (the AccessControlException of the failing pipeline).
 */
function writeSessions(r: Rng, ns: Namespace, teams: Team[], apps: App[]) {
  const team = teams.find((t) => t.name === 'clickstream')!;
  const runs = apps.filter((a) => a.story === 'failing-pipeline').sort((a, b) => a.launch - b.launch);
  const owner = STORY_USERS.failingOwner;
  const root = ns.mkdir('/data/clickstream/sessions', runs[0].launch, owner, team.name, 'rwxr-xr-x');
  const handover = runs.find((a) => a.finalStatus === 'FAILED')!;
  root.chown = { at: handover.submit - 6 * 3600_000, owner: 'clickstream_etl', group: 'hadoop' };
  for (const a of runs) {
    const lt = localTime(a.submit, HADOOP_TZ);
    const name = `dt=${lt.year}-${pad(lt.month)}-${pad(lt.day)}`;
    if (a.finalStatus === 'FAILED') {
      ns.mkdir(`${root.path}/${name}`, a.submit - 25 * 60_000, 'clickstream_etl', 'hadoop', 'rwxr-xr-x');
      continue;
    }
    const dir = ns.mkdir(`${root.path}/${name}`, a.finish - 20 * 60_000, owner, team.name, 'rwxr-xr-x');
    const uuid = uuidOf(r);
    const n = r.int(6, 9);
    for (let k = 0; k < n; k++) {
      ns.file(dir, fileName('parquet', k, uuid), a.finish - (n - k) * 60_000, Infinity, { weight: r.logUniform(2.5, 4) * GB, repl: 3, owner, group: team.name, hotUntil: a.finish + 30 * DAY_MS });
    }
    ns.file(dir, '_SUCCESS', a.finish - 20_000, Infinity, { size: 0, repl: 3, owner, group: team.name, hotUntil: a.finish + 30 * DAY_MS });
  }
}

/** Homes: notebooks, scripts and jars, and extracts people leave behind. */
function writeHomes(r: Rng, ns: Namespace, org: Org, start: number, end: number) {
  const users = org.teams.filter((t) => t.clusters.includes('hadoop')).flatMap((t) => [
    ...t.users.map((u) => ({ name: u.name, team: t, joins: u.joins, weight: u.weight })),
    { name: `svc_${t.queue!.slice(5)}`, team: t, joins: -1, weight: 2 },
  ]);
  for (const u of users) {
    const born = u.joins <= 0 ? start - r.logUniform(30, 900) * DAY_MS : start + u.joins * (end - start);
    const home = ns.mkdir(`/user/${u.name}`, born, u.name, u.team.name, 'rwxr-x---');
    home.nsQuota = 100_000;
    ns.mkdir(`${home.path}/.sparkStaging`, born + r.int(1, 30) * DAY_MS, u.name, u.team.name, 'rwx------');
    const n = Math.min(30, r.poisson(3 + u.weight / 2));
    for (let k = 0; k < n; k++) {
      const at = born + r.next() * (end - born);
      if (at < start - 900 * DAY_MS) continue;
      const kind = r.pick(['notebooks', 'notebooks', 'scripts', 'lib', 'extracts', 'extracts'] as const);
      const dir = ns.mkdir(`${home.path}/${kind}`, at, u.name, u.team.name, 'rwxr-x---');
      const name = kind === 'notebooks' ? `${r.pick(FEEDS)}_${r.pick(['eda', 'check', 'model', 'report'])}_${r.int(1, 99)}.ipynb`
        : kind === 'scripts' ? `${r.pick(['load', 'fix', 'export', 'backfill'])}_${r.pick(FEEDS)}.py`
          : kind === 'lib' ? `${r.pick(FEEDS)}-udfs-${r.int(1, 4)}.${r.int(0, 12)}.jar`
            : `${r.pick(FEEDS)}_${r.int(2023, 2026)}${pad(r.int(1, 12))}.csv`;
      const size = kind === 'extracts' ? Math.round(r.logUniform(2e6, 6e10)) : kind === 'lib' ? Math.round(r.logUniform(2e5, 2e8)) : Math.round(r.logUniform(2e3, 3e6));
      const died = r.chance(0.2) ? at + r.logUniform(1, 300) * DAY_MS : Infinity;
      ns.file(dir, name, at, died, { size, repl: 3, owner: u.name, group: u.team.name, hotUntil: at + r.logUniform(0.5, 60) * DAY_MS });
    }
  }
}

/** Hive and Spark scratch under /tmp/hive: created by jobs, removed hours or days later; a few left behind. */
function writeScratch(r: Rng, ns: Namespace, teams: Team[], start: number, end: number) {
  for (let t = start - 3 * DAY_MS; t < end; t += 3600_000) {
    for (let k = r.poisson(0.6); k > 0; k--) {
      const team = r.pick(teams);
      const user = r.chance(0.7) ? `svc_${team.queue!.slice(5)}` : r.pick(team.users).name;
      const at = t + r.int(0, 3_599_000);
      const died = r.chance(0.01) ? Infinity : at + r.logUniform(0.5, 60) * 3600_000;
      if (died <= start) continue;
      const dir = ns.mkdir(`/tmp/hive/${user}`, at, user, team.name, 'rwx------', undefined);
      const s = ns.mkdir(`${dir.path}/${uuidOf(r)}`, at, user, team.name, 'rwx------', died);
      for (let f = r.int(1, 4); f > 0; f--) {
        ns.file(s, `-ext-10000${f}`, at + f * 30_000, died, { weight: r.logUniform(0.05, 20) * GB, repl: 3, owner: user, group: team.name, hotUntil: died });
      }
    }
  }
}

/** Framework tarballs: read by every job. */
function writeApps(ns: Namespace, start: number) {
  const files: [string, number, number, string][] = [
    ['/apps/spark/spark-3.3.2-jars.zip', 287_350_918, INSTALLED + 400 * DAY_MS, 'spark'],
    ['/apps/spark/spark-3.5.1-jars.zip', 312_004_471, start + 120 * DAY_MS, 'spark'],
    ['/apps/tez/tez-0.10.2.tar.gz', 61_847_220, INSTALLED + 200 * DAY_MS, 'hive'],
    ['/apps/hive/hive-exec-3.1.3.jar', 40_215_663, INSTALLED + 200 * DAY_MS, 'hive'],
    ['/apps/mapreduce/hadoop-3.3.6.tar.gz', 730_107_476, INSTALLED + 380 * DAY_MS, 'mapred'],
  ];
  for (const [p, size, at, owner] of files) {
    const dir = ns.mkdir(p.slice(0, p.lastIndexOf('/')), at, owner, 'hadoop', 'rwxr-xr-x');
    ns.file(dir, p.slice(p.lastIndexOf('/') + 1), at, Infinity, { size, repl: 10, owner, group: 'hadoop', hotUntil: Infinity });
  }
}

/** Noon of the local day of `t` (days stepped from noon never skip or repeat a date across DST). */
function localNoon(t: number) {
  const lt = localTime(t, HADOOP_TZ);
  return zonedInstant(HADOOP_TZ, lt.year, lt.month, lt.day, 12);
}

const uuidOf = (r: Rng) => `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${'89ab'[r.int(0, 3)]}${r.hex(3)}-${r.hex(12)}`;
function fileName(format: Dataset['format'], k: number, uuid: string) {
  if (format === 'parquet') return `part-${pad(k, 5)}-${uuid}-c000.snappy.parquet`;
  if (format === 'orc') return `${pad(k, 6)}_0`;
  return `part-m-${pad(k, 5)}.gz`;
}

