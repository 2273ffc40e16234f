/**
 * demo-hadoop's storage as the tools print it: NameNode `/jmx?qry=Hadoop:service=NameNode,name=FSNamesystem*`
 * (Jackson's pretty printer), `hdfs dfs -du /data`, `hdfs dfs -count -q -v /data/*`, and the Offline
 * Image Viewer's Delimited listing (`hdfs oiv -p Delimited`); demo-hpc's Open XDMoD storage JSON.
 */
import { HADOOP_TZ } from './hadoop.js';
import { accessTime, alive, blocksOf, BLOCK_SIZE, dirModified, ownerAt, type Inode } from './hdfs-namespace.js';
import type { JmxSnapshot } from './storage.js';
import { localTime, pad } from './time.js';

const GiB = 1_073_741_824;
/** A deterministic mix of a number and a salt, 0 … 2^32-1: the NameNode's incidental counters. */
const mix = (x: number, salt: number) => {
  let h = Math.imul((x / 1000) >>> 0 ^ salt, 2654435761) >>> 0;
  h ^= h >>> 15;
  return Math.imul(h, 2246822519) >>> 0;
};

/** `+0200`, as Java's SimpleDateFormat Z prints a zone offset. */
function offsetOf(t: number): string {
  const lt = localTime(t, HADOOP_TZ);
  const min = Math.round((Date.UTC(lt.year, lt.month - 1, lt.day, lt.hour, lt.minute, lt.second) - Math.floor(t / 1000) * 1000) / 60_000);
  return `${min < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(min) / 60))}${pad(Math.abs(min) % 60)}`;
}

