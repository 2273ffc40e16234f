/** The load contract: one transaction per file, idempotent reloads, newer records win, nothing lost. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MAIN, fixture, job, query, runCli, tmpDir } from '../helpers.js';
import { BATCH_MAX_FILES, BATCH_ROWS, ROW_GROUP_ROWS, ingestFiles, nextBatch } from '../../src/ingest/pipeline.js';
import { sourceFor } from '../../src/ingest/sources.js';
import { defaultSettings } from '../../src/settings.js';
import { openWarehouse } from '../../src/warehouse/open.js';

const yarn = (f: string) => fixture('yarn', f);
const ingest = (db: string, ...args: string[]) => runCli(['ingest', '--db', db, '--format', 'yarn-apps', '--cluster', 'prod', ...args]);

async function snapshot(db: string): Promise<string> {
  const rows = await query(db, `select * exclude (ingest_run_id) replace (extra::varchar as extra) from jobs order by cluster, job_id`);
  return JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

describe('ingest pipeline', () => {
  it('loading the same file again changes nothing, and is recorded as skipped', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    assert.equal((await ingest(db, yarn('eagle__sparkcompleteapp.json'))).code, 0);
    const before = await snapshot(db);
    const again = await ingest(db, yarn('eagle__sparkcompleteapp.json'));
    assert.equal(again.code, 0);
    assert.match(again.stdout, /0 loaded, 1 skipped/);
    assert.match(again.stderr, /already loaded \(run 1\)/);
    assert.equal(await snapshot(db), before);
    const runs = await query<{ status: string; sha256: string }>(db, `select status, sha256 from ingest_runs order by id`);
    assert.deepEqual(runs.map((r) => r.status), ['loaded', 'skipped']);
    assert.equal(runs[0].sha256, runs[1].sha256);
    assert.match(runs[0].sha256, /^[0-9a-f]{64}$/);
  });

  it('a large file, hashed while it is staged, is still skipped as a copy of a loaded one', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'w.duckdb');
    const copy = path.join(dir, 'copy.json');
    fs.copyFileSync(yarn('eagle__sparkcompleteapp.json'), copy);
    const wh = await openWarehouse(db);
    try {
      // Every file counts as large here: hashed alongside staging, not before it.
      const opts = { source: await sourceFor('yarn-apps'), cluster: 'prod', timezone: 'UTC', settings: defaultSettings(), hashWhileStagingBytes: 0 };
      const [first] = await ingestFiles(wh, [yarn('eagle__sparkcompleteapp.json')], opts);
      assert.equal(first.status, 'loaded');
      const jobs = async () => Number((await wh.conn.runAndReadAll(`select count(*) from jobs`)).getRows()[0][0]);
      const loaded = await jobs();
      const [second] = await ingestFiles(wh, [copy], opts);
      assert.deepEqual([second.status, second.message], ['skipped', 'already loaded (run 1); --reload loads it again']);
      const runs = (await wh.conn.runAndReadAll(`select status, sha256 from ingest_runs order by id`)).getRowObjectsJS();
      assert.deepEqual(runs.map((r) => r.status), ['loaded', 'skipped']);
      assert.equal(runs[0].sha256, runs[1].sha256);
      assert.equal(await jobs(), loaded);
    } finally {
      wh.close();
    }
  });

  it('skips a copy of a loaded file (same content, other name) by its hash; --reload loads it again', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'w.duckdb');
    fs.copyFileSync(yarn('eagle__sparkcompleteapp.json'), path.join(dir, 'copy.json'));
    assert.equal((await ingest(db, yarn('eagle__sparkcompleteapp.json'))).code, 0);
    assert.match((await ingest(db, path.join(dir, 'copy.json'))).stdout, /1 skipped/);
    const before = await snapshot(db);
    const r = await ingest(db, '--reload', path.join(dir, 'copy.json'));
    assert.match(r.stdout, /1 loaded, 0 skipped/);
    assert.equal(await snapshot(db), before);
  });

  it('a newer record replaces the older one: RUNNING then FINISHED', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    assert.equal((await ingest(db, yarn('apps-app-running.json'))).code, 0);
    assert.equal((await job(db, 'application_1759900000000_0042')).state, 'RUNNING');
    assert.equal((await ingest(db, yarn('apps-app-finished-failed.json'))).code, 0);
    const j = await job(db, 'application_1759900000000_0042');
    assert.equal(j.state, 'FAILED');
    assert.equal(j.raw_state, 'FINISHED/FAILED');
    assert.match(String(j.diagnostics), /exitCode: -104/);
    assert.equal(j.alloc_cpus, null);
    assert.equal(j.vcore_seconds, 800);
  });

  it('an older record does not replace a newer one: FINISHED then a late RUNNING snapshot', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    assert.equal((await ingest(db, yarn('apps-app-finished-failed.json'))).code, 0);
    const r = await ingest(db, yarn('apps-app-running.json'));
    assert.match(r.stdout, /1 jobs read, 0 new or newer/);
    assert.equal((await job(db, 'application_1759900000000_0042')).state, 'FAILED');
  });

  it('between two finished records of one app, the later end wins whatever the load order', async () => {
    // The doc example and the eagle capture share application_1326815542473_0001; eagle's ended in 2016, the doc's in 2012.
    for (const order of [
      ['hadoop-doc__cluster_apps.json', 'eagle__mrcompleteapp.json'],
      ['eagle__mrcompleteapp.json', 'hadoop-doc__cluster_apps.json'],
    ]) {
      const db = path.join(tmpDir(), 'w.duckdb');
      for (const f of order) assert.equal((await ingest(db, yarn(f))).code, 0);
      const j = await job(db, 'application_1326815542473_0001');
      assert.equal(j.name, 'insert overwrite table xx.yy...end(Stage-1)', order.join(' then '));
      assert.equal(j.end_time, '2016-11-15 21:18:38.794');
    }
  });

  it('within one command (one merge batch) the newer record of a job wins, in either argument order', async () => {
    for (const order of [
      ['apps-app-running.json', 'apps-app-finished-failed.json'],
      ['apps-app-finished-failed.json', 'apps-app-running.json'],
    ]) {
      const db = path.join(tmpDir(), 'w.duckdb');
      const r = await ingest(db, ...order.map(yarn));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /2 loaded.*2 jobs read, 1 new or newer/);
      const rows = await query<{ state: string }>(db, `select state from jobs where job_id = 'application_1759900000000_0042'`);
      assert.deepEqual(rows.map((x) => x.state), ['FAILED'], order.join(' then '));
    }
  });

  it('a tie between two records of one command goes to the file given later, even when that file is merged first', async () => {
    // Two records of one app, alike but for their name: neither is further on than the other.
    const dir = tmpDir();
    const [earlier, later] = ['earlier.json', 'later.json'].map((f) => path.join(dir, f));
    const text = fs.readFileSync(yarn('eagle__sparkcompleteapp.json'), 'utf8');
    fs.writeFileSync(earlier, text.replace('"Spark shell"', '"given first"'));
    fs.writeFileSync(later, text.replace('"Spark shell"', '"given later"'));
    const wh = await openWarehouse(path.join(dir, 'w.duckdb'));
    try {
      // The file given first waits to be staged until the later one is merged (a batch a file, and
      // no last stretch, which would hold both in one transaction).
      const source = await sourceFor('yarn-apps');
      let merged: () => void = () => undefined;
      const laterMerged = new Promise<void>((resolve) => (merged = resolve));
      const held = { ...source, stage: async (ctx: Parameters<typeof source.stage>[0]) => (ctx.file === earlier && (await laterMerged), source.stage(ctx)) };
      const order: string[] = [];
      const opts = {
        source: held, cluster: 'prod', timezone: 'UTC', settings: defaultSettings(), concurrency: 2, batchRows: 1, streamRows: 0,
        onFile: (r: { file: string }) => (order.push(path.basename(r.file)), r.file === later && merged()),
      };
      const results = await ingestFiles(wh, [earlier, later], opts);
      assert.deepEqual(results.map((r) => r.status), ['loaded', 'loaded']);
      assert.deepEqual(order, ['later.json', 'earlier.json']);
      const names = (await wh.conn.runAndReadAll(`select name from jobs where job_id = 'application_1479196259121_1041'`)).getRows();
      assert.deepEqual(names, [['given later']]);
      assert.deepEqual(results.map((r) => r.rowsWritten), [0, 2]); // the capture holds two apps
    } finally {
      wh.close();
    }
  });

  it('--reload replaces the rejected rows of the earlier load instead of adding them again', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    assert.equal((await ingest(db, yarn('apps-finishedtime-not-a-number.json'))).code, 0);
    assert.equal((await ingest(db, '--reload', yarn('apps-finishedtime-not-a-number.json'))).code, 0);
    const [r] = await query<{ n: bigint; runs: bigint }>(db, `select count(*) as n, count(distinct ingest_run_id) as runs from rejected_rows`);
    assert.deepEqual([Number(r.n), Number(r.runs)], [2, 1]);
    const [j] = await query<{ n: bigint }>(db, `select count(*) as n from jobs`);
    assert.equal(Number(j.n), 1);
  });

  it('a truncated file rolls back alone: the others load, the command exits 1 naming it', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, yarn('apps-app-running.json'), yarn('apps-truncated.json'), yarn('eagle__sparkcompleteapp.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /apps-truncated\.json: cannot be read as yarn-apps: .*/);
    assert.match(r.stderr, /1 file\(s\) did not load and were rolled back \(the others loaded\)/);
    assert.match(r.stdout, /3 file\(s\): 2 loaded, 0 skipped \(already loaded\), 1 failed; 3 jobs read/);
    const [n] = await query<{ n: bigint }>(db, `select count(*) as n from jobs`);
    assert.equal(Number(n.n), 3, 'the truncated file held 0043, which must not be there');
    const failed = await query<{ status: string; message: string }>(db, `select status, message from ingest_runs where file like '%apps-truncated.json'`);
    assert.equal(failed[0].status, 'failed');
    // Fixing nothing and running again: loaded files are skipped, the bad one fails again.
    const again = await ingest(db, yarn('apps-app-running.json'), yarn('apps-truncated.json'));
    assert.equal(again.code, 1);
    assert.match(again.stdout, /0 loaded, 1 skipped.*1 failed/);
  });

  it('a directory loads every matching file below it', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'w.duckdb');
    fs.mkdirSync(path.join(dir, 'dumps/2026-10'), { recursive: true });
    fs.copyFileSync(yarn('eagle__sparkcompleteapp.json'), path.join(dir, 'dumps/a.json'));
    fs.copyFileSync(yarn('eagle__mrrunningapp.json'), path.join(dir, 'dumps/2026-10/b.json'));
    fs.writeFileSync(path.join(dir, 'dumps/notes.txt'), 'not a dump');
    const r = await ingest(db, path.join(dir, 'dumps'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 file\(s\): 2 loaded.*4 jobs read/);
  });
});

