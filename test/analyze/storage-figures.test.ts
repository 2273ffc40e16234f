/**
 * Figure set 2, storage: queries/storage_by_period.sql, storage_trend.sql, cold_data_by_team.sql,
 * cold_data_by_owner.sql and small_files_by_team.sql. Each on a fresh warehouse of a few hand-made
 * rows, figures worked out by hand in the comments; then the demo cluster's answer key.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listValue } from '@duckdb/node-api';
import { loadSettings } from '../../src/settings.js';
import { parseSettings } from '../../src/settings-parse.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/open.js';
import { runSqlFile } from '../../src/warehouse/run-sql-file.js';
import { registerSettingsTables } from '../../src/warehouse/settings-tables.js';
import { ROOT, runCli, tmpDir } from '../helpers.js';

type Row = Record<string, unknown>;

/** A fresh warehouse in a temp dir, with the settings' tables (teams and their paths). */
async function fresh(teams: Record<string, { paths: string[] }> = {}): Promise<Warehouse> {
  const w = await openWarehouse(path.join(tmpDir('gazette-storage-'), 'w.duckdb'));
  await registerSettingsTables(w.conn, parseSettings({ cluster: 'c', teams }, 'test.yaml'));
  return w;
}

/** Within a relative tolerance (for least-squares figures, which float arithmetic may round). */
function close(got: unknown, want: number, what: string, tol = 1e-9): void {
  assert.equal(typeof got, 'number', `${what}: got ${String(got)}`);
  assert.ok(Math.abs((got as number) - want) <= tol * Math.max(1, Math.abs(want)), `${what}: got ${String(got)}, want ${want}`);
}

