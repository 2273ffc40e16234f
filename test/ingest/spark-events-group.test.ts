/**
 * Spark event logs staged many at once (Source.stageMany, pipeline.ts): a group of logs gives
 * exactly what each log gives alone — rows, rejected lines with their numbers, ingest_runs — and
 * a bad log in a group fails alone, with the message it gets alone, while the others load: one
 * that cannot be read, and one whose row the warehouse refuses at the merge.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it, before } from 'node:test';
import { fixture, tmpDir } from '../helpers.js';
import { ingestFiles } from '../../src/ingest/pipeline.js';
import { sparkEvents } from '../../src/ingest/spark-events.js';
import { counted } from './counted-source.js';
import { defaultSettings } from '../../src/settings.js';
import { openWarehouse } from '../../src/warehouse/open.js';

const spark = (...f: string[]) => fixture('spark-events', ...f);

/** Load `files` into a new warehouse, staged in groups or each file alone; what the warehouse holds, but the run ids. */
async function load(files: string[], grouped: boolean) {
  const { source, calls } = counted(sparkEvents, grouped);
  const warnings: string[] = [];
  const wh = await openWarehouse(path.join(tmpDir(), 'w.duckdb'));
  try {
    const opts = { source, cluster: 'lab', timezone: 'UTC', settings: defaultSettings(), concurrency: 1, warn: (m: string) => warnings.push(m) };
    await ingestFiles(wh, files, opts);
    const read = async (sql: string) => JSON.stringify((await wh.conn.runAndReadAll(sql)).getRowObjectsJson());
    return {
      calls,
      warnings,
      details: await read(`select * exclude (ingest_run_id) replace (stage_list::varchar as stage_list, extra::varchar as extra) from app_details order by job_id`),
      jobs: await read(`select * exclude (ingest_run_id) replace (extra::varchar as extra) from jobs order by job_id`),
      rejects: await read(`select file, line, reason, raw from rejected_rows order by file, line`),
      runs: await read(`select file, status, rows_read, rows_written, rejects, message, size_bytes, sha256 from ingest_runs order by file`),
    };
  }
  finally {
    wh.close();
  }
}

describe('spark-events: many logs staged in one statement', () => {
  const dir = tmpDir();
  const goods: string[] = [];
  let noStart = '';
  let noAppId = '';
  before(() => {
    const real = spark('real');
    goods.push(...fs.readdirSync(real).map((f) => path.join(real, f)));
    // Rolling logs (plain, zstd, in progress, compacted: the same applications as real logs, so one row each) and the hand-made edge cases.
    for (const f of ['rolled', 'rolled-zstd', 'rolled-in-progress', 'rolled-compacted']) goods.push(path.join(spark(f), fs.readdirSync(spark(f))[0]));
    goods.push(...['spark-line-not-json-last-job-failed', 'spark-unknown-event-type', 'spark-truncated-no-application-end'].map((f) => spark(f)));
    // A gzipped log beside plain ones, and a log with nothing but blank lines (no row, no reject).
    const gz = path.join(dir, 'local-1426533911241-copy.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(path.join(real, 'local-1426533911241'), 'utf8').replace(/local-1426533911241/g, 'local-1426533911241-gz')));
    const blank = path.join(dir, 'blank-lines-only');
    fs.writeFileSync(blank, '\n\n  \n');
    goods.push(gz, blank);
    // Hand-made: a log that lost its first part (no SparkListenerApplicationStart).
    noStart = path.join(dir, 'spark-log-without-application-start');
    fs.writeFileSync(noStart, fs.readFileSync(path.join(real, 'local-1422981759269'), 'utf8').split('\n').filter((l) => !l.includes('SparkListenerApplicationStart')).join('\n'));
    // Hand-made: an application start without its "App ID": it stages (a row with no job id), but the warehouse refuses the row.
    noAppId = path.join(dir, 'spark-application-start-without-app-id');
    fs.writeFileSync(noAppId, fs.readFileSync(path.join(real, 'local-1422981780767'), 'utf8').replace(/"App ID":"local-1422981780767",/, ''));
  });

  it('a group gives exactly the rows, rejects and runs each log gives alone, in one stageMany call', async () => {
    const alone = await load(goods, false);
    const together = await load(goods, true);
    assert.deepEqual(together.calls, { alone: 0, groups: [goods.length] });
    assert.equal(alone.calls.alone, goods.length);
    for (const k of ['details', 'jobs', 'rejects', 'runs'] as const) assert.equal(together[k], alone[k], k);
    // Something to compare: every good log but the blank one is a row, and the hand-made rejects are there.
    // 18 real logs are 16 apps (two logged two attempts); the rolling logs and the truncated one repeat real apps; two hand-made apps and the gzipped copy.
    assert.equal(JSON.parse(together.details).length, 16 + 2 + 1);
    assert.equal(JSON.parse(together.rejects).length, 2);
    assert.equal(together.warnings.filter((w) => /com\.example\.AuditEvent/.test(w)).length, 1);
  });

  it('a bad log fails the group: its files are staged one by one, so only the bad one fails, with its own message', async () => {
    const alone = await load([...goods, noStart], false);
    const together = await load([...goods, noStart], true);
    assert.deepEqual(together.calls, { alone: goods.length + 1, groups: [goods.length + 1] });
    assert.equal(together.runs, alone.runs);
    assert.equal(together.details, alone.details);
    const failed = (JSON.parse(together.runs) as { file: string; status: string; message: string }[]).filter((r) => r.status !== 'loaded');
    assert.deepEqual(failed.map((r) => [path.basename(r.file), r.status]), [['spark-log-without-application-start', 'failed']]);
    assert.match(failed[0].message, /^cannot be read as spark-events: it has no SparkListenerApplicationStart event/);
  });

  it('a log of a group that breaks the merge rolls back alone, named, read from its group\'s staging tables; the others load', async () => {
    const files = [...goods.slice(0, 3), noAppId, ...goods.slice(3)];
    const alone = await load(files, false);
    const together = await load(files, true);
    assert.deepEqual(together.calls, { alone: 0, groups: [files.length] });
    for (const k of ['details', 'jobs', 'rejects', 'runs'] as const) assert.equal(together[k], alone[k], k);
    const runs = JSON.parse(together.runs) as { file: string; status: string; message: string }[];
    const failed = runs.filter((r) => r.status !== 'loaded');
    assert.deepEqual(failed.map((r) => [path.basename(r.file), r.status]), [['spark-application-start-without-app-id', 'failed']]);
    assert.match(failed[0].message, /^could not be merged into the warehouse: .*NOT NULL.*job_id/);
    assert.equal(runs.filter((r) => r.status === 'loaded').length, goods.length);
    assert.equal(JSON.parse(together.details).length, 16 + 2 + 1);
  });
});