describe('merge batches (nextBatch)', () => {
  const tens = (n: number) => Array<number>(n).fill(10_000);

  it('are cut where DuckDB leaves the row groups alone: under one, or a last one over half full', () => {
    assert.equal(ROW_GROUP_ROWS, 122_880);
    assert.equal(BATCH_ROWS, 184_321);
    // Responses of 10,000 apps: 19 make 190,000 rows, a row group and 67,120 (over 61,440).
    assert.equal(nextBatch(tens(30), BATCH_ROWS), 19);
    // The last 15 of a load: 150,000 would leave a tail of 27,120, which later checkpoints would
    // merge with its neighbours; 12 (120,000) stay under a row group.
    assert.equal(nextBatch(tens(15), BATCH_ROWS), 12);
    // 61,440 + 61,440 is exactly a row group; 30,000 more would be a tail of 30,000.
    assert.equal(nextBatch([61_440, 61_440, 30_000], BATCH_ROWS), 2);
    // A tail of exactly half a row group is not over half: 184,320 → the first file alone.
    assert.equal(nextBatch([100_000, 84_320], BATCH_ROWS), 1);
    // 130,000 + 100,000 = 230,000: a tail of 107,120.
    assert.equal(nextBatch([130_000, 100_000, 10_000], BATCH_ROWS), 2);
  });

  it('take at least one file, at most two row groups unless one file is more, and at most BATCH_MAX_FILES files', () => {
    assert.equal(nextBatch([300_000, 10_000], BATCH_ROWS), 1);
    // 130,000 + 120,000 would pass two row groups (245,760): the first file goes alone, tail and all.
    assert.equal(nextBatch([130_000, 120_000], BATCH_ROWS), 1);
    assert.equal(nextBatch(Array<number>(300).fill(10), BATCH_ROWS), BATCH_MAX_FILES);
    // A target of one row: a file a batch.
    assert.equal(nextBatch([5, 5, 5], 1), 1);
    assert.equal(nextBatch([7], BATCH_ROWS), 1);
  });
});

