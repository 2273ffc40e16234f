/** gazette status: what the warehouse holds, per cluster: jobs, Spark/MapReduce history, capacity snapshots, storage, incidents, rejected rows. */
import { computeUnit } from '../analyze/figures.js';
import { openWarehouse, resolveDbPath } from '../warehouse/open.js';
import { runSqlFile } from '../warehouse/run-sql-file.js';

interface JobsRow {
  cluster: string;
  source: string;
  jobs: number;
  succeeded: number;
  failed: number;
  killed: number;
  unfinished: number;
  users: number;
  job_keys: number;
  first_job: string | null;
  last_job: string | null;
  vcore_hours: number | null;
  gpu_hours: number | null;
}

interface CapacityRow {
  cluster: string;
  snapshots: number;
  first_snapshot: string;
  last_snapshot: string;
  latest_vcores: number | null;
  latest_memory_mb: number | null;
  latest_gpus: number | null;
  latest_nodes: number | null;
}

interface IncidentsRow {
  cluster: string;
  incidents: number;
  critical: number;
  major: number;
  minor: number;
  maintenance: number;
  first_start: string;
  last_end: string;
}

interface StorageSnapshotsRow {
  cluster: string;
  snapshots: number;
  first_snapshot: string;
  last_snapshot: string;
  latest_capacity_bytes: number | null;
  latest_used_bytes: number | null;
  latest_files: number | null;
}

interface StorageListingsRow {
  cluster: string;
  source: string;
  dates: number;
  first_date: string;
  last_date: string;
  latest_paths: number;
  latest_bytes: number | null;
  latest_files: number | null;
}

interface AppDetailsRow {
  cluster: string;
  framework: string;
  applications: number;
  failed: number;
  first_start: string | null;
  last_end: string | null;
  with_scheduler_record: number;
}

interface RejectsRow {
  cluster: string;
  format: string;
  rejected_rows: number;
}

const n = (v: number | null) => (v === null ? '0' : Math.round(Number(v)).toLocaleString('en-US'));
const day = (d: string | null) => (d ? d.slice(0, 10) : '—');
const minute = (d: string) => d.slice(0, 16).replace('T', ' ');
/** Bytes in binary units, as HDFS counts them (1 TiB = 2^40 bytes). */
const bytes = (v: bigint | number) => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let x = Number(v);
  let u = 0;
  while (x >= 1024 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  return `${u ? x.toFixed(x < 10 ? 2 : 1) : x} ${units[u]}`;
};
const plural = (v: number, one: string, many: string) => `${n(v)} ${Number(v) === 1 ? one : many}`;

