/**
 * The figure sets over a small hand-made warehouse, every expected value worked out by hand.
 *
 * Cluster `c`, time zone UTC. Period 2026-Q3 = [2026-07-01, 2026-10-01): 92 days, 2,208 hours,
 * 132,480 minutes. The one before, 2026-Q2 = [2026-04-01, 2026-07-01): 91 days, 2,184 hours.
 *
 * Capacity (RM metrics snapshots): 100 vcores from 2026-04-01, 200 from 2026-08-16 (mid-Q3).
 *   Q3: Jul 1 → Aug 16 = 46 days = 1,104 h × 100 = 110,400; Aug 16 → Oct 1 = 1,104 h × 200 = 220,800
 *       → 331,200 vcore-hours.   Q2: 2,184 h × 100 = 218,400.   Q1: no snapshot yet → 0.
 *
 * Jobs (vcore-seconds = vcores × seconds):
 *   a1  alice (team t1 by user) q1, 2026-06-30 22:00 → 07-01 02:00, 10 vcores: 40 vcore-h, split
 *       by time: 20 in Q2, 20 in Q3 (started in Q2: a Q2 job). SUCCEEDED, key k-a.
 *   b0  bob q2 (team t2 by queue), 06-30 00:00, 1 h, 10 vcores, FAILED, key etl — Q2.
 *   b1–b4 bob q2, Jul 10, 11, 12, 13 at 00:00, 1 h each, 10 vcores (10 vcore-h each);
 *       b1 SUCCEEDED, b2–b4 FAILED, key etl. b2, b3 "Container container_e01_… killed at /data/…
 *       after N s", b4 an OutOfMemoryError.
 *   c1  carol (no team) q9, Aug 1 00:00 → 02:00, 100 vcores: 200 vcore-h, FAILED, key one-run.
 *   d1  dave (no team) q9, Sep 30 12:00, still RUNNING, seen at 24 h (elapsed 86,400 s), 5 vcores:
 *       120 vcore-h so far, spread over Sep 30 12:00 → Oct 1 12:00: 60 in Q3.
 *   e1–e3 erin, Slurm-like, Jul 20/21/22 00:00, 1 h, asked 8,192 MB, MaxRSS 1,024 / 2,048 /
 *       4,096 MB (ratios 8, 4, 2), time limit 10 h (ratio 10). e4 erin, 30 s only (not judged).
 *   f1  frank, Jul 23, 1 h, asked 2,048 MB, used 2,048 (ratio 1), limit 2 h (ratio 2).
 *   h1  hdfs (a superuser), Jul 24 00:00, 2 h, 1 vcore: 2 vcore-h, SUCCEEDED.
 *
 * Incidents: critical Jul 5 10:00–12:00 and major Jul 5 11:00–13:00 (overlap: 3 h down, counted
 * once), minor Jul 6 (not down time), major Sep 30 23:00 → Oct 1 01:00 (60 min in Q3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWarehouse, type Warehouse } from '../../src/warehouse/open.js';
import { defaultSettings, type Settings } from '../../src/settings.js';
import { computeFigures, type ClusterFigures } from '../../src/analyze/figures.js';
import { parsePeriod } from '../../src/analyze/period.js';
import { clusterContext, periodParams, prepareConnection } from '../../src/analyze/context.js';
import { runSqlFile } from '../../src/warehouse/run-sql-file.js';

const close = (a: unknown, b: number, what: string) => assert.ok(typeof a === 'number' && Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${String(a)} ≠ ${b}`);

function settings(): Settings {
  const s = defaultSettings();
  s.teams = {
    t1: { users: ['alice'], queues: [], accounts: [], paths: [] },
    t2: { users: [], queues: ['q2'], accounts: [], paths: [] },
  };
  s.prices = { currency: 'EUR', vcoreHour: 0.5 };
  return s;
}

async function warehouse(): Promise<Warehouse> {
  const wh = await openWarehouse(':memory:');
  const c = wh.conn;
  await c.run(`insert into capacity_snapshots (cluster, taken_at, total_vcores, total_memory_mb) values
    ('c', '2026-04-01 00:00:00', 100, 1024000), ('c', '2026-08-16 00:00:00', 200, 2048000)`);
  const jobs: [string, string, string | null, string, string, string, string | null, number | null, number, string | null][] = [
    // id, user, queue, state, key, start, end, elapsed_s, vcores, diagnostics
    ['a1', 'alice', 'q1', 'SUCCEEDED', 'k-a', '2026-06-30 22:00:00', '2026-07-01 02:00:00', 14400, 10, null],
    ['b0', 'bob', 'q2', 'FAILED', 'etl', '2026-06-30 00:00:00', '2026-06-30 01:00:00', 3600, 10, 'Container container_e01_1_0001_01_000002 killed at /data/x/part-0001 after 12 s'],
    ['b1', 'bob', 'q2', 'SUCCEEDED', 'etl', '2026-07-10 00:00:00', '2026-07-10 01:00:00', 3600, 10, null],
    ['b2', 'bob', 'q2', 'FAILED', 'etl', '2026-07-11 00:00:00', '2026-07-11 01:00:00', 3600, 10, 'Container container_e01_1_0002_01_000002 killed at /data/x/part-0007 after 125 s\n\tat somewhere'],
    ['b3', 'bob', 'q2', 'FAILED', 'etl', '2026-07-12 00:00:00', '2026-07-12 01:00:00', 3600, 10, 'Container container_e01_1_0003_01_000009 killed at /data/y/part-0002 after 3 s'],
    ['b4', 'bob', 'q2', 'FAILED', 'etl', '2026-07-13 00:00:00', '2026-07-13 01:00:00', 3600, 10, 'java.lang.OutOfMemoryError: Java heap space'],
    ['c1', 'carol', 'q9', 'FAILED', 'one-run', '2026-08-01 00:00:00', '2026-08-01 02:00:00', 7200, 100, 'exit 1'],
    ['d1', 'dave', 'q9', 'RUNNING', 'long', '2026-09-30 12:00:00', null, 86400, 5, null],
    ['h1', 'hdfs', 'q9', 'SUCCEEDED', 'fsck', '2026-07-24 00:00:00', '2026-07-24 02:00:00', 7200, 1, null],
  ];
  for (const [id, user, queue, state, key, start, end, el, vcores, diag] of jobs) {
    await c.run(
      `insert into jobs (cluster, job_id, source, "user", queue, state, job_key, name, start_time, end_time, elapsed_s, vcore_seconds, memory_mb_seconds, diagnostics)
       values ('c', $id, 'test', $user, $queue, $state, $key, $key, cast($start as timestamp), cast($end as timestamp), $el, $v, $m, $diag)`,
      { id, user, queue, state, key, start, end, el, v: vcores * (el ?? 0), m: vcores * (el ?? 0) * 1024, diag },
    );
  }
  const slurm: [string, string, string, number, number, number, number][] = [
    // id, user, start, elapsed_s, req MB, MaxRSS MB, limit s
    ['e1', 'erin', '2026-07-20 00:00:00', 3600, 8192, 1024, 36000],
    ['e2', 'erin', '2026-07-21 00:00:00', 3600, 8192, 2048, 36000],
    ['e3', 'erin', '2026-07-22 00:00:00', 3600, 8192, 4096, 36000],
    ['e4', 'erin', '2026-07-22 06:00:00', 30, 65536, 1, 36000],
    ['f1', 'frank', '2026-07-23 00:00:00', 3600, 2048, 2048, 7200],
  ];
  for (const [id, user, start, el, req, rss, limit] of slurm) {
    await c.run(
      `insert into jobs (cluster, job_id, source, "user", account, state, job_key, start_time, end_time, elapsed_s, req_memory_mb, max_rss_mb, time_limit_s)
       values ('c', $id, 'test', $user, 'acct', 'SUCCEEDED', $user, cast($start as timestamp), cast($start as timestamp) + to_seconds($el), $el, $req, $rss, $limit)`,
      { id, user, start, el, req, rss, limit },
    );
  }
  await c.run(`insert into incidents (cluster, start_time, end_time, severity, title) values
    ('c', '2026-07-05 10:00:00', '2026-07-05 12:00:00', 'critical', 'a'),
    ('c', '2026-07-05 11:00:00', '2026-07-05 13:00:00', 'major', 'b'),
    ('c', '2026-07-06 10:00:00', '2026-07-06 18:00:00', 'minor', 'c'),
    ('c', '2026-09-30 23:00:00', '2026-10-01 01:00:00', 'major', 'd')`);
  // Bytes known for three runs (MiB × 1,048,576): c1 7,200 MiB in 7,200 s = 1 MB/s (MAPREDUCE);
  // b1 3,600 + 3,600 MiB in 3,600 s = 2 MB/s and b2 18,000 MiB in 3,600 s = 5 MB/s (SPARK).
  await c.run(`update jobs set app_type = 'MAPREDUCE' where job_id = 'c1'`);
  await c.run(`update jobs set app_type = 'SPARK' where job_id in ('b1', 'b2')`);
  await c.run(`insert into app_details (cluster, job_id, source, framework, outcome, input_bytes, output_bytes) values
    ('c', 'c1', 'jhist', 'MAPREDUCE', 'FAILED', 7200::bigint * 1048576, null),
    ('c', 'b1', 'spark-events', 'SPARK', 'SUCCEEDED', 3600::bigint * 1048576, 3600::bigint * 1048576),
    ('c', 'b2', 'spark-events', 'SPARK', 'FAILED', 18000::bigint * 1048576, 0)`);
  return wh;
}

let cached: ClusterFigures | undefined;
async function figures(): Promise<ClusterFigures> {
  if (cached) return cached;
  const wh = await warehouse();
  try {
    cached = (await computeFigures(wh.conn, settings(), parsePeriod('2026-Q3'), ['c'])).clusters.c;
    return cached;
  } finally {
    wh.close();
  }
}

test('compute demand by period: use split by time at the boundary, capacity changing mid-period, a period with no jobs', async () => {
  const f = await figures();
  const [q3, q2, q1] = f.compute_demand.by_period;
  assert.deepEqual([q3.period, q2.period, q1.period], ['2026-Q3', '2026-Q2', '2026-Q1']);
  // Q3: a1 20 + b1–b4 40 + c1 200 + d1 60 (of its 120 so far) + h1 2 = 322.
  close(q3.vcore_hours, 322, 'Q3 vcore-hours');
  // Q2: a1 20 + b0 10 = 30.
  close(q2.vcore_hours, 30, 'Q2 vcore-hours');
  close(q1.vcore_hours, 0, 'Q1 vcore-hours (no jobs)');
  // Jobs started in Q3: b1–b4, c1, d1, e1–e4, f1, h1 = 12; users bob, carol, dave, erin, frank, hdfs.
  assert.equal(q3.jobs, 12);
  assert.equal(q3.active_users, 6);
  assert.equal(q2.jobs, 2);
  assert.equal(q1.jobs, 0);
  close(q3.capacity_vcore_hours, 331_200, 'Q3 capacity');
  close(q2.capacity_vcore_hours, 218_400, 'Q2 capacity');
  close(q1.capacity_vcore_hours, 0, 'Q1 capacity (before the first snapshot)');
  close(q3.share_of_capacity, 322 / 331_200, 'Q3 share');
  assert.equal(q1.share_of_capacity, null);
  // Memory: every job here has 1,024 MB a vcore, so TB-hours = vcore-hours × 1,024 / 1,048,576.
  close(q3.memory_tb_hours, (322 * 1024) / 1048576, 'Q3 memory TB-hours');
  close(f.compute_demand.growth_over_previous, 322 / 30 - 1, 'growth over Q2');
  // A year ago (2025-Q3): no jobs, so no growth figure.
  assert.equal(f.compute_demand.growth_over_year_ago, null);
  assert.equal(f.compute_demand.by_period.length, 8);
});

test('use by team and queue: a job with no team is "unassigned", never dropped; growth against the previous period', async () => {
  const f = await figures();
  const teams = Object.fromEntries(f.compute_demand.by_team.map((r) => [r.name, r]));
  // unassigned: c1 200 + d1 60 + h1 2 = 262; t2 (queue q2): b1–b4 40; t1 (user alice): a1's 20.
  assert.deepEqual(f.compute_demand.by_team.map((r) => r.name), ['unassigned', 't2', 't1']);
  close(teams.unassigned.vcore_hours, 262, 'unassigned');
  close(teams.t2.vcore_hours, 40, 't2');
  close(teams.t1.vcore_hours, 20, 't1');
  // Q2: t1 20 (a1's first half), t2 10 (b0): growth 0 and 3.
  close(teams.t1.growth, 0, 't1 growth');
  close(teams.t2.growth, 3, 't2 growth');
  assert.equal(teams.unassigned.growth, null);
  close(teams.t2.share_of_capacity, 40 / 331_200, 't2 share');
  assert.equal(f.top_consumers.users[0].name, 'carol');
  assert.equal(f.top_consumers.users[0].team, 'unassigned');
  assert.deepEqual(f.top_consumers.queues.map((r) => r.name), ['q9', 'q2', 'q1']);
});

test('reliability: overlapping incidents counted once, minor ones not down time, success rate of ended jobs', async () => {
  const f = await figures();
  const q3 = f.reliability.by_period[0];
  // 10:00–13:00 on Jul 5 (180 min, the two overlapping) + Sep 30 23:00 → midnight (60 min) = 240.
  close(q3.down_minutes, 240, 'down minutes');
  assert.equal(q3.minutes, 132_480);
  close(q3.availability, 1 - 240 / 132_480, 'availability');
  assert.equal(q3.incidents, 4);
  // Started in Q3: 12 jobs, 11 ended (d1 runs); succeeded b1, e1–e4, f1, h1 = 7; failed b2–b4, c1 = 4.
  assert.equal(q3.ended, 11);
  assert.equal(q3.succeeded, 7);
  assert.equal(q3.failed, 4);
  close(q3.success_rate, 7 / 11, 'success rate');
  const q1 = f.reliability.by_period[2];
  assert.equal(q1.jobs, 0);
  assert.equal(q1.success_rate, null);
  // The incident across the period's end counts 60 of its 120 minutes.
  const d = f.reliability.incidents.find((i) => i.title === 'd')!;
  assert.equal(d.minutes, 120);
  assert.equal(d.minutes_in_period, 60);
});

test('top failing jobs: ranked by burn, streak over the whole history, masked error signature, a key with one run', async () => {
  const wh = await warehouse();
  try {
    const s = settings();
    await prepareConnection(wh.conn, s);
    const ctx = await clusterContext(wh.conn, s, 'c', 'UTC', parsePeriod('2026-Q3'));
    const rows = await runSqlFile(wh.conn, 'top_failing_jobs', { cluster: 'c', ...periodParams(ctx.period), min_failures: 1, top: 10 });
    assert.deepEqual(rows.map((r) => r.job_key), ['one-run', 'etl']);
    const [one, etl] = rows;
    // one-run: c1 alone, 200 vcore-h burned.
    assert.equal(one.runs, 1);
    assert.equal(one.failures, 1);
    assert.equal(one.failure_rate, 1);
    assert.equal(one.streak, 1);
    assert.equal(one.team, 'unassigned');
    close(one.failed_vcore_hours, 200, 'one-run burn');
    close(one.share_of_capacity, 200 / 331_200, 'one-run share');
    close(one.failed_cost, 200 * 0.5, 'one-run cost (memory unpriced)');
    // etl: 4 runs in Q3, b2–b4 failed: 30 vcore-h; newest first b4, b3, b2 failed, b1 succeeded: streak 3 from Jul 11.
    assert.equal(etl.runs, 4);
    assert.equal(etl.failures, 3);
    close(etl.failure_rate, 0.75, 'etl failure rate');
    assert.equal(etl.streak, 3);
    assert.equal(etl.streak_since, '2026-07-11T00:00:00.000Z');
    assert.equal(etl.first_failure, '2026-07-11T00:00:00.000Z');
    assert.equal(etl.last_failure, '2026-07-13T00:00:00.000Z');
    close(etl.failed_vcore_hours, 30, 'etl burn');
    assert.equal(etl.owner, 'bob');
    assert.equal(etl.team, 't2');
    // b2 and b3 mask to the same first line; b4's differs.
    assert.equal(etl.error_signature, 'Container <id> killed at <path> after <n> s');
    // With the default threshold of 3 failures, only etl is listed.
    const three = await runSqlFile(wh.conn, 'top_failing_jobs', { cluster: 'c', ...periodParams(ctx.period), min_failures: 3, top: 10 });
    assert.deepEqual(three.map((r) => r.job_key), ['etl']);
  } finally {
    wh.close();
  }
});

test('thresholds from the settings\' figures: section: fewer failures make a failing job, a wider window finds the retries, a shorter top list', async () => {
  const wh = await warehouse();
  try {
    const s = settings();
    s.figures = { ...s.figures, minFailures: 1, retryWindowSeconds: 82_800, top: 1 };
    const f = (await computeFigures(wh.conn, s, parsePeriod('2026-Q3'), ['c'])).clusters.c;
    // min 1 failure and top 1: one-run (200 vcore-h burned) before etl (30), and only it.
    assert.deepEqual(f.top_failing_jobs.map((r) => r.job_key), ['one-run']);
    // b3 and b4 started 23 h (82,800 s) after a failed run of etl ended (see the retries test).
    assert.deepEqual(f.wasteful.retries.map((r) => [r.job_key, r.retries]), [['etl', 2]]);
    assert.equal(f.top_consumers.users.length, 1);
  } finally {
    wh.close();
  }
});

test('wasteful: failed burn by user, memory and time-limit over-request (short jobs not judged), superuser jobs', async () => {
  const f = await figures();
  assert.deepEqual(f.wasteful.failed_burn_by_user.map((r) => [r.user, r.failed_runs]), [['carol', 1], ['bob', 3]]);
  close(f.wasteful.failed_burn_by_user[1].failed_vcore_hours, 30, 'bob burn');
  close(f.wasteful.failed_burn_by_user[1].cost, 15, 'bob cost at 0.5 a vcore-hour');
  // erin: e1–e3 (e4 ran 30 s): asked 3 × 8 GB × 1 h = 24 GB-h, used 1 + 2 + 4 = 7; ratios 8, 4, 2 → median 4.
  // frank: ratio 1, below 2: not listed. The cluster's median over 8, 4, 2, 1 is 3.
  assert.deepEqual(f.wasteful.memory_over_request.map((r) => r.user), ['erin']);
  const m = f.wasteful.memory_over_request[0];
  assert.equal(m.jobs, 3);
  close(m.requested_gb_hours, 24, 'requested GB-h');
  close(m.used_gb_hours, 7, 'used GB-h');
  close(m.unused_gb_hours, 17, 'unused GB-h');
  close(m.median_ratio, 4, 'median ratio');
  close(m.cluster_median_ratio, 3, 'cluster median');
  assert.equal(m.unused_cost, null, 'no memory price set');
  // Time limits: erin 10 h for 1 h, three times → median 10; frank 2 → listed too (min ratio 2), after erin.
  assert.deepEqual(f.wasteful.time_limit_over_request.map((r) => r.user), ['erin', 'frank']);
  const t = f.wasteful.time_limit_over_request[0];
  close(t.time_limit_hours, 30, 'limit hours');
  close(t.elapsed_hours, 3, 'elapsed hours');
  close(t.median_ratio, 10, 'median limit ÷ elapsed');
  close(t.cluster_median_ratio, 10, 'cluster median over 10, 10, 10, 2');
  assert.deepEqual(f.wasteful.superuser_jobs.map((r) => [r.user, r.jobs]), [['hdfs', 1]]);
  close(f.wasteful.superuser_jobs[0].vcore_hours, 2, 'hdfs vcore-hours');
});

test('retries: a run starting within the window after a failed run of its key ends, the window inclusive', async () => {
  const wh = await warehouse();
  try {
    const s = settings();
    await prepareConnection(wh.conn, s);
    const ctx = await clusterContext(wh.conn, s, 'c', 'UTC', parsePeriod('2026-Q3'));
    const run = (window: number) => runSqlFile(wh.conn, 'retries_by_job_key', { cluster: 'c', ...periodParams(ctx.period), retry_window_s: window, top: 10 });
    // etl: b2 failed and ended Jul 11 01:00, b3 started Jul 12 00:00 — 23 h = 82,800 s later; b3
    // failed, ended Jul 12 01:00, b4 started 23 h later and failed. b1 followed b0 by 9 days.
    const [etl, ...rest] = await run(82_800);
    assert.equal(rest.length, 0);
    assert.equal(etl.job_key, 'etl');
    assert.equal(etl.retries, 2);
    assert.equal(etl.failed_again, 2);
    close(etl.retry_vcore_hours, 20, 'retry burn');
    close(etl.share_of_capacity, 20 / 331_200, 'retry share');
    close(etl.cost, 10, 'retry cost');
    assert.deepEqual(await run(82_799), []);
    // The default window (3 h) finds none here.
    assert.deepEqual((await figures()).wasteful.retries, []);
  } finally {
    wh.close();
  }
});

test('MapReduce memory over-request: containers asked vs the tasks\' physical memory, per job key', async () => {
  const wh = await warehouse();
  try {
    const s = settings();
    await prepareConnection(wh.conn, s);
    const ctx = await clusterContext(wh.conn, s, 'c', 'UTC', parsePeriod('2026-Q3'));
    // m1: 8 maps of 4,096 MB and 2 reduces of 8,192 → 4,915.2 MB a task asked; 10 GiB used by 10
    //     tasks → 1,024 MB; ratio 4.8; unused 3,891.2 MB = 3.8 GB × 10 h of task time = 38 GB-h.
    // m2: 4 maps of 2,048 MB (no reduce size: the map size stands), 1,024 used: ratio 2, 1 GB × 2 h = 2 GB-h.
    // m3: no physical-memory counter (a failed job): not judged.
    await wh.conn.run(`insert into jobs (cluster, job_id, source, "user", queue, state, job_key, start_time, elapsed_s) values
      ('c', 'm1', 'yarn', 'gina', 'q2', 'SUCCEEDED', 'mr-x', '2026-08-01 00:00:00', 3600),
      ('c', 'm2', 'yarn', 'gina', 'q2', 'SUCCEEDED', 'mr-x', '2026-08-02 00:00:00', 3600),
      ('c', 'm3', 'yarn', 'gina', 'q2', 'FAILED', 'mr-x', '2026-08-03 00:00:00', 3600)`);
    await wh.conn.run(`insert into app_details (cluster, job_id, source, framework, outcome, maps, reduces, map_memory_mb, reduce_memory_mb, physical_memory_bytes, task_time_s) values
      ('c', 'm1', 'jhist', 'MAPREDUCE', 'SUCCEEDED', 8, 2, 4096, 8192, 10 * 1073741824::bigint, 36000),
      ('c', 'm2', 'jhist', 'MAPREDUCE', 'SUCCEEDED', 4, 0, 2048, null, 4 * 1073741824::bigint, 7200),
      ('c', 'm3', 'jhist', 'MAPREDUCE', 'FAILED', 4, 0, 2048, null, null, 100)`);
    const run = (min: number) => runSqlFile(wh.conn, 'mapreduce_memory_over_request_by_job_key', { cluster: 'c', ...periodParams(ctx.period), min_ratio: min, top: 10 });
    const [k] = await run(2);
    assert.equal(k.job_key, 'mr-x');
    assert.equal(k.owner, 'gina');
    assert.equal(k.team, 't2');
    assert.equal(k.apps, 2);
    close(k.median_asked_mb, (4915.2 + 2048) / 2, 'median asked');
    close(k.median_used_mb, 1024, 'median used');
    close(k.median_ratio, (4.8 + 2) / 2, 'median ratio');
    close(k.unused_gb_hours, 40, 'unused GB-h');
    assert.equal(k.unused_cost, null);
    assert.deepEqual(await run(3.5), []);
  } finally {
    wh.close();
  }
});

test('storage growth by directory and team: the newest du listing before the end against the one on or before the first day', async () => {
  const wh = await warehouse();
  try {
    const s = settings();
    s.teams.t1.paths = ['/data/a'];
    s.teams.t2.paths = ['/data/a/deep'];
    await prepareConnection(wh.conn, s);
    await clusterContext(wh.conn, s, 'c', 'UTC', parsePeriod('2026-Q3'));
    // Listings on Jun 15, Jul 1 (the period's first day: the start), Sep 1, Oct 1 (after the
    // period: not the end) and a count listing (ignored: du is there).
    await wh.conn.run(`insert into storage_usage (cluster, as_of, source, path, bytes) values
      ('c', '2026-06-15', 'hdfs-du', '/data/a', 1),
      ('c', '2026-07-01', 'hdfs-du', '/data/a', 100), ('c', '2026-07-01', 'hdfs-du', '/data/a/deep', 50), ('c', '2026-07-01', 'hdfs-du', '/tmp', 10),
      ('c', '2026-09-01', 'hdfs-du', '/data/a', 160), ('c', '2026-09-01', 'hdfs-du', '/data/a/deep', 40), ('c', '2026-09-01', 'hdfs-du', '/data/b', 30),
      ('c', '2026-10-01', 'hdfs-du', '/data/a', 999),
      ('c', '2026-09-01', 'hdfs-count', '/data/a', 5)`);
    const rows = await runSqlFile(wh.conn, 'storage_growth_by_directory', { cluster: 'c', period_start: '2026-07-01', period_end: '2026-10-01', top: 2 });
    const dirs = rows.filter((r) => r.dimension === 'directory');
    const teams = rows.filter((r) => r.dimension === 'team');
    // /data/a +60, /data/b +30 (new: from 0), /tmp −10 (gone: to 0), /data/a/deep −10; top 2.
    assert.deepEqual(dirs.map((r) => [r.name, r.team, r.bytes_at_start, r.bytes_at_end, r.growth_bytes]), [
      ['/data/a', 't1', 100, 160, 60],
      ['/data/b', 'unassigned', 0, 30, 30],
    ]);
    assert.equal(dirs[0].start_date, '2026-07-01');
    assert.equal(dirs[0].end_date, '2026-09-01');
    close(dirs[0].growth, 0.6, '/data/a growth');
    assert.equal(dirs[1].growth, null);
    // Teams (every one): t1 /data/a +60; unassigned /data/b + /tmp = 30 − 10 = +20; t2 (the deeper path) −10.
    assert.deepEqual(teams.map((r) => [r.name, r.growth_bytes]), [['t1', 60], ['unassigned', 20], ['t2', -10]]);
  } finally {
    wh.close();
  }
});

test('fraction_within: a run shorter than a millisecond counts whole where it ran (no 0/0)', async () => {
  const wh = await openWarehouse(':memory:');
  try {
    const s = settings();
    await prepareConnection(wh.conn, s);
    await clusterContext(wh.conn, s, 'c', 'UTC', parsePeriod('2026-Q3'));
    const r = await wh.conn.runAndReadAll(`select
      fraction_within(timestamp '2026-07-01 00:00:00', timestamp '2026-07-01 00:00:00.0005', timestamp '2026-07-01', timestamp '2026-10-01'),
      fraction_within(timestamp '2026-06-30 23:00:00', timestamp '2026-07-01 01:00:00', timestamp '2026-07-01', timestamp '2026-10-01'),
      fraction_within(timestamp '2026-07-02 00:00:00', timestamp '2026-07-02 00:00:00', timestamp '2026-07-01', timestamp '2026-10-01')`);
    assert.deepEqual(r.getRows()[0], [1, 0.5, 1]);
  } finally {
    wh.close();
  }
});

test('dominant jobs: share of the capacity over the job\'s own run; throughput by framework where bytes are known', async () => {
  const f = await figures();
  // c1: 100 vcores for 2 h while the cluster had 100: the whole cluster.
  const top = f.top_consumers.dominant_jobs[0];
  assert.equal(top.job_id, 'c1');
  close(top.share_of_capacity_during_run, 1, 'c1 share during run');
  // d1: 120 vcore-h over Sep 30 12:00 → Oct 1 12:00 at 200 vcores = 4,800 → 0.025.
  const d1 = f.top_consumers.dominant_jobs.find((r) => r.job_id === 'd1')!;
  close(d1.share_of_capacity_during_run, 120 / 4800, 'd1 share during run');
  const tp = Object.fromEntries(f.throughput_by_framework.map((r) => [r.framework, r]));
  assert.equal(tp.SPARK.jobs, 2);
  close(tp.SPARK.median_mb_per_s, 3.5, 'SPARK median of 2 and 5');
  close(tp.SPARK.p25_mb_per_s, 2.75, 'SPARK p25');
  close(tp.SPARK.max_mb_per_s, 5, 'SPARK max');
  close(tp.MAPREDUCE.median_mb_per_s, 1, 'MAPREDUCE');
});

test('highlights name the growth, the failing job and the availability miss with their numbers', async () => {
  const f = await figures();
  const kinds = f.highlights.map((h) => h.kind);
  assert.ok(kinds.includes('compute-growth'));
  const g = f.highlights.find((h) => h.kind === 'compute-growth')!;
  assert.match(g.text, /grew 973% over the previous quarter: 322 vcore-hours in 2026-Q3, against 30 in 2026-Q2/);
  // one-run burned 200 / 331,200 = 0.06% of the cluster, below 1%, and failed once: not a headline; nor etl.
  assert.ok(!kinds.includes('failing-job'));
  const a = f.highlights.find((h) => h.kind === 'availability')!;
  assert.match(a.text, /Availability was 99\.82%, below the 99\.9% target: 240 minutes down in 3 incidents/);
  const dj = f.highlights.find((h) => h.kind === 'dominant-job')!;
  assert.match(dj.text, /one-run by carol, took 100% of the cluster for 2\.0 hours/);
});
