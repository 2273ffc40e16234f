/**
 * queries/business_series_by_period.sql: a business series beside compute, on hand-made rows,
 * every expected value worked out by hand.
 *
 * Cluster `c`, UTC. Quarters newest first: 2026-Q3 (Jul–Sep, 92 days), 2026-Q2 (Apr–Jun, 91),
 * 2026-Q1 (Jan–Mar, 90), 2025-Q4, 2025-Q3 (the year-ago quarter), 2025-Q2, 2025-Q1, 2024-Q4.
 *
 * orders (flow, monthly; the sum of a quarter's months):
 *   2025-07 100, 2025-08 100, 2025-09 100          → 2025-Q3 = 300, complete
 *   2026-01 100, 2026-02 100 (no March)             → 2026-Q1 = 200, NOT complete (59 of 90 days)
 *   2026-04 200, 2026-05 250, 2026-06 150           → 2026-Q2 = 600, complete
 *   2026-07 400, 2026-08 350.5, 2026-09 449.5       → 2026-Q3 = 1,200, complete
 *   2026-10 999                                     → 2026-Q4: not among the periods
 *   Q3 over Q2: 1,200 / 600 − 1 = 1; over 2025-Q3: 1,200 / 300 − 1 = 3.
 *   Q2 over Q1: null (Q1 is not complete: half a quarter of orders is not a fall).
 * customers (stock, daily; a quarter's last value):
 *   2026-03-15 70                                   → 2026-Q1 = 70, NOT complete (not its last day)
 *   2026-06-30 80                                   → 2026-Q2 = 80, complete
 *   2026-07-15 90, 2026-09-30 100                   → 2026-Q3 = 100 (the last), complete
 *   Q3 over Q2: 100 / 80 − 1 = 0.25; over 2025-Q3: no value → null.
 * A value of another cluster (`other`, orders 2026-08 5,000) is not c's.
 *
 * Compute (given, as compute_demand_by_period's vcore_hours): Q3 1,200, Q2 300, Q1 0, 2025-Q3 150,
 * others 0. Per 1,000 orders: Q3 1,200 / 1,200 × 1,000 = 1,000; Q2 300 / 600 × 1,000 = 500;
 * 2025-Q3 150 / 300 × 1,000 = 500; Q1 null (not complete). Per 1,000 customers: Q3 1,200 / 100 ×
 * 1,000 = 12,000. Compute growth: Q3 over Q2 1,200 / 300 − 1 = 3, over 2025-Q3 1,200 / 150 − 1 = 7;
 * Q2 over Q1: null (Q1 had none).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listValue } from '@duckdb/node-api';
import { defaultSettings } from '../../src/settings.js';
import { computeFigures } from '../../src/analyze/figures.js';
import { parsePeriod, periodsEndingWith } from '../../src/analyze/period.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/open.js';
import { runSqlFile } from '../../src/warehouse/run-sql-file.js';

async function warehouse(): Promise<Warehouse> {
  const wh = await openWarehouse(':memory:');
  const rows: [string, string, string, string, string, number][] = [
    // cluster, series, day, granularity, kind, value
    ['c', 'orders', '2025-07-01', 'month', 'flow', 100],
    ['c', 'orders', '2025-08-01', 'month', 'flow', 100],
    ['c', 'orders', '2025-09-01', 'month', 'flow', 100],
    ['c', 'orders', '2026-01-01', 'month', 'flow', 100],
    ['c', 'orders', '2026-02-01', 'month', 'flow', 100],
    ['c', 'orders', '2026-04-01', 'month', 'flow', 200],
    ['c', 'orders', '2026-05-01', 'month', 'flow', 250],
    ['c', 'orders', '2026-06-01', 'month', 'flow', 150],
    ['c', 'orders', '2026-07-01', 'month', 'flow', 400],
    ['c', 'orders', '2026-08-01', 'month', 'flow', 350.5],
    ['c', 'orders', '2026-09-01', 'month', 'flow', 449.5],
    ['c', 'orders', '2026-10-01', 'month', 'flow', 999],
    ['other', 'orders', '2026-08-01', 'month', 'flow', 5000],
    ['c', 'customers', '2026-03-15', 'day', 'stock', 70],
    ['c', 'customers', '2026-06-30', 'day', 'stock', 80],
    ['c', 'customers', '2026-07-15', 'day', 'stock', 90],
    ['c', 'customers', '2026-09-30', 'day', 'stock', 100],
  ];
  for (const [cluster, series, day, granularity, kind, value] of rows) {
    await wh.conn.run(
      `insert into business_series (cluster, series, "day", granularity, kind, value, unit) values ($cluster, $series, cast($day as date), $granularity, $kind, $value, $series)`,
      { cluster, series, day, granularity, kind, value },
    );
  }
  return wh;
}

const QUARTERS = periodsEndingWith(parsePeriod('2026-Q3'), 8);

async function run(wh: Warehouse, compute: number[]) {
  return runSqlFile(wh.conn, 'business_series_by_period', {
    cluster: 'c',
    labels: listValue(QUARTERS.map((q) => q.label)),
    starts: listValue(QUARTERS.map((q) => q.start)),
    ends: listValue(QUARTERS.map((q) => q.end)),
    compute_hours: listValue(compute),
    year_ago: 4,
  });
}

describe('business_series_by_period', () => {
  it('a flow sums its months, a stock takes its last value; growth and compute per unit only between complete periods', async () => {
    const wh = await warehouse();
    try {
      const rows = await run(wh, [1200, 300, 0, 0, 150, 0, 0, 0]);
      const pick = (series: string, period: string) => rows.find((r) => r.series === series && r.period === period)!;
      // 2 series × 8 quarters, by name, newest first
      assert.deepEqual(rows.map((r) => `${r.series} ${r.period}`).slice(0, 3), ['customers 2026-Q3', 'customers 2026-Q2', 'customers 2026-Q1']);
      assert.equal(rows.length, 16);

      assert.deepEqual(pick('orders', '2026-Q3'), {
        series: 'orders', kind: 'flow', unit: 'orders', period: '2026-Q3', period_start: '2026-07-01', period_end: '2026-10-01',
        value: 1200, value_count: 3, last_day: '2026-09-01', complete: true,
        growth_over_previous: 1, growth_over_year_ago: 3,
        compute_hours: 1200, compute_growth_over_previous: 3, compute_growth_over_year_ago: 7,
        compute_hours_per_1000: 1000,
      });
      const q2 = pick('orders', '2026-Q2');
      assert.deepEqual([q2.value, q2.complete, q2.growth_over_previous, q2.compute_hours_per_1000, q2.compute_growth_over_previous], [600, true, null, 500, null]);
      const q1 = pick('orders', '2026-Q1');
      assert.deepEqual([q1.value, q1.value_count, q1.complete, q1.compute_hours_per_1000], [200, 2, false, null]);
      assert.equal(pick('orders', '2025-Q3').compute_hours_per_1000, 500);
      // a period with no value at all
      const none = pick('orders', '2025-Q2');
      assert.deepEqual([none.value, none.value_count, none.last_day, none.complete], [null, 0, null, false]);

      const c3 = pick('customers', '2026-Q3');
      assert.deepEqual([c3.kind, c3.value, c3.last_day, c3.complete, c3.growth_over_previous, c3.growth_over_year_ago, c3.compute_hours_per_1000],
        ['stock', 100, '2026-09-30', true, 0.25, null, 12000]);
      const c1 = pick('customers', '2026-Q1');
      assert.deepEqual([c1.value, c1.complete], [70, false]);
    } finally {
      wh.close();
    }
  });

  it('months: a monthly flow is complete in its month, and a year ago is twelve periods back', async () => {
    const wh = await warehouse();
    try {
      const months = periodsEndingWith(parsePeriod('2026-08'), 13);
      const rows = await runSqlFile(wh.conn, 'business_series_by_period', {
        cluster: 'c',
        labels: listValue(months.map((q) => q.label)),
        starts: listValue(months.map((q) => q.start)),
        ends: listValue(months.map((q) => q.end)),
        compute_hours: listValue(months.map(() => 70.1)),
        year_ago: 12,
      });
      const aug = rows.find((r) => r.series === 'orders' && r.period === '2026-08')!;
      // 350.5 in Aug 2026 against 400 in Jul and 100 in Aug 2025: −0.12375 and 2.505; 70.1 / 350.5 × 1,000 = 200.
      assert.deepEqual([aug.value, aug.complete, aug.growth_over_previous, aug.growth_over_year_ago], [350.5, true, 350.5 / 400 - 1, 2.505]);
      assert.ok(Math.abs((aug.compute_hours_per_1000 as number) - 200) < 1e-9);
      // a daily stock with no value on the month's last day is not complete that month
      const cAug = rows.find((r) => r.series === 'customers' && r.period === '2026-08')!;
      assert.deepEqual([cAug.value, cAug.complete], [null, false]);
      assert.equal(rows.find((r) => r.series === 'customers' && r.period === '2026-06')!.complete, true);
    } finally {
      wh.close();
    }
  });

  it('gazette figures sets each series beside the compute of its periods; none loaded, none shown', async () => {
    const wh = await warehouse();
    try {
      // one job: 100 vcores for 2 h on Aug 1 → 200 vcore-hours in 2026-Q3; 200 / 1,200 × 1,000 per 1,000 orders
      await wh.conn.run(`insert into jobs (cluster, job_id, source, "user", state, start_time, end_time, elapsed_s, vcore_seconds)
        values ('c', 'j1', 'test', 'ann', 'SUCCEEDED', '2026-08-01 00:00:00', '2026-08-01 02:00:00', 7200, 720000)`);
      const f = (await computeFigures(wh.conn, defaultSettings(), parsePeriod('2026-Q3'), ['c', 'other'])).clusters;
      const [customers, orders] = f.c.compute_demand.business_series;
      assert.deepEqual([customers.series, orders.series, orders.kind, orders.unit], ['customers', 'orders', 'flow', 'orders']);
      assert.equal(orders.by_period.length, 8);
      assert.equal(orders.by_period[0].compute_hours, 200);
      assert.ok(Math.abs((orders.compute_hours_per_1000 as number) - 200 / 1.2) < 1e-9);
      assert.equal(orders.growth_over_previous, 1);
      assert.equal(orders.growth_over_year_ago, 3);
      assert.equal(customers.growth_over_previous, 0.25);
      // `other` has orders of its own: 5,000 in Aug 2026 only, so Q3 is not complete
      const [otherOrders] = f.other.compute_demand.business_series;
      assert.deepEqual([otherOrders.by_period[0].value, otherOrders.by_period[0].complete, otherOrders.compute_hours_per_1000], [5000, false, null]);
      await wh.conn.run(`delete from business_series`);
      const empty = (await computeFigures(wh.conn, defaultSettings(), parsePeriod('2026-Q3'), ['c'])).clusters.c;
      assert.deepEqual(empty.compute_demand.business_series, []);
    } finally {
      wh.close();
    }
  });
});
