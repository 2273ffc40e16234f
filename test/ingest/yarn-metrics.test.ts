/** ResourceManager cluster metrics snapshots: the real capture and hand-made edge cases; expected values worked out by hand. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { snapshotTimeFromName } from '../../src/ingest/yarn-metrics.js';
import { fixture, query, runCli, tmpDir } from '../helpers.js';

const metrics = (f: string) => fixture('yarn-metrics', f);

/** A warehouse and settings: demo-hadoop in Amsterdam (CET = UTC+1 until 2026-03-29). */
function setup(): { dir: string; db: string; config: string } {
  const dir = tmpDir();
  const config = path.join(dir, 'gazette.yaml');
  fs.writeFileSync(config, 'cluster: demo-hadoop\nclusters:\n  demo-hadoop:\n    timezone: Europe/Amsterdam\n');
  return { dir, db: path.join(dir, 'w.duckdb'), config };
}

const ingest = (s: { db: string; config: string }, ...args: string[]) => runCli(['ingest', '--db', s.db, '--config', s.config, ...args]);

async function snapshots(db: string) {
  return query<Record<string, unknown>>(
    db,
    `select * exclude (ingest_run_id) replace (strftime(taken_at, '%Y-%m-%d %H:%M:%S') as taken_at, extra::varchar as extra)
     from capacity_snapshots order by taken_at`,
  );
}

const num = (v: unknown) => (v === null ? null : Number(v));
const counts = (r: Record<string, unknown>) =>
  [
    'total_vcores', 'total_memory_mb', 'total_gpus', 'total_nodes', 'active_nodes', 'lost_nodes', 'unhealthy_nodes',
    'decommissioned_nodes', 'rebooted_nodes', 'apps_running', 'apps_pending', 'allocated_vcores', 'allocated_memory_mb',
  ].map((c) => num(r[c]));

