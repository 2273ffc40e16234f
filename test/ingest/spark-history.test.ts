/**
 * Spark History Server responses (src/ingest/spark-history.ts), from files and live with
 * --history-url: the real responses Spark computed from its own test event logs, checked against
 * the same apps read from those event logs (spark-events), and hand-made cases whose figures are
 * worked out from their records.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it, before, after } from 'node:test';
import { detectFormat } from '../../src/ingest/detect.js';
import { pullHistoryServer } from '../../src/ingest/spark-history-pull.js';
import { defaultSettings } from '../../src/settings.js';
import { openWarehouse } from '../../src/warehouse/open.js';
import { fixture, query, runCli, tmpDir } from '../helpers.js';

const hs = (...f: string[]) => fixture('spark-history', ...f);
const real = (...f: string[]) => hs('real', ...f);
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const ingest = (db: string, ...args: string[]) => runCli(['ingest', '--db', db, '--cluster', 'lab', ...args]);

type Row = Record<string, unknown>;
/** An app_details row by job id, times as ISO text, JSON columns parsed. */
async function app(db: string, jobId: string): Promise<Row> {
  const rows = await query(
    db,
    `select * replace (strftime(start_time, '%Y-%m-%dT%H:%M:%S.%g') as start_time, strftime(end_time, '%Y-%m-%dT%H:%M:%S.%g') as end_time,
                       stage_list::varchar as stage_list, extra::varchar as extra)
     from app_details where job_id = $id`,
    { id: jobId },
  );
  assert.equal(rows.length, 1, `one app_details row for ${jobId}`);
  const r = rows[0];
  return { ...r, stage_list: r.stage_list === null ? null : JSON.parse(String(r.stage_list)), extra: JSON.parse(String(r.extra)) };
}
const hsTime = (t: string) => t.replace(/GMT$/, '');
const nums = (row: Row, keys: string[]) => keys.map((k) => (row[k] === null ? null : Number(row[k])));
/** A copy of a fixture directory to change. */
function copyDir(from: string): string {
  const to = path.join(tmpDir(), path.basename(from));
  fs.cpSync(from, to, { recursive: true });
  return to;
}

const YARN_APP = 'application_1700000000000_0042';
const yarnPart = (name: string) => hs('yarn-app-last-job-failed', YARN_APP, '1', name);

