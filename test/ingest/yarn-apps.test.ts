/**
 * YARN ResourceManager /ws/v1/cluster/apps: every real capture, and hand-made edge cases.
 * Expected values are worked out by hand from the fixtures (epoch ms → UTC with `date -u`).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it, before } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { fixture, job, query, runCli, tmpDir } from '../helpers.js';
import { splitTags } from '../../src/ingest/yarn-apps.js';

const yarn = (f: string) => fixture('yarn', f);

describe('yarn-apps: real ResourceManager captures', () => {
  const db = path.join(tmpDir(), 'w.duckdb');
  before(async () => {
    // Each capture into its own cluster: the doc examples reuse ids from the eagle captures.
    for (const [cluster, file] of [
      ['eagle-running', 'eagle__mrrunningapp.json'],
      ['eagle-mr', 'eagle__mrcompleteapp.json'],
      ['eagle-spark', 'eagle__sparkcompleteapp.json'],
      ['doc-single', 'hadoop-doc__cluster_app_single.json'],
      ['doc-apps', 'hadoop-doc__cluster_apps.json'],
    ]) {
      const r = await runCli(['ingest', '--db', db, '--format', 'yarn-apps', '--cluster', cluster, yarn(file)]);
      assert.equal(r.code, 0, r.stderr);
    }
  });

  it('reads a RUNNING app: finishedTime 0 is no end time; its current allocation is its alloc', async () => {
    const j = await job(db, 'application_1479206441898_30784');
    assert.equal(j.state, 'RUNNING');
    assert.equal(j.raw_state, 'RUNNING/UNDEFINED');
    assert.equal(j.source, 'yarn');
    assert.equal(j.user, 'xxx');
    assert.equal(j.queue, 'xxx');
    assert.equal(j.app_type, 'MAPREDUCE');
    assert.equal(j.submit_time, '2016-11-16 20:30:21.694');
    assert.equal(j.end_time, null);
    assert.equal(j.elapsed_s, 13367.402);
    assert.equal(j.alloc_cpus, 2);
    assert.equal(j.alloc_memory_mb, 3072);
    assert.equal(j.vcore_seconds, 26728);
    assert.equal(j.memory_mb_seconds, 41051800);
    assert.equal(j.diagnostics, null);
    assert.equal(j.tags, null);
    assert.equal(j.job_key, 'oozie:launcher:T=shell:W=wf_co_xxx_xxx_v3:A=extract_org_data:ID=<oozie-id> [xxx@xxx]');
  });

  it('keeps every field with no column in extra, and none that has one', async () => {
    const extra = JSON.parse(String((await job(db, 'application_1479206441898_30784')).extra));
    assert.equal(extra.trackingUrl, 'http://host.domain.com:8088/proxy/application_1479206441898_30784/');
    assert.equal(extra.amHostHttpAddress, 'host.domain.com:8088');
    assert.equal(extra.progress, 95);
    assert.equal(extra.numAMContainerPreempted, 0);
    assert.equal(extra.allocatedMB, 3072, 'the raw allocation stays in extra');
    for (const k of ['id', 'name', 'user', 'queue', 'state', 'finalStatus', 'startedTime', 'finishedTime', 'elapsedTime', 'vcoreSeconds', 'memorySeconds', 'diagnostics']) {
      assert.equal(k in extra, false, `${k} has a column and is not repeated in extra`);
    }
    // 27 fields in the capture; 14 go to columns (id, user, name, queue, state, finalStatus,
    // diagnostics, applicationType, applicationTags, startedTime, finishedTime, elapsedTime,
    // memorySeconds, vcoreSeconds): 13 left.
    assert.equal(Object.keys(extra).length, 13);
  });

  it('reads finished MapReduce apps with their diagnostics; a finished app has no current allocation', async () => {
    const a = await job(db, 'application_1326815542473_0001', 'eagle-mr');
    assert.equal(a.state, 'SUCCEEDED');
    assert.equal(a.end_time, '2016-11-15 21:18:38.794');
    assert.equal(a.elapsed_s, 25.196);
    assert.equal(a.vcore_seconds, 103);
    assert.equal(a.memory_mb_seconds, 151730);
    assert.equal(a.diagnostics, 'diagnostics1');
    assert.equal(a.alloc_memory_mb, null);
    const b = await job(db, 'application_1326815542473_0002', 'eagle-mr');
    assert.equal(b.name, 'Sleep job');
    assert.equal(b.end_time, '2012-01-17 15:56:29.546');
    assert.equal(b.elapsed_s, 148.166);
    assert.equal(b.job_key, 'Sleep job [user1@default]');
  });

  it('reads finished Spark apps; a stale allocatedMB on a finished app is not its allocation', async () => {
    const s = await job(db, 'application_1479196259121_1041');
    assert.equal(s.app_type, 'SPARK');
    assert.equal(s.submit_time, '2016-11-15 09:32:51.723');
    assert.equal(s.elapsed_s, 147954.814);
    assert.equal(s.vcore_seconds, 443798);
    assert.equal(s.memory_mb_seconds, 1060342141);
    assert.equal(s.alloc_memory_mb, null);
    assert.equal(JSON.parse(String(s.extra)).allocatedMB, 7168);
    assert.equal(s.job_key, 'Spark shell [xxx@default]');
    assert.equal((await job(db, 'application_1478655515028_74912')).vcore_seconds, 36318925);
  });

  it('reads a single-app response ({"app": {...}}) and applicationTags', async () => {
    const s = await job(db, 'application_1326821518301_0005');
    assert.equal(s.queue, 'a1');
    assert.equal(s.app_type, 'Yarn');
    assert.equal(s.submit_time, '2012-01-17 18:22:24.552');
    assert.equal(s.end_time, '2012-01-17 18:29:51.300');
    assert.equal(s.elapsed_s, 446.748);
    assert.deepEqual((await job(db, 'application_1326815542473_0002', 'doc-apps')).tags, ['tag1']);
  });

  it('counts every app of every capture: 2 + 2 + 2 + 1 + 2', async () => {
    const [r] = await query<{ n: bigint }>(db, `select count(*) as n from jobs`);
    assert.equal(Number(r.n), 9);
  });

  it('refuses a file that is not an apps response (cluster metrics), naming it', async () => {
    const r = await runCli(['ingest', '--db', db, '--format', 'yarn-apps', yarn('hadoop-doc__cluster_metrics.json')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hadoop-doc__cluster_metrics\.json: cannot be read as yarn-apps: not a ResourceManager apps response \(no "apps": \{"app": \[...\]\} or "app": \{...\} at its start\)/);
  });
});

describe('yarn-apps: edge cases', () => {
  it('keeps bad apps in rejected_rows with their record index and reason, and loads the rest', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await runCli(['ingest', '--db', db, '--format', 'yarn-apps', yarn('apps-finishedtime-not-a-number.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 jobs read, 1 new or newer, 2 rows rejected/);
    assert.match(r.stderr, /apps-finishedtime-not-a-number\.json:2: finishedTime is not a number \(got "soon"\); kept in rejected_rows/);
    const rejects = await query<{ line: bigint; reason: string; raw: string }>(db, `select line, reason, raw from rejected_rows order by line`);
    assert.deepEqual(rejects.map((x) => [Number(x.line), x.reason]), [
      [2, 'finishedTime is not a number (got "soon")'],
      [3, 'id is missing'],
    ]);
    assert.equal(JSON.parse(rejects[0].raw).id, 'application_1759900000000_0044');
    const [run] = await query<{ rows_read: bigint; rejects: bigint }>(db, `select rows_read, rejects from ingest_runs`);
    assert.deepEqual([Number(run.rows_read), Number(run.rejects)], [1, 2]);
  });

  it('rejects a time that is NaN or Infinity (valid numbers to a cast, not times) instead of failing the file', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await runCli(['ingest', '--db', db, '--format', 'yarn-apps', yarn('apps-times-nan-and-infinity.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 jobs read, 1 new or newer, 2 rows rejected/);
    const rejects = await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows order by line`);
    assert.deepEqual(rejects.map((x) => [Number(x.line), x.reason]), [
      [2, 'startedTime is not a number (got "NaN")'],
      [3, 'elapsedTime is not a number (got "Infinity")'],
    ]);
    const [job] = await query<{ job_id: string; elapsed_s: number }>(db, `select job_id, elapsed_s from jobs`);
    assert.deepEqual([job.job_id, job.elapsed_s], ['application_1759900000000_0042', 400]);
  });

  it('trims the Unicode spaces trim() removes (not tabs) off diagnostics; a blank id or tag list is one of them alone', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await runCli(['ingest', '--db', db, '--format', 'yarn-apps', yarn('apps-unicode-space-padding.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4 jobs read, 4 new or newer, 1 rows? rejected/);
    const rows = await query<{ job_id: string; diagnostics: string | null; tags: string[] | null }>(db, `select job_id, diagnostics, tags from jobs order by job_id`);
    assert.deepEqual(rows.map((x) => [x.job_id.slice(-4), x.diagnostics, x.tags]), [
      ['0101', 'Container killed on request. Exit code is 143', null],
      ['0102', null, ['airflow_dag_id:nightly']],
      ['0103', '\tTab and newline are not trimmed\n', null],
      ['0105', 'Inner\u00a0space kept', ['x']],
    ]);
    const rejects = await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows`);
    assert.deepEqual(rejects.map((x) => [Number(x.line), x.reason]), [[4, 'id is missing']]);
  });

  it('loads {"apps": null} (what an RM answers with no apps) as zero jobs', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await runCli(['ingest', '--db', db, '--format', 'yarn-apps', yarn('apps-null-no-apps.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 loaded.*0 jobs read/);
  });

  it('reads GPU-seconds from resourceSecondsMap written with duplicate "entry" keys', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    assert.equal((await runCli(['ingest', '--db', db, '--format', 'yarn-apps', yarn('apps-gpu-resourcesecondsmap-duplicate-entry-keys.json')])).code, 0);
    const j = await job(db, 'application_1759900000000_0050');
    assert.equal(j.gpu_seconds, 3600);
    assert.equal(j.wait_s, 5, 'launchTime − startedTime');
    assert.equal(j.start_time, '2025-10-09 08:53:25.000');
  });

  it('groups runs by the workflow id in applicationTags', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    assert.equal((await runCli(['ingest', '--db', db, '--format', 'yarn-apps', yarn('apps-workflow-tags.json')])).code, 0);
    const keys = await query<{ job_key: string }>(db, `select distinct job_key from jobs`);
    assert.deepEqual(keys.map((k) => k.job_key), ['wf:daily_orders/load']);
  });
});

describe('yarn-apps: applicationTags (splitTags)', () => {
  it('splits a tag list as YARN writes it (commas, no spaces) and a hand-typed one with spaces and empty tags alike', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const cases: [string, string[] | null][] = [
        ['', null],
        ['   ', null],
        ['tag1', ['tag1']],
        ['airflow_dag_id:daily,airflow_task_id:load,team:sales', ['airflow_dag_id:daily', 'airflow_task_id:load', 'team:sales']],
        [' a , b ', ['a', 'b']],
        ['a,,b', ['a', 'b']],
        [',a', ['a']],
        ['a,', ['a']],
        ['a b,c', ['a b', 'c']],
        [' , ', []],
        // U+3000 is not a space the list is split on or trimmed of (only ' ' is), with or without one
        ['\u3000a,b', ['\u3000a', 'b']],
        ['\u3000a, b', ['\u3000a', 'b']],
      ];
      for (const [text, want] of cases) {
        const got = (await conn.runAndReadAll(`select ${splitTags('$t')}`, { t: text })).getRowsJS()[0][0];
        assert.deepEqual(got, want, JSON.stringify(text));
      }
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
