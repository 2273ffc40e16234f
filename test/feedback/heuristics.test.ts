/**
 * The per-job heuristics over a small hand-made warehouse, every expected value worked out by hand.
 *
 * Cluster `c`, UTC. Capacity (RM snapshot): 100 vcores from 2026-06-01. Prices: 0.5 EUR a
 * vcore-hour, 0.01 EUR a GB-hour. Evaluated: the jobs that ended in [2026-07-10, 2026-07-11).
 * Settings: the defaults but a burn window of 10 days: [07-01, 07-11) → 240 h × 100 = 24,000
 * vcore-hours of capacity.
 *
 *   etl   bob, daily at 00:00, 1 h, 10 vcores (10 vcore-h a run): 07-05 SUCCEEDED, 07-06 … 07-10
 *         FAILED, and 07-12 FAILED (after the window: not in b10's streak, not in the burn).
 *         b10 (07-10): streak 5 (07-06 → 07-10) → severe [2, 3, 5, 10]; burn 50 vcore-h, 25 EUR.
 *         Burn share: 5 failed runs in the window, 50 / 24,000 = 0.0020833 → low [0.001, 0.005, …].
 *   once  carol, one run 07-10 02:00, 1 h, 10 vcores, FAILED: streak 1 and 10 / 24,000 = 0.000417,
 *         both none (listed only with includeNone).
 *   e1    erin (Slurm-like) 07-10 03:00, 1 h, 4 CPUs (4 vcore-h), asked 8,192 MB, MaxRSS 1,024:
 *         memory 8 → critical [2, 3, 4, 8], unused 7 GB × 1 h = 7 GB-h, 0.07 EUR; limit 10 h ÷ 1 h
 *         = 10 → severe [3, 5, 10, 50]; waited 7,200 s = 2 h → low [1 h, 3 h, 6 h, 24 h].
 *   e2    erin, 120 s (a tiny job, under 300 s): asked 65,536 MB, MaxRSS 1 — not judged for memory
 *         or time; waited 30,000 s = 8.33 h → severe (waiting is not an efficiency verdict).
 *   h1    hdfs (a superuser) 07-10 05:00, 2 h, 1 vcore: superuser → severe (default), 2 vcore-h.
 *   m1    MapReduce map-only, 07-10 06:00, 1,200 s, 2 vcore-h: 10 maps of 2,048 MB using 10 GiB in
 *         all (1,024 MB a task): memory 2 → low; GC 10 s of 1,000 → 0.01, none; no reduces: no
 *         spill verdict, even with includeNone.
 *   m2    MapReduce 07-10 07:00, 1,800 s, 3 vcore-h: 4 maps + 1 reduce; spilled 2,500 ÷ 1,000
 *         output records = 2.5 → severe [2.01, 2.2, 2.5, 3]; GC 120 of 1,000 s = 0.12 → moderate
 *         [0.08, 0.1, 0.15, 0.2]; 1 failed attempt of 5 = 0.2 → severe [0.05, 0.1, 0.2, 0.4]; stage
 *         map: longest 300 s ÷ median 100 s = 3 → low [2, 4, 8, 16] (reduce: 400 ÷ 400 = 1);
 *         no memory figures.
 *   s1    Spark 07-10 08:00, 3,600 s, 8 vcore-h: executors ask 4,096 MB, the largest peak heap
 *         1,024 + off-heap 512 MiB = 1,536 MB: 2.6667 → low; busy 7,200 task-s ÷ 2 cores = 1 h:
 *         unused (4,096 − 1,536) / 1,024 = 2.5 GB-h, 0.025 EUR. Its skew stage's longest task
 *         (200 s) is under 300 s: not judged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWarehouse, type Warehouse } from '../../src/warehouse/open.js';
import { defaultSettings, type Settings } from '../../src/settings.js';
import { parseSettings } from '../../src/settings-parse.js';
import { findingsFor, type Finding } from '../../src/feedback/heuristics.js';

const close = (a: unknown, b: number, what: string) => assert.ok(typeof a === 'number' && Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${String(a)} ≠ ${b}`);

function settings(): Settings {
  const s = defaultSettings();
  s.prices = { currency: 'EUR', vcoreHour: 0.5, memoryGbHour: 0.01 };
  s.feedback.heuristics.burnWindowDays = 10;
  return s;
}

type Job = Record<string, string | number | null>;
const day = (d: number, h = 0) => `2026-07-${String(d).padStart(2, '0')} ${String(h).padStart(2, '0')}:00:00`;

async function warehouse(): Promise<Warehouse> {
  const wh = await openWarehouse(':memory:');
  const c = wh.conn;
  await c.run(`insert into capacity_snapshots (cluster, taken_at, total_vcores, total_memory_mb) values ('c', '2026-06-01 00:00:00', 100, 1024000)`);
  const jobs: Job[] = [
    ...[5, 6, 7, 8, 9, 10, 12].map((d) => ({ job_id: `b${d}`, user: 'bob', job_key: 'etl', state: d === 5 ? 'SUCCEEDED' : 'FAILED', start: day(d), elapsed_s: 3600, vcores: 10 })),
    { job_id: 'once', user: 'carol', job_key: 'once', state: 'FAILED', start: day(10, 2), elapsed_s: 3600, vcores: 10 },
    { job_id: 'e1', user: 'erin', job_key: 'sim', state: 'SUCCEEDED', start: day(10, 3), elapsed_s: 3600, vcores: 4, req_memory_mb: 8192, max_rss_mb: 1024, time_limit_s: 36000, wait_s: 7200 },
    { job_id: 'e2', user: 'erin', job_key: 'sim', state: 'SUCCEEDED', start: day(10, 4), elapsed_s: 120, vcores: 4, req_memory_mb: 65536, max_rss_mb: 1, time_limit_s: 36000, wait_s: 30000 },
    { job_id: 'h1', user: 'hdfs', job_key: 'fsck', state: 'SUCCEEDED', start: day(10, 5), elapsed_s: 7200, vcores: 1 },
    { job_id: 'm1', user: 'mo', job_key: 'export', state: 'SUCCEEDED', start: day(10, 6), elapsed_s: 1200, vcores: 6 },
    { job_id: 'm2', user: 'mo', job_key: 'join', state: 'SUCCEEDED', start: day(10, 7), elapsed_s: 1800, vcores: 6 },
    { job_id: 's1', user: 'sam', job_key: 'spark', state: 'SUCCEEDED', start: day(10, 8), elapsed_s: 3600, vcores: 8 },
  ];
  for (const j of jobs) {
    await c.run(
      `insert into jobs (cluster, job_id, source, "user", state, job_key, name, start_time, end_time, elapsed_s, vcore_seconds,
                         req_memory_mb, max_rss_mb, time_limit_s, wait_s)
       values ('c', $job_id, 'test', $user, $state, $job_key, $job_key, cast($start as timestamp), cast($start as timestamp) + to_seconds($elapsed_s),
               $elapsed_s, $vcore_seconds, $req, $rss, $limit, $wait)`,
      {
        job_id: j.job_id, user: j.user, state: j.state, job_key: j.job_key, start: j.start, elapsed_s: j.elapsed_s,
        vcore_seconds: Number(j.vcores) * Number(j.elapsed_s), req: j.req_memory_mb ?? null, rss: j.max_rss_mb ?? null,
        limit: j.time_limit_s ?? null, wait: j.wait_s ?? null,
      },
    );
  }
  await c.run(`insert into app_details (cluster, job_id, source, framework, outcome, maps, reduces, map_memory_mb, physical_memory_bytes,
                 task_time_s, gc_time_s, tasks, failed_tasks, stages, failed_stages, spilled_records, output_records, stage_list) values
    ('c', 'm1', 'jhist', 'MAPREDUCE', 'SUCCEEDED', 10, 0, 2048, 10 * 1073741824::bigint, 1000, 10, 10, 0, 1, 0, 0, 1000,
     '[{"stage_id":"map","tasks":10,"task_time_median_s":100,"task_time_max_s":110}]'),
    ('c', 'm2', 'jhist', 'MAPREDUCE', 'SUCCEEDED', 4, 1, null, null, 1000, 120, 5, 1, 2, 0, 2500, 1000,
     '[{"stage_id":"map","tasks":4,"task_time_median_s":100,"task_time_max_s":300},{"stage_id":"reduce","tasks":1,"task_time_median_s":400,"task_time_max_s":400}]')`);
  await c.run(`insert into app_details (cluster, job_id, source, framework, outcome, executor_cores, executor_request_mb,
                 executor_peak_heap_bytes, executor_peak_offheap_bytes, task_time_s, stage_list) values
    ('c', 's1', 'spark-events', 'SPARK', 'SUCCEEDED', 2, 4096, 1024 * 1048576, 512 * 1048576, 7200,
     '[{"stage_id":"0","name":"map at X.scala:1","tasks":8,"task_time_median_s":10,"task_time_max_s":200}]')`);
  return wh;
}

async function evaluate(s: Settings, sel: { jobId: string } | { since: string; until: string } = { since: '2026-07-10', until: '2026-07-11' }, includeNone = false): Promise<Finding[]> {
  const wh = await warehouse();
  try {
    return await findingsFor(wh.conn, s, { cluster: 'c', includeNone, ...sel });
  } finally {
    wh.close();
  }
}

const verdicts = (fs: Finding[]) => fs.map((f) => `${f.jobId} ${f.heuristic} ${f.severity}`);
const one = (fs: Finding[], job: string, h: Finding['heuristic']) => {
  const found = fs.filter((f) => f.jobId === job && f.heuristic === h);
  assert.equal(found.length, 1, `${job} ${h}`);
  return found[0];
};

test('the findings of a day, by end time (m1 ends 06:20, before h1 at 07:00), each heuristic graded by the default bands', async () => {
  const fs = await evaluate(settings());
  assert.deepEqual(verdicts(fs), [
    'b10 chronic_failure severe', 'b10 failure_burn_share low',
    'e1 memory_over_request critical', 'e1 time_limit_over_request severe', 'e1 queue_wait low',
    'e2 queue_wait severe',
    'm1 memory_over_request low',
    'h1 superuser severe',
    'm2 gc_share moderate', 'm2 task_failure_rate severe', 'm2 task_skew low', 'm2 spill severe',
    's1 memory_over_request low',
  ]);
});

test('chronic failure: the failed runs in a row up to the job (not after it), their burn and cost; burn share of capacity over the window', async () => {
  const fs = await evaluate(settings());
  const chronic = one(fs, 'b10', 'chronic_failure');
  assert.equal(chronic.heuristic === 'chronic_failure' && chronic.numbers.streak, 5);
  assert.deepEqual(chronic.numbers, { streak: 5, streak_since: '2026-07-06T00:00:00.000Z', vcore_hours: 50, memory_gb_hours: 0, gpu_hours: 0, cost: 25, currency: 'EUR' });
  assert.deepEqual([chronic.user, chronic.jobKey, chronic.team, chronic.endTime], ['bob', 'etl', 'unassigned', '2026-07-10T01:00:00.000Z']);
  const burn = one(fs, 'b10', 'failure_burn_share');
  close(burn.value, 50 / 24000, 'share');
  assert.ok(burn.heuristic === 'failure_burn_share');
  assert.deepEqual(
    { ...burn.numbers, share_of_capacity: 0 },
    { window_start: '2026-07-01T00:00:00Z', window_end: '2026-07-11T00:00:00Z', runs: 6, failed_runs: 5, failed_vcore_hours: 50, capacity_vcore_hours: 24000, share_of_capacity: 0, cost: 25, currency: 'EUR' },
  );
});

test('a key with one run: streak 1 and a small burn are graded none, shown only with includeNone', async () => {
  const fs = await evaluate(settings(), undefined, true);
  const chronic = one(fs, 'once', 'chronic_failure');
  assert.deepEqual([chronic.value, chronic.severity], [1, 'none']);
  const burn = one(fs, 'once', 'failure_burn_share');
  close(burn.value, 10 / 24000, 'one run share');
  assert.equal(burn.severity, 'none');
  // b5 succeeded: no chronic verdict at all; the successful jobs have no failure rows
  assert.equal(fs.filter((f) => f.jobId !== 'b10' && f.jobId !== 'once' && f.heuristic.startsWith('chronic')).length, 0);
});

test('memory asked ÷ used: Slurm, MapReduce task containers and Spark executors, with the unused GB-hours and their cost', async () => {
  const fs = await evaluate(settings());
  const e1 = one(fs, 'e1', 'memory_over_request');
  assert.deepEqual(e1.numbers, { basis: 'job (requested vs largest step MaxRSS)', asked_mb: 8192, used_mb: 1024, ratio: 8, unused_gb_hours: 7, unused_cost: 0.07, currency: 'EUR' });
  const m1 = one(fs, 'm1', 'memory_over_request');
  assert.equal(m1.heuristic === 'memory_over_request' && m1.numbers.basis, 'MapReduce task container');
  assert.deepEqual([m1.value, m1.severity], [2, 'low']);
  const s1 = one(fs, 's1', 'memory_over_request');
  close(s1.value, 4096 / 1536, 'Spark ratio');
  assert.ok(s1.heuristic === 'memory_over_request');
  close(s1.numbers.unused_gb_hours, 2.5, 'Spark unused GB-h');
  close(s1.numbers.unused_cost, 0.025, 'Spark unused cost');
  const t = one(fs, 'e1', 'time_limit_over_request');
  assert.deepEqual(t.numbers, { time_limit_hours: 10, elapsed_hours: 1, ratio: 10 });
  const w = one(fs, 'e1', 'queue_wait');
  assert.deepEqual([w.value, w.severity], [7200, 'low']);
});

test('a tiny job is not judged for efficiency, even with includeNone; its long wait still is', async () => {
  const fs = await evaluate(settings(), undefined, true);
  assert.deepEqual(verdicts(fs.filter((f) => f.jobId === 'e2')), ['e2 queue_wait severe']);
});

test('MapReduce and Spark detail: GC share, task failures, skew, spill; a map-only job gets no spill verdict', async () => {
  const fs = await evaluate(settings(), undefined, true);
  assert.deepEqual(one(fs, 'm2', 'spill').numbers, { spilled_records: 2500, output_records: 1000, spilled_per_output_record: 2.5 });
  assert.deepEqual(one(fs, 'm2', 'gc_share').numbers, { gc_time_s: 120, task_time_s: 1000, gc_share: 0.12 });
  assert.deepEqual(one(fs, 'm2', 'task_failure_rate').numbers, { tasks: 5, failed_tasks: 1, task_failure_rate: 0.2, stages: 2, failed_stages: 0, stage_failure_rate: 0 });
  assert.deepEqual(one(fs, 'm2', 'task_skew').numbers, { stage_id: 'map', stage_name: null, tasks: 4, median_task_s: 100, max_task_s: 300, max_over_median: 3 });
  assert.equal(fs.filter((f) => f.jobId === 'm1' && f.heuristic === 'spill').length, 0, 'map-only: no spill verdict');
  const gc = one(fs, 'm1', 'gc_share');
  assert.deepEqual([gc.value, gc.severity], [0.01, 'none']);
  assert.equal(fs.filter((f) => f.jobId === 's1' && f.heuristic === 'task_skew').length, 0, 'longest task under min_run_seconds');
});

test('one job by id: only its findings, the burn window ending at its end', async () => {
  const fs = await evaluate(settings(), { jobId: 'b10' });
  assert.deepEqual(verdicts(fs), ['b10 chronic_failure severe', 'b10 failure_burn_share low']);
  // window [06-30 01:00, 07-10 01:00): still 240 h, 24,000 vcore-h; b6–b10 all started in it
  const burn = one(fs, 'b10', 'failure_burn_share');
  close(burn.value, 50 / 24000, 'share over the window ending at the job');
  assert.ok(burn.heuristic === 'failure_burn_share');
  assert.deepEqual([burn.numbers.window_start, burn.numbers.window_end], ['2026-06-30T01:00:00Z', '2026-07-10T01:00:00Z']);
});

test('thresholds from the settings file: other bands, a heuristic off, the superuser severity', async () => {
  const yaml = {
    prices: { currency: 'EUR', vcore_hour: 0.5 },
    feedback: {
      burn_window_days: 10,
      superuser_severity: 'low',
      min_run_seconds: 60,
      min_vcore_hours: 0,
      thresholds: { chronic_failure: [1, 2, 3, 4], memory_over_request: 'off', queue_wait_hours: [0.5, 1, 2, 9] },
    },
  };
  const s = parseSettings(yaml, 'gazette.yaml');
  assert.deepEqual(s.feedback.heuristics.bands.queue_wait, [1800, 3600, 7200, 32400]);
  const fs = await evaluate(s);
  // streak 5 ≥ 4 → critical; carol's one failed run ≥ 1 → low; memory off; h1 low; e1's 2 h wait
  // ≥ 2 h → severe; e2, 120 s ≥ 60 s and no minimum vcore-hours, is judged now: limit 36,000 ÷ 120 = 300 → critical.
  assert.equal(one(fs, 'b10', 'chronic_failure').severity, 'critical');
  assert.equal(one(fs, 'once', 'chronic_failure').severity, 'low');
  assert.equal(fs.filter((f) => f.heuristic === 'memory_over_request').length, 0);
  assert.equal(one(fs, 'h1', 'superuser').severity, 'low');
  assert.equal(one(fs, 'e1', 'queue_wait').severity, 'severe');
  assert.deepEqual([one(fs, 'e2', 'time_limit_over_request').value, one(fs, 'e2', 'time_limit_over_request').severity], [300, 'critical']);
});

test('bad thresholds are configuration errors naming the file, line and key', () => {
  const bad = (doc: unknown, message: RegExp) => assert.throws(() => parseSettings(doc, 'gazette.yaml', () => 7), message);
  bad({ feedback: { thresholds: { gc_share: [0.2, 0.1, 0.3, 0.4] } } }, /^UsageError: gazette.yaml:7: feedback.thresholds.gc_share must ascend/);
  bad({ feedback: { thresholds: { gc_share: [0.1, 0.2] } } }, /gazette.yaml:7: feedback.thresholds.gc_share must be four ascending numbers/);
  bad({ feedback: { thresholds: { queue_wait: [1, 2, 3, 4] } } }, /feedback.thresholds.queue_wait is not a setting gazette knows \(here: chronic_failure, .*queue_wait_hours/);
  bad({ feedback: { superuser_severity: 'high' } }, /feedback.superuser_severity must be one of none, low, moderate, severe, critical \(got "high"\)/);
  bad({ feedback: { burn_window_days: 0 } }, /feedback.burn_window_days must be a number from 1 to 3660/);
});
