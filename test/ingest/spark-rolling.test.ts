/**
 * Spark 3 rolling event logs (src/ingest/spark-rolling.ts, read by spark-events.ts): an
 * `eventlog_v2_<app id>` directory is one application. The fixtures are real captures cut into
 * parts (test/fixtures/spark-events/make-rolled.sh); each must give exactly the row the same
 * events give in one file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixture, query, runCli, tmpDir } from '../helpers.js';

const spark = (...f: string[]) => fixture('spark-events', ...f);
const ingest = (db: string, ...args: string[]) => runCli(['ingest', '--db', db, '--cluster', 'lab', ...args]);

/** Every column of the app's app_details row and of its jobs row, but the load that wrote them. */
async function rows(db: string, jobId: string): Promise<Record<string, unknown>> {
  const [d] = await query(db, `select * exclude (ingest_run_id) replace (stage_list::varchar as stage_list, extra::varchar as extra) from app_details where job_id = $id`, { id: jobId });
  const [j] = await query(db, `select * exclude (ingest_run_id) replace (extra::varchar as extra) from jobs where job_id = $id`, { id: jobId });
  assert.ok(d && j, `${jobId}: an app_details and a jobs row`);
  return { detail: d, job: j };
}

/** Load `single` (one file) and `rolled` (a directory) into warehouses of their own; both rows. */
async function loadBoth(single: string, rolled: string, jobId: string, format: string[] = ['--format', 'spark-events']) {
  const dir = tmpDir();
  const a = path.join(dir, 'single.duckdb');
  const b = path.join(dir, 'rolled.duckdb');
  const ra = await ingest(a, ...format, single);
  assert.equal(ra.code, 0, ra.stderr);
  const rb = await ingest(b, ...format, rolled);
  assert.equal(rb.code, 0, rb.stderr);
  return { single: await rows(a, jobId), rolled: await rows(b, jobId), stderr: rb.stderr, db: b };
}

