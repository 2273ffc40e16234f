/** gazette status: per cluster, jobs, capacity snapshots, storage, incidents and rejected rows. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixture, runCli, tmpDir } from '../helpers.js';

describe('gazette status', () => {
  it('shows capacity snapshots, incidents and rejected rows per cluster besides jobs', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'w.duckdb');
    const config = path.join(dir, 'gazette.yaml');
    fs.writeFileSync(config, 'cluster: demo-hpc\nclusters:\n  demo-hadoop:\n    timezone: Europe/Amsterdam\n  demo-hpc:\n    timezone: America/New_York\n');
    const ingest = (...args: string[]) => runCli(['ingest', '--db', db, '--config', config, ...args]);
    const m = (f: string) => fixture('yarn-metrics', f);
    for (const args of [
      ['--cluster', 'demo-hadoop', m('rm-metrics-2026-01-15T0600.json'), m('rm-metrics-2026-03-02_14-30-hadoop3-gpu.json')],
      [fixture('incidents', 'incidents.csv'), fixture('incidents', 'incidents-unknown-severity.csv')],
      ['--cluster', 'demo-hadoop', fixture('yarn', 'eagle__sparkcompleteapp.json')],
    ]) {
      const r = await ingest(...args);
      assert.equal(r.code, 0, r.stderr);
    }
    const s = await runCli(['status', '--db', db]);
    assert.equal(s.code, 0, s.stderr);
    const lines = s.stdout.split('\n');
    assert.equal(lines[0], `Warehouse ${db}`);
    assert.match(lines[1], /^  demo-hadoop \(yarn\): 2 jobs from/);
    // the later snapshot (2026-03-02 13:30 UTC): 768 vcores, 1,572,864 MB = 1,536 GB, 8 GPUs, 26 nodes
    assert.equal(lines[3], '  demo-hadoop capacity: 2 snapshots from 2026-01-15 05:00 to 2026-03-02 13:30 UTC; latest 768 vcores, 1,536 GB memory, 8 GPUs, 26 nodes');
    assert.equal(lines[4], '  demo-hadoop incidents: 2 (1 critical, 1 major) from 2026-08-12 to 2026-08-12');
    // demo-hpc: incidents.csv's three (one major, one minor, one maintenance) and the good row of the other file (minor)
    assert.equal(lines[5], '  demo-hpc incidents: 4 (1 major, 2 minor, 1 maintenance) from 2025-07-22 to 2026-11-04');
    assert.equal(lines[6], '  demo-hpc rejected rows: 3 (incidents 3); see table rejected_rows');
    assert.equal(lines.length, 8);
  });

  it('counts compute in the unit of the cluster: CPU-hours under Slurm, vcore-hours on YARN', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'w.duckdb');
    for (const args of [
      ['--cluster', 'hpc', '--format', 'sacct', fixture('sacct', 'sacct-with-header-steps.txt')],
      ['--cluster', 'hadoop', fixture('yarn', 'eagle__sparkcompleteapp.json')],
    ]) {
      const r = await runCli(['ingest', '--db', db, ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
    const s = await runCli(['status', '--db', db]);
    assert.equal(s.code, 0, s.stderr);
    const use = s.stdout.split('\n').filter((l) => / succeeded, /.test(l));
    assert.equal(use.length, 2);
    assert.match(use[0], /; [\d,]+ vcore-hours/, 'hadoop, listed first');
    assert.match(use[1], /; [\d,]+ CPU-hours/, 'hpc');
  });

  it('shows NameNode snapshots and, per du, count, XDMoD and fsimage source, what the latest date holds', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'w.duckdb');
    const config = path.join(dir, 'gazette.yaml');
    fs.writeFileSync(config, 'cluster: prod\nclusters:\n  prod:\n    timezone: America/New_York\n');
    for (const args of [
      ['--format', 'jmx', fixture('jmx', 'namenode-jmx-full-dated-by-top-user-op-counts.json')],
      ['--format', 'hdfs-du', fixture('hdfs-du', 'du-2026-10-05.txt')],
      ['--format', 'fsimage', fixture('fsimage', 'fsimage-2026-09-30.tsv')],
      ['--format', 'xdmod-storage', fixture('xdmod-storage', 'xdmod-storage-docs-example.json')],
    ]) {
      const r = await runCli(['ingest', '--db', db, '--config', config, ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
    const s = await runCli(['status', '--db', db]);
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual(s.stdout.split('\n').slice(1), [
      // TopUserOpCounts 2026-10-05T00:00:12-0400; CapacityTotal 52,776,558,133,248 B = 48.0 TiB, CapacityUsed 30,000,000,000,000 B
      // = 27.3 TiB = 56.8% of it; FilesTotal 1,843,211
      '  prod storage: 1 NameNode snapshot from 2026-10-05 04:00 to 2026-10-05 04:00 UTC; latest 48.0 TiB capacity, 27.3 TiB used (56.8%), 1,843,211 files and directories',
      // the fsimage's 11 files sum to 3,584,280,792 B = 3.34 GiB, in 10 directories cut to depth 3
      // (/, /user, /user/alice, /user/alice/models, /user/bob, /user/bob/empty, /data, /data/sales, /data/sales/2025, /data/sales/2026)
      '  prod fsimage: 1 rolled-up image from 2026-09-30 to 2026-09-30; the latest: 10 directories, 3.34 GiB in 11 files',
      // du: 1,073,741,824 + 0 + 524,288,000 + 12,345 = 1,598,042,169 B = 1.49 GiB
      '  prod hdfs-du: 1 date from 2026-10-05 to 2026-10-05; the latest: 4 paths, 1.49 GiB',
      // XDMoD's example: one user on /home, 100,000 B = 97.7 KiB, dt 2017-01-01T00:00:00
      '  prod xdmod-storage: 1 date from 2017-01-01 to 2017-01-01; the latest: 1 mountpoint, 97.7 KiB',
      '',
    ]);
  });

  it('shows Spark and MapReduce history per cluster, and how much of it the RM also knows', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'w.duckdb');
    for (const args of [
      ['--format', 'jhist', fixture('jhist', 'job_1416424547277_0002-1416424775281-root-TeraGen-1416424785433-2-0-SUCCEEDED-default-1416424779349.jhist'), fixture('jhist', 'job_2.4.0-FAILED.jhist')],
      ['--format', 'yarn-apps', fixture('jhist', 'rm-apps-same-app-as-teragen.json')],
      ['--format', 'spark-events', fixture('spark-events', 'real', 'local-1422981759269')],
    ]) {
      const r = await runCli(['ingest', '--db', db, '--cluster', 'lab', ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
    const s = await runCli(['status', '--db', db]);
    assert.equal(s.code, 0, s.stderr);
    // TeraGen (job_1416424547277_0002, launched 2014-11-19, succeeded, also in the RM fixture) and the 2.4.0 failed job
    // (job_1400204860297_0001, 2014-05-16); Spark's local-1422981759269 ran on 2015-02-03 and has no RM record.
    assert.match(s.stdout, /\n  lab mapreduce history: 2 applications from 2014-05-16 to 2014-11-19 \(1 failed\); 1 also in the scheduler's records\n/);
    assert.match(s.stdout, /\n  lab spark history: 1 application from 2015-02-03 to 2015-02-03 \(0 failed\); 0 also in the scheduler's records\n/);
    assert.match(s.stdout, /\n  lab \(yarn\): 1 jobs/);
    assert.match(s.stdout, /\n  lab \(mapreduce\): 1 jobs/, 'the failed job, known only from its .jhist');
  });

  it('says so when there is nothing yet', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'README.md'), '# x\n');
    await runCli(['ingest', '--db', db, '--format', 'incidents', path.join(dir, 'README.md')]);
    const s = await runCli(['status', '--db', db]);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /nothing yet: load some history with gazette ingest\./);
  });
});
