/**
 * The demo cluster end to end: `npm run sample-data` is deterministic, and the answer key it writes
 * (sample-data/ANSWERS.json) is what SQL over the loaded warehouse finds, story by story.
 *
 * The SQL here is written independently of the generator: quarters come from DuckDB's time zone
 * support, capacity from the loaded metrics snapshots and the settings, burn from the loaded jobs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { generateSampleData, OWNED } from '../../src/demo/generate.js';
import { ROOT, runCli, tmpDir } from '../helpers.js';

const SAMPLE = path.join(ROOT, 'sample-data');
const answers = JSON.parse(fs.readFileSync(path.join(SAMPLE, 'ANSWERS.json'), 'utf8'));
const HADOOP_TZ = 'Europe/Amsterdam';
const HPC_TZ = 'America/New_York';

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  if (fs.statSync(dir).isFile()) return [dir];
  return fs.readdirSync(dir).sort().flatMap((f) => walk(path.join(dir, f)));
}

describe('sample-data', () => {
  test('npm run sample-data regenerates byte-identical files', () => {
    const out = tmpDir('gazette-sample-');
    generateSampleData(out);
    const mine = OWNED.flatMap((o) => walk(path.join(out, o))).map((f) => path.relative(out, f));
    const committed = OWNED.flatMap((o) => walk(path.join(SAMPLE, o))).map((f) => path.relative(SAMPLE, f));
    assert.deepEqual(mine, committed, 'the same files');
    for (const f of mine) assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(SAMPLE, f))), `${f} differs from the committed sample-data; run npm run sample-data`);
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('stays under 20 MB', () => {
    const bytes = walk(SAMPLE).reduce((s, f) => s + fs.statSync(f).size, 0);
    assert.ok(bytes < 20 * 1048576, `${bytes} bytes`);
  });
});

describe('answer key against the warehouse', () => {
  const dir = tmpDir('gazette-answers-');
  const db = path.join(dir, 'demo.duckdb');
  const config = path.join(SAMPLE, 'gazette.yaml');
  const sql = async <T = Record<string, unknown>>(q: string): Promise<T[]> => {
    const r = await runCli(['sql', '--db', db, '--config', config, '--format', 'json', q]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  };
  /** A local date's midnight in a zone, as the UTC timestamp the warehouse stores. */
  const utc = (tz: string, date: string) => `timezone('UTC', timezone('${tz}', timestamp '${date}'))`;
  const Q3 = (tz: string) => ({ from: utc(tz, '2026-07-01'), to: utc(tz, '2026-10-01') });
  const close = (got: number, want: number, what: string, tol = 1e-4) =>
    assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: warehouse ${got}, answer key ${want}`);

  let status = '';
  before(async () => {
    // What `npm start` does: load the whole directory, formats and clusters told from the files.
    const r = await runCli(['ingest', '--db', db, '--config', config, SAMPLE]);
    assert.equal(r.code, 0, r.stderr);
    const s = await runCli(['status', '--db', db, '--config', config]);
    assert.equal(s.code, 0, s.stderr);
    status = s.stdout;
  });

  test('npm start prints what the warehouse holds: clusters, jobs per state, date range, capacity, incidents, rejects', () => {
    const n = (x: number) => x.toLocaleString('en-US');
    const h = answers.clusters['demo-hadoop'];
    const p = answers.clusters['demo-hpc'];
    assert.match(status, new RegExp(`demo-hadoop \\(yarn\\): ${n(h.jobs)} jobs from 2025-03-31 to 2026-11-21`));
    assert.match(status, new RegExp(`${n(h.by_state.SUCCEEDED)} succeeded, ${n(h.by_state.FAILED)} failed, ${n(h.by_state.KILLED)} killed, ${h.by_state.RUNNING} running`));
    assert.match(status, new RegExp(`demo-hpc \\(slurm\\): ${n(p.jobs)} jobs from 2025-04-01 to 2026-11-2`));
    assert.match(status, /demo-hadoop capacity: \d+ snapshots/);
    assert.match(status, /demo-hadoop incidents: 8 \(2 critical, 3 major, 2 minor, 1 maintenance\)/);
    assert.match(status, new RegExp(`demo-hpc rejected rows: ${answers.planted_rejects.length}`));
  });

  test('jobs per cluster and state; the planted bad rows and no others are rejected', async () => {
    const rows = await sql<{ cluster: string; state: string; n: number }>(`select cluster, state, count(*)::int as n from jobs group by all order by all`);
    for (const [cluster, want] of Object.entries(answers.clusters) as [string, { jobs: number; by_state: Record<string, number> }][]) {
      const got = Object.fromEntries(rows.filter((r) => r.cluster === cluster).map((r) => [r.state, r.n]));
      const expected = { ...want.by_state };
      // The answer key keeps Slurm's end states; the warehouse folds pending into PENDING as well.
      assert.deepEqual(got, expected, cluster);
    }
    const rejects = await sql<{ file: string; line: number }>(`select file, line::int as line from rejected_rows order by file, line`);
    assert.deepEqual(
      rejects.map((r) => ({ file: path.relative(SAMPLE, r.file), line: r.line })),
      answers.planted_rejects.map((p: { file: string; line: number }) => ({ file: p.file, line: p.line })),
    );
  });

  test('the always-failing daily pipeline: its runs, failures, burn and share of capacity in 2026-Q3', async () => {
    const want = answers.stories.failing_pipeline;
    const q = Q3(HADOOP_TZ);
    const [got] = await sql<Record<string, number | string>>(`
      with k as (select job_key from jobs where cluster = 'demo-hadoop' and job_id = '${want.example_job_id}'),
      runs as (select * from jobs where cluster = 'demo-hadoop' and job_key = (select job_key from k)),
      snaps as (select taken_at, total_vcores, lead(taken_at) over (order by taken_at) as next_at
                from capacity_snapshots where cluster = 'demo-hadoop'),
      cap as (select sum(total_vcores * epoch(least(coalesce(next_at, ${q.to}), ${q.to}) - greatest(taken_at, ${q.from}))) as vcore_s
              from snaps where taken_at < ${q.to} and coalesce(next_at, ${q.to}) > ${q.from}),
      q3 as (select * from runs where start_time >= ${q.from} and start_time < ${q.to}),
      last_ok as (select max(start_time) as t from runs where state = 'SUCCEEDED')
      select (select count(*) from q3)::int as runs,
             (select count(*) from q3 where state = 'FAILED')::int as failed_runs,
             (select sum(vcore_seconds) from q3 where state = 'FAILED') / 3600 as failed_vcore_hours,
             (select vcore_s from cap) / 3600 as capacity_vcore_hours,
             (select sum(vcore_seconds) from q3 where state = 'FAILED') / (select vcore_s from cap) as share,
             (select count(*) from runs where start_time > (select t from last_ok))::int as streak,
             (select any_value("user") from q3) as "user",
             (select any_value(queue) from q3) as queue,
             (select count(distinct "user") from q3)::int as owners`);
    assert.equal(got.runs, want.runs);
    assert.equal(got.failed_runs, want.failed_runs);
    assert.equal(got.runs, got.failed_runs, 'failed every run of the quarter');
    close(got.failed_vcore_hours as number, want.failed_vcore_hours, 'burn');
    close(got.capacity_vcore_hours as number, want.capacity_vcore_hours, 'capacity');
    close(got.share as number, want.share_of_capacity, 'share');
    assert.ok(Math.abs((got.share as number) - 0.1) < 0.01, 'about 10% of the cluster');
    assert.equal(got.streak, want.failed_runs_in_a_row_at_end);
    assert.equal(got.user, want.user);
    assert.equal(got.owners, 1);
    assert.equal(got.queue, want.queue);
    const [team] = await sql<{ team: string }>(`select team from team_users where "user" = '${want.user}'`);
    assert.equal(team?.team, want.team);
  });

  test('compute demand by quarter and the growth of 2026-Q3, on both clusters', async () => {
    for (const [cluster, tz, unit] of [['demo-hadoop', HADOOP_TZ, 'vcore_hours'], ['demo-hpc', HPC_TZ, 'cpu_hours']] as const) {
      const want = answers.compute_demand[cluster];
      for (const wq of want.quarters) {
        const [y, n] = wq.quarter.split('-Q').map(Number);
        const from = utc(tz, `${y}-${String((n - 1) * 3 + 1).padStart(2, '0')}-01`);
        const to = utc(tz, n === 4 ? `${y + 1}-01-01` : `${y}-${String(n * 3 + 1).padStart(2, '0')}-01`);
        const [got] = await sql<{ use_hours: number; jobs: number; users: number }>(`
          select sum(vcore_seconds * greatest(0, epoch(least(end_time, ${to}) - greatest(start_time, ${from})))
                     / nullif(epoch(end_time - start_time), 0)) / 3600 as use_hours,
                 count(*) filter (where start_time >= ${from} and start_time < ${to})::int as jobs,
                 count(distinct "user") filter (where start_time >= ${from} and start_time < ${to})::int as users
          from jobs where cluster = '${cluster}' and end_time is not null`);
        close(got.use_hours, wq[unit], `${cluster} ${wq.quarter} ${unit}`);
        assert.equal(got.jobs, wq.jobs, `${cluster} ${wq.quarter} jobs`);
        assert.equal(got.users, wq.active_users, `${cluster} ${wq.quarter} active users`);
      }
      const v = want.quarters.map((q: Record<string, number>) => q[unit]);
      close(v[v.length - 1] / v[v.length - 2] - 1, want.growth_2026_q3_over_q2, `${cluster} growth`, 1e-3);
    }
    assert.ok(Math.abs(answers.compute_demand['demo-hadoop'].growth_2026_q3_over_q2 - 0.3) < 0.05, 'roughly 30% growth on demo-hadoop');
  });

  test('availability from the incidents: below 99.9% in 2026-Q3 on demo-hadoop', async () => {
    const want = answers.availability['demo-hadoop'].find((a: { quarter: string }) => a.quarter === '2026-Q3');
    const q = Q3(HADOOP_TZ);
    const [got] = await sql<{ down: number; minutes: number }>(`
      with i as (select greatest(start_time, ${q.from}) as s, least(end_time, ${q.to}) as e from incidents
                 where cluster = 'demo-hadoop' and severity in ('critical', 'major') and end_time > ${q.from} and start_time < ${q.to}),
      o as (select s, e, max(e) over (order by s rows between unbounded preceding and 1 preceding) as prev_e from i),
      g as (select s, e, sum(case when prev_e >= s then 0 else 1 end) over (order by s) as grp from o),
      m as (select min(s) as s, max(e) as e from g group by grp)
      select sum(epoch(e - s)) / 60 as down, epoch(${q.to} - ${q.from}) / 60 as minutes from m`);
    assert.equal(got.down, want.down_minutes);
    assert.equal(got.minutes, want.minutes);
    close(1 - got.down / got.minutes, want.availability, 'availability', 1e-6);
    assert.ok(want.availability < 0.999);
  });

  test('jobs run by the hdfs superuser in 2026-Q3', async () => {
    const want = answers.stories.superuser_jobs;
    const q = Q3(HADOOP_TZ);
    const [got] = await sql<{ jobs: number; vcore_hours: number }>(`
      select count(*)::int as jobs, sum(vcore_seconds) / 3600 as vcore_hours from jobs
      where cluster = 'demo-hadoop' and "user" = 'hdfs' and start_time >= ${q.from} and start_time < ${q.to}`);
    assert.equal(got.jobs, want.jobs);
    close(got.vcore_hours, want.vcore_hours, 'hdfs vcore-hours');
  });

  test('the single job that took most of the cluster for a day', async () => {
    const want = answers.stories.cluster_hog;
    const [got] = await sql<Record<string, number | string>>(`
      with top as (select * from jobs where cluster = 'demo-hadoop' order by vcore_seconds desc limit 1),
      snaps as (select taken_at, total_vcores, lead(taken_at) over (order by taken_at) as next_at from capacity_snapshots where cluster = 'demo-hadoop')
      select top.job_id, top."user", epoch(top.end_time - top.start_time) / 3600 as hours, top.vcore_seconds / 3600 as vcore_hours,
             top.vcore_seconds / (select sum(total_vcores * epoch(least(coalesce(next_at, top.end_time), top.end_time) - greatest(taken_at, top.start_time)))
                                  from snaps where taken_at < top.end_time and coalesce(next_at, top.end_time) > top.start_time) as share
      from top`);
    assert.equal(got.job_id, want.job_id);
    assert.equal(got.user, want.user);
    close(got.hours as number, want.hours, 'hours');
    close(got.vcore_hours as number, want.vcore_hours, 'vcore-hours');
    close(got.share as number, want.share_of_capacity_during_run, 'share during its run');
    assert.ok((got.share as number) > 0.5 && (got.hours as number) > 20, 'most of the cluster for about a day');
  });

  test('the Slurm user who requests ten times the memory used, and the one with far too long time limits', async () => {
    const q = Q3(HPC_TZ);
    const mem = answers.stories.memory_overrequest;
    const [m] = await sql<Record<string, number>>(`
      select count(*)::int as jobs, sum(req_memory_mb / 1024 * elapsed_s / 3600) as req, sum(max_rss_mb / 1024 * elapsed_s / 3600) as used,
             median(req_memory_mb / max_rss_mb) as ratio
      from jobs where cluster = 'demo-hpc' and "user" = '${mem.user}' and start_time >= ${q.from} and start_time < ${q.to}
        and state not in ('RUNNING', 'PENDING')`);
    assert.equal(m.jobs, mem.jobs);
    close(m.req, mem.requested_gb_hours, 'requested GB-hours');
    close(m.used, mem.max_rss_gb_hours, 'used GB-hours');
    close(m.ratio, mem.median_requested_over_max_rss, 'median requested/used');
    assert.ok(m.ratio > 8 && m.ratio < 12, 'about ten times');
    const tl = answers.stories.time_limit_overrequest;
    const [t] = await sql<Record<string, number>>(`
      select count(*)::int as jobs, sum(time_limit_s) / 3600 as limit_h, sum(elapsed_s) / 3600 as elapsed_h, median(time_limit_s / elapsed_s) as ratio
      from jobs where cluster = 'demo-hpc' and "user" = '${tl.user}' and start_time >= ${q.from} and start_time < ${q.to}
        and state not in ('RUNNING', 'PENDING')`);
    assert.equal(t.jobs, tl.jobs);
    close(t.limit_h, tl.time_limit_hours, 'limit hours');
    close(t.elapsed_h, tl.elapsed_hours, 'elapsed hours');
    close(t.ratio, tl.median_limit_over_elapsed, 'median limit/elapsed');
  });
});