describe('spark-history', () => {
  it('tells each response from its content, and an empty list from its name', async () => {
    const cases: [string, string | undefined][] = [
      [real('applications.json'), 'spark-history'],
      [real('local-1422981780767', 'executors.json'), 'spark-history'],
      [real('local-1422981780767', 'jobs.json'), 'spark-history'],
      [real('local-1422981780767', 'stages.json'), 'spark-history'],
      [yarnPart('environment.json'), 'spark-history'],
      [hs('app-running-not-completed.json'), 'spark-history'],
    ];
    for (const [file, want] of cases) assert.equal((await detectFormat(file)).format, want, file);
    const dir = tmpDir();
    for (const [name, want] of [['jobs.json', 'spark-history'], ['applications.json', 'spark-history'], ['list.json', undefined]] as const) {
      fs.writeFileSync(path.join(dir, name), '[ ]\n');
      assert.equal((await detectFormat(path.join(dir, name))).format, want, name);
    }
    // Renamed, a stage list is still one: the content decides.
    fs.copyFileSync(real('local-1422981780767', 'stages.json'), path.join(dir, 'dump-3.json'));
    assert.equal((await detectFormat(path.join(dir, 'dump-3.json'))).format, 'spark-history');
  });

  describe('the real responses (the application list; executors, jobs and complete stages of local-1422981780767)', () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    let stderr = '';
    let stdout = '';
    before(async () => {
      const r = await ingest(db, real());
      assert.equal(r.code, 0, r.stderr);
      ({ stderr, stdout } = r);
    });

    it('loads one row per application, no rejects; the per-application files, told by content, load nothing of their own', async () => {
      const [r] = await query<{ n: bigint; rej: bigint; runs: bigint }>(
        db,
        `select (select count(*) from app_details where source = 'spark-history') as n, (select sum(rejects) from ingest_runs) as rej,
                (select count(*) from ingest_runs where format = 'spark-history' and status = 'loaded') as runs`,
      );
      assert.deepEqual([Number(r.n), Number(r.rej), Number(r.runs)], [16, 0, 4]);
      assert.match(stdout, /lab \(spark-history\): 4 file\(s\): 4 loaded.*16 applications read, 16 new or newer/);
      const parts = await query<{ rows_written: bigint }>(db, `select rows_written from ingest_runs where file like '%/local-1422981780767/%'`);
      assert.deepEqual(parts.map((p) => Number(p.rows_written)), [0, 0, 0]);
    });

    it('matches the application list: name, user, attempt, start, end, duration; completed apps are SUCCEEDED', async () => {
      for (const a of readJson(real('applications.json'))) {
        const latest = [...a.attempts].sort((x, y) => y.endTimeEpoch - x.endTimeEpoch)[0];
        const row = await app(db, a.id);
        const where = a.id;
        assert.deepEqual([row.name, row.user, row.attempt_id], [a.name, latest.sparkUser, latest.attemptId ?? null], where);
        assert.deepEqual([row.start_time, row.end_time], [hsTime(latest.startTime), hsTime(latest.endTime)], where);
        const [d] = await query<{ ms: bigint }>(db, `select epoch_ms(end_time) - epoch_ms(start_time) as ms from app_details where job_id = $id`, { id: a.id });
        assert.equal(Number(d.ms), latest.duration, where);
        assert.equal(row.outcome, 'SUCCEEDED', where);
        assert.equal((row.extra as Row).attempts, a.attempts.length, where);
      }
    });

    it('says the stage list is partial (fetched ?status=complete: failed stage 2 is not in it) and takes the task figures from the executor list', async () => {
      assert.match(stderr, /warning: applications\.json: the stage list of 1 application\(s\) \(local-1422981780767: stages 2\) lacks stages the job list names/);
      const row = await app(db, 'local-1422981780767');
      const execs = readJson(real('local-1422981780767', 'executors.json')) as Row[];
      const sum = (k: string) => execs.reduce((t, e) => t + Number(e[k]), 0);
      assert.deepEqual((row.extra as Row).stages_missing, [2]);
      assert.deepEqual(nums(row, ['tasks', 'failed_tasks', 'killed_tasks']), [sum('totalTasks'), sum('failedTasks'), sum('totalTasks') - sum('completedTasks') - sum('failedTasks')]);
      assert.deepEqual(nums(row, ['input_bytes', 'shuffle_read_bytes', 'shuffle_write_bytes']), [sum('totalInputBytes'), sum('totalShuffleRead'), sum('totalShuffleWrite')]);
      assert.equal(row.gc_time_s, sum('totalGCTime') / 1000);
      // Only the stage list has these, and it lacks a stage: not known rather than too small.
      assert.deepEqual([row.task_time_s, row.cpu_time_s, row.output_bytes, row.spill_memory_bytes, row.spill_disk_bytes], [null, null, null, null, null]);
      // Stage counts from the job list: 1 + (1 complete + 1 failed) + 1.
      const jobs = readJson(real('local-1422981780767', 'jobs.json')) as Row[];
      assert.equal(Number(row.stages), jobs.reduce((t, j) => t + Number(j.numCompletedStages) + Number(j.numFailedStages), 0));
      assert.equal(Number(row.failed_stages), 1);
      assert.equal((row.extra as Row).executor_task_duration_s, sum('totalDuration') / 1000);
    });

    it('gives the same figures as the event logs of the same apps, where both state them', async () => {
      const events = path.join(tmpDir(), 'events.duckdb');
      assert.equal((await ingest(events, '--format', 'spark-events', fixture('spark-events', 'real'))).code, 0);
      for (const a of readJson(real('applications.json'))) {
        const h = await app(db, a.id);
        const e = await app(events, a.id);
        for (const k of ['job_id', 'app_id', 'attempt_id', 'name', 'user', 'start_time', 'end_time', 'outcome', 'framework']) assert.equal(h[k], e[k], `${a.id} ${k}`);
      }
      const h = await app(db, 'local-1422981780767');
      const e = await app(events, 'local-1422981780767');
      const same = [
        'executors', 'executors_removed', 'jobs', 'failed_jobs', 'stages', 'failed_stages', 'tasks', 'failed_tasks', 'killed_tasks',
        'input_bytes', 'shuffle_read_bytes', 'shuffle_write_bytes',
      ];
      assert.deepEqual(nums(h, same), nums(e, same));
      assert.deepEqual(nums(h, same), [0, 0, 3, 1, 4, 1, 32, 1, 0, 28000288, 0, 13180]);
      // Each stage the History Server lists, entry for entry as the event log's (the spread of task times aside: the list has sums only).
      const hStages = h.stage_list as Row[];
      assert.deepEqual(hStages.map((s) => s.stage_id), [0, 1, 3]);
      for (const s of hStages) {
        const es = (e.stage_list as Row[]).find((x) => x.stage_id === s.stage_id && x.attempt === s.attempt)!;
        const spread = ['task_time_min_s', 'task_time_median_s', 'task_time_max_s'];
        assert.deepEqual(Object.keys(s).sort(), Object.keys(es).sort());
        // A Spark 1.2 log carries no shuffle-read metrics where a stage read none: null there, 0 in the History Server.
        for (const k of Object.keys(s).filter((k) => !spread.includes(k))) assert.deepEqual(s[k], es[k] ?? (s[k] === 0 ? 0 : null), `stage ${s.stage_id} ${k}`);
        for (const k of spread) assert.equal(s[k], null);
      }
    });
  });

  describe('a YARN app whose last job failed, after a fetch failure and a stage retry (hand-made)', () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    before(async () => {
      const r = await ingest(db, hs('yarn-app-last-job-failed'));
      assert.equal(r.code, 0, r.stderr);
    });

    it('reads the list, the attempt directory 1/ and its environment: identity, queue, executor memory, outcome', async () => {
      const row = await app(db, YARN_APP);
      assert.deepEqual(
        [row.job_id, row.app_id, row.attempt_id, row.source, row.name, row.user, row.queue],
        [YARN_APP, YARN_APP, '1', 'spark-history', 'nightly-etl', 'ana', 'etl'],
      );
      // 1700000000000 ms = 2023-11-14 22:13:20 UTC; the attempt ran 600,000 ms.
      assert.deepEqual([row.start_time, row.end_time], ['2023-11-14T22:13:20.000', '2023-11-14T22:23:20.000']);
      // Job 1 ended last (22:16:40) and FAILED.
      assert.deepEqual([row.outcome, Number(row.jobs), Number(row.failed_jobs)], ['FAILED', 2, 1]);
      assert.equal(row.executor_memory_mb, 4096); // spark.executor.memory 4g
      assert.deepEqual([(row.extra as Row).master, (row.extra as Row).spark_version], ['yarn', '3.4.1']);
    });

    it('counts executors (the driver aside), the removed one, their cores', async () => {
      const row = await app(db, YARN_APP);
      assert.deepEqual([Number(row.executors), Number(row.executors_removed), row.executor_cores], [2, 1, 4]);
    });

    it('sums the stage attempts that ran (the SKIPPED stage 3 did not): figures worked out by hand', async () => {
      const row = await app(db, YARN_APP);
      // Stage attempts 0/0, 1/0 (FAILED), 1/1, 2/0 (FAILED): tasks 4 + 3 + 2 + 2, failed 1 + 1, killed 1.
      assert.deepEqual(nums(row, ['stages', 'failed_stages', 'tasks', 'failed_tasks', 'killed_tasks']), [4, 2, 11, 2, 1]);
      // Run 4,000 + 2,500 + 3,000 + 1,500 ms; CPU 2 + 1 + 1.5 + 0.5 s; GC 100 + 150 + 200 + 50 ms.
      assert.deepEqual([row.task_time_s, row.cpu_time_s, row.gc_time_s], [11, 5, 0.5]);
      // Input 3,000 (stage 0); shuffle read 300 + 400; write 800; spill 1 MiB + 2 MiB in memory, 512 KiB on disk.
      assert.deepEqual(
        nums(row, ['input_bytes', 'output_bytes', 'shuffle_read_bytes', 'shuffle_write_bytes', 'spill_memory_bytes', 'spill_disk_bytes']),
        [3000, 0, 700, 800, 3145728, 524288],
      );
      // Not in the stage list (sums only): the largest task's peak memory and the task-time spread.
      assert.deepEqual([row.peak_execution_memory_bytes, row.task_time_max_s, row.task_time_median_s], [null, null, null]);
      // The executor list's totals agree: 6 + 5 tasks, 2 failed, 1 killed (5 − 4 − 0), input 1,000 + 2,000, GC 300 + 200 ms.
      const execs = readJson(yarnPart('allexecutors.json')) as Row[];
      assert.equal(execs.reduce((t, e) => t + Number(e.totalTasks), 0), 11);
      assert.deepEqual((row.extra as Row).stages_missing, []);
    });

    it('has one stage_list entry per stage attempt, and the failed stages\' first lines as the failure reason', async () => {
      const row = await app(db, YARN_APP);
      const list = row.stage_list as Row[];
      assert.deepEqual(list.map((s) => [s.stage_id, s.attempt, s.status, s.tasks, s.failed_tasks, s.duration_s, s.task_time_s]), [
        [0, 0, 'COMPLETE', 4, 0, 10, 4],
        [1, 0, 'FAILED', 3, 1, 30, 2.5],
        [1, 1, 'COMPLETE', 2, 0, 45, 3],
        [2, 0, 'FAILED', 2, 1, 20, 1.5],
      ]);
      assert.equal(list[1].failure_reason, 'org.apache.spark.shuffle.FetchFailedException: Failed to connect to node-1/10.0.0.1:7337');
      assert.deepEqual([list[1].spill_memory_bytes, list[1].spill_disk_bytes, list[2].shuffle_read_bytes], [1048576, 524288, 400]);
      assert.equal(
        row.failure_reason,
        'org.apache.spark.shuffle.FetchFailedException: Failed to connect to node-1/10.0.0.1:7337; ' +
          'Job aborted due to stage failure: Task 1 in stage 2.0 failed 1 times, most recent failure: Lost task 1.0 in stage 2.0 (TID 10) (node-2 executor 2): java.lang.OutOfMemoryError: Java heap space',
      );
    });

    it('adds a jobs row for it, as no scheduler record covers it; the RM\'s record, loaded later, replaces that row and the detail stays', async () => {
      const [j] = await query<{ source: string; state: string; queue: string; n: bigint }>(
        db,
        `select source, state, queue, (select count(*) from jobs) as n from jobs where job_id = '${YARN_APP}'`,
      );
      assert.deepEqual([j.source, j.state, j.queue, Number(j.n)], ['spark', 'FAILED', 'etl', 1]);
      const rm = path.join(tmpDir(), 'rm-apps.json');
      fs.writeFileSync(rm, JSON.stringify({ apps: { app: [{
        id: YARN_APP, user: 'ana', name: 'nightly-etl', queue: 'etl', state: 'FINISHED', finalStatus: 'FAILED', applicationType: 'SPARK',
        startedTime: 1700000000000, finishedTime: 1700000601000, elapsedTime: 601000, vcoreSeconds: 4800, memorySeconds: 9830400,
      }] } }));
      assert.equal((await ingest(db, rm)).code, 0);
      const rows = await query<{ source: string; state: string }>(db, `select source, state from jobs where job_id = '${YARN_APP}'`);
      assert.deepEqual(rows.map((r) => [r.source, r.state]), [['yarn', 'FAILED']]);
      assert.equal((await app(db, YARN_APP)).source, 'spark-history');
    });

    it('with a stage list that lacks a stage the jobs name, takes the task figures from the executor list and leaves the others empty', async () => {
      const dir = copyDir(hs('yarn-app-last-job-failed'));
      const stages = path.join(dir, YARN_APP, '1', 'stages.json');
      fs.writeFileSync(stages, JSON.stringify((readJson(stages) as Row[]).filter((s) => s.stageId !== 2)));
      const db2 = path.join(tmpDir(), 'w.duckdb');
      const r = await ingest(db2, path.join(dir, 'applications.json'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /application_1700000000000_0042: stages 2\) lacks stages the job list names/);
      const row = await app(db2, YARN_APP);
      // Executors: tasks 6 + 5, failed 2 + 0, killed (6 − 4 − 2) + (5 − 4 − 0); input 1,000 + 2,000; shuffle read 0 + 700, write 500 + 300; GC 300 + 200 ms.
      assert.deepEqual(nums(row, ['tasks', 'failed_tasks', 'killed_tasks', 'input_bytes', 'shuffle_read_bytes', 'shuffle_write_bytes']), [11, 2, 1, 3000, 700, 800]);
      assert.equal(row.gc_time_s, 0.5);
      assert.deepEqual([row.task_time_s, row.cpu_time_s, row.output_bytes, row.spill_memory_bytes], [null, null, null, null]);
      // Stages by the jobs: job 0 one completed; job 1 one completed and two failed attempts.
      assert.deepEqual(nums(row, ['stages', 'failed_stages']), [4, 2]);
      // The failure reason comes from the stages listed: stage 2's is not.
      assert.equal(row.failure_reason, 'org.apache.spark.shuffle.FetchFailedException: Failed to connect to node-1/10.0.0.1:7337');

      // With no stage list at all, the same figures, and no stage_list.
      fs.rmSync(stages);
      const db3 = path.join(tmpDir(), 'w.duckdb');
      const r3 = await ingest(db3, path.join(dir, 'applications.json'));
      assert.equal(r3.code, 0, r3.stderr);
      assert.doesNotMatch(r3.stderr, /lacks stages/);
      const row3 = await app(db3, YARN_APP);
      assert.deepEqual(nums(row3, ['tasks', 'failed_tasks', 'killed_tasks', 'input_bytes', 'stages', 'failed_stages']), [11, 2, 1, 3000, 4, 2]);
      assert.deepEqual([row3.task_time_s, row3.stage_list, row3.failure_reason], [null, null, null]);
    });

    it('loads the list anew when a per-application file beside it changed, and skips it when nothing did', async () => {
      const dir = copyDir(hs('yarn-app-last-job-failed'));
      const db2 = path.join(tmpDir(), 'w.duckdb');
      assert.equal((await ingest(db2, dir)).code, 0);
      const again = await ingest(db2, dir);
      assert.match(again.stdout, /5 file\(s\): 0 loaded, 5 skipped/);
      const env = path.join(dir, YARN_APP, '1', 'environment.json');
      fs.writeFileSync(env, fs.readFileSync(env, 'utf8').replace('"4g"', '"6g"'));
      const changed = await ingest(db2, dir);
      assert.equal(changed.code, 0, changed.stderr);
      assert.match(changed.stdout, /5 file\(s\): 2 loaded, 3 skipped.*1 applications read, 1 new or newer/);
      assert.equal((await app(db2, YARN_APP)).executor_memory_mb, 6144);
    });
  });

  it('rejects an application record with no id, or no attempts, with its index and reason; the others load', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, hs('apps-record-missing-id.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /3 applications read, 1 new or newer, 2 rows rejected/);
    const rej = await query<{ line: bigint; reason: string; raw: string }>(db, `select line, reason, raw from rejected_rows order by line`);
    assert.deepEqual(rej.map((x) => Number(x.line)), [2, 3]);
    assert.match(rej[0].reason, /an application with no "id"/);
    assert.equal(JSON.parse(rej[0].raw).name, 'lost');
    assert.match(rej[1].reason, /application local-1700000000009 has no "attempts"/);
    // A list alone: identity and times, no figures.
    const row = await app(db, 'local-1700000000001');
    assert.deepEqual([row.name, row.user, row.outcome, row.start_time, row.end_time], ['report', 'bo', 'SUCCEEDED', '2023-11-14T22:13:20.000', '2023-11-14T22:14:20.000']);
    assert.deepEqual([row.jobs, row.tasks, row.executors, row.stage_list], [null, null, null, null]);
  });

  it('rejects a job record with no jobId, naming its file; the job is left out of the figures and the outcome', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, hs('job-record-missing-jobid'));
    assert.equal(r.code, 0, r.stderr);
    const rej = await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows`);
    assert.deepEqual(rej.map((x) => [Number(x.line), x.reason]), [[1, `local-1700000000005/jobs.json record 2: no "jobId"; left out of the application's figures`]]);
    const row = await app(db, 'local-1700000000005');
    // Jobs 1 (SUCCEEDED, ended last of the two) and 0 (FAILED); the rejected one ended later still, FAILED.
    assert.deepEqual([Number(row.jobs), Number(row.failed_jobs), row.outcome], [2, 1, 'SUCCEEDED']);
  });

  it('fails a truncated per-application file alone, with its line; its application is a rejected row and the other loads', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, hs('stages-truncated'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /local-1700000000003\/stages\.json: cannot be read as spark-history: not valid JSON: line 17, column 29: the text ends before the JSON does/);
    const rej = await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows`);
    assert.equal(rej.length, 1);
    assert.equal(Number(rej[0].line), 1);
    assert.match(rej[0].reason, /^local-1700000000003\/stages\.json: not valid JSON: line 17, column 29: .*; the application is left out until the file is fixed$/);
    const ids = await query<{ job_id: string }>(db, `select job_id from app_details`);
    assert.deepEqual(ids.map((x) => x.job_id), ['local-1700000000004']);
  });

  it('fails a truncated application list alone, saying where', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, hs('applications-truncated.json'), hs('app-running-not-completed.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /applications-truncated\.json: cannot be read as spark-history: not valid JSON: line 18, column 24: the text ends before the JSON does/);
    const [n] = await query<{ n: bigint }>(db, `select count(*) as n from app_details`);
    assert.equal(Number(n.n), 1);
  });

  it('reads one application\'s response (…/applications/<id>): running, so RUNNING with no end', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    assert.equal((await ingest(db, hs('app-running-not-completed.json'))).code, 0);
    const row = await app(db, 'application_1700000000000_0077');
    assert.deepEqual([row.outcome, row.start_time, row.end_time, row.attempt_id, row.user], ['RUNNING', '2023-11-14T22:13:20.000', null, '1', 'cy']);
  });

  it('warns about per-application files no list beside them names, and loads nothing from them', async () => {
    const dir = tmpDir();
    fs.cpSync(hs('yarn-app-last-job-failed', YARN_APP), path.join(dir, YARN_APP), { recursive: true });
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: application_1700000000000_0042\/1\/\w+\.json: the responses of application application_1700000000000_0042 are read with the application list beside its directory, and no list in .* names it: not loaded/);
    const [n] = await query<{ n: bigint }>(db, `select count(*) as n from app_details`);
    assert.equal(Number(n.n), 0);
  });

  it('fails a response saved under another response\'s name, and leaves its application out of the list\'s load', async () => {
    const dir = copyDir(hs('yarn-app-last-job-failed'));
    const part = path.join(dir, YARN_APP, '1');
    fs.copyFileSync(path.join(part, 'stages.json'), path.join(part, 'jobs.json'));
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /1\/jobs\.json: cannot be read as spark-history: it holds the stage list, but its name says the job list/);
    const [rej] = await query<{ reason: string }>(db, `select reason from rejected_rows`);
    assert.match(rej.reason, /1\/jobs\.json: holds the stage list, not the job list its name says/);
  });

  describe('one application from the event log and the History Server', () => {
    it('keeps the event log\'s row when both end alike, whichever loads first', async () => {
      for (const order of [['events', 'history'], ['history', 'events']]) {
        const db = path.join(tmpDir(), 'w.duckdb');
        for (const what of order) {
          const r = what === 'events' ? await ingest(db, '--format', 'spark-events', fixture('spark-events', 'real', 'local-1422981780767')) : await ingest(db, real());
          assert.equal(r.code, 0, r.stderr);
        }
        const rows = await query<{ source: string; n: bigint }>(db, `select source, (select count(*) from jobs where job_id = 'local-1422981780767') as n from app_details where job_id = 'local-1422981780767'`);
        assert.deepEqual(rows.map((r) => [r.source, Number(r.n)]), [['spark-events', 1]], order.join(' then '));
        const [j] = await query<{ detail: string }>(db, `select extra ->> 'detail_source' as detail from jobs where job_id = 'local-1422981780767'`);
        assert.equal(j.detail, 'spark-events');
      }
    });

    it('replaces an event log that never logged its end with the History Server\'s ended record', async () => {
      const db = path.join(tmpDir(), 'w.duckdb');
      const log = path.join(tmpDir(), 'local-1422981780767.inprogress');
      fs.copyFileSync(fixture('spark-events', 'spark-truncated-no-application-end'), log);
      assert.equal((await ingest(db, '--format', 'spark-events', log)).code, 0);
      assert.equal((await app(db, 'local-1422981780767')).outcome, 'RUNNING');
      assert.equal((await ingest(db, real())).code, 0);
      const row = await app(db, 'local-1422981780767');
      assert.deepEqual([row.source, row.outcome, row.end_time], ['spark-history', 'SUCCEEDED', '2015-02-03T16:43:08.731']);
    });
  });
});

/** A History Server stand-in on loopback, serving the real list and captures and the hand-made YARN app. */
describe('ingest --history-url', () => {
  const seen: string[] = [];
  const list = [...(readJson(real('applications.json')) as Row[]), ...(readJson(hs('yarn-app-last-job-failed', 'applications.json')) as Row[])];
  const extra: Row[] = [];
  let failOn: RegExp | undefined;
  let noAllExecutors = false;
  let server: http.Server;
  let url = '';
  /** The files served for an application's (attempt's) endpoint. */
  const served: Record<string, string> = {
    'local-1422981780767/executors': real('local-1422981780767', 'executors.json'),
    'local-1422981780767/allexecutors': real('local-1422981780767', 'executors.json'),
    'local-1422981780767/jobs': real('local-1422981780767', 'jobs.json'),
    // The capture is ?status=complete; served as the whole list, as a test stand-in.
    'local-1422981780767/stages': real('local-1422981780767', 'stages.json'),
    [`${YARN_APP}/1/allexecutors`]: yarnPart('allexecutors.json'),
    [`${YARN_APP}/1/jobs`]: yarnPart('jobs.json'),
    [`${YARN_APP}/1/stages`]: yarnPart('stages.json'),
    [`${YARN_APP}/1/environment`]: yarnPart('environment.json'),
  };
  before(async () => {
    server = http.createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      seen.push(u.pathname + u.search);
      if (failOn?.test(u.pathname)) {
        res.writeHead(503, 'Service Unavailable').end('busy');
        return;
      }
      const rest = u.pathname.replace(/^\/api\/v1\/applications\/?/, '');
      if (rest === '') {
        // As Spark filters: completed apps with an attempt ending at or after minEndDate.
        const min = u.searchParams.get('minEndDate');
        const minMs = min ? Date.parse(min.replace(/GMT$/, 'Z')) : 0;
        const apps = [...list, ...extra].filter((a) => {
          const attempts = a.attempts as Row[];
          return attempts[0].completed === true && attempts.some((t) => Number(t.endTimeEpoch) >= minMs);
        });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(apps));
        return;
      }
      if (noAllExecutors && rest.endsWith('/allexecutors')) {
        res.writeHead(404, 'Not Found').end('unknown resource');
        return;
      }
      const file = served[rest];
      if (!file) {
        res.writeHead(404, 'Not Found').end(`no such app: ${rest}`);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(fs.readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('pulls the completed applications with their responses, then only what is new since the mark', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    seen.length = 0;
    const first = await ingest(db, '--history-url', url);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(seen[0], '/api/v1/applications?status=completed');
    assert.ok(seen.includes(`/api/v1/applications/${YARN_APP}/1/allexecutors`), 'the attempt\'s endpoints');
    assert.ok(seen.includes(`/api/v1/applications/${YARN_APP}/1/environment`));
    assert.match(first.stdout, /lab \(spark-history\): 1 file\(s\): 1 loaded.*17 applications read, 17 new or newer/);
    // The 15 apps the stand-in has no responses for: 3 responses each not found, warned about once.
    assert.match(first.stderr, /45 response\(s\) not found \(HTTP 404/);
    const [run] = await query<{ file: string }>(db, `select file from ingest_runs`);
    assert.equal(run.file, `${url}/api/v1/applications?status=completed`);
    // The same figures as from the files.
    const row = await app(db, YARN_APP);
    assert.deepEqual(nums(row, ['tasks', 'failed_tasks', 'killed_tasks', 'executors']), [11, 2, 1, 2]);
    assert.deepEqual([row.task_time_s, row.queue, row.executor_memory_mb, row.outcome], [11, 'etl', 4096, 'FAILED']);
    assert.deepEqual(nums(await app(db, 'local-1422981780767'), ['tasks', 'jobs']), [32, 3]);
    const [mark] = await query<{ source: string; mark_ms: bigint }>(db, `select source, mark_ms from ingest_marks`);
    assert.deepEqual([mark.source, Number(mark.mark_ms)], [`${url}/api/v1/applications`, 1700000600000]);

    // Again: the list from an hour before the mark; the app at the mark is held with its figures, so nothing is fetched.
    seen.length = 0;
    const second = await ingest(db, '--history-url', url + '/api/v1/');
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(seen, ['/api/v1/applications?status=completed&minEndDate=2023-11-14T21%3A23%3A20.000GMT']);
    assert.match(second.stderr, /nothing new since the last pull/);

    // A new app (listed late: it ended 10 minutes before the mark) is fetched alone.
    extra.push({ id: 'local-1700000000100', name: 'late', attempts: [{ startTimeEpoch: 1700000000000, endTimeEpoch: 1700000590000, duration: 590000, sparkUser: 'dd', completed: true }] });
    seen.length = 0;
    const third = await ingest(db, '--history-url', url);
    assert.equal(third.code, 0, third.stderr);
    // allexecutors (not found, so executors), jobs, stages, environment.
    assert.deepEqual(seen.filter((s) => s.includes('local-1700000000100')).map((s) => s.split('/').pop()), ['allexecutors', 'executors', 'jobs', 'stages', 'environment']);
    assert.equal(seen.filter((s) => s.includes(YARN_APP)).length, 0);
    assert.deepEqual([(await app(db, 'local-1700000000100')).end_time, Number((await query<{ m: bigint }>(db, `select mark_ms as m from ingest_marks`))[0].m)], [
      '2023-11-14T22:23:10.000', 1700000600000,
    ]);
    extra.length = 0;
  });

  it('asks for /executors where /allexecutors is not there (Spark before 2.0)', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    noAllExecutors = true;
    seen.length = 0;
    try {
      const r = await ingest(db, '--history-url', url);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      noAllExecutors = false;
    }
    assert.ok(seen.includes('/api/v1/applications/local-1422981780767/executors'));
    assert.deepEqual(nums(await app(db, 'local-1422981780767'), ['tasks', 'failed_tasks']), [32, 1]);
  });

  it('keeps the loads done when the server fails midway, says what failed, and resumes from the mark', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'w.duckdb');
    failOn = new RegExp(`/${YARN_APP}/1/stages$`);
    try {
      const r = await ingest(db, '--history-url', url);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`${url}/api/v1/applications/${YARN_APP}/1/stages: the Spark History Server answered HTTP 503 Service Unavailable for ${YARN_APP}'s stages\\. Loads already done are kept`));
      assert.equal((await query(db, `select * from ingest_marks`)).length, 0, 'nothing loaded: no mark');
      // Loads of 5 apps at a time, oldest end first: the first three loads stand, and the mark is the third's latest end.
      const wh = await openWarehouse(db);
      try {
        await assert.rejects(
          pullHistoryServer(wh, { url, cluster: 'lab', timezone: 'UTC', settings: defaultSettings(), appsPerLoad: 5 }),
          /answered HTTP 503/,
        );
      } finally {
        wh.close();
      }
    } finally {
      failOn = undefined;
    }
    const ends = list.map((a) => Math.max(...(a.attempts as Row[]).map((t) => Number(t.endTimeEpoch)))).sort((a, b) => a - b);
    const [m] = await query<{ m: bigint; n: bigint }>(db, `select mark_ms as m, (select count(*) from app_details) as n from ingest_marks`);
    assert.deepEqual([Number(m.m), Number(m.n)], [ends[14], 15]);
    // The two not loaded, and the last loaded one: listed again within the hour before the mark, and held without figures (the stand-in has none for it).
    const resumed = await ingest(db, '--history-url', url);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /3 applications read, 3 new or newer/);
    const [all] = await query<{ n: bigint }>(db, `select count(*) as n from app_details`);
    assert.equal(Number(all.n), 17);
  });

  it('says clearly when the server cannot be reached, or does not answer JSON', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const r = await ingest(path.join(tmpDir(), 'w.duckdb'), '--history-url', `http://127.0.0.1:${port}`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /http:\/\/127\.0\.0\.1:\d+\/api\/v1\/applications\?status=completed: could not reach the Spark History Server for the application list \(ECONNREFUSED\)/);

    const login = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>Sign in</body></html>'));
    await new Promise<void>((r2) => login.listen(0, '127.0.0.1', r2));
    try {
      const html = await ingest(path.join(tmpDir(), 'w.duckdb'), '--history-url', `http://127.0.0.1:${(login.address() as AddressInfo).port}`);
      assert.equal(html.code, 1);
      assert.match(html.stderr, /the answer for the application list is not JSON .*it begins "<html><body>Sign in/);
    } finally {
      login.close();
    }
    const bad = await ingest(path.join(tmpDir(), 'w.duckdb'), '--history-url', 'ftp://x');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--history-url ftp:\/\/x: must be http/);
  });
});
