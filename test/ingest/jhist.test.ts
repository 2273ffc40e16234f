/**
 * MapReduce JobHistory .jhist files (src/ingest/jhist.ts), through the CLI: the real captures
 * from Hadoop 0.23 to 2.x (test/fixtures/jhist/README.md) and hand-made edge cases. Expected
 * values are worked out by hand from the files' events.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, before } from 'node:test';
import { fixture, job, query, runCli, tmpDir } from '../helpers.js';

const jh = (...f: string[]) => fixture('jhist', ...f);
const ingest = (db: string, ...args: string[]) => runCli(['ingest', '--db', db, '--cluster', 'mr', ...args]);

const TERAGEN = 'job_1416424547277_0002-1416424775281-root-TeraGen-1416424785433-2-0-SUCCEEDED-default-1416424779349.jhist';

/** An app_details row by YARN application id, timestamps as ISO text, JSON as parsed values. */
async function detail(db: string, jobId: string): Promise<Record<string, unknown>> {
  const rows = await query(
    db,
    `select * replace (strftime(start_time, '%Y-%m-%d %H:%M:%S.%g') as start_time, strftime(end_time, '%Y-%m-%d %H:%M:%S.%g') as end_time,
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

describe('jhist', () => {
  describe('every real capture (Hadoop 0.23, 2.0.3-alpha, 2.4.0, 2.x; succeeded and failed)', () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const files = [
      ...fs.readdirSync(jh()).filter((f) => f.startsWith('job_') && f.endsWith('.jhist')).map((f) => jh(f)),
      ...fs.readdirSync(jh('dr-elephant')).filter((f) => f.endsWith('.jhist')).map((f) => jh('dr-elephant', f)),
    ];
    let out = '';
    before(async () => {
      assert.equal(files.length, 10);
      const r = await ingest(db, '--format', 'jhist', ...files);
      assert.equal(r.code, 0, r.stderr);
      out = r.stdout + r.stderr;
    });

    it('loads all ten files, none rejected or warned about; the two files of job_1329348432655_0001 are one application', async () => {
      assert.match(out, /10 file\(s\): 10 loaded, 0 skipped \(already loaded\), 0 failed; 10 applications read, 9 new or newer, 0 rows rejected/);
      assert.doesNotMatch(out, /warning/i);
      const [n] = await query<{ n: bigint; jobs: bigint }>(db, `select count(*) as n, (select count(*) from jobs where source = 'mapreduce') as jobs from app_details`);
      assert.deepEqual([Number(n.n), Number(n.jobs)], [9, 9]);
    });

    it('maps the 2012 Sleep job (old schema: no workflow fields, no MILLIS_* counters) with its _conf.xml', async () => {
      // job_1329348432655_0001-10.jhist; the other file of the job (2 reduce attempts) ends at the same moment
      // and was loaded first, so the later-loaded file of the pair stands: check what both files agree on.
      const d = await detail(db, 'application_1329348432655_0001');
      assert.equal(d.app_id, 'job_1329348432655_0001');
      assert.equal(d.attempt_id, 'appattempt_1329348432655_0001_000001');
      assert.deepEqual([d.name, d.user, d.queue, d.outcome], ['Sleep job', 'user', 'default', 'SUCCEEDED']);
      // JobInited launchTime 1329348448308, JobFinished finishTime 1329348468601
      assert.deepEqual([d.start_time, d.end_time], ['2012-02-15 23:27:28.308', '2012-02-15 23:27:48.601']);
      assert.equal((d.extra as Record<string, unknown>).submit_time, '2012-02-15T23:27:23.227Z');
      assert.deepEqual([d.maps, d.failed_maps, d.killed_maps], [10, 0, 0]);
      // totalCounters: CPU_MILLISECONDS 4460, GC_TIME_MILLIS 2256, HDFS_BYTES_READ 480, SPILLED_RECORDS 20,
      // MAP_OUTPUT_RECORDS 10, PHYSICAL_MEMORY_BYTES 1923493888, REDUCE_SHUFFLE_BYTES 120
      assert.deepEqual(
        [d.cpu_time_s, d.gc_time_s, d.input_bytes, d.spilled_records, d.output_records, d.physical_memory_bytes, d.shuffle_read_bytes],
        [4.46, 2.256, 480, 20, 10, 1923493888, 120],
      );
      assert.equal(d.task_time_s, null, 'this schema has only SLOTS_MILLIS_*, no MILLIS_MAPS/MILLIS_REDUCES');
      assert.deepEqual([d.map_memory_mb, d.reduce_memory_mb], [512, 512]); // job_1329348432655_0001_conf.xml
      assert.equal((d.counters as Record<string, Record<string, number>>)['org.apache.hadoop.mapreduce.JobCounter'].TOTAL_LAUNCHED_MAPS, 10);
    });

    it('maps the map-only TeraGen job (2.x, Avro unions): one stage, MILLIS_MAPS as task time, attempt times', async () => {
      const d = await detail(db, 'application_1416424547277_0002');
      assert.deepEqual([d.name, d.user, d.outcome, d.stages, d.maps, d.reduces, d.tasks, d.executors], ['TeraGen', 'root', 'SUCCEEDED', 1, 2, 0, 2, 2]);
      assert.equal(d.task_time_s, 5.956); // MILLIS_MAPS 5956
      assert.deepEqual([d.input_bytes, d.output_bytes, d.spill_disk_bytes], [158, 10000, 193172]); // no map output: all FILE_BYTES_WRITTEN
      const [map] = d.stage_list as Record<string, unknown>[];
      assert.equal((d.stage_list as unknown[]).length, 1);
      assert.deepEqual([map.name, map.status, map.tasks, map.gc_time_s, map.output_bytes], ['map', 'SUCCEEDED', 2, 0.07, 10000]);
      // the attempts ran 2.975 and 2.981 s: the median of two is their mean
      assert.deepEqual([map.task_time_min_s, map.task_time_median_s, map.task_time_max_s], [2.975, 2.978, 2.981]);
      assert.equal(d.map_memory_mb, null, 'no _conf.xml beside it');
    });

    it('maps a dr-elephant done/ job with its conf: MILLIS_MAPS + MILLIS_REDUCES equals the attempts\' run times', async () => {
      const d = await detail(db, 'application_1526555215992_0001');
      // map attempt 1526555651139 → 1526555653236 (2.097 s), reduce 1526555656049 → 1526555658260 (2.211 s)
      assert.equal(d.task_time_s, 4.308);
      assert.equal(d.task_time_max_s, 2.211);
      assert.deepEqual([d.start_time, d.end_time], ['2018-05-17 11:14:08.931', '2018-05-17 11:14:18.299']);
      assert.deepEqual([d.stages, d.maps, d.reduces, d.shuffle_write_bytes, d.shuffle_read_bytes], [2, 1, 1, 28, 28]);
      assert.deepEqual([d.map_memory_mb, d.reduce_memory_mb], [1024, 1024]);
      assert.equal((d.extra as Record<string, unknown>).workflow_id, null, 'workflowId {"string": ""} is no workflow');
    });

    it('gives a failed job its diagnostics and the failed attempts\' error (2.4.0)', async () => {
      const d = await detail(db, 'application_1400204860297_0001');
      assert.equal(d.outcome, 'FAILED');
      assert.equal(
        d.failure_reason,
        'Task failed task_1400204860297_0001_m_000000\nJob failed as tasks failed. failedMaps:1 failedReduces:0; Error: java.lang.RuntimeException: Intentional map failure (4 attempts)',
      );
      assert.deepEqual([d.start_time, d.end_time], ['2014-05-16 01:49:42.867', '2014-05-16 01:50:04.196']);
      assert.deepEqual([d.maps, d.failed_maps, d.tasks, d.failed_tasks, d.stages, d.failed_stages], [4, 4, 4, 4, 2, 1]);
      assert.equal(d.cpu_time_s, null, 'a failed job logs no job counters');
      assert.equal(d.counters, null);
      const [map, reduce] = d.stage_list as Record<string, unknown>[];
      assert.deepEqual([map.status, map.failed_tasks, reduce.status, reduce.tasks], ['FAILED', 4, 'KILLED', 0]);
    });

    it('counts the 0.23.9 failed job\'s killed attempt (its schema has no diagnostics)', async () => {
      const d = await detail(db, 'application_1399356417814_19732');
      assert.deepEqual([d.outcome, d.user, d.queue, d.maps, d.failed_maps, d.killed_maps, d.killed_tasks], ['FAILED', 'rushabhs', 'unfunded', 8, 7, 1, 1]);
      assert.equal(d.failure_reason, 'Error: java.lang.RuntimeException: Intentional map failure (7 attempts)');
    });

    it('gives each detail a jobs row under its YARN application id, with its job key', async () => {
      const j = await job(db, 'application_1393307629410_0001', 'mr');
      assert.deepEqual([j.source, j.state, j.app_type, j.name], ['mapreduce', 'FAILED', 'MAPREDUCE', 'Sleep job']);
      assert.equal(j.job_key, 'Sleep job [user@default]', 'keyed by the same rules as any job: name, user, queue');
      assert.equal(j.diagnostics, 'AttemptID:attempt_1393307629410_0001_m_000000_0 Timed out after 5 secs');
    });
  });

  it('loads a file whose schema lacks totalCounters and workflowId, with those figures null', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, '--format', 'jhist', jh('jhist-no-totalcounters-no-workflowid.jhist'));
    assert.equal(r.code, 0, r.stderr);
    const d = await detail(db, 'application_1700000000000_0001');
    assert.deepEqual([d.outcome, d.maps, d.stages, d.start_time, d.end_time], ['SUCCEEDED', 2, 1, '2023-11-14 22:13:24.000', '2023-11-14 22:14:00.000']);
    assert.deepEqual([d.counters, d.task_time_s, d.cpu_time_s, d.input_bytes, d.spill_disk_bytes], [null, null, null, null, null]);
    // attempts of 10 s and 30 s
    assert.deepEqual([d.task_time_median_s, d.task_time_max_s], [20, 30]);
    assert.equal((d.extra as Record<string, unknown>).workflow_id, null);
  });

  it('keeps an unknown event type counted in extra and warns once', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, '--format', 'jhist', jh('jhist-unknown-event-type.jhist'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(/JOB_DANCED/g)?.length, 1, r.stderr);
    const d = await detail(db, 'application_1700000000000_0001');
    assert.deepEqual((d.extra as Record<string, unknown>).unknown_events, { JOB_DANCED: 2 });
    assert.equal(d.maps, 2);
  });

  it('rejects a line that is not JSON with its line number, and loads the rest', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, '--format', 'jhist', jh('jhist-line-not-json.jhist'));
    assert.equal(r.code, 0, r.stderr);
    const rej = await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows`);
    assert.deepEqual(rej.map((x) => [Number(x.line), x.reason]), [[22, 'not JSON']]);
    const d = await detail(db, 'application_1700000000000_0001');
    assert.deepEqual([d.outcome, d.maps], ['SUCCEEDED', 2]);
  });

  it('refuses a file that is not Avro-Json', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, '--format', 'jhist', jh('jhist-not-avro-json.csv'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /jhist-not-avro-json\.csv.*not a MapReduce JobHistory file: the first line is "jobid,name,user", not "Avro-Json"/);
    const [n] = await query<{ n: bigint }>(db, `select count(*) as n from app_details`);
    assert.equal(Number(n.n), 0);
  });

  for (const order of ['jhist first', 'RM record first'] as const) {
    it(`keeps one job for an app the RM and a .jhist both describe (${order})`, async () => {
      const db = path.join(tmpDir(), 'w.duckdb');
      const loads = [['--format', 'jhist', jh(TERAGEN)], ['--format', 'yarn-apps', jh('rm-apps-same-app-as-teragen.json')]];
      for (const args of order === 'jhist first' ? loads : loads.reverse()) {
        const r = await ingest(db, ...args);
        assert.equal(r.code, 0, r.stderr);
      }
      const rows = await query<{ source: string }>(db, `select source from jobs where job_id = 'application_1416424547277_0002'`);
      assert.deepEqual(rows.map((x) => x.source), ['yarn']);
      const [n] = await query<{ n: bigint }>(db, `select count(*) as n from app_details where job_id = 'application_1416424547277_0002'`);
      assert.equal(Number(n.n), 1);
    });
  }
});
