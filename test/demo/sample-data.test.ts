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

  test('npm start prints what the warehouse holds: clusters, jobs per state, date range, Spark and MapReduce history, capacity, storage, incidents, rejects', () => {
    const n = (x: number) => x.toLocaleString('en-US');
    const h = answers.clusters['demo-hadoop'];
    const p = answers.clusters['demo-hpc'];
    assert.match(status, new RegExp(`demo-hadoop \\(yarn\\): ${n(h.jobs)} jobs from 2025-03-31 to 2026-11-21`));
    assert.match(status, new RegExp(`${n(h.by_state.SUCCEEDED)} succeeded, ${n(h.by_state.FAILED)} failed, ${n(h.by_state.KILLED)} killed, ${h.by_state.RUNNING} running`));
    assert.match(status, new RegExp(`demo-hpc \\(slurm\\): ${n(p.jobs)} jobs from 2025-04-01 to 2026-11-2`));
    // Every sampled Spark and MapReduce application is also in the RM's records (one job each; the job counts above are the RM's).
    const hist = answers.job_history;
    assert.match(status, new RegExp(`demo-hadoop spark history: ${hist.spark_event_logs} applications from [\\d-]+ to [\\d-]+ \\(0 failed\\); ${hist.spark_event_logs} also in the scheduler's records`));
    assert.match(status, new RegExp(`demo-hadoop mapreduce history: ${hist.jhist_files} applications from [\\d-]+ to [\\d-]+ \\(0 failed\\); ${hist.jhist_files} also in the scheduler's records`));
    assert.match(status, /demo-hadoop capacity: \d+ snapshots/);
    assert.match(status, /demo-hadoop incidents: 8 \(2 critical, 3 major, 2 minor, 1 maintenance\)/);
    assert.match(status, /demo-hadoop storage: \d+ NameNode snapshots from .*; latest [\d.]+ TiB capacity, [\d.]+ TiB used \(\d+\.\d%\)/);
    for (const source of ['fsimage', 'hdfs-du', 'hdfs-count']) assert.match(status, new RegExp(`demo-hadoop ${source}: \\d+ `));
    assert.match(status, /demo-hpc xdmod-storage: \d+ dates/);
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

  test('cold data: ads-measurement holds most of the bytes nobody has read for a year (fsimage of 2026-09-30, by team path)', async () => {
    const want = answers.stories.cold_data;
    // A rollup directory is a team's when it is one of the team's settings paths or below one.
    const rows = await sql<{ team: string; cold: string; bytes: string }>(`
      with r as (select * from storage_rollups where cluster = 'demo-hadoop' and as_of = date '${want.as_of}'),
      owned as (select r.*, p.team from r left join team_paths p on r.dir = p.path or starts_with(r.dir, p.path || '/'))
      select coalesce(team, '(no team)') as team, sum(bytes_read_365d_plus)::bigint as cold, sum(bytes)::bigint as bytes
      from owned group by all order by cold desc, team`);
    const total = rows.reduce((s, r) => s + Number(r.cold), 0);
    const [top, second] = rows;
    assert.equal(top.team, want.team);
    assert.equal(Number(top.cold), want.bytes_365d_plus, 'the team\'s bytes unread for 365 days or more');
    assert.equal(total, want.all_bytes_365d_plus, 'everyone\'s bytes unread for 365 days or more');
    close(Number(top.cold) / total, want.share_of_all_365d_plus, 'share of all cold bytes', 1e-6);
    close(Number(top.cold) / 1e12, want.tb_365d_plus, 'TB', 1e-4);
    assert.equal(Number(top.bytes), want.team_bytes, 'all the team\'s bytes');
    assert.deepEqual({ team: second.team, bytes: Number(second.cold) }, { team: want.runner_up.team, bytes: want.runner_up.bytes_365d_plus });
    assert.ok(want.share_of_all_365d_plus > 0.5 && Number(second.cold) * 5 < Number(top.cold), 'most of the cold data, far ahead of the next team');
  });

  test('demo-hadoop crosses 90% full early in 2027 at the trend of the last 90 days of NameNode snapshots', async () => {
    const want = answers.stories.capacity_90pct;
    const [got] = await sql<Record<string, number | string>>(`
      with s as (select taken_at, used_bytes, capacity_bytes from storage_snapshots where cluster = 'demo-hadoop'),
      l as (select * from s order by taken_at desc limit 1),
      w as (select * from s where taken_at >= (select taken_at from l) - interval 90 day),
      fit as (select regr_slope(used_bytes, epoch(taken_at)) as b, regr_intercept(used_bytes, epoch(taken_at)) as a, count(*)::int as n,
                     min(taken_at) as first from w),
      x as (select *, (0.9 * (select capacity_bytes from l) - a) / b as crossing_s from fit)
      select n, strftime(first, '%Y-%m-%dT%H:%M:%SZ') as window_from, b * 86400 as slope_per_day, crossing_s,
             strftime(cast(timezone('${HADOOP_TZ}', to_timestamp(crossing_s)) as date), '%Y-%m-%d') as crossing_date,
             (select used_bytes::double / capacity_bytes from l) as last_share
      from x`);
    assert.equal(got.n, want.snapshots);
    assert.equal(got.window_from, want.window_from);
    close(got.slope_per_day as number, want.slope_bytes_per_day, 'slope (bytes a day)', 1e-6);
    assert.ok(Math.abs((got.crossing_s as number) - Date.parse(want.crossing_at) / 1000) < 60, `crossing ${new Date((got.crossing_s as number) * 1000).toISOString()}, answer key ${want.crossing_at}`);
    assert.equal(got.crossing_date, want.crossing_date);
    close(got.last_share as number, want.last_used_share, 'used share at the last snapshot', 1e-6);
    assert.ok(want.crossing_date > '2027-02-01' && want.crossing_date < '2027-04-30', `a few months after the period (${want.crossing_date})`);
    assert.ok((got.last_share as number) > 0.8 && (got.last_share as number) < 0.85, 'in the 80-90% zone at the end');
    // The expansion of 2026-02-10: half as much capacity again, the used share falls back.
    const jump = await sql<{ capacity_bytes: string; share: number }>(`
      select capacity_bytes, used_bytes::double / capacity_bytes as share from storage_snapshots
      where cluster = 'demo-hadoop' and taken_at in ('${want.expansion.before.taken_at}'::timestamptz, '${want.expansion.after.taken_at}'::timestamptz) order by taken_at`);
    assert.equal(Number(jump[1].capacity_bytes) / Number(jump[0].capacity_bytes), 72 / 48);
    close(jump[0].share, want.expansion.before.used_share, 'share before the expansion', 1e-6);
    assert.ok(jump[0].share > 0.85 && jump[1].share < 0.6, 'nearly full before, well below after');
  });

  test('du, count and the fsimage agree on every /data directory at each quarter end; JMX used is the image\'s replicas plus checksums', async () => {
    const images = await sql<{ as_of: string }>(`select distinct strftime(as_of, '%Y-%m-%d') as as_of from storage_rollups where cluster = 'demo-hadoop' order by 1`);
    assert.equal(images.length, 6, 'one image a quarter end');
    for (const { as_of } of images) {
      const rows = await sql<Record<string, string>>(`
        with u as (select * from storage_usage where cluster = 'demo-hadoop' and as_of = date '${as_of}' + 1),
        du as (select path, bytes, disk_bytes from u where source = 'hdfs-du'),
        ct as (select path, bytes, files, dirs from u where source = 'hdfs-count'),
        img as (select du.path, sum(r.bytes) as bytes, sum(r.disk_bytes) as disk, sum(r.files) as files, sum(r.dirs) as dirs
                from du join storage_rollups r on r.cluster = 'demo-hadoop' and r.as_of = date '${as_of}' and (r.dir = du.path or starts_with(r.dir, du.path || '/'))
                group by du.path)
        select du.path, du.bytes::varchar as du_bytes, img.bytes::varchar as img_bytes, du.disk_bytes::varchar as du_disk, img.disk::varchar as img_disk,
               ct.bytes::varchar as ct_bytes, ct.files::varchar as ct_files, img.files::varchar as img_files, ct.dirs::varchar as ct_dirs, img.dirs::varchar as img_dirs
        from du join ct using (path) left join img using (path) order by du.path`);
      assert.ok(rows.length >= 20, `${as_of}: du lists the team directories`);
      for (const r of rows) {
        assert.deepEqual([r.img_bytes, r.img_disk, r.ct_bytes, r.img_files, r.img_dirs], [r.du_bytes, r.du_disk, r.du_bytes, r.ct_files, r.ct_dirs], `${as_of} ${r.path}`);
      }
      // The Monday snapshot nearest the image: DFS used counts each replica's blocks and their .meta checksums (0.78%).
      // FilesTotal counts files and directories, as the image lists them.
      const [j] = await sql<{ ratio: number; inodes: number }>(`
        with img as (select sum(disk_bytes) as disk, sum(files + dirs) as inodes from storage_rollups where cluster = 'demo-hadoop' and as_of = date '${as_of}'),
        s as (select used_bytes, files from storage_snapshots where cluster = 'demo-hadoop' order by abs(epoch(taken_at) - epoch(date '${as_of}' + 1)) limit 1)
        select (select used_bytes from s)::double / (select disk from img) as ratio, (select files from s)::double / (select inodes from img) as inodes`);
      assert.ok(j.ratio > 1 && j.ratio < 1.02, `${as_of}: JMX used / image disk bytes = ${j.ratio}`);
      assert.ok(Math.abs(j.inodes - 1) < 0.01, `${as_of}: JMX FilesTotal / image entries = ${j.inodes}`);
    }
  });
});
