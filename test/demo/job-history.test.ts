/**
 * The demo's Spark event logs and MapReduce .jhist files (sample-data/demo-hadoop/spark-events/ and
 * jhist/done/): they load by content detection, each joins its ResourceManager record as one job,
 * and the four planted inefficiencies read from app_details joined to jobs by job key are the answer
 * key's figures (sample-data/ANSWERS.json, computed by the generator from the records it wrote),
 * while the other sampled applications are healthy.
 *
 * The history is loaded before the RM's records, so the RM's record must replace the job row the
 * history made. Only the RM months the history spans are loaded, to keep this quick.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { ROOT, runCli, tmpDir } from '../helpers.js';

const SAMPLE = path.join(ROOT, 'sample-data');
const answers = JSON.parse(fs.readFileSync(path.join(SAMPLE, 'ANSWERS.json'), 'utf8'));
const history = answers.job_history;
const HADOOP_TZ = 'Europe/Amsterdam';

interface Story {
  user: string;
  team: string;
  queue: string;
  example_job_id: string;
  runs: number;
  job_ids: string[];
}

describe('the demo\'s Spark and MapReduce history', () => {
  const dir = tmpDir('gazette-history-');
  const db = path.join(dir, 'demo.duckdb');
  const config = path.join(SAMPLE, 'gazette.yaml');
  const sql = async <T = Record<string, unknown>>(q: string): Promise<T[]> => {
    const r = await runCli(['sql', '--db', db, '--config', config, '--format', 'json', q]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  };
  const close = (got: number, want: number, what: string, tol = 1e-4) =>
    assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: warehouse ${got}, answer key ${want}`);
  /** The runs of a story's job: every loaded app_details row whose job has the example run's job key. */
  const runsOf = (s: Story) => `
    with k as (select job_key from jobs where cluster = 'demo-hadoop' and job_id = '${s.example_job_id}')
    select d.*, j.job_key, j."user" as job_user, j.queue as job_queue, j.source as job_source
    from app_details d join jobs j on j.cluster = d.cluster and j.job_id = d.job_id
    where d.cluster = 'demo-hadoop' and j.job_key = (select job_key from k)`;
  /** Each Spark app's most skewed stage: longest task over median task. */
  const STAGE_SKEW = `
    with s as (
      select d.job_id, unnest(from_json(d.stage_list, '[{"stage_id":"BIGINT","name":"VARCHAR","tasks":"BIGINT","task_time_median_s":"DOUBLE","task_time_max_s":"DOUBLE"}]')) as st
      from app_details d where d.cluster = 'demo-hadoop' and d.framework = 'SPARK')
    select job_id, max(st.task_time_max_s / st.task_time_median_s) as skew,
           arg_max(st.stage_id, st.task_time_max_s / st.task_time_median_s)::int as stage_id,
           arg_max(st.name, st.task_time_max_s / st.task_time_median_s) as stage_name,
           arg_max(st.tasks, st.task_time_max_s / st.task_time_median_s)::int as tasks,
           arg_max(st.task_time_median_s, st.task_time_max_s / st.task_time_median_s) as median_s,
           arg_max(st.task_time_max_s, st.task_time_max_s / st.task_time_median_s) as max_s
    from s group by job_id`;

  let loadOut = '';
  before(async () => {
    const h = await runCli(['ingest', '--db', db, '--config', config, path.join(SAMPLE, 'demo-hadoop/spark-events'), path.join(SAMPLE, 'demo-hadoop/jhist')]);
    assert.equal(h.code, 0, h.stderr);
    loadOut = h.stdout + h.stderr;
    const months = await sql<{ m: string }>(`select distinct strftime(timezone('${HADOOP_TZ}', end_time), '%Y-%m') as m from app_details order by 1`);
    assert.ok(months.length > 0);
    const rm = await runCli(['ingest', '--db', db, '--config', config, ...months.map((x) => path.join(SAMPLE, 'demo-hadoop/rm-apps', x.m))]);
    assert.equal(rm.code, 0, rm.stderr);
  });

  test('every log and .jhist loads without --format, nothing rejected: one app_details row each', async () => {
    assert.match(loadOut, new RegExp(`demo-hadoop \\(spark-events\\): ${history.spark_event_logs} file\\(s\\): ${history.spark_event_logs} loaded, 0 skipped \\(already loaded\\), 0 failed; .* 0 rows rejected`));
    assert.match(loadOut, new RegExp(`demo-hadoop \\(jhist\\): ${history.jhist_files} file\\(s\\): ${history.jhist_files} loaded, 0 skipped \\(already loaded\\), 0 failed; .* 0 rows rejected`));
    const runs = await sql<{ file: string; format: string }>(`select file, format from ingest_runs where status = 'loaded' and format in ('spark-events', 'jhist') order by file`);
    const want = history.apps.map((a: { file: string; framework: string }) => ({ file: a.file, format: a.framework === 'SPARK' ? 'spark-events' : 'jhist' }))
      .sort((a: { file: string }, b: { file: string }) => a.file.localeCompare(b.file));
    assert.deepEqual(runs.map((r) => ({ file: path.relative(SAMPLE, r.file), format: r.format })), want);
    const rows = await sql<{ job_id: string; framework: string; user: string; outcome: string }>(`select job_id, framework, "user", outcome from app_details order by job_id`);
    assert.deepEqual(
      rows.map((r) => ({ job_id: r.job_id, framework: r.framework, user: r.user })),
      history.apps.map((a: { job_id: string; framework: string; user: string }) => ({ job_id: a.job_id, framework: a.framework, user: a.user })).sort((a: { job_id: string }, b: { job_id: string }) => a.job_id.localeCompare(b.job_id)),
    );
    assert.ok(rows.every((r) => r.outcome === 'SUCCEEDED'));
    const [rejects] = await sql<{ n: number }>(`select count(*)::int as n from rejected_rows`);
    assert.equal(rejects.n, 0);
  });

  test('each application is one job: the RM\'s record (loaded after the history) joined by its id, times within the RM\'s', async () => {
    const rows = await sql<Record<string, number>>(`
      select count(*)::int as details, count(j.job_id)::int as joined, count(distinct j.job_id)::int as jobs,
             count(*) filter (where j.source = 'yarn')::int as from_rm,
             count(*) filter (where d.framework = j.app_type and d."user" = j."user" and d.queue = j.queue and d.name = j.name)::int as same_app,
             count(*) filter (where d.start_time >= j.start_time and d.end_time <= j.end_time)::int as within,
             (select count(*) from jobs where source in ('spark', 'mapreduce'))::int as history_only
      from app_details d left join jobs j on j.cluster = d.cluster and j.job_id = d.job_id`);
    const n = history.apps.length;
    assert.deepEqual(rows[0], { details: n, joined: n, jobs: n, from_rm: n, same_app: n, within: n, history_only: 0 });
  });

  const planted = (s: Story, rows: Record<string, unknown>[]) => {
    assert.equal(rows.length, s.runs, 'the runs of the job key with history');
    assert.deepEqual(rows.map((r) => r.job_id).sort(), [...s.job_ids].sort());
    assert.ok(s.runs >= 4, 'a recurring job');
    assert.deepEqual([...new Set(rows.map((r) => r.job_user))], [s.user], 'one owner');
    assert.deepEqual([...new Set(rows.map((r) => r.job_queue))], [s.queue]);
    assert.ok(rows.every((r) => r.job_source === 'yarn'));
  };
  const teamOf = async (user: string) => (await sql<{ team: string }>(`select team from team_users where "user" = '${user}'`))[0]?.team;

  test('heavy GC: imuller\'s daily Spark job spends ~42% of its executors\' run time in GC', async () => {
    const want = answers.stories.spark_gc;
    const rows = await sql<Record<string, unknown>>(`${runsOf(want)} order by d.job_id`);
    planted(want, rows);
    const [got] = await sql<{ gc_s: number; task_s: number; share: number; min_share: number }>(`
      select sum(gc_time_s) as gc_s, sum(task_time_s) as task_s, sum(gc_time_s) / sum(task_time_s) as share, min(gc_time_s / task_time_s) as min_share
      from (${runsOf(want)})`);
    close(got.gc_s, want.gc_time_s, 'GC seconds');
    close(got.task_s, want.task_time_s, 'task seconds');
    close(got.share, want.gc_share, 'GC share');
    close(got.min_share, want.min_run_gc_share, 'lowest run\'s GC share');
    assert.ok(got.min_share > 0.3, `every run above 30% (${got.min_share})`);
    assert.equal(await teamOf(want.user), want.team);
  });

  test('task skew: in one stage of jreyes6\'s daily Spark job, the longest task runs 25 times the median', async () => {
    const want = answers.stories.spark_skew;
    const rows = await sql<Record<string, unknown>>(`${runsOf(want)} order by d.job_id`);
    planted(want, rows);
    const skew = await sql<Record<string, number | string>>(`${STAGE_SKEW} order by job_id`);
    for (const run of want.per_run) {
      const got = skew.find((s) => s.job_id === run.job_id)!;
      assert.ok(got, run.job_id);
      close(got.skew as number, run.max_over_median, `${run.job_id} max/median`);
      assert.equal(got.stage_id, want.stage_id);
      assert.equal(got.stage_name, want.stage_name);
      assert.equal(got.tasks, run.tasks);
      close(got.median_s as number, run.median_task_s, `${run.job_id} median task`);
      close(got.max_s as number, run.max_task_s, `${run.job_id} longest task`);
    }
    assert.equal(want.max_over_median, 25);
    assert.equal(await teamOf(want.user), want.team);
  });

  test('oversized containers: thoffmann\'s hourly MapReduce job asks 4 times the memory its tasks use', async () => {
    const want = answers.stories.mr_memory;
    const rows = await sql<Record<string, unknown>>(`${runsOf(want)} order by d.job_id`);
    planted(want, rows);
    const [got] = await sql<{ asked: number; reduce_asked: number; tasks: number; used_mb: number; ratio: number; min_ratio: number }>(`
      select max(map_memory_mb) as asked, max(reduce_memory_mb) as reduce_asked, sum(tasks)::int as tasks,
             sum(physical_memory_bytes) / 1048576 / sum(tasks) as used_mb,
             max(map_memory_mb) / (sum(physical_memory_bytes) / 1048576 / sum(tasks)) as ratio,
             min(map_memory_mb / (physical_memory_bytes / 1048576 / tasks)) as min_ratio
      from (${runsOf(want)})`);
    assert.equal(got.asked, want.requested_mb);
    assert.equal(got.reduce_asked, want.requested_mb);
    assert.equal(got.tasks, want.tasks);
    close(got.used_mb, want.used_mb_per_task, 'MB used per task');
    close(got.ratio, want.requested_over_used, 'asked / used');
    close(got.min_ratio, 4, 'every run');
    assert.equal(await teamOf(want.user), want.team);
  });

  test('massive spill: mzielinski\'s Pig script spills 6 records per map output record', async () => {
    const want = answers.stories.mr_spill;
    const rows = await sql<Record<string, unknown>>(`${runsOf(want)} order by d.job_id`);
    planted(want, rows);
    const [got] = await sql<{ spilled: string; output: string; ratio: number; min_ratio: number }>(`
      select sum(spilled_records)::varchar as spilled, sum(output_records)::varchar as output,
             sum(spilled_records) / sum(output_records) as ratio, min(spilled_records / output_records) as min_ratio
      from (${runsOf(want)})`);
    assert.equal(Number(got.spilled), want.spilled_records);
    assert.equal(Number(got.output), want.map_output_records);
    close(got.ratio, want.spilled_over_output, 'spilled / map output records');
    close(got.min_ratio, 6, 'every run');
    assert.equal(await teamOf(want.user), want.team);
  });

  test('the other sampled applications are healthy, so the planted ones stand out', async () => {
    const want = history.healthy;
    const storyIds = ['spark_gc', 'spark_skew', 'mr_memory', 'mr_spill'].flatMap((k) => answers.stories[k].job_ids as string[]);
    const others = `(${history.apps.filter((a: { job_id: string }) => !storyIds.includes(a.job_id)).map((a: { job_id: string }) => `'${a.job_id}'`).join(', ')})`;
    const [got] = await sql<Record<string, number>>(`
      with skew as (${STAGE_SKEW})
      select count(*)::int as apps,
             max(gc_time_s / task_time_s) filter (where framework = 'SPARK') as gc_share,
             (select max(skew) from skew where job_id in ${others}) as skew,
             max(map_memory_mb / (physical_memory_bytes / 1048576 / tasks)) filter (where framework = 'MAPREDUCE') as memory_ratio,
             max(spilled_records / output_records) filter (where framework = 'MAPREDUCE' and output_records > 0) as spill_ratio
      from app_details where job_id in ${others}`);
    assert.equal(got.apps, want.apps);
    close(got.gc_share, want.max_gc_share, 'GC share');
    close(got.skew, want.max_stage_skew, 'stage skew');
    close(got.memory_ratio, want.max_memory_ratio, 'asked / used memory');
    close(got.spill_ratio, want.max_spill_ratio, 'spill ratio');
    assert.ok(got.gc_share < 0.1 && got.skew < 3 && got.memory_ratio < 2 && got.spill_ratio <= 2, JSON.stringify(got));
  });
});
