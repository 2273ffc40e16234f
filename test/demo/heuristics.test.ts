/**
 * The per-job heuristics on the demo clusters find every planted story with the answer key's
 * figures (sample-data/ANSWERS.json, computed by the generator from the records it wrote), and give
 * the applications the key calls healthy no efficiency finding. The warehouse is loaded from
 * sample-data/ (a few minutes), or taken as it is from $GAZETTE_DEMO_DB when set (read only).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ROOT, runCli, tmpDir } from '../helpers.js';
import { loadSettings, type Settings } from '../../src/settings.js';
import { findingsFor, type Finding } from '../../src/feedback/heuristics.js';

const SAMPLE = path.join(ROOT, 'sample-data');
const CONFIG = path.join(SAMPLE, 'gazette.yaml');
const answers = JSON.parse(fs.readFileSync(path.join(SAMPLE, 'ANSWERS.json'), 'utf8'));
const close = (got: unknown, want: number, what: string, tol = 1e-4) =>
  assert.ok(typeof got === 'number' && Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: heuristics ${String(got)}, answer key ${want}`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const of = <H extends Finding['heuristic']>(fs: Finding[], h: H) => fs.filter((f): f is Extract<Finding, { heuristic: H }> => f.heuristic === h);
/** 2026-Q3 in each cluster's zone, as UTC. */
const Q3 = {
  'demo-hadoop': ['2026-06-30T22:00:00.000Z', '2026-09-30T22:00:00.000Z'],
  'demo-hpc': ['2026-07-01T04:00:00.000Z', '2026-10-01T04:00:00.000Z'],
} as const;
const startedInQ3 = (cluster: keyof typeof Q3) => (f: Finding) => f.startTime !== null && f.startTime >= Q3[cluster][0] && f.startTime < Q3[cluster][1];