describe('spark-events: rolling logs (eventlog_v2_*)', () => {
  const app = 'application_1553914137147_0018';
  const local = 'local-1422981780767';

  it('reads three plain parts as one application: exactly the row of the same events in one file', async () => {
    const r = await loadBoth(spark('real', app), spark('rolled', `eventlog_v2_${app}`), app);
    assert.deepEqual(r.rolled, r.single);
    assert.equal((r.rolled.detail as Record<string, unknown>).outcome, 'SUCCEEDED');
    const [run] = await query<{ file: string; rows_read: bigint }>(r.db, `select file, rows_read from ingest_runs`);
    assert.match(run.file, /rolled\/eventlog_v2_application_1553914137147_0018$/);
  });

  it('finds a rolling log by its layout when the format is not given, and loads the directory once', async () => {
    const r = await loadBoth(spark('real', app), spark('rolled'), app, []);
    assert.deepEqual(r.rolled, r.single);
    assert.match(r.stderr, /loaded +\S+eventlog_v2_application_1553914137147_0018: 1 applications read/);
  });

  it('reads zstd parts (events_N_<app>.zstd)', async () => {
    const r = await loadBoth(spark('real', app), spark('rolled-zstd', `eventlog_v2_${app}`), app);
    assert.deepEqual(r.rolled, r.single);
  });

  it('orders parts by their index as a number: events_10 and events_11 after events_9 (gzipped parts)', async () => {
    const r = await loadBoth(spark('real', local), spark('rolled-out-of-order-indexes'), local);
    assert.deepEqual(r.rolled, r.single);
    // 32 task ends across the parts: none lost, none read twice.
    assert.equal(Number((r.rolled.detail as Record<string, unknown>).tasks), 32);
  });

  it('reads a compacted log from its .compact file on', async () => {
    const r = await loadBoth(spark('real', app), spark('rolled-compacted', `eventlog_v2_${app}`), app);
    assert.deepEqual(r.rolled, r.single);
  });

  it('is RUNNING while its appstatus file is .inprogress, as a single log named ….inprogress is', async () => {
    const dir = tmpDir();
    const single = path.join(dir, `${local}.inprogress`);
    fs.writeFileSync(single, fs.readFileSync(spark('real', local), 'utf8').split('\n').slice(0, 23).join('\n') + '\n');
    const r = await loadBoth(single, spark('rolled-in-progress', `eventlog_v2_${local}`), local);
    assert.deepEqual(r.rolled, r.single);
    const d = r.rolled.detail as Record<string, unknown>;
    assert.deepEqual([d.outcome, d.end_time], ['RUNNING', null]);
  });

  it('refuses a log with a gap, naming the directory and the missing index; the others load', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, '--format', 'spark-events', spark('rolled-missing-middle-file'), spark('rolled'));
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /eventlog_v2_local-1422981780767: cannot be read as spark-events: the rolling event log eventlog_v2_local-1422981780767\/ is not whole: the event file with index 2 is missing \(events_1_local-1422981780767 is followed by events_3_local-1422981780767\)/,
    );
    assert.deepEqual((await query<{ job_id: string }>(db, `select job_id from app_details`)).map((x) => x.job_id), [app]);
  });

  it('refuses a log whose first part is gone with no .compact file standing for it', async () => {
    const dir = path.join(tmpDir(), `eventlog_v2_${local}`);
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(spark('rolled-missing-middle-file', `eventlog_v2_${local}`), `events_3_${local}`), path.join(dir, `events_3_${local}`));
    const r = await ingest(path.join(path.dirname(dir), 'w.duckdb'), dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /starts at events_3_local-1422981780767: events_1 \(the application's start\) is missing/);
  });

  it('refuses a part loaded on its own, naming the directory to load', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, '--format', 'spark-events', spark('rolled', `eventlog_v2_${app}`, `events_1_${app}`));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /events_1_application_1553914137147_0018: .*part of the rolling event log eventlog_v2_application_1553914137147_0018\/.*load the directory/);
  });

  it('loads a directory again when a part grows (the app went on), and skips it when nothing changed', async () => {
    const dir = path.join(tmpDir(), `eventlog_v2_${local}`);
    fs.cpSync(spark('rolled-in-progress', `eventlog_v2_${local}`), dir, { recursive: true });
    const db = path.join(path.dirname(dir), 'w.duckdb');
    assert.equal((await ingest(db, dir)).code, 0);
    assert.match((await ingest(db, dir)).stderr, /skipped .*already loaded/);
    // The app rolls on to a third part and stops.
    const rest = fs.readFileSync(spark('real', local), 'utf8').split('\n').slice(23).join('\n');
    fs.writeFileSync(path.join(dir, `events_3_${local}`), rest);
    fs.renameSync(path.join(dir, `appstatus_${local}.inprogress`), path.join(dir, `appstatus_${local}`));
    const r = await ingest(db, dir);
    assert.equal(r.code, 0, r.stderr);
    const [d] = await query<{ outcome: string; tasks: bigint }>(db, `select outcome, tasks from app_details`);
    assert.deepEqual([d.outcome, Number(d.tasks)], ['SUCCEEDED', 32]);
  });

  it('names the part and its own line in a rejected line\'s reason', async () => {
    const dir = path.join(tmpDir(), `eventlog_v2_${local}`);
    fs.cpSync(spark('rolled-in-progress', `eventlog_v2_${local}`), dir, { recursive: true });
    fs.appendFileSync(path.join(dir, `events_2_${local}`), '{"Event":"SparkListenerTaskEnd","Stage ID":0,\n');
    const db = path.join(path.dirname(dir), 'w.duckdb');
    assert.equal((await ingest(db, dir)).code, 0);
    const [rej] = await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows`);
    // Part 1 holds 12 lines, part 2 11 and then the cut line: line 24 of the stream, line 12 of events_2.
    assert.equal(Number(rej.line), 24);
    assert.match(rej.reason, /^not JSON .*\(events_2_local-1422981780767, line 12\)$/);
  });
});
