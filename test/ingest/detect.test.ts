/** Telling a file's format from its content, and `gazette ingest` without --format: every format, gz, files it cannot place, the cluster of each file. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { detectFormat } from '../../src/ingest/detect.js';
import { clusterOfFile, defaultSettings, type Settings } from '../../src/settings.js';
import { ROOT, fixture, query, runCli, tmpDir } from '../helpers.js';

const formatOf = async (file: string) => (await detectFormat(file)).format;

/** A file in a fresh temp dir. */
function write(name: string, content: string | Buffer): string {
  const file = path.join(tmpDir(), name);
  fs.writeFileSync(file, content);
  return file;
}

describe('detectFormat', () => {
  it('tells each format from its content', async () => {
    const cases: [string, string][] = [
      [fixture('yarn', 'eagle__mrcompleteapp.json'), 'yarn-apps'],
      [fixture('yarn', 'hadoop-doc__cluster_app_single.json'), 'yarn-apps'],
      [fixture('yarn', 'apps-null-no-apps.json'), 'yarn-apps'],
      [fixture('yarn', 'apps-truncated.json'), 'yarn-apps'],
      [fixture('yarn', 'hadoop-doc__cluster_metrics.json'), 'yarn-metrics'],
      [fixture('yarn-metrics', 'rm-metrics-2026-03-05T23-59-59.json.gz'), 'yarn-metrics'],
      [fixture('sacct', 'sacct-with-header-steps.txt'), 'sacct'],
      [fixture('sacct', 'sacct-xdmod-noheader.txt'), 'sacct'],
      [fixture('sacct', 'sacct-crlf-line-endings.txt'), 'sacct'],
      [fixture('canonical', 'jobs.csv'), 'canonical'],
      [fixture('canonical', 'jobs.jsonl'), 'canonical'],
      [fixture('incidents', 'incidents.csv'), 'incidents'],
      [fixture('incidents', 'incidents-no-severity-column.csv'), undefined as unknown as string],
    ];
    for (const [file, want] of cases) assert.equal(await formatOf(file), want, path.basename(file));
  });

  it('tells the storage and framework formats: NameNode /jmx, XDMoD storage, fsimage XML and Delimited, du, count, Spark event logs, .jhist', async () => {
    const real = path.join(ROOT, '..', 'shared', 'data', 'real', 'hdfs');
    const cases: [string, string | Buffer, string | undefined][] = [
      ['jmx.json', fs.readFileSync(path.join(real, 'datadog__namenode_info_jmx.json')), 'jmx'],
      ['fsimage.xml', fs.readFileSync(path.join(real, 'dynamometer__fsimage.xml')), 'fsimage'],
      ['other.xml', '<?xml version="1.0"?>\n<!-- c -->\n<configuration></configuration>\n', undefined],
      ['xdmod.json', '[\n  {"resource": "nfs", "mountpoint": "/home", "user": "jdoe", "pi": "pi", "dt": "2017-01-01T00:00:00", "logical_usage": 1}\n]\n', 'xdmod-storage'],
      ['list.json', '[{"a": 1}]\n', undefined],
      ['tab.tsv', 'Path\tReplication\tModificationTime\tAccessTime\tPreferredBlockSize\tBlocksCount\tFileSize\tNSQUOTA\tDSQUOTA\tPermission\tUserName\tGroupName\n/\t0\t2026-09-30 10:00\t1970-01-01 00:00\t0\t0\t0\t-1\t-1\tdrwxr-xr-x\thdfs\tsupergroup\n', 'fsimage'],
      ['pipe.txt', 'Path|Replication|ModificationTime|AccessTime|PreferredBlockSize|BlocksCount|FileSize|NSQUOTA|DSQUOTA|Permission|UserName|GroupName\n', 'fsimage'],
      ['du.txt', '1073741824  3221225472  /data/clickstream\n42  126  /data/my dir\n', 'hdfs-du'],
      ['du-old.txt', '1073741824  /data/clickstream\n', 'hdfs-du'],
      ['du-relative.txt', '1073741824  3221225472  clickstream\n', 'hdfs-du'],
      ['du-hadoop1.txt', 'Found 2 items\n1073741824  hdfs://nn:8020/data/a\n', 'hdfs-du'],
      ['du-h.txt', '1.2 G  3.6 G  /data/clickstream\n', 'hdfs-du'],
      ['du-v.txt', 'SIZE  DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS  FULL_PATH_NAME\n42  126  /data/a\n', 'hdfs-du'],
      ['count-q.txt', '        none             inf            none             inf            3            7               1234 /data/a\n', 'hdfs-count'],
      ['count.txt', '           3            7               1234 hdfs://nn:8020/data/a\n', 'hdfs-count'],
      ['count-v.txt', '       QUOTA       REM_QUOTA     SPACE_QUOTA REM_SPACE_QUOTA    DIR_COUNT   FILE_COUNT       CONTENT_SIZE PATHNAME\n', 'hdfs-count'],
      ['notes.txt', '12 monkeys and /a path\n', undefined],
      ['local-1422981759269', '{"Event":"SparkListenerLogStart","Spark Version":"3.3.0"}\n', 'spark-events'],
      ['eventlog', '{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":0}\n', 'spark-events'],
      ['job_1_0001.jhist', 'Avro-Json\n{"type":"record","name":"Event"}\n', 'jhist'],
    ];
    for (const [name, content, want] of cases) assert.equal(await formatOf(write(name, content)), want, name);
  });

  it('looks inside gzip: an RM apps response, a sacct dump', async () => {
    const apps = write('apps.json.gz', zlib.gzipSync(fs.readFileSync(fixture('yarn', 'eagle__sparkcompleteapp.json'))));
    const sacct = write('dump.gz', zlib.gzipSync(fs.readFileSync(fixture('sacct', 'sacct-xdmod-noheader.txt'))));
    assert.equal(await formatOf(apps), 'yarn-apps');
    assert.equal(await formatOf(sacct), 'sacct');
  });

  it('reads sacct -p output (a trailing |) and a header-less line with an array job id', async () => {
    assert.equal(await formatOf(write('a.psv', 'JobID|JobIDRaw|State|\n1|1|COMPLETED|\n')), 'sacct');
    const line = ['4103947_[1-3]', ...Array(25).fill('x')].join('|');
    assert.equal(await formatOf(write('b', line + '\n')), 'sacct');
  });

  it('tells a Parquet jobs file by its magic bytes', async () => {
    const file = path.join(tmpDir(), 'jobs.parquet');
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await conn.run(`copy (select 'c' as cluster, '1' as job_id) to '${file}' (format parquet)`);
    conn.closeSync();
    inst.closeSync();
    assert.equal(await formatOf(file), 'canonical');
  });

  it('uses the name only where the content leaves it open', async () => {
    assert.equal(await formatOf(write('sacct-2026-10-02.txt', '')), 'sacct', 'an empty sacct --noheader dump');
    const both = 'start,end,severity,title,job_id\n';
    assert.equal(await formatOf(write('outages.csv', both)), 'incidents');
    assert.equal(await formatOf(write('jobs.csv', both)), 'canonical');
  });

  it('says what a file it cannot place looked like, and whether it is worth a message', async () => {
    const cases: [string, string | Buffer, RegExp, boolean][] = [
      ['scheduler.json', '{"scheduler": {"schedulerInfo": {}}}', /JSON whose first key is "scheduler"/, false],
      ['events.jsonl', '{"event": "x"}\n{"event": "y"}\n', /JSON Lines whose records have no job_id \(keys: event\)/, false],
      ['users.csv', 'user,team\nalice,genomics\n', /CSV with the columns user, team: neither jobs/, false],
      ['table.psv', 'a|b|c\n', /'\|'-separated lines, 3 fields, the first "a": neither a sacct header/, false],
      ['empty.json', '', /it is empty/, false],
      ['blob', Buffer.from([0x00, 0x01, 0x02, 0x03]), /binary data/, false],
      ['apps.json', zlib.gzipSync('{"apps":null}'), /gzip-compressed, but its name does not end in \.gz/, false],
      ['notes.txt', 'remember to rotate the logs\n', /text whose first line is "remember to rotate the logs"/, true],
      ['README.md', '# Dumps\n', /text whose first line is "# Dumps"/, true],
      ['gazette.yaml', 'cluster: x\n', /text whose first line is "cluster: x"/, true],
    ];
    for (const [name, content, looked, quiet] of cases) {
      const d = await detectFormat(write(name, content));
      assert.equal(d.format, undefined, name);
      if (d.format === undefined) {
        assert.match(d.looked, looked, name);
        assert.equal(d.quiet, quiet, name);
      }
    }
  });
});

