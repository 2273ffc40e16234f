/** The canonical job format: CSV, JSON Lines and Parquet, with hand-worked expectations. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it, before } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { fixture, job, query, runCli, tmpDir } from '../helpers.js';

const canon = (f: string) => fixture('canonical', f);

describe('canonical CSV', () => {
  const db = path.join(tmpDir(), 'w.duckdb');
  let out: Awaited<ReturnType<typeof runCli>>;
  before(async () => {
    out = await runCli(['ingest', '--db', db, '--format', 'canonical', '--cluster', 'lsf1', canon('jobs.csv')]);
  });

  it('loads the good rows and counts the bad ones', () => {
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /3 jobs read, 3 new or newer, 3 rows rejected/);
  });

  it('reads times as UTC, converting an offset', async () => {
    const a = await job(db, '1001');
    assert.equal(a.submit_time, '2026-10-01 01:00:00.000');
    assert.equal(a.elapsed_s, 3600);
    assert.equal(a.vcore_seconds, 14400);
    const b = await job(db, '1002');
    assert.equal(b.submit_time, '2026-10-01 23:00:00.000', '01:00 at +02:00 is 23:00 UTC the day before');
    assert.equal(b.end_time, '2026-10-01 23:31:00.000');
  });

  it('keeps quoted text, splits tags, and puts unknown columns in extra', async () => {
    const a = await job(db, '1001');
    assert.deepEqual(a.tags, ['ci', 'nightly']);
    assert.deepEqual(JSON.parse(String(a.extra)), { lsf_project: 'proj-a' });
    assert.equal(a.diagnostics, null);
    assert.equal(a.source, 'canonical');
    const b = await job(db, '1002');
    assert.equal(b.diagnostics, 'TERM_MEMLIMIT: job killed after reaching LSF memory usage limit, "rss" 8.1G');
    assert.equal(b.exit_code, 1);
    assert.equal(a.job_key, 'nightly_build_<date> [dana@normal]');
    assert.equal(b.job_key, a.job_key);
  });

  it('takes --cluster for an empty cluster cell and upper-cases the state', async () => {
    const c = await job(db, '1003');
    assert.equal(c.cluster, 'lsf1');
    assert.equal(c.state, 'KILLED');
    assert.equal(c.submit_time, '2026-10-03 09:00:00.000');
    assert.equal(c.exit_code, 130);
  });

  it('rejects rows with their CSV line number (the header is line 1) and the reason', async () => {
    const rows = await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows order by line`);
    assert.deepEqual(rows.map((r) => [Number(r.line), r.reason]), [
      [5, 'state "DONE" is not one of SUCCEEDED, FAILED, KILLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, RUNNING, PENDING, UNKNOWN'],
      [6, 'submit_time is not an ISO 8601 time (got "last tuesday")'],
      [7, 'job_id is missing'],
    ]);
  });
});

describe('canonical JSON Lines and Parquet', () => {
  it('reads JSON Lines: list tags, unknown keys to extra, a bad number rejected', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await runCli(['ingest', '--db', db, '--format', 'canonical', canon('jobs.jsonl')]);
    assert.equal(r.code, 0, r.stderr);
    const j = await job(db, 'pod-7f9c');
    assert.equal(j.cluster, 'k8s1');
    assert.deepEqual(j.tags, ['kubeflow', 'exp-12']);
    assert.equal(j.alloc_gpus, 2);
    assert.equal(j.gpu_seconds, 14400);
    assert.deepEqual(JSON.parse(String(j.extra)), { namespace: 'ml-team' });
    const rej = await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows`);
    assert.deepEqual(rej.map((x) => [Number(x.line), x.reason]), [[2, 'elapsed_s is not a number (got "ten")']]);
  });

  it('reads Parquet with native types', async () => {
    const dir = tmpDir();
    const pq = path.join(dir, 'jobs.parquet');
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await conn.run(
      `copy (select cluster, job_id, name, "user", queue, state, cast(submit_time as timestamptz) as submit_time, elapsed_s, alloc_cpus, vcore_seconds, lsf_project
             from read_csv($f, header = true) where job_id in (1001, 1002)) to $out (format parquet)`,
      { f: canon('jobs.csv'), out: pq },
    );
    conn.closeSync();
    inst.closeSync();
    const db = path.join(dir, 'w.duckdb');
    const r = await runCli(['ingest', '--db', db, '--format', 'canonical', pq]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 jobs read/);
    const b = await job(db, '1002');
    assert.equal(b.submit_time, '2026-10-01 23:00:00.000');
    assert.equal(b.vcore_seconds, 7200);
    assert.deepEqual(JSON.parse(String(b.extra)), { lsf_project: 'proj-a' });
  });

  it('refuses a file with no job_id column, naming what it found', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await runCli(['ingest', '--db', db, '--format', 'canonical', fixture('sacct', 'sacct-crlf-line-endings.txt')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /read from \.csv, \.parquet or \.jsonl files/);
  });
});