/** One weekly NameNode /jmx response: the FSNamesystem and FSNamesystemState beans. */
export function namenodeJmx(s: JmxSnapshot): string {
  const lt = localTime(s.at, HADOOP_TZ);
  const remaining = s.capacity - s.used - s.nonDfsUsed;
  const txid = 1_870_000_000 + Math.round((s.at - Date.UTC(2025, 0, 1)) / 1000 * 37.5);
  const gb = (b: number) => `${Math.round(b / GiB)}.0`;
  const top = (window: number) => {
    const users = ['svc_clickstream', 'hive', 'svc_ads_measurement', 'svc_search_ranking', 'spark', 'svc_data_platform'];
    const ops = ['*', 'getfileinfo', 'open'].map((op, i) => {
      const counts = users.map((u, k) => ({ u, c: Math.round((mix(s.at, window + i * 7 + k) % 1000 + 200) * window / 60_000 / (k + 1)) }))
        .sort((a, b) => b.c - a.c || a.u.localeCompare(b.u)).slice(0, 3);
      return { opType: op, topUsers: counts.map((x) => ({ user: x.u, count: x.c })), totalCount: counts.reduce((t, x) => t + x.c, 0) };
    });
    return { windowLenMs: window, ops };
  };
  const topUserOpCounts = JSON.stringify({
    timestamp: `${lt.year}-${pad(lt.month)}-${pad(lt.day)}T${pad(lt.hour)}:${pad(lt.minute)}:${pad(lt.second)}${offsetOf(s.at)}`,
    windows: [top(300_000), top(1_500_000), top(60_000)],
  });
  const fsn: [string, unknown][] = [
    ['name', 'Hadoop:service=NameNode,name=FSNamesystem'], ['modelerType', 'FSNamesystem'], ['tag.Context', 'dfs'],
    ['tag.HAState', 'active'], ['tag.TotalSyncTimes', `${mix(s.at, 1) % 40 + 10} ${mix(s.at, 2) % 12 + 2} `],
    ['tag.Hostname', 'nn1.demo-hadoop.example.com'], ['MissingBlocks', 0], ['MissingReplOneBlocks', 0],
    ['ExpiredHeartbeats', s.deadNodes], ['TransactionsSinceLastCheckpoint', mix(s.at, 3) % 900_000 + 4_000],
    ['TransactionsSinceLastLogRoll', mix(s.at, 4) % 120_000 + 200], ['LastWrittenTransactionId', txid],
    ['LastCheckpointTime', s.at - (mix(s.at, 5) % 3_600) * 1000 - 417], ['CapacityTotal', s.capacity], ['CapacityTotalGB', gb(s.capacity)],
    ['CapacityUsed', s.used], ['CapacityUsedGB', gb(s.used)], ['CapacityRemaining', remaining], ['ProvidedCapacityTotal', 0],
    ['CapacityRemainingGB', gb(remaining)], ['CapacityUsedNonDFS', s.nonDfsUsed], ['TotalLoad', s.liveNodes * 6 + mix(s.at, 6) % 90],
    ['SnapshottableDirectories', 0], ['Snapshots', 0], ['NumEncryptionZones', 0], ['LockQueueLength', 0], ['BlocksTotal', s.blocks],
    ['NumFilesUnderConstruction', mix(s.at, 7) % 40 + 3], ['NumActiveClients', mix(s.at, 8) % 30 + 5], ['FilesTotal', s.files],
    ['PendingReplicationBlocks', 0], ['PendingReconstructionBlocks', 0], ['UnderReplicatedBlocks', s.underReplicated],
    ['LowRedundancyBlocks', s.underReplicated], ['CorruptBlocks', 0], ['ScheduledReplicationBlocks', 0], ['PendingDeletionBlocks', s.pendingDeletion],
    ['LowRedundancyReplicatedBlocks', s.underReplicated], ['CorruptReplicatedBlocks', 0], ['MissingReplicatedBlocks', 0],
    ['MissingReplicationOneBlocks', 0], ['HighestPriorityLowRedundancyReplicatedBlocks', 0], ['HighestPriorityLowRedundancyECBlocks', 0],
    ['BytesInFutureReplicatedBlocks', 0], ['PendingDeletionReplicatedBlocks', s.pendingDeletion], ['TotalReplicatedBlocks', s.blocks],
    ['LowRedundancyECBlockGroups', 0], ['CorruptECBlockGroups', 0], ['MissingECBlockGroups', 0], ['BytesInFutureECBlockGroups', 0],
    ['PendingDeletionECBlocks', 0], ['TotalECBlockGroups', 0], ['ExcessBlocks', 0], ['NumTimedOutPendingReconstructions', 0],
    ['PostponedMisreplicatedBlocks', 0], ['PendingDataNodeMessageCount', 0], ['MillisSinceLastLoadedEdits', 0],
    ['BlockCapacity', 67_108_864], ['NumStaleStorages', 0], ['TotalFiles', s.files], ['TotalSyncCount', mix(s.at, 9) % 5_000_000 + 100_000],
  ];
  const state: [string, unknown][] = [
    ['name', 'Hadoop:service=NameNode,name=FSNamesystemState'], ['modelerType', 'org.apache.hadoop.hdfs.server.namenode.FSNamesystem'],
    ['CapacityTotal', s.capacity], ['CapacityUsed', s.used], ['CapacityRemaining', remaining], ['ProvidedCapacityTotal', 0],
    ['TotalLoad', s.liveNodes * 6 + mix(s.at, 6) % 90], ['SnapshotStats', '{"SnapshottableDirectories":0,"Snapshots":0}'],
    ['NumEncryptionZones', 0], ['FsLockQueueLength', 0], ['BlocksTotal', s.blocks], ['MaxObjects', 0], ['FilesTotal', s.files],
    ['PendingReplicationBlocks', 0], ['PendingDeletionReplicatedBlocks', s.pendingDeletion], ['UnderReplicatedBlocks', s.underReplicated],
    ['LowRedundancyReplicatedBlocks', s.underReplicated], ['ScheduledReplicationBlocks', 0], ['PendingDeletionBlocks', s.pendingDeletion],
    ['BlockDeletionStartTime', 1_741_604_401_338], ['FSState', 'Operational'], ['NumLiveDataNodes', s.liveNodes],
    ['NumDeadDataNodes', s.deadNodes], ['NumDecomLiveDataNodes', 0], ['NumDecomDeadDataNodes', 0], ['VolumeFailuresTotal', 0],
    ['EstimatedCapacityLostTotal', 0], ['NumDecommissioningDataNodes', 0], ['NumStaleDataNodes', 0], ['NumStaleStorages', 0],
    ['TopUserOpCounts', topUserOpCounts], ['TotalSyncCount', mix(s.at, 9) % 5_000_000 + 100_000],
    ['TotalSyncTimes', `${mix(s.at, 1) % 40 + 10} ${mix(s.at, 2) % 12 + 2} `], ['NumInMaintenanceLiveDataNodes', 0],
    ['NumInMaintenanceDeadDataNodes', 0], ['NumEnteringMaintenanceDataNodes', 0],
  ];
  const bean = (kv: [string, unknown][]) => kv.map(([k, v]) => `    ${JSON.stringify(k)} : ${typeof v === 'string' && /^\d+\.0$/.test(v) ? v : JSON.stringify(v)}`).join(',\n');
  return `{\n  "beans" : [ {\n${bean(fsn)}\n  }, {\n${bean(state)}\n  } ]\n}\n`;
}

