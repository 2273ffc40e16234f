/**
 * MapReduce JobHistory server REST responses (src/ingest/mr-history.ts), through the CLI: the
 * Hadoop docs' examples (test/fixtures/mr-history/PROVENANCE.md), the TeraGen job's responses
 * derived from its real .jhist (cross-checked against it), hand-made edge cases, and --jhs-url
 * against a JobHistory server stand-in on loopback serving those files. Expected values are
 * worked out by hand from the files.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it, before, after } from 'node:test';
import { detectFormat } from '../../src/ingest/detect.js';
import { jsonFaultOf } from '../../src/ingest/json-position.js';
import { planWindows } from '../../src/ingest/mr-history-pull.js';
import { fixture, query, runCli, tmpDir } from '../helpers.js';

const mh = (...f: string[]) => fixture('mr-history', ...f);
const docs = (f: string) => mh('hadoop-docs', `hs__history_mapreduce_${f}`);
const ingest = (db: string, ...args: string[]) => runCli(['ingest', '--db', db, '--cluster', 'mr', ...args]);
const INVALID_LIST = 'hs__history_mapreduce_jobs.AS_IN_DOC_invalid_missing_comma.json.txt';
const TERAGEN_JHIST = fixture('jhist', 'job_1416424547277_0002-1416424775281-root-TeraGen-1416424785433-2-0-SUCCEEDED-default-1416424779349.jhist');

type Row = Record<string, unknown>;
/** The app_details row of a job (by YARN application id): times as ISO text, JSON parsed, big integers as numbers. */
async function detail(db: string, jobId: string): Promise<Row> {
  const rows = await query(
    db,
    `select * exclude (ingest_run_id) replace (strftime(start_time, '%Y-%m-%d %H:%M:%S.%g') as start_time, strftime(end_time, '%Y-%m-%d %H:%M:%S.%g') as end_time,
                       stage_list::varchar as stage_list, counters::varchar as counters, extra::varchar as extra)
     from app_details where job_id = $id`,
    { id: jobId },
  );
  assert.equal(rows.length, 1, `one app_details row for ${jobId}`);
  const r = rows[0];
  for (const k of ['stage_list', 'counters', 'extra']) r[k] = r[k] == null ? null : JSON.parse(r[k] as string);
  for (const [k, v] of Object.entries(r)) if (typeof v === 'bigint') r[k] = Number(v);
  return r;
}
const pick = (r: Row, keys: string[]) => keys.map((k) => r[k]);
const extra = (r: Row) => r.extra as Record<string, unknown>;
const stages = (r: Row) => r.stage_list as Row[];

