/**
 * `gazette figures --quarter 2026-Q3` on the demo clusters finds every planted story with the
 * answer key's figures (sample-data/ANSWERS.json, computed by the generator from the records it
 * wrote — independently of the SQL in queries/).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { ROOT, runCli, tmpDir } from '../helpers.js';

const SAMPLE = path.join(ROOT, 'sample-data');
const answers = JSON.parse(fs.readFileSync(path.join(SAMPLE, 'ANSWERS.json'), 'utf8'));
const close = (got: unknown, want: number, what: string, tol = 1e-4) =>
  assert.ok(typeof got === 'number' && Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: figures ${String(got)}, answer key ${want}`);

type Row = Record<string, unknown>;

describe('gazette figures on the demo clusters', () => {
  const dir = tmpDir('gazette-figures-');
  const db = path.join(dir, 'demo.duckdb');
  const config = path.join(SAMPLE, 'gazette.yaml');
  let figures: { period: string; clusters: Record<string, Row & Record<string, any>> };

  before(async () => {
    const load = await runCli(['ingest', '--db', db, '--config', config, SAMPLE]);
    assert.equal(load.code, 0, load.stderr);
    const out = path.join(dir, 'figures.json');
    const r = await runCli(['figures', '--db', db, '--config', config, '--quarter', '2026-Q3', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    figures = JSON.parse(fs.readFileSync(out, 'utf8'));
  });

  test('both clusters, each with its own figures', () => {
    assert.equal(figures.period, '2026-Q3');
    assert.deepEqual(Object.keys(figures.clusters).sort(), ['demo-hadoop', 'demo-hpc']);
  });

  test('compute demand by quarter and its growth match the answer key', () => {
    for (const [cluster, unit] of [['demo-hadoop', 'vcore_hours'], ['demo-hpc', 'cpu_hours']] as const) {
      const got = figures.clusters[cluster].compute_demand;
      for (const want of answers.compute_demand[cluster].quarters) {
        const row = got.by_period.find((r: Row) => r.period === want.quarter);
        assert.ok(row, `${cluster} ${want.quarter}`);
        close(row.vcore_hours, want[unit], `${cluster} ${want.quarter} use`);
        assert.equal(row.jobs, want.jobs, `${cluster} ${want.quarter} jobs`);
        assert.equal(row.active_users, want.active_users, `${cluster} ${want.quarter} users`);
        close(row.capacity_vcore_hours, want[`capacity_${unit}`], `${cluster} ${want.quarter} capacity`);
      }
      close(got.growth_over_previous, answers.compute_demand[cluster].growth_2026_q3_over_q2, `${cluster} growth`, 1e-2);
    }
  });

  test('the business series stand beside compute demand with the answer key\'s values, growth and vcore-hours per 1,000 orders', () => {
    const want = answers.business_series;
    const series = figures.clusters[want.cluster].compute_demand.business_series as Row[];
    assert.deepEqual(series.map((s) => [s.series, s.kind, s.unit]), [['active customers', 'stock', 'customers'], ['orders', 'flow', 'orders']]);
    const [customers, orders] = series as (Row & { by_period: Row[] })[];
    for (const q of want.quarters) {
      const o = orders.by_period.find((r) => r.period === q.quarter)!;
      const c = customers.by_period.find((r) => r.period === q.quarter)!;
      assert.deepEqual([o.value, o.complete, c.value, c.complete], [q.orders, true, q.active_customers, true], q.quarter);
      close(o.compute_hours_per_1000, q.vcore_hours_per_1000_orders, `${q.quarter} vcore-hours per 1,000 orders`);
    }
    close(orders.growth_over_previous, want.orders_growth_2026_q3_over_q2, 'orders growth q/q', 1e-3);
    close(orders.growth_over_year_ago, want.orders_growth_2026_q3_over_2025_q3, 'orders growth y/y', 1e-3);
    close(customers.growth_over_previous, want.active_customers_growth_2026_q3_over_q2, 'customers growth q/q', 1e-3);
    // no business series on demo-hpc
    assert.deepEqual(figures.clusters['demo-hpc'].compute_demand.business_series, []);
  });

  test('availability by quarter matches the answer key, and misses the target in 2026-Q3', () => {
    for (const cluster of ['demo-hadoop', 'demo-hpc']) {
      const got = figures.clusters[cluster].reliability.by_period;
      for (const want of answers.availability[cluster]) {
        const row = got.find((r: Row) => r.period === want.quarter);
        assert.ok(row, `${cluster} ${want.quarter}`);
        assert.equal(row.minutes, want.minutes);
        close(row.down_minutes, want.down_minutes, `${cluster} ${want.quarter} down minutes`);
        close(row.availability, want.availability, `${cluster} ${want.quarter} availability`, 1e-6);
      }
    }
    const h = figures.clusters['demo-hadoop'].highlights.find((x: Row) => x.kind === 'availability');
    assert.ok(h, 'an availability highlight');
    assert.match(h.text, /Availability was 99\.75%, below the 99\.9% target: 330 minutes down/);
  });

  test('the always-failing pipeline is the top failing job, with its owner, team, streak and burn', () => {
    const want = answers.stories.failing_pipeline;
    const top = figures.clusters['demo-hadoop'].top_failing_jobs[0];
    assert.equal(top.owner, want.user);
    assert.equal(top.team, want.team);
    assert.equal(top.queue, want.queue);
    assert.equal(top.runs, want.runs);
    assert.equal(top.failures, want.failed_runs);
    assert.equal(top.streak, want.failed_runs_in_a_row_at_end);
    assert.equal(top.streak_since, want.streak_first_failure_start);
    close(top.failed_vcore_hours, want.failed_vcore_hours, 'burn');
    close(top.share_of_capacity, want.share_of_capacity, 'share', 1e-5);
    assert.ok(String(top.error_signature).startsWith(want.diagnostics_starts), String(top.error_signature));
    const h = figures.clusters['demo-hadoop'].highlights.find((x: Row) => x.kind === 'failing-job');
    assert.ok(h, 'a failing-job highlight');
    assert.match(h.text, new RegExp(`\\(${want.user}, ${want.team}\\) failed all ${want.runs} of its runs in 2026-Q3, ${want.failed_runs_in_a_row_at_end} in a row by now; the failed runs burned 499,744 vcore-hours, 10\\.0% of the cluster`));
  });

  test('the cluster hog is the dominant job; the superuser and over-requesting users are found', () => {
    const hog = answers.stories.cluster_hog;
    const dom = figures.clusters['demo-hadoop'].top_consumers.dominant_jobs[0];
    assert.equal(dom.job_id, hog.job_id);
    assert.equal(dom.user, hog.user);
    close(dom.share_of_capacity_during_run, hog.share_of_capacity_during_run, 'hog share');
    close(dom.hours, hog.hours, 'hog hours');

    const su = answers.stories.superuser_jobs;
    const suRow = figures.clusters['demo-hadoop'].wasteful.superuser_jobs.find((r: Row) => r.user === su.user);
    assert.equal(suRow.jobs, su.jobs);
    close(suRow.vcore_hours, su.vcore_hours, 'superuser vcore-hours');

    const mem = answers.stories.memory_overrequest;
    const memRow = figures.clusters['demo-hpc'].wasteful.memory_over_request.find((r: Row) => r.user === mem.user);
    assert.ok(memRow, `${mem.user} among the memory over-requesters`);
    assert.equal(memRow.team, mem.team);
    assert.equal(memRow.jobs, mem.jobs);
    close(memRow.requested_gb_hours, mem.requested_gb_hours, 'requested GB-hours');
    close(memRow.used_gb_hours, mem.max_rss_gb_hours, 'used GB-hours');
    close(memRow.median_ratio, mem.median_requested_over_max_rss, 'median requested ÷ used');

    const tl = answers.stories.time_limit_overrequest;
    const tlRow = figures.clusters['demo-hpc'].wasteful.time_limit_over_request[0];
    assert.equal(tlRow.user, tl.user);
    assert.equal(tlRow.team, tl.team);
    assert.equal(tlRow.jobs, tl.jobs);
    close(tlRow.time_limit_hours, tl.time_limit_hours, 'limit hours');
    close(tlRow.elapsed_hours, tl.elapsed_hours, 'elapsed hours');
    close(tlRow.median_ratio, tl.median_limit_over_elapsed, 'median limit ÷ elapsed');
  });

  test('the same warehouse gives the same figures byte for byte, on one thread or four', async () => {
    const runs: string[] = [];
    for (const threads of ['1', '4']) {
      const out = path.join(dir, `figures-threads-${threads}.json`);
      const r = await runCli(['figures', '--db', db, '--config', config, '--quarter', '2026-Q3', '--threads', threads, '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      runs.push(fs.readFileSync(out, 'utf8'));
    }
    assert.ok(runs[0] === runs[1], 'threads 1 and 4 differ');
    // and the same as the run with DuckDB's own number of threads (before)
    assert.ok(runs[0] === fs.readFileSync(path.join(dir, 'figures.json'), 'utf8'), 'threads 1 and the default differ');
  });

  test('the storage deadline and the cold-data team come out of the storage figures', () => {
    const s = figures.clusters['demo-hadoop'].storage;
    const cold = answers.stories.cold_data;
    const team = s.cold_data_by_team[0];
    assert.equal(team.team, cold.team);
    assert.equal(team.cold_365d_bytes, cold.bytes_365d_plus);
    const cap = answers.stories.capacity_90pct;
    // The trend is that of the newest 90 days loaded, as the answer key's.
    assert.equal(s.trend.snapshots, cap.snapshots);
    assert.equal(s.trend.crossing_90_at, cap.crossing_at.replace('Z', '.000Z'));
    assert.equal(s.trend.already_above_80, true);
    const h = figures.clusters['demo-hadoop'].highlights.find((x: Row) => x.kind === 'storage-deadline');
    assert.ok(h, 'a storage-deadline highlight');
    assert.match(h.text, new RegExp(`storage reaches 90% of its capacity on ${cap.crossing_date}`));
  });
});