/** Sizes under one directory at an instant, as du and count see them. */
export interface DirUsage {
  path: string;
  bytes: number;
  /** Every replica (du's disk_space_consumed, count's space consumed against a space quota). */
  disk: number;
  files: number;
  /** Directories, the directory itself included. */
  dirs: number;
  nsQuota?: number;
  dsQuota?: number;
}

/** Each directory directly under `parent` that exists at `t`, with what is below it, sorted by path. */
export function usageBelow(inodes: Inode[], parent: string, t: number): DirUsage[] {
  const top = new Map<string, DirUsage>();
  for (const f of inodes) {
    if (f.parent?.path === parent && f.dir && alive(f, t)) top.set(f.path, { path: f.path, bytes: 0, disk: 0, files: 0, dirs: 0, nsQuota: f.nsQuota, dsQuota: f.dsQuota });
  }
  for (const f of inodes) {
    if (!alive(f, t) || !f.path.startsWith(parent + '/')) continue;
    const cut = f.path.indexOf('/', parent.length + 1);
    const u = top.get(cut < 0 ? f.path : f.path.slice(0, cut));
    if (!u) continue;
    if (f.dir) u.dirs++;
    else {
      u.files++;
      u.bytes += f.size;
      u.disk += f.size * f.repl;
    }
  }
  return [...top.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** `hdfs dfs -du /data`: size, disk space consumed with all replicas, path; left-aligned columns two spaces apart. */
export function duText(rows: DirUsage[]): string {
  const cells = rows.map((u) => [String(u.bytes), String(u.disk), u.path]);
  const w = [0, 1].map((i) => Math.max(...cells.map((c) => c[i].length)));
  return cells.map((c) => `${c[0].padEnd(w[0])}  ${c[1].padEnd(w[1])}  ${c[2]}`).join('\n') + '\n';
}

/** `hdfs dfs -count -q -v /data/*`: Hadoop's fixed widths (%12s %15s %15s %15s %12s %12s %18s) and the path. */
export function countText(rows: DirUsage[]): string {
  const line = (c: string[]) => `${c[0].padStart(12)} ${c[1].padStart(15)} ${c[2].padStart(15)} ${c[3].padStart(15)} ${c[4].padStart(12)} ${c[5].padStart(12)} ${c[6].padStart(18)} ${c[7]}`;
  return [
    line(['QUOTA', 'REM_QUOTA', 'SPACE_QUOTA', 'REM_SPACE_QUOTA', 'DIR_COUNT', 'FILE_COUNT', 'CONTENT_SIZE', 'PATHNAME']),
    ...rows.map((u) => line([
      u.nsQuota ? String(u.nsQuota) : 'none', u.nsQuota ? String(u.nsQuota - u.dirs - u.files) : 'inf',
      u.dsQuota ? String(u.dsQuota) : 'none', u.dsQuota ? String(u.dsQuota - u.disk) : 'inf',
      String(u.dirs), String(u.files), String(u.bytes), u.path,
    ])),
  ].join('\n') + '\n';
}

/** `yyyy-MM-dd HH:mm` in the cluster's zone, as the Offline Image Viewer prints times. */
function oivTime(t: number): string {
  const lt = localTime(t, HADOOP_TZ);
  return `${lt.year}-${pad(lt.month)}-${pad(lt.day)} ${pad(lt.hour)}:${pad(lt.minute)}`;
}
const EPOCH = oivTime(0);

export const FSIMAGE_HEADER = 'Path\tReplication\tModificationTime\tAccessTime\tPreferredBlockSize\tBlocksCount\tFileSize\tNSQUOTA\tDSQUOTA\tPermission\tUserName\tGroupName';

/** `hdfs oiv -p Delimited` of the image at `t`: every inode then, in inode order (parents first). */
export function fsimageTsv(inodes: Inode[], t: number): string {
  const out = [FSIMAGE_HEADER];
  for (const f of inodes) {
    if (!alive(f, t)) continue;
    const o = ownerAt(f, t);
    if (f.dir) {
      const ns = f.path === '/' ? '9223372036854775807' : String(f.nsQuota ?? -1);
      out.push(`${f.path}\t0\t${oivTime(dirModified(f, t))}\t${EPOCH}\t0\t0\t0\t${ns}\t${f.dsQuota ?? -1}\td${f.perm}\t${o.owner}\t${o.group}`);
    } else {
      out.push(`${f.path}\t${f.repl}\t${oivTime(f.born)}\t${oivTime(accessTime(f, t))}\t${BLOCK_SIZE}\t${blocksOf(f)}\t${f.size}\t0\t0\t-${f.perm}\t${o.owner}\t${o.group}`);
    }
  }
  return out.join('\n') + '\n';
}
