/**
 * End to end: what `npm start` does, on the bundled sample-data, in a temp dir. The expected
 * figures are computed here independently of the SQL path: by parsing the files in JS.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it, before } from 'node:test';
import { ROOT, query, runCli, tmpDir } from './helpers.js';

const sample = (...p: string[]) => path.join(ROOT, 'sample-data', ...p);

function rmApps(): { id: string; vcoreSeconds: number; finalStatus: string }[] {
  const dir = sample('demo-hadoop');
  return fs.readdirSync(dir).flatMap((f) => {
    const buf = fs.readFileSync(path.join(dir, f));
    const text = f.endsWith('.gz') ? zlib.gunzipSync(buf).toString('utf8') : buf.toString('utf8');
    return JSON.parse(text).apps.app;
  });
}

describe('npm start on sample-data', () => {
  const dir = tmpDir();
  const db = path.join(dir, 'gazette.duckdb');
  const config = sample('gazette.yaml');
  let status = '';
  before(async () => {
    for (const args of [
      ['--format', 'yarn-apps', '--cluster', 'demo-hadoop', sample('demo-hadoop')],
      ['--format', 'sacct', '--cluster', 'demo-hpc', sample('demo-hpc')],
    ]) {
      const r = await runCli(['ingest', '--db', db, '--config', config, ...args], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
    }
    const s = await runCli(['status', '--db', db], { cwd: dir });
    assert.equal(s.code, 0, s.stderr);
    status = s.stdout;
  });

  it('holds every YARN app of the three RM dumps (one gzipped), with their vcore-seconds', async () => {
    const apps = rmApps();
    const [r] = await query<{ n: bigint; v: number; failed: bigint }>(
      db,
      `select count(*) as n, sum(vcore_seconds) as v, count(*) filter (where state = 'FAILED') as failed from jobs where cluster = 'demo-hadoop'`,
    );
    assert.equal(Number(r.n), new Set(apps.map((a) => a.id)).size);
    assert.equal(r.v, apps.reduce((s, a) => s + a.vcoreSeconds, 0));
    assert.equal(Number(r.failed), apps.filter((a) => a.finalStatus === 'FAILED').length);
  });

  it('holds one job per sacct job line (steps are not jobs)', async () => {
    const lines = fs.readFileSync(sample('demo-hpc', 'sacct-2026-10.txt'), 'utf8').trim().split('\n').slice(1);
    const jobs = lines.filter((l) => !l.split('|')[1].includes('.'));
    const [r] = await query<{ n: bigint; rss: bigint }>(db, `select count(*) as n, count(max_rss_mb) as rss from jobs where cluster = 'demo-hpc'`);
    assert.equal(Number(r.n), jobs.length);
    assert.equal(Number(r.rss), jobs.length, 'every job has a .batch step with MaxRSS');
  });

  it('converts sacct local times with the cluster time zone from the settings (New York, EDT = UTC−4)', async () => {
    const [r] = await query<{ t: string }>(db, `select strftime(submit_time, '%Y-%m-%d %H:%M:%S') as t from jobs where cluster = 'demo-hpc' and job_id = '812001'`);
    assert.equal(r.t, '2026-10-01 12:23:00', 'sacct printed 2026-10-01T08:23:00');
  });

  it('groups the always-failing daily pipeline under one job key', async () => {
    const rows = await query<{ job_key: string; runs: bigint; failed: bigint }>(
      db,
      `select job_key, count(*) as runs, count(*) filter (where state = 'FAILED') as failed from jobs where name like 'reco.train_features_%' group by 1`,
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0].job_key, 'reco.train_features_<date> [chen@ml]');
    assert.equal(Number(rows[0].runs), 3);
    assert.equal(Number(rows[0].failed), 3);
  });

  it('prints a summary per cluster', () => {
    assert.match(status, /demo-hadoop \(yarn\): \d+ jobs from 2026-10-01 to 2026-10-03/);
    assert.match(status, /demo-hpc \(slurm\): 120 jobs from 2026-10-01/);
  });
});
