/**
 * spark_memory_over_request_by_job_key over a hand-made warehouse, the expected values worked out
 * by hand. Cluster `c`, UTC, period 2026-Q3 = [2026-07-01, 2026-10-01).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWarehouse } from '../../src/warehouse/open.js';
import { defaultSettings } from '../../src/settings.js';
import { parsePeriod } from '../../src/analyze/period.js';
import { clusterContext, periodParams, prepareConnection } from '../../src/analyze/context.js';
import { runSqlFile } from '../../src/warehouse/run-sql-file.js';

const close = (a: unknown, b: number, what: string) => assert.ok(typeof a === 'number' && Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${String(a)} ≠ ${b}`);
const GiB = 1073741824;

test('Spark memory over-request: executors\' containers asked vs their peak use, per job key', async () => {
  const wh = await openWarehouse(':memory:');
  try {
    const s = defaultSettings();
    s.teams = { t2: { users: [], queues: ['q2'], accounts: [], paths: [] } };
    s.prices = { currency: 'EUR', memoryGbHour: 0.01 };
    await prepareConnection(wh.conn, s);
    const ctx = await clusterContext(wh.conn, s, 'c', 'UTC', parsePeriod('2026-Q3'));
    // s1: 8,192 MB asked an executor; peak RSS 2 GiB = 2,048 MB (the heap's 1 GiB is not used: RSS wins);
    //     ratio 4; unused 6,144 MB = 6 GB × busy time 40 h of tasks ÷ 4 cores = 10 h → 60 GB-h.
    // s2: 4,096 MB asked; no RSS: heap 1.5 GiB + off-heap 0.5 GiB = 2,048 MB; ratio 2; 2 GB × (16 h of tasks ÷ 2 cores
    //     = 8 h) = 16 GB-h. Together 76 GB-h, at 0.01 EUR a GB-hour 0.76 EUR.
    // s3: no executor metrics (Spark 2): not judged.  s4: another key, 2,048 asked, 1,536 used (ratio 1.33).
    // s5: the same key as s1, started in Q2: not in the period.
    await wh.conn.run(`insert into jobs (cluster, job_id, source, "user", queue, state, job_key, start_time, elapsed_s) values
      ('c', 's1', 'yarn', 'hana', 'q2', 'SUCCEEDED', 'spark-x', '2026-08-01 00:00:00', 3600),
      ('c', 's2', 'yarn', 'hana', 'q2', 'SUCCEEDED', 'spark-x', '2026-08-02 00:00:00', 3600),
      ('c', 's3', 'yarn', 'hana', 'q2', 'SUCCEEDED', 'spark-x', '2026-08-03 00:00:00', 3600),
      ('c', 's4', 'yarn', 'ivan', 'q9', 'SUCCEEDED', 'spark-y', '2026-08-04 00:00:00', 3600),
      ('c', 's5', 'yarn', 'hana', 'q2', 'SUCCEEDED', 'spark-x', '2026-06-30 00:00:00', 3600)`);
    await wh.conn.run(`insert into app_details (cluster, job_id, source, framework, outcome, executor_cores, task_time_s, executor_request_mb,
                         executor_peak_heap_bytes, executor_peak_offheap_bytes, executor_peak_rss_bytes) values
      ('c', 's1', 'spark-events', 'SPARK', 'SUCCEEDED', 4, 144000, 8192, ${GiB}, ${GiB / 4}, ${2 * GiB}),
      ('c', 's2', 'spark-history', 'SPARK', 'SUCCEEDED', 2, 57600, 4096, ${1.5 * GiB}, ${GiB / 2}, null),
      ('c', 's3', 'spark-events', 'SPARK', 'SUCCEEDED', 4, 99999, 8192, null, null, null),
      ('c', 's4', 'spark-events', 'SPARK', 'SUCCEEDED', 4, 3600, 2048, ${1.5 * GiB}, null, null),
      ('c', 's5', 'spark-events', 'SPARK', 'SUCCEEDED', 4, 144000, 65536, ${GiB}, null, null)`);
    const run = (min: number) => runSqlFile(wh.conn, 'spark_memory_over_request_by_job_key', { cluster: 'c', ...periodParams(ctx.period), min_ratio: min, top: 10 });
    const rows = await run(2);
    assert.deepEqual(rows.map((r) => r.job_key), ['spark-x']);
    const [k] = rows;
    assert.deepEqual([k.owner, k.team, k.apps], ['hana', 't2', 2]);
    close(k.median_asked_mb, (8192 + 4096) / 2, 'median asked');
    close(k.median_used_mb, 2048, 'median used');
    close(k.median_ratio, (4 + 2) / 2, 'median ratio');
    close(k.unused_gb_hours, 76, 'unused GB-h');
    close(k.unused_cost, 0.76, 'unused cost');
    assert.equal(k.currency, 'EUR');
    // spark-y's ratio 2,048 ÷ 1,536 = 1.33 is listed only with a lower bar; spark-x's 3 is not above 3.5.
    assert.deepEqual((await run(1.3)).map((r) => r.job_key), ['spark-x', 'spark-y']);
    assert.deepEqual(await run(3.5), []);
  } finally {
    wh.close();
  }
});
