/**
 * The storage stories' figures, computed from the namespace the generator wrote: the cold data in
 * the fsimage of 2026-09-30 by team, and when demo-hadoop crosses 90% at its recent trend.
 */
import { HADOOP_CLUSTER, HADOOP_TZ } from './hadoop.js';
import type { Org } from './org.js';
import { COLD_TEAM, teamDir } from './hdfs-data.js';
import { accessTime, alive, type Inode } from './hdfs-namespace.js';
import type { HdfsHistory } from './storage.js';
import { DAY_MS, localDate, zonedInstant } from './time.js';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const TB = 1e12;

/** The directories each team owns (settings `paths`): its /data/<queue> directory, and finance's legacy one. */
export function teamPaths(org: Org): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of org.teams) {
    if (!t.clusters.includes('hadoop')) continue;
    out.set(t.name, t.name === 'finance-reporting' ? ['/data/finance', teamDir(t)] : [teamDir(t)]);
  }
  return out;
}

/** The fsimage dated `asOf` holds the namespace at the midnight that ends that (local) day. */
export function imageInstant(asOf: string): number {
  const d = new Date(`${asOf}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return zonedInstant(HADOOP_TZ, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Whole days from the access's local date to the image's date. */
export function ageDays(asOf: string, f: Inode, t: number): number {
  return Math.round((Date.parse(asOf) - Date.parse(localDate(accessTime(f, t), HADOOP_TZ))) / DAY_MS);
}

export function computeStorageStories(org: Org, hdfs: HdfsHistory) {
  return { cold_data: coldData(org, hdfs.inodes), capacity_90pct: crossing(hdfs) };
}

function coldData(org: Org, inodes: Inode[]) {
  const asOf = '2026-09-30';
  const t = imageInstant(asOf);
  const paths = [...teamPaths(org)].flatMap(([team, ps]) => ps.map((p) => ({ p, team })));
  const teamOf = (path: string) => paths.find(({ p }) => path.startsWith(p + '/'))?.team ?? '(no team)';
  const cold = new Map<string, number>();
  const all = new Map<string, number>();
  let total = 0;
  for (const f of inodes) {
    if (f.dir || !alive(f, t)) continue;
    const team = teamOf(f.path);
    all.set(team, (all.get(team) ?? 0) + f.size);
    if (ageDays(asOf, f, t) < 365) continue;
    cold.set(team, (cold.get(team) ?? 0) + f.size);
    total += f.size;
  }
  const ranked = [...cold].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const [team, bytes] = ranked[0];
  if (team !== COLD_TEAM) throw new Error(`cold-data story: ${team} holds the most data unread for a year, not ${COLD_TEAM}`);
  return {
    cluster: HADOOP_CLUSTER,
    as_of: asOf,
    method: 'From the fsimage of 2026-09-30: each file\'s age is the image\'s date minus the local (Europe/Amsterdam) date of its access time, in days; '
      + 'bytes_read_365d_plus sums the sizes (one replica) of files aged 365 days or more. A file is a team\'s when its path is under one of the team\'s '
      + 'settings paths (team_paths, e.g. /data/ads_measurement); files under /user, /tmp and /apps belong to no team but count in the total.',
    team,
    team_paths: teamPaths(org).get(team),
    bytes_365d_plus: bytes,
    tb_365d_plus: r4(bytes / TB),
    all_bytes_365d_plus: total,
    share_of_all_365d_plus: r6(bytes / total),
    team_bytes: all.get(team)!,
    team_share_unread_365d: r6(bytes / all.get(team)!),
    runner_up: { team: ranked[1][0], bytes_365d_plus: ranked[1][1], share_of_all_365d_plus: r6(ranked[1][1] / total) },
    top5: ranked.slice(0, 5).map(([x, b]) => ({ team: x, bytes_365d_plus: b })),
  };
}

function crossing(hdfs: HdfsHistory) {
  const s = hdfs.jmx;
  const last = s[s.length - 1];
  const w = s.filter((x) => x.at >= last.at - 90 * DAY_MS);
  // Ordinary least squares of used bytes on time (seconds), centred for precision.
  const xs = w.map((x) => x.at / 1000);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = w.reduce((a, b) => a + b.used, 0) / w.length;
  const sxy = w.reduce((a, b, i) => a + (xs[i] - mx) * (b.used - my), 0);
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const threshold = 0.9 * last.capacity;
  const at = Math.round((threshold - intercept) / slope) * 1000;
  const expansion = s.findIndex((x) => x.liveNodes > 60);
  return {
    cluster: HADOOP_CLUSTER,
    method: 'Ordinary least-squares line of used_bytes (CapacityUsed) over taken_at (epoch seconds) for the NameNode JMX snapshots taken in the 90 days up to '
      + 'the last one (taken_at >= last taken_at - 90 days, the last included); the crossing is where the line reaches 0.9 x the last snapshot\'s capacity_bytes '
      + '(CapacityTotal). crossing_date is that instant\'s date in Europe/Amsterdam.',
    window_from: iso(w[0].at),
    window_to: iso(last.at),
    snapshots: w.length,
    slope_bytes_per_day: Math.round(slope * 86400),
    intercept_bytes: intercept,
    last_capacity_bytes: last.capacity,
    last_used_bytes: last.used,
    last_used_share: r6(last.used / last.capacity),
    threshold_bytes: threshold,
    crossing_at: iso(at),
    crossing_date: localDate(at, HADOOP_TZ),
    expansion: {
      before: { taken_at: iso(s[expansion - 1].at), capacity_bytes: s[expansion - 1].capacity, used_share: r6(s[expansion - 1].used / s[expansion - 1].capacity) },
      after: { taken_at: iso(s[expansion].at), capacity_bytes: s[expansion].capacity, used_share: r6(s[expansion].used / s[expansion].capacity) },
    },
    first: { taken_at: iso(s[0].at), used_share: r6(s[0].used / s[0].capacity) },
  };
}
