/** gazette status: what the warehouse holds. */
import { openWarehouse, resolveDbPath } from '../warehouse/open.js';
import { runSqlFile } from '../warehouse/run-sql-file.js';

interface SummaryRow {
  cluster: string;
  source: string;
  jobs: bigint;
  succeeded: bigint;
  failed: bigint;
  killed: bigint;
  unfinished: bigint;
  users: bigint;
  job_keys: bigint;
  first_job: Date | null;
  last_job: Date | null;
  vcore_hours: number | null;
  gpu_hours: number | null;
  rejected_rows: bigint;
}

const n = (v: bigint | number | null) => (v === null ? '0' : Math.round(Number(v)).toLocaleString('en-US'));
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '—');

export async function runStatus(flags: { db?: string }): Promise<void> {
  const path = resolveDbPath(flags.db);
  const wh = await openWarehouse(path, { readOnly: true });
  try {
    const rows = await runSqlFile<SummaryRow>(wh.conn, 'warehouse_summary');
    const out: string[] = [`Warehouse ${path}`];
    if (!rows.length) out.push('  no jobs yet: load some with gazette ingest.');
    for (const r of rows) {
      out.push(
        `  ${r.cluster} (${r.source}): ${n(r.jobs)} jobs from ${day(r.first_job)} to ${day(r.last_job)}, ` +
          `${n(r.users)} users, ${n(r.job_keys)} recurring-job keys`,
        `    ${n(r.succeeded)} succeeded, ${n(r.failed)} failed, ${n(r.killed)} killed, ${n(r.unfinished)} running or pending; ` +
          `${n(r.vcore_hours)} vcore-hours` + (Number(r.gpu_hours ?? 0) > 0 ? `, ${n(r.gpu_hours)} GPU-hours` : '') +
          (Number(r.rejected_rows) ? `; ${n(r.rejected_rows)} rejected rows (see table rejected_rows)` : ''),
      );
    }
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    wh.close();
  }
}
