/**
 * Load files into the warehouse: each file in one transaction, all-or-nothing.
 *
 * Staging (DuckDB reading and mapping a file into temp tables) runs on two connections at
 * once, since one file's parse is single-threaded; the merge into `jobs`, `rejected_rows`
 * and `ingest_runs` is serialized so concurrent merges never conflict. A file whose content
 * was already loaded (same cluster, format and SHA-256) is skipped unless `reload`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../warehouse/open.js';
import { JOB_COLUMN_NAMES, ident } from '../warehouse/schema.js';
import { buildJobKeySql, checkJobKeyRules } from './job-key.js';
import { FileFormatError, duckdbReason, type JobSource } from './source.js';
import type { Settings } from '../settings.js';

export interface IngestOptions {
  source: JobSource;
  cluster: string;
  timezone: string;
  settings: Settings;
  reload?: boolean;
  /** Staging connections working at once (default 2, the machine's cores). */
  concurrency?: number;
  onFile?(result: FileResult): void;
  warn?(message: string): void;
}

export interface FileResult {
  file: string;
  status: 'loaded' | 'skipped' | 'failed';
  runId?: number;
  rowsRead: number;
  rowsWritten: number;
  rejects: number;
  message?: string;
  seconds: number;
}

/** A job record is "newer" than another when its state is further on, or, at equal state rank, it describes a later moment. */
const rank = (t: string) =>
  `(case ${t}.state when 'PENDING' then 0 when 'UNKNOWN' then 0 when 'RUNNING' then 1 else 2 end)`;
const observed = (t: string) =>
  `coalesce(${t}.end_time, ${t}.start_time + to_microseconds(cast(coalesce(${t}.elapsed_s, 0) * 1e6 as bigint)), ${t}.start_time, ${t}.submit_time, timestamp '-infinity')`;

/** A file to load: its path, and optionally the name to record it under (a URL for pulled data). */
export type FileInput = string | { path: string; label: string };

export async function ingestFiles(wh: Warehouse, files: FileInput[], opts: IngestOptions): Promise<FileResult[]> {
  const jobKey = buildJobKeySql(opts.settings);
  await checkJobKeyRules(wh.conn, jobKey.rules, opts.settings.file ?? 'built-in rules');
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    opts.warn?.(message);
  };

  const cols = JOB_COLUMN_NAMES.map(ident);
  const selectCols = JOB_COLUMN_NAMES.map((c) => (c === 'job_key' ? `coalesce(job_key, ${jobKey.expr})` : ident(c)));
  const mergeSql = `insert into jobs (${cols.join(', ')}, ingest_run_id)
    select ${selectCols.join(', ')}, $run from (
      select * from stg_jobs
      qualify row_number() over (partition by cluster, job_id order by ${rank('stg_jobs')} desc, ${observed('stg_jobs')} desc, _line desc) = 1
    )
    on conflict (cluster, job_id) do update set
      ${[...JOB_COLUMN_NAMES.filter((c) => c !== 'cluster' && c !== 'job_id'), 'ingest_run_id'].map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}
    where ${rank('excluded')} > ${rank('jobs')}
       or (${rank('excluded')} = ${rank('jobs')} and ${observed('excluded')} >= ${observed('jobs')})`;

  let mergeChain: Promise<unknown> = Promise.resolve();
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = mergeChain.then(fn);
    mergeChain = p.catch(() => undefined);
    return p;
  };

  const results: FileResult[] = new Array(files.length);
  let next = 0;
  const workers = Math.max(1, Math.min(opts.concurrency ?? 2, files.length));
  const conns: DuckDBConnection[] = [wh.conn];
  for (let i = 1; i < workers; i++) conns.push(await wh.connect());

  /** Record a load (loaded, skipped or failed) in ingest_runs; returns its id. */
  const recordRun = async (
    conn: DuckDBConnection,
    r: Pick<FileResult, 'status' | 'rowsRead' | 'rowsWritten' | 'rejects' | 'message'> & { started: Date; id?: number },
    meta: FileMeta,
  ) => {
    const id = r.id ?? (await nextRunId(conn));
    await conn.run(
      `insert into ingest_runs (id, cluster, format, file, size_bytes, mtime_ms, sha256, status, rows_read, rows_written, rejects, message, started_at, finished_at)
       values ($id, $cluster, $format, $file, $size, $mtime, $sha, $status, $read, $written, $rejects, $message, $started, now()::timestamp)`,
      {
        id, cluster: opts.cluster, format: opts.source.format, file: meta.file, size: meta.size, mtime: meta.mtimeMs,
        sha: meta.sha256 ?? null, status: r.status, read: r.rowsRead, written: r.rowsWritten, rejects: r.rejects,
        message: r.message ?? null, started: r.started.toISOString().replace('T', ' ').replace('Z', ''),
      },
    );
    return id;
  };

  const work = async (conn: DuckDBConnection) => {
    for (let i = next++; i < files.length; i = next++) {
      const started = new Date();
      const t0 = performance.now();
      const meta = await fileMeta(files[i]);
      const done = (r: Omit<FileResult, 'seconds' | 'file'>) => {
        results[i] = { file: meta.file, ...r, seconds: (performance.now() - t0) / 1000 };
        opts.onFile?.(results[i]);
      };
      if (!opts.reload) {
        const prior = await findLoaded(conn, meta, opts);
        if (prior) {
          meta.sha256 = prior.sha256;
          const r = { status: 'skipped' as const, rowsRead: 0, rowsWritten: 0, rejects: 0, message: `already loaded (run ${prior.id}); --reload loads it again` };
          const runId = await serialized(() => recordRun(conn, { ...r, started }, meta));
          done({ ...r, runId });
          continue;
        }
      }
      meta.sha256 ??= await sha256(meta.path);
      try {
        await opts.source.stage({
          conn, file: meta.path, size: meta.size, cluster: opts.cluster, timezone: opts.timezone, warnOnce,
        });
      } catch (e) {
        const reason = e instanceof FileFormatError ? e.message : duckdbReason(e);
        const message = `cannot be read as ${opts.source.format}: ${reason}`;
        const runId = await serialized(() =>
          recordRun(conn, { status: 'failed', rowsRead: 0, rowsWritten: 0, rejects: 0, message, started }, meta),
        );
        done({ status: 'failed', rowsRead: 0, rowsWritten: 0, rejects: 0, message, runId });
        continue;
      }
      for (const row of (await conn.runAndReadAll(`select distinct raw_state from stg_jobs where state = 'UNKNOWN' and raw_state is not null limit 20`)).getRows()) {
        warnOnce(`state:${row[0]}`, `${opts.source.format}: state "${row[0]}" is not one gazette knows; stored as UNKNOWN (first seen in ${meta.file}).`);
      }
      const outcome = await serialized(async () => {
        await conn.run('begin transaction');
        try {
          const runId = await nextRunId(conn);
          const rowsRead = await count(conn, 'stg_jobs');
          const rejects = await count(conn, 'stg_rejects');
          if (opts.reload) {
            await conn.run(
              `delete from rejected_rows where ingest_run_id in (select id from ingest_runs where cluster = $c and format = $f and sha256 = $h)`,
              { c: opts.cluster, f: opts.source.format, h: meta.sha256! },
            );
          }
          await conn.run(
            `insert into rejected_rows select $run, $cluster, $format, $file, line, reason, raw from stg_rejects order by line`,
            { run: runId, cluster: opts.cluster, format: opts.source.format, file: meta.file },
          );
          const merged = await conn.run(mergeSql, { ...jobKey.params, run: runId });
          const rowsWritten = Number(merged.rowsChanged);
          await recordRun(conn, { id: runId, status: 'loaded', rowsRead, rowsWritten, rejects, started }, meta);
          await conn.run('commit');
          return { status: 'loaded' as const, runId, rowsRead, rowsWritten, rejects };
        } catch (e) {
          await conn.run('rollback');
          const message = `could not be merged into the warehouse: ${duckdbReason(e)}`;
          const runId = await recordRun(conn, { status: 'failed', rowsRead: 0, rowsWritten: 0, rejects: 0, message, started }, meta);
          return { status: 'failed' as const, runId, rowsRead: 0, rowsWritten: 0, rejects: 0, message };
        }
      });
      await conn.run('drop table if exists stg_jobs; drop table if exists stg_rejects');
      done(outcome);
    }
  };
  try {
    await Promise.all(conns.map(work));
  } finally {
    for (const c of conns.slice(1)) c.closeSync();
  }
  return results;
}

