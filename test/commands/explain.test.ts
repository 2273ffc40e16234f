/** gazette explain: one job's diagnosis — known error, findings, recent runs of its key. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, tmpDir } from '../helpers.js';

const HEADER = 'cluster,job_id,name,user,queue,app_type,state,submit_time,start_time,end_time,elapsed_s,alloc_cpus,vcore_seconds,exit_code,diagnostics';
const DENIED = 'org.apache.hadoop.security.AccessControlException: Permission denied: user=alice, access=WRITE, inode=""/data/x"":etl:hadoop:drwxr-xr-x';
// Three daily runs of one recurring job (key etl_daily_<date> [alice@etl]), all failed on the same
// permission error, 2 vcore-hours each (7,200 vcore-seconds); and one job id on two clusters.
const ROWS = [
  `c1,101,etl_daily_2026-10-01,alice,etl,MAPREDUCE,FAILED,2026-10-01T01:00:00Z,2026-10-01T01:00:00Z,2026-10-01T02:00:00Z,3600,2,7200,1,"${DENIED}"`,
  `c1,102,etl_daily_2026-10-02,alice,etl,MAPREDUCE,FAILED,2026-10-02T01:00:00Z,2026-10-02T01:00:00Z,2026-10-02T02:00:00Z,3600,2,7200,1,"${DENIED}"`,
  `c1,103,etl_daily_2026-10-03,alice,etl,MAPREDUCE,FAILED,2026-10-03T01:00:00Z,2026-10-03T01:00:00Z,2026-10-03T02:00:00Z,3600,2,7200,1,"${DENIED}"`,
  `c1,200,adhoc,bob,etl,SPARK,SUCCEEDED,2026-10-03T01:00:00Z,2026-10-03T01:00:00Z,2026-10-03T01:10:00Z,600,1,600,0,`,
  `c2,200,adhoc,bob,etl,SPARK,SUCCEEDED,2026-10-03T01:00:00Z,2026-10-03T01:00:00Z,2026-10-03T01:10:00Z,600,1,600,0,`,
];

describe('gazette explain', () => {
  let db: string;
  before(async () => {
    const dir = tmpDir();
    db = path.join(dir, 'w.duckdb');
    const csv = path.join(dir, 'jobs.csv');
    fs.writeFileSync(csv, [HEADER, ...ROWS].join('\n') + '\n');
    const r = await runCli(['ingest', '--db', db, '--format', 'canonical', csv]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('names the known error with its ticket and workaround, the streak, and the recent runs of the key', async () => {
    const r = await runCli(['explain', '103', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /^103 on c1: FAILED/);
    assert.match(out, /Known error: .* \[hdfs-permission-denied, /);
    assert.match(out, /  ticket: https?:\/\//);
    assert.match(out, /what to do:/);
    // runs 101–103 failed, so the streak at 103 is 3 (bands 2, 3, 5, 10: moderate), burning 3 × 2 = 6 vcore-hours
    assert.match(out, /moderate  chronic_failure: 3 failed runs in a row since 2026-10-01 01:00 UTC, burning 6\.0 vcore-hours/);
    const runs = out.split('Recent runs of etl_daily_<date> [alice@etl]:\n')[1].trim().split('\n');
    assert.deepEqual(runs.map((l) => l.trim().split(/\s+/).at(-1)), ['103', '102', '101'], 'newest first');
    assert.match(runs[0], /FAILED +1\.0 h +2\.0 vcore-hours/);
  });

  it('a job of the same id on two clusters needs --cluster (exit 2); with it, explains that one', async () => {
    const r = await runCli(['explain', '200', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /200: a job of this id is on c1, c2; say which with --cluster/);
    const one = await runCli(['explain', '200', '--db', db, '--cluster', 'c2']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^200 on c2: SUCCEEDED/);
    assert.match(one.stdout, /Findings: none/);
    assert.doesNotMatch(one.stdout, /Known error/, 'a job that succeeded has no known error to look for');
  });

  it('an id the warehouse does not hold: exit 1, saying to load its history', async () => {
    const r = await runCli(['explain', 'application_1_0001', '--db', db]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /application_1_0001: no such job in the warehouse\. Load its history first/);
  });
});
