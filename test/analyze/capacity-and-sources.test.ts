/**
 * queries/capacity_intervals.sql, cluster_job_sources.sql and figure_macros.sql's exact sums, on
 * hand-made rows; every expected value worked out by hand in the comments.
 *
 * Cluster `h` (an HPC cluster, America/New_York, no ResourceManager snapshots), its capacity in the
 * settings: 100 CPUs and 10 GB from 2026-07-01, 200 CPUs from 2026-08-16 (its zone's midnights:
 * 04:00 UTC in summer). 2026-Q3 in New York = [2026-07-01 04:00, 2026-10-01 04:00) UTC.
 *   Jul 1 04:00 → Aug 16 04:00 = 46 days = 1,104 h × 100 = 110,400 CPU-hours
 *   Aug 16 04:00 → Oct 1 04:00 = 46 days = 1,104 h × 200 = 220,800 CPU-hours   → 331,200
 *   2026-Q2: before the first entry, no capacity → 0.
 * Jobs: two Slurm jobs and one Spark job: the cluster's compute is CPU-hours (the most jobs' source).
 *   s1 ann  Aug 1 00:00 UTC, 10 h × 20 CPUs = 200 CPU-h;  s2 ann  Sep 1, 1 h × 8 = 8 CPU-h
 *   x1 bob  Sep 2, 1 h × 2 = 2 CPU-h (spark)                                  → Q3 210 CPU-hours
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeFigures } from '../../src/analyze/figures.js';
import { clusterContext, prepareConnection } from '../../src/analyze/context.js';
import { parsePeriod } from '../../src/analyze/period.js';
import { defaultSettings, type Settings } from '../../src/settings.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/open.js';
import { runSqlFile } from '../../src/warehouse/run-sql-file.js';

function settings(): Settings {
  const s = defaultSettings();
  s.clusters = {
    h: { timezone: 'America/New_York', capacity: [{ since: '2026-07-01', cpus: 100, memoryGb: 10 }, { since: '2026-08-16', cpus: 200 }] },
  };
  return s;
}

async function warehouse(): Promise<Warehouse> {
  const wh = await openWarehouse(':memory:');
  await wh.conn.run(`insert into jobs (cluster, job_id, source, "user", state, start_time, end_time, elapsed_s, vcore_seconds) values
    ('h', 's1', 'slurm', 'ann', 'SUCCEEDED', '2026-08-01 00:00:00', '2026-08-01 10:00:00', 36000, 20 * 36000),
    ('h', 's2', 'slurm', 'ann', 'SUCCEEDED', '2026-09-01 00:00:00', '2026-09-01 01:00:00', 3600, 8 * 3600),
    ('h', 'x1', 'spark', 'bob', 'SUCCEEDED', '2026-09-02 00:00:00', '2026-09-02 01:00:00', 3600, 2 * 3600)`);
  return wh;
}

describe('capacity_intervals', () => {
  it('dated capacity from the settings: each entry from its local midnight until the next, cpus as vcores, GB as MB', async () => {
    const wh = await warehouse();
    try {
      await prepareConnection(wh.conn, settings());
      const rows = await runSqlFile(wh.conn, 'capacity_intervals', { cluster: 'h' });
      assert.deepEqual(rows, [
        { since: '2026-07-01T04:00:00.000Z', until: '2026-08-16T04:00:00.000Z', vcores: 100, memory_mb: 10240, gpus: 0, source: 'settings' },
        // no memory given from Aug 16: unknown (null), not the earlier entry's
        { since: '2026-08-16T04:00:00.000Z', until: null, vcores: 200, memory_mb: null, gpus: 0, source: 'settings' },
      ]);
      assert.deepEqual(await runSqlFile(wh.conn, 'capacity_intervals', { cluster: 'other' }), []);
    } finally {
      wh.close();
    }
  });

  it('ResourceManager snapshots, where the cluster has any, replace the settings wholly', async () => {
    const wh = await warehouse();
    try {
      // one snapshot on Sep 1: in force from then on; the settings' entries are not used at all
      await wh.conn.run(`insert into capacity_snapshots (cluster, taken_at, total_vcores, total_memory_mb) values ('h', '2026-09-01 04:00:00', 50, 512)`);
      await prepareConnection(wh.conn, settings());
      const rows = await runSqlFile(wh.conn, 'capacity_intervals', { cluster: 'h' });
      assert.deepEqual(rows, [{ since: '2026-09-01T04:00:00.000Z', until: null, vcores: 50, memory_mb: 512, gpus: 0, source: 'yarn-metrics' }]);
      // Q3's capacity: Sep 1 04:00 → Oct 1 04:00 = 720 h × 50 = 36,000
      const f = (await computeFigures(wh.conn, settings(), parsePeriod('2026-Q3'), ['h'])).clusters.h;
      assert.equal(f.compute_demand.by_period[0].capacity_vcore_hours, 36_000);
    } finally {
      wh.close();
    }
  });

  it('the figures integrate the dated capacity over the period; none before the first entry', async () => {
    const wh = await warehouse();
    try {
      const f = (await computeFigures(wh.conn, settings(), parsePeriod('2026-Q3'), ['h'])).clusters.h;
      const [q3, q2] = f.compute_demand.by_period;
      assert.equal(q3.capacity_vcore_hours, 331_200);
      assert.equal(q2.capacity_vcore_hours, 0);
      assert.equal(q3.vcore_hours, 210);
      assert.equal(q3.share_of_capacity, 210 / 331_200);
    } finally {
      wh.close();
    }
  });
});

describe('cluster_job_sources', () => {
  it('sources by how many jobs each gave, most first; a cluster mostly of Slurm jobs counts CPU-hours', async () => {
    const wh = await warehouse();
    try {
      assert.deepEqual(await runSqlFile(wh.conn, 'cluster_job_sources', { cluster: 'h' }), [{ source: 'slurm', jobs: 2 }, { source: 'spark', jobs: 1 }]);
      // a tie goes to the source's name: one yarn job and one slurm job more
      await wh.conn.run(`insert into jobs (cluster, job_id, source, state) values ('h', 'y1', 'yarn', 'SUCCEEDED'), ('h', 'y2', 'yarn', 'SUCCEEDED')`);
      assert.deepEqual((await runSqlFile(wh.conn, 'cluster_job_sources', { cluster: 'h' })).map((r) => r.source), ['slurm', 'yarn', 'spark']);
      const f = (await computeFigures(wh.conn, settings(), parsePeriod('2026-Q3'), ['h'])).clusters.h;
      assert.equal(f.compute_unit, 'CPU-hours');
    } finally {
      wh.close();
    }
  });
});

describe('figure_macros: milli_sum', () => {
  it('adds to a thousandth exactly, so the order of the rows does not matter', async () => {
    const wh = await warehouse();
    try {
      const s = settings();
      await prepareConnection(wh.conn, s);
      await clusterContext(wh.conn, s, 'h', 'America/New_York', parsePeriod('2026-Q3'));
      // 0.1 + 0.2 is 0.30000000000000004 as floats; 1e16 + 1 − 1e16 is 0 as floats, in that order.
      const r = await wh.conn.runAndReadAll(`select
        from_milli(milli_sum(x)), sum(x),
        (select from_milli(milli_sum(y)) from (values (1e16::double), (1.0::double), (-1e16::double)) t(y)),
        (select from_milli(milli_sum(z)) from (values (0.0004::double), (0.0006::double)) t(z))
        from (values (0.1::double), (0.2::double)) t(x)`);
      assert.deepEqual(r.getRows()[0], [0.3, 0.30000000000000004, 1, 0.001]);
    } finally {
      wh.close();
    }
  });
});