interface FileMeta {
  /** Where to read it. */
  path: string;
  /** What to call it in ingest_runs, rejected_rows and messages. */
  file: string;
  size: number;
  mtimeMs: number;
  sha256?: string;
}

async function fileMeta(input: FileInput): Promise<FileMeta> {
  const abs = path.resolve(typeof input === 'string' ? input : input.path);
  const st = await fs.promises.stat(abs);
  return { path: abs, file: typeof input === 'string' ? abs : input.label, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
}

/**
 * A loaded run of the same content. Fast path: the same path, size and modification time
 * as a loaded run is the same content (as make and rsync assume), so reloading a large
 * tree does not re-read every byte; otherwise the content hash decides.
 */
async function findLoaded(conn: DuckDBConnection, meta: FileMeta, opts: IngestOptions): Promise<{ id: number; sha256: string } | undefined> {
  const q = `select id, sha256 from ingest_runs where status = 'loaded' and cluster = $c and format = $f and `;
  const base = { c: opts.cluster, f: opts.source.format };
  let rows = (await conn.runAndReadAll(q + `file = $file and size_bytes = $size and mtime_ms = $mtime order by id desc limit 1`,
    { ...base, file: meta.file, size: meta.size, mtime: meta.mtimeMs })).getRowObjectsJS();
  if (!rows.length) {
    meta.sha256 = await sha256(meta.path);
    rows = (await conn.runAndReadAll(q + `sha256 = $h order by id desc limit 1`, { ...base, h: meta.sha256 })).getRowObjectsJS();
  }
  return rows.length ? { id: Number(rows[0].id), sha256: String(rows[0].sha256) } : undefined;
}

async function sha256(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function nextRunId(conn: DuckDBConnection): Promise<number> {
  return Number((await conn.runAndReadAll(`select nextval('ingest_run_seq')`)).getRows()[0][0]);
}

async function count(conn: DuckDBConnection, table: 'stg_jobs' | 'stg_rejects'): Promise<number> {
  return Number((await conn.runAndReadAll(`select count(*) from ${table}`)).getRows()[0][0]);
}
