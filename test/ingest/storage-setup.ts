/** What the storage format tests share: a warehouse with settings, ingest, and the stored rows as plain values. */
import fs from 'node:fs';
import path from 'node:path';
import { query, runCli, tmpDir, type CliResult } from '../helpers.js';

export interface Setup {
  dir: string;
  db: string;
  config: string;
}

/** A warehouse and settings with one cluster in `timezone` (the settings' default cluster). */
export function setup(cluster = 'demo-hadoop', timezone = 'Europe/Amsterdam'): Setup {
  const dir = tmpDir();
  const config = path.join(dir, 'gazette.yaml');
  fs.writeFileSync(config, `cluster: ${cluster}\nclusters:\n  ${cluster}:\n    timezone: ${timezone}\n`);
  return { dir, db: path.join(dir, 'w.duckdb'), config };
}

export const ingest = (s: Setup, ...args: string[]): Promise<CliResult> => runCli(['ingest', '--db', s.db, '--config', s.config, ...args]);

/** BIGINT and DATE values as numbers and YYYY-MM-DD text; `extra` parsed. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : k === 'extra' && v !== null ? JSON.parse(String(v)) : v]),
  );
}

/** storage_usage rows, ordered by date, path and owner. */
export async function usage(db: string): Promise<Record<string, unknown>[]> {
  const rows = await query(
    db,
    `select * exclude (ingest_run_id) replace (strftime(as_of, '%Y-%m-%d') as as_of, extra::varchar as extra)
     from storage_usage order by as_of, path, owner`,
  );
  return rows.map(plain);
}

/** storage_snapshots rows (taken_at in UTC), ordered by time. */
export async function snapshots(db: string): Promise<Record<string, unknown>[]> {
  const rows = await query(
    db,
    `select * exclude (ingest_run_id) replace (strftime(taken_at, '%Y-%m-%d %H:%M:%S') as taken_at, extra::varchar as extra)
     from storage_snapshots order by taken_at`,
  );
  return rows.map(plain);
}

/** Rejected rows as [line, reason]. */
export async function rejects(db: string): Promise<[number, string][]> {
  const rows = await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows order by file, line`);
  return rows.map((r) => [Number(r.line), r.reason]);
}

/** Pick some columns of each row, in order. */
export const pick = (rows: Record<string, unknown>[], ...cols: string[]) => rows.map((r) => cols.map((c) => r[c]));