describe('command line', () => {
  it('the built command is executable, so `npx gazette` runs it (npm runs a package\'s own bin as a program)', async () => {
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(MAIN, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
    assert.equal(r.code, 0);
    assert.match(r.out, /^\d+\.\d+\.\d+\n$/);
  });

  it('without --format, tells the format from the content', async () => {
    const r = await runCli(['ingest', '--db', path.join(tmpDir(), 'w.duckdb'), '--cluster', 'prod', yarn('eagle__mrrunningapp.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /prod \(yarn-apps\): 1 file\(s\): 1 loaded.*2 jobs read/);
  });

  it('exits 2 on an unknown option or format', async () => {
    assert.equal((await runCli(['ingest', '--bogus'])).code, 2);
    const r = await runCli(['ingest', '--format', 'lsf', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Allowed choices are yarn-apps, yarn-metrics, sacct, swf, canonical, incidents, business-series, jmx, hdfs-du, hdfs-count, fsimage, xdmod-storage, spark-events, spark-history, jhist, mr-history\./);
  });

  it('exits 2 naming a path that does not exist', async () => {
    const r = await runCli(['ingest', '--db', path.join(tmpDir(), 'w.duckdb'), '--format', 'sacct', '/no/such/file.txt']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\/no\/such\/file\.txt: no such file or directory/);
  });

  it('uses GAZETTE_DB when --db is not given', async () => {
    const db = path.join(tmpDir(), 'env.duckdb');
    const r = await runCli(['ingest', '--format', 'yarn-apps', yarn('eagle__mrrunningapp.json')], { env: { GAZETTE_DB: db } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.existsSync(db));
  });
});