describe('mr-history', () => {
  describe('the Hadoop docs\' examples, a directory of them (one invalid)', () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    let r = { code: 0, stdout: '', stderr: '' };
    before(async () => {
      r = await ingest(db, mh('hadoop-docs'));
    });

    it('fails the published jobs list with the line and column of its missing comma, exits 1, and loads the other ten files', async () => {
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(
          `${INVALID_LIST.replace(/\./g, '\\.')}: cannot be read as mr-history: not valid JSON: line 20, column 13: expected ',' or '\\}' after a property value, found '"' ` +
            `\\(the line reads: "state" : "SUCCEEDED",\\); a comma is missing after the value that ends at line 19, column 40\\.`,
        ),
      );
      assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
      assert.match(r.stdout, /mr \(mr-history\): 11 file\(s\): 10 loaded, 0 skipped \(already loaded\), 1 failed; 9 applications read/);
      const runs = await query<{ status: string; n: bigint }>(db, `select status, count(*) as n from ingest_runs group by 1 order by 1`);
      assert.deepEqual(runs.map((x) => [x.status, Number(x.n)]), [['failed', 1], ['loaded', 10]]);
    });

    it('makes the nine responses of job_1326381300833_2_2 one row, under its YARN application id (0.23\'s job_T_2_2 is application_T_0002)', async () => {
      const [n] = await query<{ n: bigint }>(db, `select count(*) as n from app_details`);
      assert.equal(Number(n.n), 1);
      const d = await detail(db, 'application_1326381300833_0002');
      assert.deepEqual(pick(d, ['source', 'framework', 'app_id', 'name', 'user', 'queue', 'outcome', 'failure_reason']),
        ['mr-history', 'MAPREDUCE', 'job_1326381300833_2_2', 'Sleep job', 'user1', 'default', 'SUCCEEDED', null]);
      // Cross-check: the jobattempts response's AM container container_1326381300833_0002_01_000001 is application 2's.
      assert.equal(d.attempt_id, 'appattempt_1326381300833_0002_000001');
      // startTime 1326381446529, finishTime 1326381582106, submitTime 1326381446500 (epoch ms, UTC)
      assert.deepEqual([d.start_time, d.end_time, extra(d).submit_time], ['2012-01-12 15:17:26.529', '2012-01-12 15:19:42.106', '2012-01-12T15:17:26.500Z']);
      assert.deepEqual(extra(d).responses, ['attempts', 'counters', 'job', 'jobattempts', 'tasks']);
      assert.equal(extra(d).rest_detail, 5);
      assert.deepEqual((extra(d).fields as Row).acls, [{ value: ' ', name: 'mapreduce.job.acl-modify-job' }, { value: ' ', name: 'mapreduce.job.acl-view-job' }]);
    });

    it('counts attempts from the job response: 1 successful map, 1 successful reduce, none failed or killed', async () => {
      const d = await detail(db, 'application_1326381300833_0002');
      assert.deepEqual(pick(d, ['maps', 'failed_maps', 'killed_maps', 'reduces', 'failed_reduces', 'killed_reduces', 'tasks', 'failed_tasks', 'killed_tasks']),
        [1, 0, 0, 1, 0, 0, 2, 0, 0]);
      assert.deepEqual(pick(d, ['stages', 'failed_stages', 'executors']), [2, 0, null]);
      assert.deepEqual([extra(d).avg_map_time_ms, extra(d).avg_reduce_time_ms, extra(d).avg_shuffle_time_ms, extra(d).avg_merge_time_ms], [2638, 124961, 2540, 2589]);
    });

    it('takes the figures from the counters\' totals', async () => {
      const d = await detail(db, 'application_1326381300833_0002');
      // CPU_MILLISECONDS 1830, GC_TIME_MILLIS 113, HDFS_BYTES_READ 48, HDFS_BYTES_WRITTEN 0, REDUCE_SHUFFLE_BYTES 2235,
      // MAP_OUTPUT_MATERIALIZED_BYTES 2235, FILE_BYTES_WRITTEN 108525 − 2235 = 106290 spilled to disk,
      // SPILLED_RECORDS 2400, MAP_OUTPUT_RECORDS 1200, PHYSICAL_MEMORY_BYTES 478068736
      assert.deepEqual(
        pick(d, ['cpu_time_s', 'gc_time_s', 'input_bytes', 'output_bytes', 'shuffle_read_bytes', 'shuffle_write_bytes', 'spill_disk_bytes', 'spilled_records', 'output_records', 'physical_memory_bytes']),
        [1.83, 0.113, 48, 0, 2235, 2235, 106290, 2400, 1200, 478068736],
      );
      assert.equal(d.task_time_s, null, 'the 0.23 docs\' counters have no JobCounter group (no MILLIS_MAPS)');
      const c = d.counters as Record<string, Record<string, number>>;
      assert.deepEqual(Object.keys(c), [
        'Shuffle Errors', 'org.apache.hadoop.mapreduce.FileSystemCounter', 'org.apache.hadoop.mapreduce.TaskCounter',
        'org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter', 'org.apache.hadoop.mapreduce.lib.output.FileOutputFormatCounter',
      ]);
      assert.deepEqual([c['org.apache.hadoop.mapreduce.TaskCounter'].VIRTUAL_MEMORY_BYTES, c['Shuffle Errors'].BAD_ID], [2159284224, 0]);
    });

    it('takes the phases\' task times from the tasks response (elapsedTime), cross-checked by the attempt', async () => {
      const d = await detail(db, 'application_1326381300833_0002');
      const [map, reduce] = stages(d);
      // task m_0: 1326381446541 → 1326381453318 (6777 ms); task r_0: 1326381446544 → 1326381582103 (135559 ms)
      assert.deepEqual(pick(map, ['stage_id', 'name', 'status', 'tasks', 'failed_tasks', 'duration_s', 'task_time_min_s', 'task_time_median_s', 'task_time_max_s']),
        [0, 'map', 'SUCCEEDED', 1, 0, 6.777, 6.777, 6.777, 6.777]);
      assert.deepEqual(pick(reduce, ['stage_id', 'name', 'status', 'tasks', 'duration_s', 'task_time_max_s']), [1, 'reduce', 'SUCCEEDED', 1, 135.559, 135.559]);
      // The docs' per-phase counter values are all 0.
      assert.deepEqual(pick(map, ['gc_time_s', 'shuffle_write_bytes', 'spill_disk_bytes', 'input_bytes']), [0, 0, 0, 0]);
      assert.deepEqual([d.task_time_max_s, d.task_time_median_s], [135.559, 71.168]); // median of 6.777 and 135.559
      // The map attempt ran 2638 ms (attempts response): the job's avgMapTime; it finished when its task did.
      const attempt = JSON.parse(fs.readFileSync(docs('jobs_job_1326381300833_2_2_tasks_task_1326381300833_2_2_m_0_attempts.json'), 'utf8')).taskAttempts.taskAttempt[0];
      assert.equal(attempt.elapsedTime, extra(d).avg_map_time_ms);
      assert.equal(attempt.finishTime, 1326381453318);
    });

    it('gives the job a jobs row (no scheduler record yet), with its job key', async () => {
      const rows = await query<Row>(db, `select job_id, source, name, job_key, state, elapsed_s, total_cpu_s from jobs`);
      assert.deepEqual(rows, [{
        job_id: 'application_1326381300833_0002', source: 'mapreduce', name: 'Sleep job', job_key: 'Sleep job [user1@default]',
        state: 'SUCCEEDED', elapsed_s: 135.577, total_cpu_s: 1.83,
      }]);
    });
  });

  it('builds the same row from any one of the job\'s responses, with the others beside it', async () => {
    const rows = [];
    for (const f of ['jobs_job_1326381300833_2_2_counters.json', 'jobs_job_1326381300833_2_2_tasks_task_1326381300833_2_2_m_0_attempts_att__9.json', 'jobs_job_1326381300833_2_2.json']) {
      const db = path.join(tmpDir(), 'w.duckdb');
      const r = await ingest(db, docs(f));
      assert.equal(r.code, 0, r.stderr);
      rows.push(await detail(db, 'application_1326381300833_0002'));
    }
    assert.deepEqual(rows[0], rows[1]);
    assert.deepEqual(rows[0], rows[2]);
    assert.equal(rows[0].name, 'Sleep job');
  });

  it('names the file and the line and column of the published invalid list, and loads the other file named with it', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, mh('hadoop-docs', INVALID_LIST), mh('teragen-derived-from-jhist', 'job_1416424547277_0002.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid_missing_comma\.json\.txt: cannot be read as mr-history: not valid JSON: line 20, column 13: /);
    assert.match(r.stdout, /2 file\(s\): 1 loaded, 0 skipped \(already loaded\), 1 failed/);
    assert.equal((await detail(db, 'application_1416424547277_0002')).name, 'TeraGen');
  });

  describe('a jobs list', () => {
    it('gives a row per job from its entries, rejects the entry without an id, and gives way to the job\'s own responses whatever the order', async () => {
      for (const order of ['list first', 'job first']) {
        const db = path.join(tmpDir(), 'w.duckdb');
        const loads = [[mh('jobs-list-entry-without-id.json')], [docs('jobs_job_1326381300833_2_2.json')]];
        const outs = [];
        for (const args of order === 'list first' ? loads : loads.reverse()) outs.push(await ingest(db, ...args));
        const list = outs[order === 'list first' ? 0 : 1];
        assert.equal(list.code, 0, list.stderr);
        assert.match(list.stdout, /2 applications read, .*1 rows rejected/);
        assert.match(list.stderr, /jobs-list-entry-without-id\.json:3: a job without its "id"; kept in rejected_rows/);
        const [rej] = await query<Row>(db, `select line, reason, raw::json->>'name' as name from rejected_rows`);
        assert.deepEqual([Number(rej.line), rej.reason, rej.name], [3, 'a job without its "id"', 'no id here']);
        // The list entry alone: times, state and task counts; no attempt counts, no figures.
        const one = await detail(db, 'application_1326381300833_0001');
        assert.deepEqual(pick(one, ['name', 'outcome', 'start_time', 'end_time', 'maps', 'reduces', 'stages', 'cpu_time_s', 'counters']),
          ['word count', 'SUCCEEDED', '2012-01-12 15:15:44.489', '2012-01-12 15:15:56.010', null, null, 2, null, null]);
        assert.deepEqual([extra(one).maps_total, extra(one).maps_completed, extra(one).reduces_total, extra(one).responses, extra(one).rest_detail], [1, 1, 1, ['jobs'], 0]);
        // job_1326381300833_2_2: its job response (and the other responses beside it) stand over its list entry.
        const two = await detail(db, 'application_1326381300833_0002');
        assert.deepEqual([two.maps, two.cpu_time_s, extra(two).rest_detail], [1, 1.83, 5], order);
      }
    });

    it('reads each listed job\'s responses beside it: one file for a window of jobs', async () => {
      const dir = tmpDir();
      for (const f of fs.readdirSync(mh('hadoop-docs'))) if (f.includes('job_')) fs.copyFileSync(mh('hadoop-docs', f), path.join(dir, f));
      fs.copyFileSync(mh('jobs-list-entry-without-id.json'), path.join(dir, 'jobs.json'));
      const db = path.join(tmpDir(), 'w.duckdb');
      const r = await ingest(db, path.join(dir, 'jobs.json'));
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(pick(await detail(db, 'application_1326381300833_0002'), ['maps', 'cpu_time_s', 'attempt_id']), [1, 1.83, 'appattempt_1326381300833_0002_000001']);
      assert.equal(extra(await detail(db, 'application_1326381300833_0001')).rest_detail, 0);
    });

    it('loads an empty list (`{"jobs":null}`) as no jobs', async () => {
      const db = path.join(tmpDir(), 'w.duckdb');
      const r = await ingest(db, mh('jobs-list-empty-null.json'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /1 loaded, .*0 applications read, 0 new or newer, 0 rows rejected/);
    });
  });

  describe('a failed job (hand-made: job, counters, conf, tasks, the failed task\'s attempts, two AM attempts)', () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    before(async () => {
      const r = await ingest(db, mh('failed-job-attempt-errors'));
      assert.equal(r.code, 0, r.stderr);
    });

    it('is FAILED with the job\'s diagnostics, then the attempts\' errors by how many failed so, first failure first', async () => {
      const d = await detail(db, 'application_1700000000000_0007');
      assert.equal(d.outcome, 'FAILED');
      assert.equal(
        d.failure_reason,
        'Task failed task_1700000000000_0007_m_000003\nJob failed as tasks failed. failedMaps:1 failedReduces:0; Error: Java heap space (3 attempts); ' +
          'Container [pid=4242,containerID=container_1700000000000_0007_01_000007] is running beyond physical memory limits. Current usage: 2.1 GB of 2 GB physical memory used',
      );
      // The last of the two AM attempts (container_e05_1700000000000_0007_02_000001).
      assert.deepEqual([d.attempt_id, extra(d).am_attempts], ['appattempt_1700000000000_0007_000002', 2]);
      assert.deepEqual([extra(d).responses, extra(d).rest_detail], [['attempts', 'conf', 'counters', 'job', 'jobattempts', 'tasks'], 6]);
    });

    it('takes the container sizes from the conf: mapreduce.map.memory.mb over mapred.job.map.memory.mb; -1 is no size', async () => {
      const d = await detail(db, 'application_1700000000000_0007');
      // mapreduce.map.memory.mb 4096 (mapred.job.map.memory.mb 1024 is the older name); mapreduce.reduce.memory.mb -1, so mapred.job.reduce.memory.mb 8192
      assert.deepEqual([d.map_memory_mb, d.reduce_memory_mb, extra(d).conf], [4096, 8192, 'hdfs://nn.example.com:8020/user/alice/.staging/job_1700000000000_0007/job.xml']);
    });

    it('counts attempts launched, failed and killed (successful + failed + killed: 3 + 4 + 1 maps, 0 + 0 + 1 reduces)', async () => {
      const d = await detail(db, 'application_1700000000000_0007');
      assert.deepEqual(pick(d, ['maps', 'failed_maps', 'killed_maps', 'reduces', 'failed_reduces', 'killed_reduces', 'tasks', 'failed_tasks', 'killed_tasks']),
        [8, 4, 1, 1, 0, 1, 9, 4, 2]);
    });

    it('takes task time from MILLIS_MAPS + MILLIS_REDUCES and the other figures from the counters', async () => {
      const d = await detail(db, 'application_1700000000000_0007');
      // (150000 + 5000) / 1000; CPU 30000 ms; GC 4000 ms; FILE_BYTES_WRITTEN 5000 − MAP_OUTPUT_MATERIALIZED_BYTES 1000
      assert.deepEqual(pick(d, ['task_time_s', 'cpu_time_s', 'gc_time_s', 'input_bytes', 'shuffle_read_bytes', 'shuffle_write_bytes', 'spill_disk_bytes', 'spilled_records', 'output_records', 'physical_memory_bytes']),
        [155, 30, 4, 3000000, null, 1000, 4000, 500, 250, 3000000000]);
    });

    it('marks the map phase FAILED and the unfinished reduce phase KILLED; task times over the successful tasks where a phase has any', async () => {
      const d = await detail(db, 'application_1700000000000_0007');
      assert.deepEqual(pick(d, ['stages', 'failed_stages']), [2, 1]);
      const [map, reduce] = stages(d);
      // maps ran from 1760000010000 to 1760000190000 (180 s); successful: 10, 20, 60 s
      assert.deepEqual(pick(map, ['status', 'tasks', 'failed_tasks', 'duration_s', 'task_time_min_s', 'task_time_median_s', 'task_time_max_s', 'gc_time_s', 'input_bytes']),
        ['FAILED', 8, 4, 180, 10, 20, 60, 4, 3000000]);
      assert.match(String(map.failure_reason), /^Error: Java heap space \(3 attempts\); Container \[pid=4242/);
      // the reduce never succeeded: its one (killed) task's 5 s
      assert.deepEqual(pick(reduce, ['status', 'tasks', 'failed_tasks', 'duration_s', 'task_time_median_s', 'failure_reason']), ['KILLED', 1, 0, 5, 5, null]);
      // over the job: 10, 20, 60 (the failed map's 40 s left out, its phase had successes) and the reduce's 5: median 15
      assert.deepEqual([d.task_time_max_s, d.task_time_median_s], [60, 15]);
    });
  });

  describe('the same job from its .jhist and from the REST (TeraGen, responses derived from the .jhist)', () => {
    it('gives the same figures from both', async () => {
      const restDb = path.join(tmpDir(), 'w.duckdb');
      const rest = await ingest(restDb, mh('teragen-derived-from-jhist', 'job_1416424547277_0002.json'));
      assert.equal(rest.code, 0, rest.stderr);
      const r = await detail(restDb, 'application_1416424547277_0002');
      const jhistDb = path.join(tmpDir(), 'w.duckdb');
      assert.equal((await ingest(jhistDb, '--format', 'jhist', TERAGEN_JHIST)).code, 0);
      const j = await detail(jhistDb, 'application_1416424547277_0002');
      const same = ['app_id', 'attempt_id', 'name', 'user', 'queue', 'start_time', 'end_time', 'outcome', 'failure_reason', 'stages', 'failed_stages', 'tasks',
        'failed_tasks', 'killed_tasks', 'maps', 'failed_maps', 'killed_maps', 'reduces', 'failed_reduces', 'killed_reduces', 'task_time_s', 'cpu_time_s', 'gc_time_s',
        'input_bytes', 'output_bytes', 'shuffle_read_bytes', 'shuffle_write_bytes', 'spill_disk_bytes', 'spilled_records', 'output_records', 'physical_memory_bytes', 'counters'];
      assert.deepEqual(pick(r, same), pick(j, same));
      // by hand: MILLIS_MAPS 5956; 2 maps, no reduce; FILE_BYTES_WRITTEN 193172 with no map output materialized
      assert.deepEqual(pick(r, ['task_time_s', 'maps', 'reduces', 'stages', 'spill_disk_bytes', 'output_bytes']), [5.956, 2, 0, 1, 193172, 10000]);
      // The spread differs by what each sees: attempts ran 2.975 and 2.981 s (.jhist); the tasks spanned 5.161 and 5.996 s (REST).
      assert.deepEqual([j.task_time_median_s, r.task_time_median_s], [2.978, 5.579]);
      assert.equal(extra(r).avg_map_time_ms, 2978); // the attempts' mean, as the .jhist has them
    });

    for (const order of ['jhist first', 'REST first']) {
      it(`keeps the .jhist row (${order})`, async () => {
        const db = path.join(tmpDir(), 'w.duckdb');
        const loads = [['--format', 'jhist', TERAGEN_JHIST], [mh('teragen-derived-from-jhist')]];
        for (const args of order === 'jhist first' ? loads : loads.reverse()) assert.equal((await ingest(db, ...args)).code, 0);
        assert.equal((await detail(db, 'application_1416424547277_0002')).source, 'jhist');
      });
    }

    it('is one job with the RM\'s record, its .jhist and its REST responses', async () => {
      const db = path.join(tmpDir(), 'w.duckdb');
      assert.equal((await ingest(db, mh('teragen-derived-from-jhist'))).code, 0);
      assert.equal((await ingest(db, '--format', 'yarn-apps', fixture('jhist', 'rm-apps-same-app-as-teragen.json'))).code, 0);
      assert.equal((await ingest(db, '--format', 'jhist', TERAGEN_JHIST)).code, 0);
      const jobs = await query<Row>(db, `select job_id, source from jobs`);
      assert.deepEqual(jobs, [{ job_id: 'application_1416424547277_0002', source: 'yarn' }]);
      const [n] = await query<{ n: bigint }>(db, `select count(*) as n from app_details`);
      assert.equal(Number(n.n), 1);
    });
  });

  describe('edge cases', () => {
    it('stores a state that is no JobState as UNKNOWN, and warns once', async () => {
      const db = path.join(tmpDir(), 'w.duckdb');
      const r = await ingest(db, mh('job-state-not-known.json'));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr.match(/job state "DANCING" is not one gazette knows; stored as UNKNOWN/g)?.length, 1);
      const d = await detail(db, 'application_1700000000000_0011');
      assert.deepEqual([d.outcome, extra(d).state, extra(d).uberized, d.maps], ['UNKNOWN', 'DANCING', true, 1]);
    });

    it('rejects a task whose id names no job and one without an id, and keeps the good one', async () => {
      const db = path.join(tmpDir(), 'w.duckdb');
      const r = await ingest(db, mh('tasks-id-not-a-task-id.json'));
      assert.equal(r.code, 0, r.stderr);
      const rej = await query<Row>(db, `select line, reason from rejected_rows order by line`);
      assert.deepEqual(rej.map((x) => [Number(x.line), x.reason]), [[2, 'a task whose id "t-17" does not name its job'], [3, 'a task without its "id"']]);
      const d = await detail(db, 'application_1700000000000_0012');
      assert.deepEqual(pick(d, ['outcome', 'name', 'task_time_max_s', 'stages']), ['UNKNOWN', null, 4, 1]);
    });

    it('fails a response cut short, at its end\'s line and column', async () => {
      const db = path.join(tmpDir(), 'w.duckdb');
      const r = await ingest(db, mh('job-cut-short.json'));
      assert.equal(r.code, 1);
      assert.match(r.stderr, /job-cut-short\.json: cannot be read as mr-history: not valid JSON: line 16, column 61: the text ends before the JSON does \(cut short\?\)/);
    });

    it('passes over a response beside the job that does not parse (warned), and fails that file on its own', async () => {
      const db = path.join(tmpDir(), 'w.duckdb');
      const r = await ingest(db, mh('counters-beside-not-json'));
      assert.equal(r.code, 1);
      assert.match(r.stderr, /job_1700000000000_0009_counters\.json: not read with job_1700000000000_0009\.json \(the same job's responses\): not valid JSON: line 6, column \d+: expected ',' or '\}' after a property value/);
      assert.match(r.stderr, /failed +\S+job_1700000000000_0009_counters\.json: cannot be read as mr-history: not valid JSON: line 6/);
      const d = await detail(db, 'application_1700000000000_0009');
      assert.deepEqual([d.name, d.maps, d.killed_maps, d.cpu_time_s, extra(d).responses], ['has broken counters beside', 3, 1, null, ['job']]);
    });

    it('refuses, with --format mr-history, a JSON document that is no JobHistory server response', async () => {
      const db = path.join(tmpDir(), 'w.duckdb');
      const file = path.join(tmpDir(), 'metrics.json');
      fs.writeFileSync(file, '{"clusterMetrics": {"appsSubmitted": 1}}');
      const r = await ingest(db, '--format', 'mr-history', file);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot be read as mr-history: not a MapReduce JobHistory server response: JSON whose first key is "clusterMetrics", where one starts with "jobs", "job", "jobCounters"/);
    });
  });

  describe('telling the responses from their content', () => {
    it('places every docs example (and the invalid list), and a conf response, as mr-history', async () => {
      for (const f of fs.readdirSync(mh('hadoop-docs'))) assert.deepEqual(await detectFormat(mh('hadoop-docs', f)), { format: 'mr-history' }, f);
      assert.deepEqual(await detectFormat(mh('failed-job-attempt-errors', 'job_1700000000000_0007_conf.json')), { format: 'mr-history' });
    });

    it('does not take a {"job": …} or {"tasks": …} naming no MapReduce id', async () => {
      const dir = tmpDir();
      for (const [name, text] of [['a.json', '{"job": {"name": "ci build", "status": "ok"}}'], ['b.json', '{"tasks": {"task": [{"id": "T-1"}]}}']]) {
        fs.writeFileSync(path.join(dir, name), text);
        assert.equal((await detectFormat(path.join(dir, name))).format, undefined, name);
      }
    });
  });

  it('finds a JSON fault\'s line and column, and says what is wrong', () => {
    assert.deepEqual(jsonFaultOf('{\n  "a": 1\n  "b": 2\n}'), {
      line: 3, column: 3, what: "expected ',' or '}' after a property value, found '\"'", excerpt: '"b": 2', hint: 'a comma is missing after the value that ends at line 2, column 8',
    });
    assert.deepEqual(pick(jsonFaultOf('{"a": tru}') as unknown as Row, ['line', 'column', 'what']), [1, 7, "unexpected 't' where a value should be"]);
    assert.deepEqual(pick(jsonFaultOf('[1, 2,\n') as unknown as Row, ['line', 'column', 'what']), [2, 1, 'the text ends before the JSON does (cut short?)']);
    assert.equal(jsonFaultOf('{"a": [1, {"b": "é"}]}\n{"c": null}'), undefined);
  });
});