describe('the cluster of a file', () => {
  const settings: Settings = { ...defaultSettings(), cluster: 'prod', clusters: { 'demo-hpc': { capacity: [] }, 'demo-hadoop': { capacity: [] } } };
  it('is --cluster, else the nearest directory named like a configured cluster, else the settings\' cluster, else "default"', () => {
    assert.equal(clusterOfFile('lab', '/data/demo-hpc/sacct.txt', settings), 'lab');
    assert.equal(clusterOfFile(undefined, '/data/demo-hpc/2026/10/sacct.txt', settings), 'demo-hpc');
    assert.equal(clusterOfFile(undefined, '/data/demo-hadoop/archive/demo-hpc/x.json', settings), 'demo-hpc', 'the nearest wins');
    assert.equal(clusterOfFile(undefined, '/data/other/sacct.txt', settings), 'prod');
    assert.equal(clusterOfFile(undefined, '/data/demo-hpc.txt', settings), 'prod', 'a file name is not a directory');
    assert.equal(clusterOfFile(undefined, '/data/demo-hpc/x', defaultSettings()), 'default', 'not named in the settings');
  });
});

describe('gazette ingest without --format', () => {
  /** A tree like sample-data: settings naming two clusters, a directory per cluster with several formats, notes. */
  function tree() {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const put = (rel: string, content: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(data, rel)), { recursive: true });
      fs.writeFileSync(path.join(data, rel), content);
    };
    fs.writeFileSync(
      path.join(dir, 'gazette.yaml'),
      'cluster: elsewhere\nclusters:\n  demo-hadoop:\n    timezone: Europe/Amsterdam\n  demo-hpc:\n    timezone: America/New_York\n',
    );
    put('demo-hadoop/rm-apps-1.json', fs.readFileSync(fixture('yarn', 'eagle__sparkcompleteapp.json')));
    put('demo-hadoop/rm-apps-2.json.gz', zlib.gzipSync(fs.readFileSync(fixture('yarn', 'eagle__mrrunningapp.json'))));
    put('demo-hadoop/metrics/rm-metrics-2026-01-15T0600.json', fs.readFileSync(fixture('yarn', 'hadoop-doc__cluster_metrics.json')));
    put('demo-hpc/sacct-2026-10.txt', fs.readFileSync(fixture('sacct', 'sacct-with-header-steps.txt')));
    put('demo-hpc/notes.txt', 'sacct dumps from the login node\n');
    put('incidents.csv', fs.readFileSync(fixture('incidents', 'incidents.csv')));
    put('README.md', '# data\n');
    return { dir, data, db: path.join(dir, 'w.duckdb') };
  }

  it('loads each file as its format, for the cluster its directory names; notes are counted as ignored', async () => {
    const t = tree();
    const r = await runCli(['ingest', '--db', t.db, t.data], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /demo-hadoop \(yarn-apps\): 2 file\(s\): 2 loaded.*4 jobs read/);
    assert.match(r.stdout, /demo-hadoop \(yarn-metrics\): 1 file\(s\): 1 loaded.*1 snapshots read/);
    assert.match(r.stdout, /demo-hpc \(sacct\): 1 file\(s\): 1 loaded.*4 jobs read/);
    assert.match(r.stdout, /elsewhere \(incidents\): 1 file\(s\): 1 loaded.*5 incidents read/);
    assert.match(r.stdout, /not loaded: 2 ignored as not data \(notes\.txt, README\.md\)\./);
    assert.doesNotMatch(r.stderr, /cannot tell/);
    const jobs = await query<{ cluster: string; source: string; n: bigint }>(t.db, `select cluster, source, count(*) as n from jobs group by all order by all`);
    assert.deepEqual(jobs.map((x) => [x.cluster, x.source, Number(x.n)]), [['demo-hadoop', 'yarn', 4], ['demo-hpc', 'slurm', 4]]);
    // sacct's local times in demo-hpc's zone (New York, EDT): 6100001 was submitted 2026-10-01T07:58:12
    const [j] = await query<{ t: string }>(t.db, `select strftime(submit_time, '%H:%M:%S') as t from jobs where job_id = '6100001'`);
    assert.equal(j.t, '11:58:12');
    const [snap] = await query<{ cluster: string; t: string }>(t.db, `select cluster, strftime(taken_at, '%H:%M') as t from capacity_snapshots`);
    assert.deepEqual([snap.cluster, snap.t], ['demo-hadoop', '05:00']);
    const inc = await query<{ cluster: string; n: bigint }>(t.db, `select cluster, count(*) as n from incidents group by 1 order by 1`);
    assert.deepEqual(inc.map((x) => [x.cluster, Number(x.n)]), [['demo-hadoop', 2], ['demo-hpc', 1], ['elsewhere', 2]]);
  });

  it('a data file it cannot place in a directory is reported and not loaded; the rest loads, exit 0', async () => {
    const t = tree();
    fs.writeFileSync(path.join(t.data, 'demo-hpc', 'users.csv'), 'user,team\nalice,genomics\n');
    const r = await runCli(['ingest', '--db', t.db, t.data], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /demo-hpc\/users\.csv: skipped, cannot tell its format \(CSV with the columns user, team: neither jobs .*\); pass --format to load it as one/);
    assert.match(r.stdout, /not loaded: 1 file\(s\) whose format gazette cannot tell \(named above\); 2 ignored as not data/);
  });

  it('a JobHistory done/ tree: each .jhist loads with the container sizes of the _conf.xml beside it, which is not reported as unplaceable', async () => {
    const dir = tmpDir();
    const done = path.join(dir, 'done', '2018', '05', '17', '000000');
    fs.mkdirSync(done, { recursive: true });
    for (const f of fs.readdirSync(fixture('jhist', 'dr-elephant'))) fs.copyFileSync(fixture('jhist', 'dr-elephant', f), path.join(done, f));
    const db = path.join(dir, 'w.duckdb');
    const r = await runCli(['ingest', '--db', db, path.join(dir, 'done')], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(jhist\): 3 file\(s\): 3 loaded/);
    assert.doesNotMatch(r.stderr, /cannot tell/);
    assert.match(r.stdout, /not loaded: 3 ignored as not data \(job_1526555215992_0001_conf\.xml/);
    const rows = await query<{ n: bigint }>(db, `select count(*) as n from app_details where map_memory_mb is not null`);
    assert.equal(Number(rows[0].n), 3);
    // Named on the command line, a conf is still reported: it is not a format gazette loads on its own.
    const one = await runCli(['ingest', '--db', db, path.join(done, 'job_1526555215992_0001_conf.xml')], { cwd: dir });
    assert.equal(one.code, 2);
    assert.match(one.stderr, /job_1526555215992_0001_conf\.xml: skipped, cannot tell its format \(XML whose root element is <configuration>/);
  });

  it('a file named on the command line that it cannot place: the others load, then exit 2 saying to pass --format', async () => {
    const t = tree();
    const notes = path.join(t.data, 'demo-hpc', 'notes.txt');
    const r = await runCli(['ingest', '--db', t.db, notes, path.join(t.data, 'incidents.csv')], { cwd: t.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /notes\.txt: skipped, cannot tell its format \(text whose first line is "sacct dumps from the login node"\); pass --format to load it as one/);
    assert.match(r.stderr, /1 file\(s\) named on the command line were not loaded: gazette cannot tell their format \(see above\)\. Load them with --format FORMAT/);
    assert.match(r.stdout, /elsewhere \(incidents\): 1 file\(s\): 1 loaded/);
  });

  it('--cluster puts every file on one cluster; --format keeps today\'s behaviour (only its endings in a directory)', async () => {
    const t = tree();
    const r = await runCli(['ingest', '--db', t.db, '--cluster', 'lab', path.join(t.data, 'demo-hadoop')], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /lab \(yarn-apps\): 2 file\(s\)/);
    assert.match(r.stdout, /lab \(yarn-metrics\): 1 file\(s\)/);
    const t2 = tree();
    const f = await runCli(['ingest', '--db', t2.db, '--format', 'sacct', path.join(t2.data, 'demo-hpc')], { cwd: t2.dir });
    assert.equal(f.code, 1, 'notes.txt has a sacct ending and is read as sacct, as before');
    assert.match(f.stdout, /demo-hpc \(sacct\): 2 file\(s\): 1 loaded/);
  });

  it('a directory with nothing it can load is a usage error', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'README.md'), '# nothing\n');
    const r = await runCli(['ingest', '--db', path.join(tmpDir(), 'w.duckdb'), dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nothing to load: no file here is in a format gazette can tell \(1 ignored as not data: .*README\.md\)\. Name the files, or pass --format\./);
  });
});
