/**
 * YARN apps responses staged many at once (yarn-apps' stageMany, pipeline.ts): a group of
 * responses of different shapes and fields gives exactly what each response gives alone — jobs,
 * rejected apps with their record index, ingest_runs — and a response that cannot be read (or
 * an empty one, which `stage` alone handles) has the group staged file by file, so only the bad
 * one fails, with the message it gets alone.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it, before } from 'node:test';
import { fixture, tmpDir } from '../helpers.js';
import { ingestFiles } from '../../src/ingest/pipeline.js';
import { yarnApps } from '../../src/ingest/yarn-apps.js';
import { counted } from './counted-source.js';
import { defaultSettings } from '../../src/settings.js';
import { openWarehouse } from '../../src/warehouse/open.js';

const yarn = (f: string) => fixture('yarn', f);

/** Load `files` into a new warehouse, staged in groups or each file alone; what the warehouse holds, but the run ids. */
async function load(files: string[], grouped: boolean) {
  const { source, calls } = counted(yarnApps, grouped);
  const wh = await openWarehouse(path.join(tmpDir(), 'w.duckdb'));
  try {
    await ingestFiles(wh, files, { source, cluster: 'lab', timezone: 'UTC', settings: defaultSettings(), concurrency: 1 });
    const read = async (sql: string) => JSON.stringify((await wh.conn.runAndReadAll(sql)).getRowObjectsJson());
    return {
      calls,
      jobs: await read(`select * exclude (ingest_run_id) replace (extra::varchar as extra) from jobs order by job_id`),
      rejects: await read(`select file, line, reason, raw from rejected_rows order by file, line`),
      runs: await read(`select file, status, rows_read, rows_written, rejects, message, size_bytes, sha256 from ingest_runs order by file`),
    };
  } finally {
    wh.close();
  }
}

describe('yarn-apps: many responses staged in one statement', () => {
  const goods: string[] = [];
  before(() => {
    // Every readable capture and edge case: lists and single apps ({"app": …}, {"apps": {"app": {…}}}),
    // different fields (the docs' example has two spelt alike but for case), rejected apps, tags, GPU-seconds.
    goods.push(...[
      'eagle__mrcompleteapp.json', 'eagle__mrrunningapp.json', 'eagle__sparkcompleteapp.json', 'hadoop-doc__cluster_app_single.json',
      'hadoop-doc__cluster_apps.json', 'apps-app-finished-failed.json', 'apps-app-running.json', 'apps-finishedtime-not-a-number.json',
      'apps-gpu-resourcesecondsmap-duplicate-entry-keys.json', 'apps-times-nan-and-infinity.json', 'apps-workflow-tags.json',
    ].map(yarn));
    // A gzipped response beside plain ones (its apps renamed, so that they are rows of their own).
    const gz = path.join(tmpDir(), 'apps-workflow-tags-copy.json.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(yarn('apps-workflow-tags.json'), 'utf8').replace(/application_/g, 'application_9')));
    goods.push(gz);
  });

  it('a group gives exactly the jobs, rejects and runs each response gives alone, in one stageMany call', async () => {
    const alone = await load(goods, false);
    const together = await load(goods, true);
    assert.deepEqual(together.calls, { alone: 0, groups: [goods.length] });
    assert.equal(alone.calls.alone, goods.length);
    for (const k of ['jobs', 'rejects', 'runs'] as const) assert.equal(together[k], alone[k], k);
    // Something to compare: the hand-made rejects are there, and the gzipped copy's apps.
    const rejects = JSON.parse(together.rejects) as { file: string; reason: string }[];
    assert.deepEqual(rejects.map((r) => [path.basename(r.file), r.reason]), [
      ['apps-finishedtime-not-a-number.json', 'finishedTime is not a number (got "soon")'],
      ['apps-finishedtime-not-a-number.json', 'id is missing'],
      ['apps-times-nan-and-infinity.json', 'startedTime is not a number (got "NaN")'],
      ['apps-times-nan-and-infinity.json', 'elapsedTime is not a number (got "Infinity")'],
    ]);
    const jobs = JSON.parse(together.jobs) as { job_id: string; job_key: string; extra: string }[];
    assert.ok(jobs.some((j) => j.job_id.startsWith('application_9') && j.job_key.startsWith('wf:')));
    // The docs' example keeps both amNodeLabelExpression and amnodeLabelExpression (read by a second parse).
    assert.ok(jobs.some((j) => /"amnodeLabelExpression"/.test(j.extra) && /"amNodeLabelExpression"/.test(j.extra)));
  });

  it('a truncated response, or an empty one, has its group staged one by one: only the truncated one fails, with its own message', async () => {
    const files = [...goods.slice(0, 4), yarn('apps-truncated.json'), yarn('apps-null-no-apps.json'), ...goods.slice(4)];
    const alone = await load(files, false);
    const together = await load(files, true);
    assert.deepEqual(together.calls, { alone: files.length, groups: [files.length] });
    for (const k of ['jobs', 'rejects', 'runs'] as const) assert.equal(together[k], alone[k], k);
    const runs = JSON.parse(together.runs) as { file: string; status: string; message: string }[];
    const failed = runs.filter((r) => r.status !== 'loaded');
    assert.deepEqual(failed.map((r) => [path.basename(r.file), r.status]), [['apps-truncated.json', 'failed']]);
    assert.match(failed[0].message, /^cannot be read as yarn-apps: Malformed JSON/);
    assert.equal(runs.filter((r) => r.status === 'loaded').length, goods.length + 1);
  });
});