describe('ingest --jhs-url', () => {
  interface Job {
    id: string;
    dir: string;
    /** File name prefix of its responses in `dir`. */
    prefix: string;
    job: Row;
  }
  const jobs: Job[] = [
    { id: 'job_1326381300833_2_2', dir: mh('hadoop-docs'), prefix: 'hs__history_mapreduce_jobs_job_1326381300833_2_2' },
    { id: 'job_1416424547277_0002', dir: mh('teragen-derived-from-jhist'), prefix: 'job_1416424547277_0002' },
    { id: 'job_1700000000000_0007', dir: mh('failed-job-attempt-errors'), prefix: 'job_1700000000000_0007' },
  ].map((j) => ({ ...j, job: JSON.parse(fs.readFileSync(path.join(j.dir, `${j.prefix}.json`), 'utf8')).job }));
  const LIST_FIELDS = ['submitTime', 'state', 'user', 'reducesTotal', 'mapsCompleted', 'startTime', 'id', 'name', 'reducesCompleted', 'mapsTotal', 'queue', 'finishTime'];
  const seen: string[] = [];
  let server: http.Server;
  let url = '';
  let refuse: RegExp | undefined;
  let serveInvalidList = false;
  before(async () => {
    server = http.createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      seen.push(u.pathname + u.search);
      const send = (status: number, body: string) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
      if (refuse?.test(u.pathname + u.search)) return send(500, '{"RemoteException":{"message":"refused"}}');
      if (u.pathname === '/ws/v1/history/mapreduce/jobs') {
        if (serveInvalidList) return send(200, fs.readFileSync(mh('hadoop-docs', INVALID_LIST), 'utf8'));
        const begin = Number(u.searchParams.get('finishedTimeBegin') ?? 0);
        const end = Number(u.searchParams.get('finishedTimeEnd') ?? Infinity);
        const inWindow = jobs.filter((j) => Number(j.job.finishTime) >= begin && Number(j.job.finishTime) <= end);
        return send(200, JSON.stringify({ jobs: { job: inWindow.map((j) => Object.fromEntries(LIST_FIELDS.map((f) => [f, j.job[f]]))) } }));
      }
      const m = /^\/ws\/v1\/history\/mapreduce\/jobs\/(job_[0-9_]+)(?:\/(counters|conf|tasks|jobattempts)(?:\/(task_[0-9_mr]+)\/attempts)?)?$/.exec(u.pathname);
      const job = m && jobs.find((j) => j.id === m[1]);
      if (!job) return send(404, '{"RemoteException":{"message":"not found"}}');
      const file = path.join(job.dir, job.prefix + (m[2] ? `_${m[2]}` : '') + (m[3] ? `_task_${m[3].slice(5)}_attempts` : '') + '.json');
      if (fs.existsSync(file)) return send(200, fs.readFileSync(file, 'utf8'));
      // A job without a conf capture: a conf with no property of note (a server always has one).
      if (m[2] === 'conf' && !m[3]) return send(200, JSON.stringify({ conf: { path: `hdfs://nn/user/${job.job.user}/.staging/${job.id}/job.xml`, property: [] } }));
      return send(404, '{"RemoteException":{"message":"not found"}}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('pulls every job the first time, window by window, with each job\'s responses; then only from the mark', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    seen.length = 0;
    const first = await runCli(['ingest', '--db', db, '--cluster', 'prod', '--jhs-url', url]);
    assert.equal(first.code, 0, first.stderr);
    const lists = seen.filter((s) => s.startsWith('/ws/v1/history/mapreduce/jobs?'));
    // the whole stretch once, then one window at each job's finish (2012, 2014, 2025: a day apart or more)
    assert.equal(lists.length, 4);
    assert.match(lists[0], /^\/ws\/v1\/history\/mapreduce\/jobs\?finishedTimeBegin=1&finishedTimeEnd=\d+$/);
    assert.deepEqual(lists.slice(1).map((s) => Number(/finishedTimeBegin=(\d+)/.exec(s)![1])), [1326381582106, 1416424785433, 1760000200000]);
    assert.deepEqual(lists.slice(1, 3).map((s) => Number(/finishedTimeEnd=(\d+)/.exec(s)![1])), [1326381582106 + 86_400_000, 1416424785433 + 86_400_000]);
    // each job: job, counters, conf, jobattempts, tasks; the failed job also its failed task's attempts
    const details = seen.filter((s) => s.startsWith('/ws/v1/history/mapreduce/jobs/'));
    assert.equal(details.length, 16);
    assert.ok(details.includes('/ws/v1/history/mapreduce/jobs/job_1700000000000_0007/tasks/task_1700000000000_0007_m_000003/attempts'));
    assert.match(first.stdout, /prod \(mr-history\): 3 file\(s\): 3 loaded, .*3 applications read, 3 new or newer, 0 rows rejected/);

    const docsJob = await detail(db, 'application_1326381300833_0002');
    // its list entry and its responses (no failed task: no attempts asked for)
    assert.deepEqual([docsJob.cpu_time_s, extra(docsJob).responses, extra(docsJob).rest_detail], [1.83, ['conf', 'counters', 'job', 'jobattempts', 'jobs', 'tasks'], 5]);
    const failed = await detail(db, 'application_1700000000000_0007');
    // the conf the pull kept is cut to the container sizes: the same sizes
    assert.deepEqual([failed.outcome, failed.maps, failed.task_time_s, failed.map_memory_mb, failed.reduce_memory_mb], ['FAILED', 8, 155, 4096, 8192]);
    assert.match(String(failed.failure_reason), /; Error: Java heap space \(3 attempts\); Container/);
    const runs = await query<{ file: string }>(db, `select file from ingest_runs order by id`);
    assert.deepEqual(runs.map((x) => x.file), lists.slice(1).map((s) => url + s));
    const [mark] = await query<{ source: string; mark_ms: bigint }>(db, `select source, mark_ms from ingest_marks`);
    assert.equal(mark.source, `${url}/ws/v1/history/mapreduce/jobs`);
    assert.equal(Number(mark.mark_ms), Number(/finishedTimeEnd=(\d+)/.exec(lists[0])![1]), 'the mark is the end of the stretch');

    seen.length = 0;
    const second = await runCli(['ingest', '--db', db, '--cluster', 'prod', '--jhs-url', url + '/']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(seen.length, 1, 'nothing new: one request');
    assert.equal(Number(/finishedTimeBegin=(\d+)/.exec(seen[0])![1]), Number(mark.mark_ms), 'from the mark');
    assert.match(second.stdout, /1 loaded, .*0 applications read/);
  });

  it('loads a job whose counters the server refuses from what it did give, names the URL, and exits 1', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    refuse = /job_1416424547277_0002\/counters$/;
    try {
      const r = await runCli(['ingest', '--db', db, '--jhs-url', url]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`refused 1 response\\(s\\) of single jobs.*\\n  ${url}/ws/v1/history/mapreduce/jobs/job_1416424547277_0002/counters: HTTP 500`, 's'));
      const d = await detail(db, 'application_1416424547277_0002');
      assert.deepEqual([d.name, d.maps, d.cpu_time_s, extra(d).responses], ['TeraGen', 2, null, ['conf', 'job', 'jobattempts', 'jobs', 'tasks']]);
      const [mark] = await query<{ n: bigint }>(db, `select count(*) as n from ingest_marks`);
      assert.equal(Number(mark.n), 1, 'the pull went on: one refused job does not hold it back');
    } finally {
      refuse = undefined;
    }
  });

  it('stops when the server refuses the jobs list, keeping the mark where it was', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    refuse = /^\/ws\/v1\/history\/mapreduce\/jobs\?/;
    try {
      const r = await runCli(['ingest', '--db', db, '--jhs-url', url]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\/ws\/v1\/history\/mapreduce\/jobs\?finishedTimeBegin=1&finishedTimeEnd=\d+: the JobHistory server answered HTTP 500 Internal Server Error\. Windows already loaded are kept/);
      assert.equal((await query(db, `select * from ingest_marks`)).length, 0);
    } finally {
      refuse = undefined;
    }
  });

  it('fails a jobs list that is not valid JSON with its line and column, under its URL, and keeps no mark', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    serveInvalidList = true;
    try {
      const r = await runCli(['ingest', '--db', db, '--jhs-url', url]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\/ws\/v1\/history\/mapreduce\/jobs\?finishedTimeBegin=1&finishedTimeEnd=\d+: cannot be read as mr-history: not valid JSON: line 20, column 13/);
      assert.equal((await query(db, `select * from ingest_marks`)).length, 0);
    } finally {
      serveInvalidList = false;
    }
  });

  it('says clearly when the server cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const r = await runCli(['ingest', '--db', path.join(tmpDir(), 'w.duckdb'), '--jhs-url', `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /http:\/\/127\.0\.0\.1:\d+\/ws\/v1\/history\/mapreduce\/jobs\?finishedTimeBegin=1&finishedTimeEnd=\d+: could not reach the JobHistory server \(ECONNREFUSED\)\. Check the address/);
  });

  it('refuses --jhs-url with files, or with --format of another format (exit 2)', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const a = await runCli(['ingest', '--db', db, '--jhs-url', url, mh('jobs-list-empty-null.json')]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /give --jhs-url alone/);
    const b = await runCli(['ingest', '--db', db, '--jhs-url', url, '--format', 'jhist']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--jhs-url reads mr-history/);
  });

  it('plans windows from the mark, or the first job, skipping stretches without jobs', () => {
    const h = 3_600_000;
    assert.deepEqual(planWindows([], 5, 100, 10), [[5, 100]]);
    assert.deepEqual(planWindows([50, 52, 70, 95], 0, 100, 10), [[50, 60], [70, 80], [95, 100]]);
    assert.deepEqual(planWindows([12, 30], 10, 100, 10), [[10, 20], [30, 40]]);
    assert.deepEqual(planWindows([20 * h], 0, 30 * h, 24 * h), [[20 * h, 30 * h]]);
  });
});