export async function runStatus(flags: { db?: string }): Promise<void> {
  const path = resolveDbPath(flags.db);
  const wh = await openWarehouse(path, { readOnly: true });
  try {
    const jobs = await runSqlFile<JobsRow>(wh.conn, 'warehouse_summary');
    const capacity = await runSqlFile<CapacityRow>(wh.conn, 'capacity_snapshots_summary');
    const storage = await runSqlFile<StorageSnapshotsRow>(wh.conn, 'storage_snapshots_summary');
    const listings = await runSqlFile<StorageListingsRow>(wh.conn, 'storage_listings_summary');
    const details = await runSqlFile<AppDetailsRow>(wh.conn, 'app_details_summary');
    const incidents = await runSqlFile<IncidentsRow>(wh.conn, 'incidents_summary');
    const rejects = await runSqlFile<RejectsRow>(wh.conn, 'rejected_rows_summary');
    const clusters = [...new Set([...jobs, ...details, ...capacity, ...storage, ...listings, ...incidents, ...rejects].map((r) => r.cluster))].sort();
    const out: string[] = [`Warehouse ${path}`];
    if (!clusters.length) out.push('  nothing yet: load some history with gazette ingest.');
    for (const cluster of clusters) {
      const lines: string[] = [];
      for (const r of jobs.filter((x) => x.cluster === cluster)) {
        lines.push(
          `  ${r.cluster} (${r.source}): ${n(r.jobs)} jobs from ${day(r.first_job)} to ${day(r.last_job)}, ` +
            `${n(r.users)} users, ${n(r.job_keys)} recurring-job keys`,
          `    ${n(r.succeeded)} succeeded, ${n(r.failed)} failed, ${n(r.killed)} killed, ${n(r.unfinished)} running or pending; ` +
            `${n(r.vcore_hours)} ${computeUnit(r.source)}` + (Number(r.gpu_hours ?? 0) > 0 ? `, ${n(r.gpu_hours)} GPU-hours` : ''),
        );
      }
      for (const d of details.filter((x) => x.cluster === cluster)) {
        lines.push(
          `  ${cluster} ${d.framework} history: ${plural(d.applications, 'application', 'applications')} from ${day(d.first_start)} to ${day(d.last_end)} ` +
            `(${n(d.failed)} failed); ${n(d.with_scheduler_record)} also in the scheduler's records`,
        );
      }
      for (const c of capacity.filter((x) => x.cluster === cluster)) {
        const size = [
          c.latest_vcores !== null ? `${n(c.latest_vcores)} vcores` : undefined,
          c.latest_memory_mb !== null ? `${n(Number(c.latest_memory_mb) / 1024)} GB memory` : undefined,
          c.latest_gpus !== null ? `${n(c.latest_gpus)} GPUs` : undefined,
          c.latest_nodes !== null ? `${n(c.latest_nodes)} nodes` : undefined,
        ].filter(Boolean);
        lines.push(
          `  ${cluster} capacity: ${plural(c.snapshots, 'snapshot', 'snapshots')} from ${minute(c.first_snapshot)} to ${minute(c.last_snapshot)} UTC` +
            (size.length ? `; latest ${size.join(', ')}` : ''),
        );
      }
      for (const st of storage.filter((x) => x.cluster === cluster)) {
        const used = st.latest_used_bytes !== null && st.latest_capacity_bytes ? Number(st.latest_used_bytes) / Number(st.latest_capacity_bytes) : undefined;
        const latest = [
          st.latest_capacity_bytes !== null ? `${bytes(st.latest_capacity_bytes)} capacity` : undefined,
          st.latest_used_bytes !== null ? `${bytes(st.latest_used_bytes)} used` + (used !== undefined ? ` (${(100 * used).toFixed(1)}%)` : '') : undefined,
          st.latest_files !== null ? `${n(st.latest_files)} files and directories` : undefined,
        ].filter(Boolean);
        lines.push(
          `  ${cluster} storage: ${plural(st.snapshots, 'NameNode snapshot', 'NameNode snapshots')} from ${minute(st.first_snapshot)} to ${minute(st.last_snapshot)} UTC` +
            (latest.length ? `; latest ${latest.join(', ')}` : ''),
        );
      }
      for (const l of listings.filter((x) => x.cluster === cluster)) {
        const [oneDate, manyDates] = l.source === 'fsimage' ? ['rolled-up image', 'rolled-up images'] : ['date', 'dates'];
        const [one, many] = l.source === 'fsimage' ? ['directory', 'directories'] : l.source === 'xdmod-storage' ? ['mountpoint', 'mountpoints'] : ['path', 'paths'];
        lines.push(
          `  ${cluster} ${l.source}: ${plural(l.dates, oneDate, manyDates)} from ${day(l.first_date)} to ${day(l.last_date)}; the latest: ${plural(l.latest_paths, one, many)}` +
            (l.latest_bytes !== null ? `, ${bytes(l.latest_bytes)}` : '') +
            (l.latest_files !== null ? ` in ${n(l.latest_files)} files` : ''),
        );
      }
      for (const i of incidents.filter((x) => x.cluster === cluster)) {
        const bySeverity = (['critical', 'major', 'minor', 'maintenance'] as const).filter((s) => Number(i[s])).map((s) => `${n(i[s])} ${s}`);
        lines.push(`  ${cluster} incidents: ${n(i.incidents)} (${bySeverity.join(', ')}) from ${day(i.first_start)} to ${day(i.last_end)}`);
      }
      const rej = rejects.filter((x) => x.cluster === cluster);
      if (rej.length) {
        const total = rej.reduce((a, r) => a + Number(r.rejected_rows), 0);
        lines.push(`  ${cluster} rejected rows: ${n(total)} (${rej.map((r) => `${r.format} ${n(r.rejected_rows)}`).join(', ')}); see table rejected_rows`);
      }
      out.push(...lines);
    }
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    wh.close();
  }
}