describe('yarn-metrics', () => {
  it('reads the Hadoop docs capture, dated by its name in the cluster time zone', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'yarn-metrics', metrics('rm-metrics-2026-01-15T0600.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /demo-hadoop \(yarn-metrics\): 1 file\(s\): 1 loaded.*1 snapshots read, 1 new or replacing, 0 rows rejected/);
    const [row, ...more] = await snapshots(s.db);
    assert.equal(more.length, 0);
    assert.equal(row.cluster, 'demo-hadoop');
    assert.equal(row.taken_at, '2026-01-15 05:00:00', '06:00 in Amsterdam in January (UTC+1)');
    // total vcores, MB, GPUs (none: Hadoop 2), nodes total/active/lost/unhealthy/decommissioned/rebooted, apps running/pending, allocated vcores/MB
    assert.deepEqual(counts(row), [8, 17408, null, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0]);
    assert.deepEqual(JSON.parse(String(row.extra)), {
      appsSubmitted: 0, appsCompleted: 0, appsFailed: 0, appsKilled: 0, reservedMB: 0, availableMB: 17408,
      reservedVirtualCores: 0, availableVirtualCores: 7, containersAllocated: 0, containersReserved: 0, containersPending: 0,
    });
  });

  it('reads Hadoop 3 fields and GPUs from the resource types; keeps the rest in extra', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'yarn-metrics', metrics('rm-metrics-2026-03-02_14-30-hadoop3-gpu.json'));
    assert.equal(r.code, 0, r.stderr);
    const [row] = await snapshots(s.db);
    assert.equal(row.taken_at, '2026-03-02 13:30:00', '14:30 (written _14-30) in Amsterdam, still CET');
    assert.deepEqual(counts(row), [768, 1572864, 8, 26, 24, 1, 2, 3, 0, 12, 3, 672, 1409024]);
    const extra = JSON.parse(String(row.extra));
    assert.equal(extra.shutdownNodes, 0);
    assert.equal(extra.decommissioningNodes, 1);
    assert.equal(extra.utilizedMBPercent, 89);
    assert.equal(extra.crossPartitionMetricsAvailable, true);
    assert.equal(extra.totalClusterResourcesAcrossPartition.vCores, 768);
    assert.equal(extra.totalClusterResourcesAcrossPartition.resourceInformations.resourceInformation[2].name, 'yarn.io/gpu');
    assert.equal(extra.totalMB, undefined, 'a field with a column is not repeated in extra');
    assert.equal(Object.keys(extra).length, 25, '37 fields, 12 of them in columns (the GPUs come from inside totalClusterResourcesAcrossPartition, which stays)');
  });

  it('reads numbers written as strings, and a single resourceInformation object (no GPU: null)', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'yarn-metrics', metrics('rm-metrics-2026-03-03-numbers-as-strings.json'));
    assert.equal(r.code, 0, r.stderr);
    const [row] = await snapshots(s.db);
    assert.equal(row.taken_at, '2026-03-02 23:00:00', 'a bare date is midnight in Amsterdam');
    assert.deepEqual(counts(row), [4, 4096, null, 1, 1, 0, 0, 0, 0, 2, 0, 2, 2048]);
    assert.equal(JSON.parse(String(row.extra)).shutdownNodes, '0');
  });

  it('reads a gzipped response; seconds in the name (T23-59-59)', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'yarn-metrics', metrics('rm-metrics-2026-03-05T23-59-59.json.gz'));
    assert.equal(r.code, 0, r.stderr);
    const [row] = await snapshots(s.db);
    assert.equal(row.taken_at, '2026-03-05 22:59:59');
    assert.deepEqual(counts(row), [64, 65536, null, 4, 4, 0, 0, 0, 1, 9, 4, 30, 30720]);
  });

  it('an undated file fails with what to do; --as-of dates it (local, or with its own offset)', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'yarn-metrics', metrics('rm-metrics-undated.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rm-metrics-undated\.json: cannot be read as yarn-metrics: a cluster metrics response carries no date of its own, and the file's name has none\. Name it .*rm-metrics-2026-01-15T0600\.json.*or pass --as-of/);
    assert.equal((await snapshots(s.db)).length, 0);
    assert.equal((await ingest(s, '--format', 'yarn-metrics', '--as-of', '2026-03-01T12:00', metrics('rm-metrics-undated.json'))).code, 0);
    assert.equal((await ingest(s, '--format', 'yarn-metrics', '--as-of', '2026-03-01 12:00Z', metrics('rm-metrics-undated.json'))).code, 0);
    assert.deepEqual((await snapshots(s.db)).map((x) => x.taken_at), ['2026-03-01 11:00:00', '2026-03-01 12:00:00']);
  });

  it('--as-of wins over the name, for every file given', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'yarn-metrics', '--as-of', '2026-06-30T23:00:00-04:00', metrics('rm-metrics-2026-01-15T0600.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await snapshots(s.db)).map((x) => x.taken_at), ['2026-07-01 03:00:00']);
  });

  it('--as-of that is not an ISO 8601 time is a usage error', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'yarn-metrics', '--as-of', 'yesterday 6am', metrics('rm-metrics-undated.json'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--as-of yesterday 6am: not an ISO 8601 date or time\. Write it like 2026-10-01, 2026-01-15T06:00/);
  });

  it('a value that is not a number is a rejected row; the file still loads', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'yarn-metrics', metrics('rm-metrics-2026-03-04-totalmb-not-a-number.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /0 snapshots read, 0 new or replacing, 1 rows rejected/);
    const rejects = await query<{ line: bigint; reason: string; format: string }>(s.db, `select line, reason, format from rejected_rows`);
    assert.deepEqual(rejects.map((x) => [Number(x.line), x.reason, x.format]), [[1, 'totalMB is not a number (got "lots")', 'yarn-metrics']]);
  });

  it('a date in the name that does not exist fails the file', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'yarn-metrics', metrics('rm-metrics-2026-02-30-impossible-date.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /its name has "2026-02-30", which is not a date and time/);
  });

  it('a later load of the same moment replaces the snapshot', async () => {
    const s = setup();
    const [a, b] = ['a', 'b'].map((d) => path.join(s.dir, d, 'rm-metrics-2026-04-01T0000.json'));
    const doc = JSON.parse(fs.readFileSync(metrics('rm-metrics-2026-01-15T0600.json'), 'utf8'));
    fs.mkdirSync(path.dirname(a));
    fs.mkdirSync(path.dirname(b));
    fs.writeFileSync(a, JSON.stringify(doc));
    doc.clusterMetrics.totalVirtualCores = 16;
    fs.writeFileSync(b, JSON.stringify(doc));
    assert.equal((await ingest(s, '--format', 'yarn-metrics', a)).code, 0);
    assert.equal((await ingest(s, '--format', 'yarn-metrics', b)).code, 0);
    const rows = await snapshots(s.db);
    assert.deepEqual(rows.map((x) => [x.taken_at, num(x.total_vcores)]), [['2026-03-31 22:00:00', 16]], 'midnight in Amsterdam, CEST');
    // Both in one command: the later file wins there too.
    const s2 = setup();
    assert.equal((await ingest(s2, '--format', 'yarn-metrics', b, a)).code, 0);
    assert.deepEqual((await snapshots(s2.db)).map((x) => num(x.total_vcores)), [8]);
  });

  it('the same response dated another moment is another snapshot, not a repeat', async () => {
    const s = setup();
    for (const day of ['15', '16']) fs.copyFileSync(metrics('rm-metrics-2026-01-15T0600.json'), path.join(s.dir, `rm-metrics-2026-01-${day}T0600.json`));
    const r = await ingest(s, '--format', 'yarn-metrics', path.join(s.dir, 'rm-metrics-2026-01-15T0600.json'), path.join(s.dir, 'rm-metrics-2026-01-16T0600.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 loaded, 0 skipped/);
    assert.deepEqual((await snapshots(s.db)).map((x) => x.taken_at), ['2026-01-15 05:00:00', '2026-01-16 05:00:00']);
    const again = await ingest(s, '--format', 'yarn-metrics', path.join(s.dir, 'rm-metrics-2026-01-16T0600.json'));
    assert.match(again.stdout, /0 loaded, 1 skipped/);
  });
});