describe('storage_by_period', () => {
  it('used and capacity at each period\'s end, used at its start, growth; nulls for a period with no snapshot', async () => {
    const w = await fresh();
    try {
      await w.conn.run(`insert into storage_snapshots (cluster, taken_at, capacity_bytes, used_bytes) values
        ('c', '2026-03-15 00:00:00', 1000, 480),
        ('c', '2026-04-10 00:00:00', 1000, 500),
        ('c', '2026-06-29 12:00:00', 2000, 600),
        ('c', '2026-07-01 00:00:00', 2000, 700),   -- at Q3's first instant: in Q3, not before it
        ('c', '2026-09-20 00:00:00', 2000, 900),
        ('c', '2026-09-21 00:00:00', 2000, null),  -- no used figure: not a reading
        ('other', '2026-09-25 00:00:00', 5000, 4000)`);
      const rows = await runSqlFile(w.conn, 'storage_by_period', {
        cluster: 'c',
        labels: listValue(['2026-Q4', '2026-Q3', '2026-Q2', '2026-Q1', '2025-Q4']),
        starts: listValue(['2026-10-01 00:00:00', '2026-07-01 00:00:00', '2026-04-01 00:00:00', '2026-01-01 00:00:00', '2025-10-01 00:00:00']),
        ends: listValue(['2027-01-01 00:00:00', '2026-10-01 00:00:00', '2026-07-01 00:00:00', '2026-04-01 00:00:00', '2026-01-01 00:00:00']),
      });
      const period = (label: string, start: string, end: string) => ({ period: label, period_start: start, period_end: end });
      assert.deepEqual(rows, [
        // Q4: no snapshot in it → no end figures; at its start the last before 10-01 is 09-20's 900
        // (09-21 has no used figure, 'other' is another cluster); no growth without an end.
        { ...period('2026-Q4', '2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'),
          used_bytes: null, capacity_bytes: null, used_share: null, used_bytes_at_start: 900, growth_bytes: null, growth: null, snapshot_at: null },
        // Q3: end = 09-20 (900 of 2000: 0.45); start = last before 07-01 00:00 = 06-29's 600 (07-01's
        // 700 is in Q3); growth 900 − 600 = 300, 900 / 600 − 1 = 0.5.
        { ...period('2026-Q3', '2026-07-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z'),
          used_bytes: 900, capacity_bytes: 2000, used_share: 0.45, used_bytes_at_start: 600, growth_bytes: 300, growth: 0.5,
          snapshot_at: '2026-09-20T00:00:00.000Z' },
        // Q2: end = 06-29 12:00 (600 of 2000: 0.3; 07-01 00:00 is not before the end); start = 03-15's
        // 480; growth 120, 600 / 480 − 1 = 0.25.
        { ...period('2026-Q2', '2026-04-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'),
          used_bytes: 600, capacity_bytes: 2000, used_share: 0.3, used_bytes_at_start: 480, growth_bytes: 120, growth: 0.25,
          snapshot_at: '2026-06-29T12:00:00.000Z' },
        // Q1: end = 03-15 (480 of 1000); nothing before 01-01 → no start, no growth.
        { ...period('2026-Q1', '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'),
          used_bytes: 480, capacity_bytes: 1000, used_share: 0.48, used_bytes_at_start: null, growth_bytes: null, growth: null,
          snapshot_at: '2026-03-15T00:00:00.000Z' },
        // 2025-Q4: before any snapshot: a row of nulls, not a missing row.
        { ...period('2025-Q4', '2025-10-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
          used_bytes: null, capacity_bytes: null, used_share: null, used_bytes_at_start: null, growth_bytes: null, growth: null, snapshot_at: null },
      ]);
    } finally {
      w.close();
    }
  });
});

describe('storage_trend', () => {
  const trend = async (w: Warehouse, cluster: string) =>
    (await runSqlFile(w.conn, 'storage_trend', { cluster, period_end: '2026-01-05 00:00:00', window_days: 3 }))[0];

  it('fits the window up to the last snapshot before the period end and finds where the line reaches 80% and 90%', async () => {
    const w = await fresh();
    try {
      // Days from 2026-01-01 (x) and used (y): (0, 100) (1, 110) (2, 130) (3, 140). The window is the
      // 3 days up to the last (01-04): 01-01 00:00 is exactly 3 days before, so in; 12-31 23:00 is
      // not; 01-05 00:00 is not before the period end. Capacity: the last snapshot's, 200.
      await w.conn.run(`insert into storage_snapshots (cluster, taken_at, capacity_bytes, used_bytes) values
        ('c', '2025-12-31 23:00:00', 150, 5),
        ('c', '2026-01-01 00:00:00', 150, 100),
        ('c', '2026-01-02 00:00:00', 150, 110),
        ('c', '2026-01-03 00:00:00', 200, 130),
        ('c', '2026-01-04 00:00:00', 200, 140),
        ('c', '2026-01-05 00:00:00', 200, 1)`);
      const t = await trend(w, 'c');
      // x̄ = 1.5, ȳ = 120; Sxy = 1.5·20 + 0.5·10 + 0.5·10 + 1.5·20 = 70; Sxx = 5 → slope 14 bytes/day,
      // 99 at x = 0 (2026-01-01 = epoch day 20454) → at epoch 0: 99 − 14 · 20454 = −286257.
      close(t.slope_bytes_per_day, 14, 'slope');
      close(t.intercept_bytes, -286257, 'intercept');
      // 80% of 200 = 160: x = (160 − 99) / 14 = 61/14, 19/14 = 1.357142… days after the last
      // (117,257.14 s = 32 h 34 min 17 s) → 2026-01-05 08:34:17. 90% = 180: x = 81/14, 39/14 days
      // after (240,685.71 s = 66 h 51 min 26 s) → 2026-01-06 18:51:26.
      close(t.days_until_80, 19 / 14, 'days until 80%');
      close(t.days_until_90, 39 / 14, 'days until 90%');
      const { slope_bytes_per_day: _s, intercept_bytes: _i, days_until_80: _d8, days_until_90: _d9, ...exact } = t;
      assert.deepEqual(exact, {
        snapshots: 4,
        window_from: '2026-01-01T00:00:00.000Z',
        window_to: '2026-01-04T00:00:00.000Z',
        last_capacity_bytes: 200,
        last_used_bytes: 140,
        last_used_share: 0.7,
        threshold_80_bytes: 160,
        threshold_90_bytes: 180,
        crossing_80_at: '2026-01-05T08:34:17.000Z',
        crossing_90_at: '2026-01-06T18:51:26.000Z',
        already_above_80: false,
        already_above_90: false,
      });
    } finally {
      w.close();
    }
  });

  it('already above a threshold: no crossing for it; a line that does not rise: no crossing; no snapshots: one row of nulls', async () => {
    const w = await fresh();
    try {
      await w.conn.run(`insert into storage_snapshots (cluster, taken_at, capacity_bytes, used_bytes) values
        ('above', '2026-01-01 00:00:00', 170, 100), ('above', '2026-01-02 00:00:00', 170, 110),
        ('above', '2026-01-03 00:00:00', 170, 130), ('above', '2026-01-04 00:00:00', 170, 140),
        ('falling', '2026-01-02 00:00:00', 200, 150), ('falling', '2026-01-03 00:00:00', 200, 140),
        ('falling', '2026-01-04 00:00:00', 200, 130),
        ('one', '2026-01-04 00:00:00', 200, 10)`);
      // The same line (14/day, 99 at 01-01) under capacity 170: 140 ≥ 136 (80%) → already above, no
      // crossing; 90% = 153: x = 54/14, 12/14 = 0.857142… days after the last (74,057.14 s =
      // 20 h 34 min 17 s) → 2026-01-04 20:34:17.
      const a = await trend(w, 'above');
      assert.deepEqual([a.crossing_80_at, a.days_until_80, a.already_above_80], [null, null, true]);
      assert.deepEqual([a.crossing_90_at, a.already_above_90], ['2026-01-04T20:34:17.000Z', false]);
      close(a.days_until_90, 12 / 14, 'days until 90%');
      // Falling 10 a day: slope −10, no crossing either way, and not above (130 of 200).
      const f = await trend(w, 'falling');
      close(f.slope_bytes_per_day, -10, 'slope');
      assert.deepEqual(
        [f.crossing_80_at, f.crossing_90_at, f.days_until_80, f.days_until_90, f.already_above_80, f.already_above_90, f.snapshots],
        [null, null, null, null, false, false, 3],
      );
      // One snapshot: no line.
      const o = await trend(w, 'one');
      assert.deepEqual([o.slope_bytes_per_day, o.crossing_80_at, o.crossing_90_at, o.snapshots, o.last_used_share], [null, null, null, 1, 0.05]);
      // No snapshots at all: still one row.
      const n = await runSqlFile(w.conn, 'storage_trend', { cluster: 'none', period_end: '2026-01-05 00:00:00', window_days: 3 });
      assert.equal(n.length, 1);
      assert.deepEqual([n[0].snapshots, n[0].slope_bytes_per_day, n[0].last_used_bytes, n[0].crossing_90_at, n[0].already_above_90], [0, null, null, null, null]);
    } finally {
      w.close();
    }
  });
});

/**
 * The fsimage rollups the cold-data and small-file tests share. Teams by path: alpha /data/alpha,
 * alpha-ml /data/alpha/ml (nested: the longer wins), beta /data/beta_x, delta /data/delta (only
 * empty directories), gamma /data/gamma (data only in an older image and another cluster's).
 */
const TEAMS = {
  alpha: { paths: ['/data/alpha'] },
  'alpha-ml': { paths: ['/data/alpha/ml'] },
  beta: { paths: ['/data/beta_x'] },
  delta: { paths: ['/data/delta'] },
  gamma: { paths: ['/data/gamma'] },
};

async function rollups(w: Warehouse): Promise<void> {
  //                                                                   files bytes  small  sbytes  0-30 30-90 90-180 180-365 365+ no_atime
  // 1  /data/alpha          ann  alpha                                   10  1000      4     40   100   100    100     200  500    0
  // 2  /data/alpha/raw      bob  alpha                                    5  2000      0      0     0     0      0       0 2000    0
  // 3  /data/alpha/ml       ann  alpha-ml (the longer path)              20   400     10     30   300     0     50       0   50    0
  // 4  /data/alpha/ml/feat  cat  alpha-ml                                 2   600      1      5     0     0      0       0  300  300
  // 5  /data/beta_xyz       bob  unassigned (not under /data/beta_x/)     3   300      3    300     0     0      0       0  300    0
  // 6  /data/beta_x/p       dan  beta                                     4   800      0      0     0   800      0       0    0    0
  // 7  /user/eve            eve  unassigned                               1   100      1    100     0     0    100       0    0    0
  // 8  /data/delta          hdfs delta (no files)                         0     0      0      0     0     0      0       0    0    0
  // 9  /data/alpha          bob  alpha                                    1   100      0      0     0     0      0       0  100    0
  // 10 /data/beta_x/q       cat  beta                                    50  5000      0      0  5000     0      0       0    0    0
  const cols = `(cluster, as_of, dir, depth, owner, group_name, files, dirs, bytes, disk_bytes, small_files, small_file_bytes,
    bytes_read_0_30d, bytes_read_30_90d, bytes_read_90_180d, bytes_read_180_365d, bytes_read_365d_plus, bytes_no_atime)`;
  await w.conn.run(`insert into storage_rollups ${cols} values
    ('c', '2026-06-30', '/data/alpha',         3, 'ann',  'g', 10, 0, 1000, 3000, 4,  40,  100, 100, 100, 200,  500,   0),
    ('c', '2026-06-30', '/data/alpha/raw',     3, 'bob',  'g',  5, 0, 2000, 6000, 0,   0,    0,   0,   0,   0, 2000,   0),
    ('c', '2026-06-30', '/data/alpha/ml',      3, 'ann',  'g', 20, 0,  400, 1200, 10, 30,  300,   0,  50,   0,   50,   0),
    ('c', '2026-06-30', '/data/alpha/ml/feat', 3, 'cat',  'g',  2, 0,  600, 1800, 1,   5,    0,   0,   0,   0,  300, 300),
    ('c', '2026-06-30', '/data/beta_xyz',      3, 'bob',  'g',  3, 0,  300,  900, 3, 300,    0,   0,   0,   0,  300,   0),
    ('c', '2026-06-30', '/data/beta_x/p',      3, 'dan',  'g',  4, 0,  800, 2400, 0,   0,    0, 800,   0,   0,    0,   0),
    ('c', '2026-06-30', '/user/eve',           3, 'eve',  'g',  1, 0,  100,  300, 1, 100,    0,   0, 100,   0,    0,   0),
    ('c', '2026-06-30', '/data/delta',         3, 'hdfs', 'g',  0, 2,    0,    0, 0,   0,    0,   0,   0,   0,    0,   0),
    ('c', '2026-06-30', '/data/alpha',         3, 'bob',  'g',  1, 0,  100,  300, 0,   0,    0,   0,   0,   0,  100,   0),
    ('c', '2026-06-30', '/data/beta_x/q',      3, 'cat',  'g', 50, 0, 5000, 15000, 0,  0, 5000,   0,   0,   0,    0,   0),
    -- an older image: not the newest before the end
    ('c', '2026-03-31', '/data/gamma',         3, 'gus',  'g',  5, 0,   50,  150, 5,  50,    0,   0,   0,   0,   50,   0),
    -- an image dated after the period's end (2026-07-01 00:00 is not before it)
    ('c', '2026-07-01', '/data/beta_x/p',      3, 'dan',  'g',  9, 0, 1000000, 3000000, 9, 9, 0, 0, 0, 0, 1000000, 0),
    -- another cluster
    ('other', '2026-06-30', '/data/gamma',     3, 'gus',  'g',  7, 0,   70,  210, 7,  70,    0,   0,   0,   0,   70,   0)`);
}

const Q2_END = '2026-07-01'; // the day after 2026-Q2: rollups are dated by local day

describe('cold_data_by_team', () => {
  it('per team by the longest path at or above each directory, unassigned for the rest, from the newest image before the end', async () => {
    const w = await fresh(TEAMS);
    try {
      await rollups(w);
      const rows = await runSqlFile(w.conn, 'cold_data_by_team', { cluster: 'c', period_end: Q2_END });
      // The 2026-06-30 image (07-01 is not before the end). All 365+ bytes: 500 + 2000 + 50 + 300 +
      // 300 + 100 = 3250.
      // alpha (rows 1, 2, 9): 16 files, 3100 bytes; 90+: 100+200+500 + 2000 + 100 = 2900; 180+: 700 +
      //   2000 + 100 = 2800; 365+: 500 + 2000 + 100 = 2600 (2600/3250 = 0.8 of all, 2600/3100 of its own).
      // alpha-ml (rows 3, 4): 22 files, 1000 bytes; 90+: 50+50 + 300 = 400; 180+: 50 + 300 = 350;
      //   365+: 350; 300 with no access time.
      // unassigned (rows 5, 7): 4 files, 400 bytes; 90+: 300 + 100 = 400; 180+ and 365+: 300.
      // beta (rows 6, 10): 54 files, 5800 bytes, nothing cold. delta: no bytes, left out. gamma: no
      // data in this image of this cluster.
      assert.deepEqual(rows, [
        { team: 'alpha', bytes: 3100, files: 16, cold_90d_bytes: 2900, cold_180d_bytes: 2800, cold_365d_bytes: 2600, bytes_no_atime: 0,
          share_of_cold_365d: 2600 / 3250, cold_365d_share_of_team: 2600 / 3100, as_of: '2026-06-30' },
        { team: 'alpha-ml', bytes: 1000, files: 22, cold_90d_bytes: 400, cold_180d_bytes: 350, cold_365d_bytes: 350, bytes_no_atime: 300,
          share_of_cold_365d: 350 / 3250, cold_365d_share_of_team: 0.35, as_of: '2026-06-30' },
        { team: 'unassigned', bytes: 400, files: 4, cold_90d_bytes: 400, cold_180d_bytes: 300, cold_365d_bytes: 300, bytes_no_atime: 0,
          share_of_cold_365d: 300 / 3250, cold_365d_share_of_team: 0.75, as_of: '2026-06-30' },
        { team: 'beta', bytes: 5800, files: 54, cold_90d_bytes: 0, cold_180d_bytes: 0, cold_365d_bytes: 0, bytes_no_atime: 0,
          share_of_cold_365d: 0, cold_365d_share_of_team: 0, as_of: '2026-06-30' },
      ]);
    } finally {
      w.close();
    }
  });

  it('a period ending before an image\'s date uses the image before it; before any image, no rows', async () => {
    const w = await fresh(TEAMS);
    try {
      await rollups(w);
      // Ending before 2026-06-30: the 06-30 image is not before it → 2026-03-31's: gamma alone,
      // 50 bytes all unread 365+ days.
      assert.deepEqual(await runSqlFile(w.conn, 'cold_data_by_team', { cluster: 'c', period_end: '2026-06-30' }), [
        { team: 'gamma', bytes: 50, files: 5, cold_90d_bytes: 50, cold_180d_bytes: 50, cold_365d_bytes: 50, bytes_no_atime: 0,
          share_of_cold_365d: 1, cold_365d_share_of_team: 1, as_of: '2026-03-31' },
      ]);
      assert.deepEqual(await runSqlFile(w.conn, 'cold_data_by_team', { cluster: 'c', period_end: '2026-03-31' }), []);
    } finally {
      w.close();
    }
  });
});

describe('cold_data_by_owner', () => {
  it('the top owners by bytes unread 365+ days, each with the team holding most of their cold data', async () => {
    const w = await fresh(TEAMS);
    try {
      await rollups(w);
      // bob (rows 2, 9: alpha 2100 cold; row 5: unassigned 300): 9 files, 2400 bytes, all of it cold
      //   at every age → team alpha; 2400/3250 of all.
      // ann (row 1: alpha, 500 cold; row 3: alpha-ml, 50): 30 files, 1400 bytes; 90+: 800 + 100 = 900;
      //   180+: 700 + 50 = 750; 365+: 550 → alpha; 550/3250 of all, 550/1400 of hers.
      // cat (row 4: alpha-ml, 300 cold of 600; row 10: beta, 5000 bytes none cold): 52 files, 5600
      //   bytes → alpha-ml, where the cold data is, though beta holds more of cat's bytes; 300 with no
      //   access time.
      // dan, eve, hdfs: nothing unread 365+ days, left out.
      const all = await runSqlFile(w.conn, 'cold_data_by_owner', { cluster: 'c', period_end: Q2_END, top: 10 });
      assert.deepEqual(all, [
        { owner: 'bob', team: 'alpha', bytes: 2400, files: 9, cold_90d_bytes: 2400, cold_180d_bytes: 2400, cold_365d_bytes: 2400, bytes_no_atime: 0,
          share_of_cold_365d: 2400 / 3250, cold_365d_share_of_owner: 1, as_of: '2026-06-30' },
        { owner: 'ann', team: 'alpha', bytes: 1400, files: 30, cold_90d_bytes: 900, cold_180d_bytes: 750, cold_365d_bytes: 550, bytes_no_atime: 0,
          share_of_cold_365d: 550 / 3250, cold_365d_share_of_owner: 550 / 1400, as_of: '2026-06-30' },
        { owner: 'cat', team: 'alpha-ml', bytes: 5600, files: 52, cold_90d_bytes: 300, cold_180d_bytes: 300, cold_365d_bytes: 300, bytes_no_atime: 300,
          share_of_cold_365d: 300 / 3250, cold_365d_share_of_owner: 300 / 5600, as_of: '2026-06-30' },
      ]);
      const top2 = await runSqlFile(w.conn, 'cold_data_by_owner', { cluster: 'c', period_end: Q2_END, top: 2 });
      assert.deepEqual(top2.map((r) => r.owner), ['bob', 'ann']);
    } finally {
      w.close();
    }
  });
});

describe('small_files_by_team', () => {
  it('files, small files and their bytes, small-file share and average size per team', async () => {
    const w = await fresh(TEAMS);
    try {
      await rollups(w);
      // alpha-ml (rows 3, 4): 22 files, 11 small (35 bytes): 0.5; 1000 / 22 bytes a file.
      // alpha (rows 1, 2, 9): 16 files, 4 small (40 bytes): 0.25; 3100 / 16 = 193.75.
      // unassigned (rows 5, 7): 4 files, all small (400 bytes): 1; 100.
      // (alpha and unassigned tie at 4 small files: by name.)
      // beta (rows 6, 10): 54 files, none small; 5800 / 54. delta: no files, left out.
      const rows = await runSqlFile(w.conn, 'small_files_by_team', { cluster: 'c', period_end: Q2_END });
      assert.deepEqual(rows, [
        { team: 'alpha-ml', files: 22, small_files: 11, small_file_bytes: 35, small_file_share: 0.5, avg_file_bytes: 1000 / 22, bytes: 1000, as_of: '2026-06-30' },
        { team: 'alpha', files: 16, small_files: 4, small_file_bytes: 40, small_file_share: 0.25, avg_file_bytes: 193.75, bytes: 3100, as_of: '2026-06-30' },
        { team: 'unassigned', files: 4, small_files: 4, small_file_bytes: 400, small_file_share: 1, avg_file_bytes: 100, bytes: 400, as_of: '2026-06-30' },
        { team: 'beta', files: 54, small_files: 0, small_file_bytes: 0, small_file_share: 0, avg_file_bytes: 5800 / 54, bytes: 5800, as_of: '2026-06-30' },
      ]);
    } finally {
      w.close();
    }
  });
});

describe('storage figures on the demo cluster', () => {
  const SAMPLE = path.join(ROOT, 'sample-data');
  const answers = JSON.parse(fs.readFileSync(path.join(SAMPLE, 'ANSWERS.json'), 'utf8'));
  const db = path.join(tmpDir('gazette-storage-demo-'), 'demo.duckdb');
  let w: Warehouse;
  before(async () => {
    // Only the storage sources: the NameNode snapshots and the fsimage listings.
    const r = await runCli(['ingest', '--config', path.join(SAMPLE, 'gazette.yaml'), '--db', db,
      path.join(SAMPLE, 'demo-hadoop/namenode-jmx'), path.join(SAMPLE, 'demo-hadoop/fsimage')]);
    assert.equal(r.code, 0, r.stderr);
    w = await openWarehouse(db, { readOnly: true });
    await registerSettingsTables(w.conn, loadSettings(path.join(SAMPLE, 'gazette.yaml')));
  });
  after(() => w?.close());

  it('the storage deadline: the 90-day trend up to the last snapshot reaches 90% on 2027-03-02 08:22 UTC', async () => {
    const key = answers.stories.capacity_90pct;
    // The key's window ends at the last snapshot (2026-11-16): a period ending after it, 2026-Q4
    // (ends 2027-01-01 00:00 in Europe/Amsterdam = 2026-12-31 23:00 UTC).
    const [t] = await runSqlFile(w.conn, 'storage_trend', { cluster: 'demo-hadoop', period_end: '2026-12-31 23:00:00', window_days: 90 });
    assert.equal(Math.round(t.slope_bytes_per_day as number), key.slope_bytes_per_day);
    assert.equal(key.slope_bytes_per_day, 746115931317);
    close(t.intercept_bytes, key.intercept_bytes, 'intercept', 1e-12);
    assert.equal((t.crossing_90_at as string).slice(0, 16) + ':00Z', key.crossing_at);
    assert.equal(key.crossing_at, '2027-03-02T08:22:00Z');
    assert.deepEqual(
      [t.snapshots, t.window_from, t.window_to, t.last_capacity_bytes, t.last_used_bytes, t.threshold_90_bytes],
      [key.snapshots, key.window_from.replace('Z', '.000Z'), key.window_to.replace('Z', '.000Z'), key.last_capacity_bytes, key.last_used_bytes, key.threshold_bytes],
    );
    assert.equal(Math.round((t.last_used_share as number) * 1000) / 1000, key.last_used_share);
    // 80.6% used: already past 80%.
    assert.deepEqual([t.already_above_80, t.crossing_80_at, t.already_above_90], [true, null, false]);
  });

  it('cold data: ads-measurement holds 46.56 TB unread for 365+ days in the image of 2026-09-30, 68.19% of all', async () => {
    const key = answers.stories.cold_data;
    // 2026-Q3 ends 2026-10-01 00:00 in Europe/Amsterdam = 2026-09-30 22:00 UTC.
    const rows = await runSqlFile(w.conn, 'cold_data_by_team', { cluster: 'demo-hadoop', period_end: '2026-10-01' });
    const [top] = rows;
    assert.deepEqual([top.team, top.as_of, top.cold_365d_bytes, top.bytes], [key.team, key.as_of, key.bytes_365d_plus, key.team_bytes]);
    assert.equal(top.cold_365d_bytes, 46564431322098);
    assert.equal(rows.reduce((s, r) => s + (r.cold_365d_bytes as number), 0), key.all_bytes_365d_plus);
    close(top.share_of_cold_365d, key.share_of_all_365d_plus, 'share of all', 5e-7);
    close(top.cold_365d_share_of_team, key.team_share_unread_365d, 'share of the team', 5e-7);
    assert.deepEqual(rows.slice(0, 5).map((r) => ({ team: r.team, bytes_365d_plus: r.cold_365d_bytes })), key.top5);
    assert.equal(rows[1].team, key.runner_up.team);
    close(rows[1].share_of_cold_365d, key.runner_up.share_of_all_365d_plus, 'runner-up share', 5e-7);
  });
});