describe('per-job heuristics on the demo clusters', () => {
  let inst: DuckDBInstance;
  let conn: DuckDBConnection;
  const settings = (change: (s: Settings['feedback']['heuristics']) => void = () => {}) => {
    const s = loadSettings(CONFIG);
    change(s.feedback.heuristics);
    return s;
  };
  const run = (s: Settings, sel: Parameters<typeof findingsFor>[2]) => findingsFor(conn, s, sel);

  before(async () => {
    let db = process.env.GAZETTE_DEMO_DB;
    if (!db) {
      db = path.join(tmpDir('gazette-heuristics-'), 'demo.duckdb');
      const load = await runCli(['ingest', '--db', db, '--config', CONFIG, SAMPLE]);
      assert.equal(load.code, 0, load.stderr);
    }
    inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
    conn = await inst.connect();
  });
  after(() => {
    conn.closeSync();
    inst.closeSync();
  });

  test('the always-failing pipeline: its burn over 2026-Q3 (a 92-day window) and its streak at its last run', async () => {
    const want = answers.stories.failing_pipeline;
    const [, q3End] = Q3['demo-hadoop'];
    // the run of Sep 30, with a burn window of exactly the quarter before it
    const day = await run(settings((h) => (h.burnWindowDays = 92)), { cluster: 'demo-hadoop', since: '2026-09-29T22:00:00Z', until: q3End });
    const burn = of(day, 'failure_burn_share').filter((f) => f.user === want.user);
    assert.equal(burn.length, 1);
    assert.equal(burn[0].severity, 'critical');
    assert.deepEqual([burn[0].numbers.runs, burn[0].numbers.failed_runs, burn[0].team], [want.runs, want.failed_runs, want.team]);
    close(burn[0].numbers.failed_vcore_hours, want.failed_vcore_hours, 'failed vcore-hours');
    close(burn[0].numbers.capacity_vcore_hours, want.capacity_vcore_hours, 'capacity');
    close(burn[0].value, want.share_of_capacity, 'share of capacity');

    const last = (await conn.runAndReadAll(
      `select job_id from jobs where cluster = 'demo-hadoop' and job_key = (select job_key from jobs where job_id = $id) order by start_time desc limit 1`,
      { id: want.example_job_id },
    )).getRows()[0][0] as string;
    const chronic = of(await run(settings(), { cluster: 'demo-hadoop', jobId: last }), 'chronic_failure');
    assert.equal(chronic.length, 1);
    assert.deepEqual([chronic[0].numbers.streak, chronic[0].numbers.streak_since, chronic[0].severity], [want.failed_runs_in_a_row_at_end, want.streak_first_failure_start, 'critical']);
  });

  test('the hdfs superuser jobs of 2026-Q3', async () => {
    const want = answers.stories.superuser_jobs;
    const [from, to] = Q3['demo-hadoop'];
    const fs = await run(settings(), { cluster: 'demo-hadoop', since: from, until: '2026-10-03T00:00:00Z' });
    const su = of(fs, 'superuser').filter(startedInQ3('demo-hadoop')).filter((f) => f.user === want.user);
    assert.equal(su.length, want.jobs);
    assert.ok(su.every((f) => f.severity === 'severe'));
    close(sum(su.map((f) => f.numbers.vcore_hours)), want.vcore_hours, 'superuser vcore-hours');
    assert.ok(to > from);
  });

  test('the Slurm over-requests: tkaur\'s memory and jlindqvist\'s time limits, job by job', async () => {
    // the answer key judges every ended job of at least 60 s
    const s = settings((h) => {
      h.minRunSeconds = 60;
      h.minVcoreHours = 0;
    });
    const [from] = Q3['demo-hpc'];
    const fs = (await run(s, { cluster: 'demo-hpc', since: from, until: '2026-10-09T04:00:00Z' })).filter(startedInQ3('demo-hpc'));
    const mem = answers.stories.memory_overrequest;
    const tkaur = of(fs, 'memory_over_request').filter((f) => f.user === mem.user);
    assert.equal(tkaur.length, mem.jobs);
    close(median(tkaur.map((f) => f.value)), mem.median_requested_over_max_rss, 'tkaur median asked ÷ used');
    assert.ok(tkaur.filter((f) => f.severity === 'critical').length > mem.jobs / 2, 'most of tkaur\'s jobs are critical');
    assert.equal(tkaur[0].team, mem.team);
    const tl = answers.stories.time_limit_overrequest;
    const jl = of(fs, 'time_limit_over_request').filter((f) => f.user === tl.user);
    assert.equal(jl.length, tl.jobs);
    close(median(jl.map((f) => f.value)), tl.median_limit_over_elapsed, 'jlindqvist median limit ÷ elapsed');
    close(sum(jl.map((f) => f.numbers.time_limit_hours)), tl.time_limit_hours, 'limit hours');
    assert.ok(jl.every((f) => f.severity === 'critical'));
  });

  test('the Spark and MapReduce stories are found with the answer key\'s figures; the healthy apps get no efficiency finding', async () => {
    const fs = await run(settings(), { cluster: 'demo-hadoop', since: '2026-10-01T00:00:00Z', until: '2026-11-23T00:00:00Z', includeNone: true });
    const st = answers.stories;
    const runs = <H extends Finding['heuristic']>(h: H, ids: string[]) => {
      const got = of(fs, h).filter((f) => ids.includes(f.jobId));
      assert.deepEqual(got.map((f) => f.jobId).sort(), [...ids].sort(), h);
      return got;
    };
    const gc = runs('gc_share', st.spark_gc.job_ids);
    close(sum(gc.map((f) => f.numbers.gc_time_s)) / sum(gc.map((f) => f.numbers.task_time_s)), st.spark_gc.gc_share, 'GC share');
    close(Math.min(...gc.map((f) => f.value)), st.spark_gc.min_run_gc_share, 'least GC share of a run');
    assert.ok(gc.every((f) => f.severity === 'critical' && f.user === st.spark_gc.user));

    const skew = runs('task_skew', st.spark_skew.job_ids);
    for (const want of st.spark_skew.per_run) {
      const f = skew.find((x) => x.jobId === want.job_id)!;
      assert.deepEqual([f.numbers.stage_name, f.numbers.tasks, f.numbers.median_task_s, f.numbers.max_task_s, f.severity], [st.spark_skew.stage_name, want.tasks, want.median_task_s, want.max_task_s, 'critical']);
      close(f.value, want.max_over_median, `${want.job_id} skew`);
    }

    const mem = runs('memory_over_request', st.mr_memory.job_ids);
    assert.ok(mem.every((f) => f.numbers.asked_mb === st.mr_memory.requested_mb && f.numbers.used_mb === st.mr_memory.used_mb_per_task));
    assert.ok(mem.every((f) => f.value === st.mr_memory.requested_over_used && f.severity === 'severe'));

    const spill = runs('spill', st.mr_spill.job_ids);
    assert.equal(sum(spill.map((f) => f.numbers.spilled_records)), st.mr_spill.spilled_records);
    assert.equal(sum(spill.map((f) => f.numbers.output_records)), st.mr_spill.map_output_records);
    assert.ok(spill.every((f) => f.value === st.mr_spill.spilled_over_output && f.severity === 'critical'));

    const healthy = (answers.job_history.apps as { job_id: string; story: string | null; framework: string }[]).filter((a) => !a.story);
    assert.equal(healthy.length, answers.job_history.healthy.apps);
    const efficiency = ['memory_over_request', 'time_limit_over_request', 'gc_share', 'task_skew', 'spill'];
    const theirs = fs.filter((f) => healthy.some((a) => a.job_id === f.jobId) && efficiency.includes(f.heuristic));
    assert.deepEqual(theirs.filter((f) => f.severity !== 'none').map((f) => `${f.jobId} ${f.heuristic} ${f.severity}`), []);
    // judged, not skipped: every healthy Spark app (and the distcp and Hive query: word count and
    // QuasiMonteCarlo are too small to judge) has a GC verdict of none
    const judged = theirs.filter((f) => f.heuristic === 'gc_share').map((f) => f.jobId);
    for (const a of healthy.filter((x) => x.framework === 'SPARK')) assert.ok(judged.includes(a.job_id), `${a.job_id} judged`);
    assert.equal(judged.length, 6);
  });
});
