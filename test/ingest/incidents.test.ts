/** Incidents files: the documented CSV, hand-made defects, and a file's new version replacing its old one. Expected values by hand. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixture, query, runCli, tmpDir } from '../helpers.js';

const inc = (f: string) => fixture('incidents', f);

/** Settings: demo-hadoop in Amsterdam, demo-hpc (the default cluster) in New York. */
function setup(): { dir: string; db: string; config: string } {
  const dir = tmpDir();
  const config = path.join(dir, 'gazette.yaml');
  fs.writeFileSync(
    config,
    'cluster: demo-hpc\nclusters:\n  demo-hadoop:\n    timezone: Europe/Amsterdam\n  demo-hpc:\n    timezone: America/New_York\n',
  );
  return { dir, db: path.join(dir, 'w.duckdb'), config };
}

const ingest = (s: { db: string; config: string }, ...args: string[]) => runCli(['ingest', '--db', s.db, '--config', s.config, ...args]);

async function incidents(db: string): Promise<Record<string, unknown>[]> {
  return (
    await query<Record<string, unknown>>(
      db,
      `select cluster, strftime(start_time, '%Y-%m-%d %H:%M') as start_time, strftime(end_time, '%Y-%m-%d %H:%M') as end_time,
              severity, title, extra::varchar as extra, line
       from incidents order by line`,
    )
  ).map((r) => ({ ...r, line: Number(r.line), extra: r.extra === null ? null : JSON.parse(String(r.extra)) }));
}