describe('snapshotTimeFromName', () => {
  it('takes the first YYYY-MM-DD and an optional HHMM, HH-MM or HH:MM (with seconds)', () => {
    const cases: [string, string | undefined][] = [
      ['rm-metrics-2026-01-15.json', '2026-01-15 00:00:00'],
      ['rm-metrics-2026-01-15T0600.json', '2026-01-15 06:00:00'],
      ['/var/dumps/2025-12-31/rm_2026-01-15_06-45.json.gz', '2026-01-15 06:45:00'],
      ['rm 2026-01-15 06:00:30.json', '2026-01-15 06:00:30'],
      ['rm-2026-01-15-063015.json', '2026-01-15 06:30:15'],
      ['rm-2026-01-15-06.json', '2026-01-15 00:00:00'],
      ['rm-2026-01-15T06:00-to-2026-01-16.json', '2026-01-15 06:00:00'],
      ['rm-20260115.json', undefined],
      ['metrics.json', undefined],
    ];
    for (const [name, want] of cases) assert.equal(snapshotTimeFromName(name), want, name);
  });

  it('a date that does not exist is an error, not a skipped date', () => {
    assert.throws(() => snapshotTimeFromName('rm-2026-13-01.json'), /"2026-13-01", which is not a date/);
    assert.throws(() => snapshotTimeFromName('rm-2026-01-15T2460.json'), /"2026-01-15T2460", which is not a date/);
  });
});
