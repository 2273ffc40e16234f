/**
 * Spark event logs (src/ingest/spark-events.ts), through the CLI: the real logs from Spark's
 * own test resources, checked figure by figure against the History Server responses Spark
 * computed from them, and hand-made edge cases whose figures are worked out from their lines.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it, before } from 'node:test';
import { fixture, query, runCli, tmpDir } from '../helpers.js';

const spark = (...f: string[]) => fixture('spark-events', ...f);
const expectation = (name: string) => JSON.parse(fs.readFileSync(spark('history-server', `${name}_json_expectation.json`), 'utf8'));
const ingest = (db: string, ...args: string[]) => runCli(['ingest', '--db', db, '--cluster', 'lab', '--format', 'spark-events', ...args]);

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
  return { ...r, stage_list: JSON.parse(String(r.stage_list)), extra: JSON.parse(String(r.extra)) };
}
/** The History Server's "2015-02-03T16:43:07.191GMT" as our ISO text. */
const hsTime = (t: string) => t.replace(/GMT$/, '');
const num = (x: unknown) => (x === null || x === undefined ? 0 : Number(x));

describe('spark-events', () => {
  describe('the real logs of Spark 1.2–3.3, against the History Server', () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    let stderr = '';
    before(async () => {
      const r = await ingest(db, spark('real'));
      assert.equal(r.code, 0, r.stderr);
      stderr = r.stderr;
    });

    it('loads every log with no rejects and no unknown event types', async () => {
      const [r] = await query<{ n: bigint; rej: bigint }>(db, `select (select count(*) from app_details) as n, (select sum(rejects) from ingest_runs) as rej`);
      // 18 logs; two apps come in two attempts each, one row per app: 16 apps.
      assert.deepEqual([Number(r.n), Number(r.rej)], [16, 0]);
      assert.doesNotMatch(stderr, /not one gazette knows/);
    });

    it('matches the application list: id, name, user, start, end, duration, completed (the latest attempt of a two-attempt app)', async () => {
      for (const a of expectation('application_list')) {
        const latest = [...a.attempts].sort((x, y) => y.endTimeEpoch - x.endTimeEpoch)[0];
        const row = await app(db, a.id);
        const where = `${a.id}`;
        assert.equal(row.name, a.name, where);
        assert.equal(row.user, latest.sparkUser, where);
        assert.equal(row.attempt_id, latest.attemptId ?? null, where);
        assert.equal(row.start_time, hsTime(latest.startTime), where);
        assert.equal(row.end_time, hsTime(latest.endTime), where);
        const [d] = await query<{ ms: bigint }>(db, `select epoch_ms(end_time) - epoch_ms(start_time) as ms from app_details where job_id = $id`, { id: a.id });
        assert.equal(Number(d.ms), latest.duration, where);
        assert.equal(latest.completed, true);
        assert.notEqual(row.outcome, 'RUNNING', where);
        assert.notEqual(row.outcome, 'UNKNOWN', where);
      }
    });

    it('matches the executor totals of local-1422981780767 (tasks, failed tasks, input, shuffle read and write)', async () => {
      const execs = expectation('executor_list') as Row[];
      const sum = (k: string) => execs.reduce((t, e) => t + Number(e[k]), 0);
      const row = await app(db, 'local-1422981780767');
      assert.equal(Number(row.tasks), sum('totalTasks')); // 32
      assert.equal(Number(row.failed_tasks), sum('failedTasks')); // 1
      assert.equal(Number(row.tasks) - Number(row.failed_tasks) - Number(row.killed_tasks), sum('completedTasks')); // 31
      assert.equal(Number(row.input_bytes), sum('totalInputBytes')); // 28,000,288
      assert.equal(num(row.shuffle_read_bytes), sum('totalShuffleRead')); // 0
      assert.equal(Number(row.shuffle_write_bytes), sum('totalShuffleWrite')); // 13,180
      // A local-mode app: the driver runs the tasks, no executor is added (the driver's totalCores is 0).
      assert.equal(Number(row.executors), 0);
      assert.equal(sum('totalCores'), 0);
    });

    it('matches the complete stages of local-1422981780767 figure by figure', async () => {
      const stages = (await app(db, 'local-1422981780767')).stage_list as Row[];
      const hs = expectation('complete_stage_list') as Row[];
      assert.equal(hs.length, 3);
      for (const h of hs) {
        const s = stages.find((x) => x.stage_id === h.stageId && x.attempt === h.attemptId);
        assert.ok(s, `stage ${h.stageId}`);
        const where = `stage ${h.stageId}`;
        assert.equal(s.status, h.status, where);
        assert.equal(s.name, h.name, where);
        assert.equal(s.tasks, Number(h.numCompleteTasks) + Number(h.numFailedTasks) + Number(h.numKilledTasks), where);
        assert.equal(s.tasks, h.numTasks, where);
        assert.equal(s.failed_tasks, h.numFailedTasks, where);
        assert.equal(Math.round(Number(s.task_time_s) * 1000), h.executorRunTime, where);
        assert.equal(Math.round(Number(s.gc_time_s) * 1000), h.jvmGcTime, where);
        assert.equal(num(s.input_bytes), h.inputBytes, where);
        assert.equal(num(s.output_bytes), h.outputBytes, where);
        assert.equal(num(s.shuffle_read_bytes), h.shuffleReadBytes, where);
        assert.equal(num(s.shuffle_write_bytes), h.shuffleWriteBytes, where);
        assert.equal(num(s.spill_memory_bytes), h.memoryBytesSpilled, where);
        assert.equal(num(s.spill_disk_bytes), h.diskBytesSpilled, where);
        const ms = Date.parse(String(h.completionTime).replace('GMT', 'Z')) - Date.parse(String(h.submissionTime).replace('GMT', 'Z'));
        assert.equal(Math.round(Number(s.duration_s) * 1000), ms, where);
      }
    });

    it('matches the jobs of local-1422981780767: one FAILED, its failed task and failed stage; the app went on and SUCCEEDED', async () => {
      const jobs = expectation('succeeded_failed_job_list') as Row[];
      const row = await app(db, 'local-1422981780767');
      assert.equal(Number(row.jobs), jobs.length); // 3
      assert.equal(Number(row.failed_jobs), jobs.filter((j) => j.status === 'FAILED').length); // 1
      assert.equal(Number(row.failed_tasks), jobs.reduce((t, j) => t + Number(j.numFailedTasks), 0));
      assert.equal(Number(row.failed_stages), jobs.reduce((t, j) => t + Number(j.numFailedStages), 0));
      // Job 1 failed but job 2, the last, succeeded: the shell went on.
      assert.equal(row.outcome, 'SUCCEEDED');
      assert.equal(
        row.failure_reason,
        'Job aborted due to stage failure: Task 3 in stage 2.0 failed 1 times, most recent failure: Lost task 3.0 in stage 2.0 (TID 19, localhost): java.lang.RuntimeException: got a 3, failing',
      );
      const failed = (row.stage_list as Row[]).find((s) => s.stage_id === 2);
      assert.equal(failed?.status, 'FAILED');
    });

    it('reads a YARN app on Spark 2.3: executors with cores, executor memory, CPU time (ns) and peak execution memory from the accumulables', async () => {
      const row = await app(db, 'application_1516285256255_0012');
      const log = fs.readFileSync(spark('real', 'application_1516285256255_0012'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      // Worked out from the log's own lines, independently of the SQL.
      const added = log.filter((e) => e.Event === 'SparkListenerExecutorAdded');
      const ends = log.filter((e) => e.Event === 'SparkListenerTaskEnd');
      const cpuNs = ends.reduce((t, e) => t + (e['Task Metrics']?.['Executor CPU Time'] ?? 0), 0);
      const peak = Math.max(
        ...ends.flatMap((e) => (e['Task Info'].Accumulables ?? []).filter((a: Row) => a.Name === 'internal.metrics.peakExecutionMemory').map((a: Row) => Number(a.Update))),
      );
      assert.equal(row.job_id, 'application_1516285256255_0012');
      assert.equal(Number(row.executors), new Set(added.map((e) => e['Executor ID'])).size);
      assert.equal(row.executor_cores, added[0]['Executor Info']['Total Cores']);
      assert.equal(Number(row.tasks), ends.length);
      assert.ok(Math.abs(Number(row.cpu_time_s) - cpuNs / 1e9) < 1e-9);
      assert.equal(Number(row.peak_execution_memory_bytes), peak);
      assert.ok(peak > 0);
    });

    it('reads spark.executor.memory as megabytes (7g → 7168 where the log sets it)', async () => {
      const rows = await query<{ job_id: string; mb: number; raw: string }>(
        db,
        `select job_id, executor_memory_mb as mb, extra ->> 'executor_memory' as raw from app_details where executor_memory_mb is not null order by job_id`,
      );
      assert.ok(rows.length > 0);
      for (const r of rows) {
        const m = /^(\d+)([gGmM])$/.exec(r.raw);
        assert.ok(m, r.raw);
        assert.equal(r.mb, Number(m[1]) * (m[2].toLowerCase() === 'g' ? 1024 : 1), r.job_id);
      }
    });

    it('adds a jobs row for each app no scheduler record covers', async () => {
      const [r] = await query<{ n: bigint; src: string }>(db, `select count(*) as n, min(source) as src from jobs where app_type = 'SPARK'`);
      assert.deepEqual([Number(r.n), r.src], [16, 'spark']);
    });
  });

  it('reads a gzipped log like the plain one', async () => {
    const dir = tmpDir();
    const gz = path.join(dir, 'local-1422981780767.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(spark('real', 'local-1422981780767'))));
    const db = path.join(dir, 'w.duckdb');
    const r = await ingest(db, gz);
    assert.equal(r.code, 0, r.stderr);
    const row = await app(db, 'local-1422981780767');
    assert.deepEqual([Number(row.tasks), Number(row.input_bytes), Number(row.shuffle_write_bytes)], [32, 28000288, 13180]);
  });

  describe('a truncated log (no SparkListenerApplicationEnd)', () => {
    it('is UNKNOWN with no end time, and holds what it logged (job 0, stage 0: 8 tasks, 4,338 ms run, 200 ms GC)', async () => {
      const db = path.join(tmpDir(), 'w.duckdb');
      const r = await ingest(db, spark('spark-truncated-no-application-end'));
      assert.equal(r.code, 0, r.stderr);
      const row = await app(db, 'local-1422981780767');
      assert.deepEqual([row.outcome, row.end_time, row.start_time], ['UNKNOWN', null, '2015-02-03T16:42:59.720']);
      assert.deepEqual([Number(row.jobs), Number(row.stages), Number(row.tasks)], [1, 1, 8]);
      assert.equal(row.task_time_s, 4.338); // stage 0's executorRunTime in the History Server
      assert.equal(row.gc_time_s, 0.2);
      const [j] = await query<{ state: string; end_time: unknown }>(db, `select state, end_time from jobs where job_id = 'local-1422981780767'`);
      assert.deepEqual([j.state, j.end_time], ['UNKNOWN', null]);
    });

    it('is RUNNING when named ….inprogress, as Spark names a log it is still writing', async () => {
      const dir = tmpDir();
      const f = path.join(dir, 'local-1422981780767.inprogress');
      fs.copyFileSync(spark('spark-truncated-no-application-end'), f);
      const db = path.join(dir, 'w.duckdb');
      assert.equal((await ingest(db, f)).code, 0);
      assert.equal((await app(db, 'local-1422981780767')).outcome, 'RUNNING');
    });
  });

  it('keeps events of an unknown type, counts them in extra and warns once', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, spark('spark-unknown-event-type'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(/com\.example\.AuditEvent/g)?.length, 1, r.stderr);
    const row = await app(db, 'application_1700000000000_0001');
    assert.deepEqual((row.extra as Row).unknown_events, { 'com.example.AuditEvent': 2 });
    assert.equal((row.extra as Row).events, 9);
    // 1700000000000 ms = 2023-11-14 22:13:20 UTC; the end 4 s later.
    assert.deepEqual([row.start_time, row.end_time, row.outcome], ['2023-11-14T22:13:20.000', '2023-11-14T22:13:24.000', 'SUCCEEDED']);
    assert.deepEqual([row.name, row.user, row.queue, row.attempt_id], ['etl', 'ana', 'etl', '1']);
    assert.deepEqual([Number(row.executors), row.executor_cores, row.executor_memory_mb], [1, 4, 4096]);
    assert.deepEqual([Number(row.jobs), Number(row.failed_jobs), row.failure_reason], [1, 0, null]);
  });

  describe('a line that is not JSON, and a last job that failed (hand-made)', () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    before(async () => {
      const r = await ingest(db, spark('spark-line-not-json-last-job-failed'));
      assert.equal(r.code, 0, r.stderr);
    });

    it('rejects line 3 (not JSON) and line 10 (no "Event") with their numbers; the app still loads', async () => {
      const rej = await query<{ line: bigint; reason: string; raw: string }>(db, `select line, reason, raw from rejected_rows order by line`);
      assert.deepEqual(rej.map((x) => Number(x.line)), [3, 10]);
      assert.match(rej[0].reason, /^not JSON/);
      assert.equal(rej[0].raw, 'this line is not JSON');
      assert.match(rej[1].reason, /no "Event" field/);
      assert.equal((await app(db, 'local-1700000000000')).name, 'report');
    });

    it('is FAILED: its last job ended JobFailed; figures from its two tasks', async () => {
      const row = await app(db, 'local-1700000000000');
      assert.equal(row.outcome, 'FAILED');
      assert.equal(row.failure_reason, 'Job aborted due to stage failure: Task 0 in stage 0.0 failed 1 times');
      assert.deepEqual([Number(row.tasks), Number(row.failed_tasks), Number(row.failed_jobs), Number(row.failed_stages)], [2, 1, 1, 1]);
      assert.equal(row.task_time_s, 4); // 1,000 + 3,000 ms
      assert.equal(row.gc_time_s, 0.15); // 100 + 50 ms
      assert.equal(row.cpu_time_s, 2); // 2,000,000,000 ns
      assert.deepEqual(
        [row.input_bytes, row.shuffle_write_bytes, row.spill_memory_bytes, row.spill_disk_bytes, row.peak_execution_memory_bytes].map(Number),
        [1024, 2048, 10, 20, 4096],
      );
      assert.deepEqual([row.task_time_max_s, row.task_time_median_s], [3, 2]);
      const [s] = row.stage_list as Row[];
      assert.deepEqual(
        [s.stage_id, s.status, s.tasks, s.failed_tasks, s.duration_s, s.task_time_min_s, s.task_time_max_s, s.failure_reason],
        [0, 'FAILED', 2, 1, 4, 1, 3, 'Job aborted due to stage failure: boom'],
      );
    });
  });

  it('takes the executors\' memory asked for (the environment) and their peak use (executor metrics, Spark ≥ 3.0), not the driver\'s', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const ids = ['application_1553914137147_0018', 'application_1628109047826_1317105', 'application_1578436911597_0052', 'local-1422981780767'];
    assert.equal((await ingest(db, ...ids.map((id) => spark('real', id)))).code, 0);
    const cols = ['executor_memory_overhead_mb', 'executor_request_mb', 'executor_peak_heap_bytes', 'executor_peak_offheap_bytes', 'executor_peak_rss_bytes'];
    const values = async (id: string) => {
      const row = await app(db, id);
      return cols.map((c) => (row[c] === null ? null : Number(row[c])));
    };
    // spark.executor.memory 7g + spark.executor.memoryOverhead 1024 (MB) on YARN = 8,192 MB a container. The peaks
    // are the largest of executors 1–3's 12 metric records (9 StageExecutorMetrics, less the driver's 3, and 6 task
    // ends' "Task Executor Metrics"): heap 984,736,560 and off-heap 62,717,520 bytes, RSS 1,210,867,712
    // (ProcessTreeJVMRSSMemory; the Python and other RSS are 0) — all three from task ends.
    assert.deepEqual(await values('application_1553914137147_0018'), [1024, 8192, 984_736_560, 62_717_520, 1_210_867_712]);
    // 4g and no overhead set: Spark's default max(384, 10% × 4,096) = 409 MB; no process tree metrics (0 → null).
    const [overhead, request, heap, , rss] = await values('application_1628109047826_1317105');
    assert.deepEqual([overhead, request, rss], [409, 4505, null]);
    assert.ok(heap! > 0);
    // No spark.master and no spark.executor.memory logged: a YARN application id, Spark's 1g default + 384 MB; Spark 3.0
    // logged no executor metrics here.
    assert.deepEqual(await values('application_1578436911597_0052'), [384, 1408, null, null, null]);
    // A local-mode app: no executors, no containers.
    assert.deepEqual(await values('local-1422981780767'), [null, null, null, null, null]);
  });

  it('refuses an lz4-compressed log by name, saying which codecs it reads', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, spark('spark-unsupported-codec.lz4'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /spark-unsupported-codec\.lz4: .*"lz4" codec.*plain, \.gz and \.zstd/);
  });
});