async function rejects(db: string) {
  return (await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows order by line`)).map((r) => [Number(r.line), r.reason]);
}

describe('incidents', () => {
  it('reads the documented CSV: offsets, local times in the row cluster\'s zone, severity in any case, extra columns', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'incidents', inc('incidents.csv'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /demo-hpc \(incidents\): 1 file\(s\): 1 loaded.*5 incidents read, 5 written, 0 rows rejected/);
    assert.deepEqual(await incidents(s.db), [
      {
        cluster: 'demo-hadoop', start_time: '2026-08-12 01:40', end_time: '2026-08-12 05:55', severity: 'critical',
        title: 'HDFS down: JournalNode disk full, NameNode failover failed', extra: { ticket: 'OPS-1702', description: 'All jobs failed or were killed' }, line: 2,
      },
      // 07:30 and 09:10 in Amsterdam in August (CEST, UTC+2); the empty description is left out
      { cluster: 'demo-hadoop', start_time: '2026-08-12 05:30', end_time: '2026-08-12 07:10', severity: 'major', title: 'HDFS degraded after the outage', extra: { ticket: 'OPS-1703' }, line: 3 },
      // 16:40 and 17:25 in New York in September (EDT, UTC−4)
      { cluster: 'demo-hpc', start_time: '2026-09-09 20:40', end_time: '2026-09-09 21:25', severity: 'major', title: 'Power loss on rack C', extra: { ticket: 'HPC-402', description: '12 compute nodes down' }, line: 4 },
      // no cluster: the file's (the settings' demo-hpc); Z is UTC
      { cluster: 'demo-hpc', start_time: '2026-11-04 09:00', end_time: '2026-11-04 09:30', severity: 'minor', title: 'Login node overloaded', extra: { ticket: 'HPC-415' }, line: 5 },
      // a bare date is midnight in New York (EDT)
      { cluster: 'demo-hpc', start_time: '2025-07-22 04:00', end_time: '2025-07-23 04:00', severity: 'maintenance', title: 'Planned: Slurm upgrade', extra: { ticket: 'HPC-311' }, line: 6 },
    ]);
  });

  it('--cluster gives rows without a cluster theirs, and --timezone the zone of every local time', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'incidents', '--cluster', 'lab', '--timezone', 'Asia/Tokyo', inc('incidents.csv'));
    assert.equal(r.code, 0, r.stderr);
    const rows = await incidents(s.db);
    assert.deepEqual(rows.map((x) => [x.cluster, x.start_time]), [
      ['demo-hadoop', '2026-08-12 01:40'],
      ['demo-hadoop', '2026-08-11 22:30'],
      ['demo-hpc', '2026-09-09 07:40'],
      ['lab', '2026-11-04 09:00'],
      ['lab', '2025-07-21 15:00'],
    ]);
  });

  it('an end before the start is a rejected row', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'incidents', inc('incidents-end-before-start.csv'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 incidents read, 1 written, 1 rows rejected/);
    assert.match(r.stderr, /incidents-end-before-start\.csv:2: end \(2026-08-12 07:30\) is before start \(2026-08-12 09:10\); kept in rejected_rows/);
    assert.deepEqual(await rejects(s.db), [[2, 'end (2026-08-12 07:30) is before start (2026-08-12 09:10)']]);
    assert.deepEqual((await incidents(s.db)).map((x) => x.title), ['A good one']);
  });

  it('a missing end is a rejected row', async () => {
    const s = setup();
    assert.equal((await ingest(s, '--format', 'incidents', inc('incidents-missing-end.csv'))).code, 0);
    assert.deepEqual(await rejects(s.db), [[2, 'end is missing (an incident needs its end time)']]);
    assert.equal((await incidents(s.db)).length, 1);
  });

  it('an unknown or missing severity, and a start that is not a time, are rejected rows with their reasons', async () => {
    const s = setup();
    assert.equal((await ingest(s, '--format', 'incidents', inc('incidents-unknown-severity.csv'))).code, 0);
    assert.deepEqual(await rejects(s.db), [
      [2, 'severity "sev1" is not one of critical, major, minor, maintenance'],
      [3, 'severity is missing'],
      [4, 'start is not an ISO 8601 time (got "2026-08-12 yesterday")'],
    ]);
    const [raw] = await query<{ raw: string }>(s.db, `select raw from rejected_rows where line = 2`);
    assert.deepEqual(JSON.parse(raw.raw), { start: '2026-08-12 09:10', end: '2026-08-12 10:10', severity: 'sev1', title: 'Severity in our own words' });
    assert.deepEqual((await incidents(s.db)).map((x) => [x.line, x.title]), [[5, 'A good one']]);
  });

  it('a header without severity fails the file, naming what is missing', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'incidents', inc('incidents-no-severity-column.csv'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /incidents-no-severity-column\.csv: cannot be read as incidents: the header has no severity column \(found: start, end, title\)/);
  });

  it('a new version of the file replaces what the old one loaded; putting the old one back loads it again', async () => {
    const s = setup();
    const file = path.join(s.dir, 'outages.csv');
    const v1 = 'start,end,severity,title\n2026-01-05 10:00,2026-01-05 11:00,major,A\n2026-01-06 10:00,2026-01-06 11:00,minor,B\n';
    const v2 = 'start,end,severity,title\n2026-01-05 10:00,2026-01-05 12:00,major,A (end corrected)\n';
    const titles = async () => (await incidents(s.db)).map((x) => x.title);
    fs.writeFileSync(file, v1);
    assert.equal((await ingest(s, '--format', 'incidents', file)).code, 0);
    assert.deepEqual(await titles(), ['A', 'B']);
    fs.writeFileSync(file, v2);
    const r = await ingest(s, '--format', 'incidents', file);
    assert.match(r.stdout, /1 loaded.*1 incidents read, 1 written/);
    assert.deepEqual(await titles(), ['A (end corrected)']);
    fs.writeFileSync(file, v1);
    fs.utimesSync(file, new Date('2026-02-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'));
    const back = await ingest(s, '--format', 'incidents', file);
    assert.match(back.stdout, /1 loaded, 0 skipped/, 'v1 was loaded before, but v2 replaced it');
    assert.deepEqual(await titles(), ['A', 'B']);
    // The current content again, under the same name or another: nothing changes.
    assert.match((await ingest(s, '--format', 'incidents', file)).stdout, /0 loaded, 1 skipped/);
    fs.copyFileSync(file, path.join(s.dir, 'copy.csv'));
    assert.match((await ingest(s, '--format', 'incidents', path.join(s.dir, 'copy.csv'))).stdout, /0 loaded, 1 skipped/);
    assert.deepEqual(await titles(), ['A', 'B']);
  });
});
