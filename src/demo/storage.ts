/**
 * demo-hadoop's HDFS over the demo period: one namespace (hdfs-namespace.ts) written by the
 * period's users (hdfs-data.ts), so that the NameNode's weekly figures, the monthly `du`/`count`
 * and the quarter-end fsimages are all views of it.
 *
 * Planted: ads-measurement keeps its raw impression and viewability logs for ever and nobody reads
 * them after the first days (the cold-data story); the namespace grows about 4% a month, so the
 * expansion of 2026-02-10 buys nine months and demo-hadoop heads for 90% full early in 2027.
 */
import { months, periodEnd, periodStart } from './calendar.js';
import { expansionInstant, HADOOP_TZ, NODES_AFTER, NODES_BEFORE, type App } from './hadoop.js';
import { teamDir, writeNamespace } from './hdfs-data.js';
import { alive, blocksOf, Namespace, replicaBytes, type Inode } from './hdfs-namespace.js';
import type { Org } from './org.js';
import type { Rng } from './rng.js';
import { DAY_MS, localTime, pad, zonedInstant } from './time.js';

/** One DataNode: six 2 TB disks, less the file system's overhead and 10 GiB reserved on each (dfs.datanode.du.reserved). */
export const NODE_CAPACITY = 6 * (1_968_392_550_400 - 10 * 1_073_741_824);
/** The share of the capacity in use at the last weekly snapshot: the sizes of team data are scaled to it. */
const USED_AT_END = 0.806;

export interface JmxSnapshot {
  at: number;
  liveNodes: number;
  deadNodes: number;
  capacity: number;
  used: number;
  nonDfsUsed: number;
  files: number;
  blocks: number;
  underReplicated: number;
  pendingDeletion: number;
}

export interface HdfsHistory {
  inodes: Inode[];
  /** Weekly NameNode /jmx, Mondays 06:00 local. */
  jmx: JmxSnapshot[];
}

export function generateHdfs(r: Rng, org: Org, apps: App[]): HdfsHistory {
  const start = periodStart(HADOOP_TZ);
  const end = periodEnd(HADOOP_TZ);
  const ns = new Namespace();
  const teams = writeNamespace(r, ns, org, apps, start, end);
  const inodes = ns.finish();
  calibrate(inodes, end);
  setQuotas(r, inodes, [...teams.map(teamDir), '/data/finance'], end);
  return { inodes, jmx: jmxSeries(r, inodes, start, end) };
}

/** Scale team data so that the last weekly snapshot is USED_AT_END full; fixed-size files keep their size. */
function calibrate(inodes: Inode[], end: number) {
  const last = lastMonday(end);
  const live = inodes.filter((f) => !f.dir && alive(f, last));
  const fixed = live.filter((f) => f.weight === undefined).reduce((s, f) => s + replicaBytes(f), 0);
  const scaled = live.filter((f) => f.weight !== undefined).reduce((s, f) => s + f.repl * f.weight! * (1 + 4 / 512), 0);
  const scale = (USED_AT_END * NODES_AFTER * NODE_CAPACITY - fixed) / scaled;
  for (const f of inodes) if (f.weight !== undefined) f.size = Math.max(1, Math.round(f.weight * scale));
}

/**
 * Space quotas (on every replica's bytes) for about half the team directories, and name quotas for
 * some, set with room above the most they held on any 1st of the month (so that count never shows
 * a quota overrun: HDFS refuses the write instead).
 */
function setQuotas(r: Rng, inodes: Inode[], dirs: string[], end: number) {
  const TiB = 1_099_511_627_776;
  const firsts = [...months().map(([y, m]) => zonedInstant(HADOOP_TZ, y, m, 1)), end];
  for (const path of dirs) {
    const dir = inodes.find((f) => f.path === path)!;
    const below = inodes.filter((f) => f.path.startsWith(path + '/'));
    let disk = 0;
    let names = 0;
    for (const t of firsts) {
      const now = below.filter((f) => alive(f, t));
      disk = Math.max(disk, now.reduce((s, f) => s + f.size * f.repl, 0));
      names = Math.max(names, now.length + 1);
    }
    if (r.chance(0.5)) dir.dsQuota = Math.ceil((disk * r.logUniform(1.15, 1.6)) / (10 * TiB)) * 10 * TiB;
    if (r.chance(0.3)) dir.nsQuota = Math.ceil((names * r.logUniform(1.5, 3)) / 10_000) * 10_000;
  }
}

export function lastMonday(end: number): number {
  let t = end - DAY_MS;
  while (localTime(t, HADOOP_TZ).weekday !== 1) t -= DAY_MS;
  const lt = localTime(t, HADOOP_TZ);
  return zonedInstant(HADOOP_TZ, lt.year, lt.month, lt.day, 6);
}

/** Mondays 06:00 local from the first in the period to the last before its end. */
export function jmxTimes(start: number, end: number): number[] {
  const out: number[] = [];
  for (let t = start; t < end; t += DAY_MS) {
    const lt = localTime(t + 12 * 3600_000, HADOOP_TZ);
    if (lt.weekday === 1) out.push(zonedInstant(HADOOP_TZ, lt.year, lt.month, lt.day, 6));
  }
  return out.filter((t) => t < end);
}

/** Weeks a DataNode was dead at the Monday snapshot (a disk controller, then a PSU). */
const DEAD_NODE_WEEKS = ['2025-08-04', '2026-05-11'];

function jmxSeries(r: Rng, inodes: Inode[], start: number, end: number): JmxSnapshot[] {
  const times = jmxTimes(start, end);
  const events = inodes.flatMap((f) => {
    const e: [number, number, Inode][] = [[f.born, 1, f]];
    if (f.died !== Infinity) e.push([f.died, -1, f]);
    return e;
  }).sort((a, b) => a[0] - b[0]);
  let k = 0;
  let used = 0;
  let files = 0;
  let blocks = 0;
  return times.map((at) => {
    for (; k < events.length && events[k][0] <= at; k++) {
      const [, s, f] = events[k];
      used += s * replicaBytes(f);
      files += s;
      blocks += s * blocksOf(f);
    }
    const lt = localTime(at, HADOOP_TZ);
    const dead = DEAD_NODE_WEEKS.includes(`${lt.year}-${pad(lt.month)}-${pad(lt.day)}`) ? 1 : 0;
    const nodes = at >= expansionInstant() ? NODES_AFTER : NODES_BEFORE;
    const live = nodes - dead;
    const nonDfs = Math.round(live * r.logUniform(60, 95) * 1e9);
    return {
      at, liveNodes: live, deadNodes: dead, capacity: live * NODE_CAPACITY, used, nonDfsUsed: nonDfs, files, blocks,
      underReplicated: dead ? Math.round(blocks * 3 / nodes * r.logUniform(0.85, 1)) : r.int(0, 40),
      pendingDeletion: r.int(0, 600),
    };
  });
}

