/** `hdfs dfs -count [-q]` listings (hand-made from Hadoop's Count, ContentSummary and QuotaUsage); expected values worked out by hand. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixture } from '../helpers.js';
import { ingest, pick, rejects, setup, usage } from './storage-setup.js';

const count = (f: string) => fixture('hdfs-count', f);
const COLUMNS = ['as_of', 'path', 'dirs', 'files', 'bytes', 'name_quota', 'name_quota_remaining', 'space_quota_bytes', 'space_quota_remaining_bytes'];
const columns = (rows: Record<string, unknown>[]) => pick(rows, ...COLUMNS);

/** count-q-2026-10-05.txt, as rows: none/inf are null; REM_QUOTA = QUOTA − dirs − files; REM_SPACE_QUOTA = SPACE_QUOTA − 3 × bytes. */
const Q_ROWS = [
  ['2026-10-05', '/data/warehouse', 120, 4310, 1073741824, null, null, null, null],
  ['2026-10-05', '/user/alice', 30, 120, 537395200, 100000, 99850, 10995116277760, 10993504092160],
  ['2026-10-05', '/user/bob smith', 4, 900, 400000000000, null, null, 1099511627776, -100488372224],
  ['2026-10-05', '/user/carol', 1, 0, 0, 50000, 49999, null, null],
];

describe('hdfs-count', () => {
  it('reads -count -q: none/inf are null, a quota already exceeded is negative, a path with a space', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'hdfs-count', count('count-q-2026-10-05.txt'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /demo-hadoop \(hdfs-count\): 1 file\(s\): 1 loaded.*4 usage rows read, 4 new or replacing, 0 rows rejected/);
    const rows = await usage(s.db);
    assert.deepEqual(columns(rows), Q_ROWS);
    assert.deepEqual(pick(rows, 'cluster', 'source', 'filesystem', 'owner', 'disk_bytes', 'soft_limit_bytes', 'extra')[0], ['demo-hadoop', 'hdfs-count', null, null, null, null, null]);
  });

  it('skips the -q -v header', async () => {
    const s = setup();
    assert.equal((await ingest(s, '--format', 'hdfs-count', count('count-q-v-header-2026-10-06.txt'))).code, 0);
    assert.deepEqual(columns(await usage(s.db)), Q_ROWS.slice(0, 2).map((r) => ['2026-10-06', ...r.slice(1)]));
    assert.deepEqual(await rejects(s.db), []);
  });

  it('reads plain -count (4 columns), with and without -v: no quotas', async () => {
    const s = setup();
    assert.equal((await ingest(s, '--format', 'hdfs-count', count('count-2026-10-05.txt'), count('count-v-header-2026-10-07.txt'))).code, 0);
    const plain = [
      ['/data/empty dir', 1, 0, 0, null, null, null, null],
      ['/data/warehouse', 120, 4310, 1073741824, null, null, null, null],
    ];
    assert.deepEqual(columns(await usage(s.db)), [...plain.map((r) => ['2026-10-05', ...r]), ...plain.map((r) => ['2026-10-07', ...r])]);
  });

  it('reads Windows line endings with the right line numbers', async () => {
    const s = setup();
    const file = path.join(s.dir, 'count-q-crlf-2026-10-05.txt');
    fs.writeFileSync(file, fs.readFileSync(count('count-q-bad-values-2026-10-05.txt'), 'utf8').replace(/\n/g, '\r\n'));
    assert.equal((await ingest(s, '--format', 'hdfs-count', file)).code, 0);
    assert.deepEqual(pick(await usage(s.db), 'path'), [['/data/warehouse']]);
    assert.deepEqual((await rejects(s.db)).map(([line]) => line), [2, 3, 4]);
  });

  it('refuses -h output as a whole file, saying to run it without -h', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'hdfs-count', count('count-q-h-human-readable-2026-10-05.txt'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot be read as hdfs-count: line 1 has sizes in human-readable units \("none .*4\.2 K {16}1 G \/data\/warehouse"\), rounded: gazette needs exact numbers\. Run `hdfs dfs -count` without -h\./);
    assert.deepEqual(await usage(s.db), []);
  });

  it('reads -count -u (quotas only) by its header', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'hdfs-count', count('count-u-v-quota-only-2026-10-05.txt'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(columns(await usage(s.db)), [['2026-10-05', '/user/alice', null, null, null, 100000, 99850, 10995116277760, 10993504092160]]);
  });

  it('refuses -count -e (a policy column before the path) rather than read it into the path', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'hdfs-count', count('count-e-erasure-coding-policy-2026-10-05.txt'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 1 is `hdfs dfs -count -e` output \(an erasure coding policy column before the path\) \("120 +4310 +1073741824 +Replicated \/data\/warehouse"\)\. Run `hdfs dfs -count -q` \(or `-count -u`, or `-count`\)/);
    const header = path.join(s.dir, 'count-e-v-2026-10-05.txt');
    fs.writeFileSync(header, `   DIR_COUNT   FILE_COUNT       CONTENT_SIZE ERASURECODING_POLICY PATHNAME\n${fs.readFileSync(count('count-e-erasure-coding-policy-2026-10-05.txt'), 'utf8')}`);
    const r2 = await ingest(s, '--format', 'hdfs-count', header);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /line 1 is the header of an `hdfs dfs -count` variant with other columns \(-t, -e or -s\)/);
    assert.deepEqual(await usage(s.db), []);
  });

  it('a bad value is a rejected row with its line number and reason', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'hdfs-count', count('count-q-bad-values-2026-10-05.txt'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 usage rows read, 1 new or replacing, 3 rows rejected/);
    assert.deepEqual(await rejects(s.db), [
      [2, 'QUOTA is not none, inf or a whole number (got "lots")'],
      [3, 'CONTENT_SIZE is not a whole number (got "-3")'],
      [4, 'not `hdfs dfs -count` output: expected QUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA DIR_COUNT FILE_COUNT CONTENT_SIZE PATH separated by spaces'],
    ]);
  });

  it('an undated file fails telling to pass --as-of; reload is skipped; a newer count of the same date replaces', async () => {
    const s = setup();
    const undated = path.join(s.dir, 'count-q.txt');
    fs.copyFileSync(count('count-q-2026-10-05.txt'), undated);
    const r = await ingest(s, '--format', 'hdfs-count', undated);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /an `hdfs dfs -count` listing carries no date of its own.*count-2026-10-05\.txt.*or pass --as-of/);
    assert.equal((await ingest(s, '--format', 'hdfs-count', '--as-of', '2026-10-05', undated)).code, 0);
    assert.match((await ingest(s, '--format', 'hdfs-count', '--as-of', '2026-10-05', undated)).stdout, /0 loaded, 1 skipped/);
    // Later that day alice has 10 more files: 10 less name quota left, 3 × 1000 bytes less space.
    const later = path.join(s.dir, 'count-q-2026-10-05T1800.txt');
    fs.writeFileSync(later, '      100000           99840  10995116277760  10993504089160           30          130          537396200 /user/alice\n');
    assert.equal((await ingest(s, '--format', 'hdfs-count', later)).code, 0);
    const rows = columns(await usage(s.db));
    assert.deepEqual(rows, [Q_ROWS[0], ['2026-10-05', '/user/alice', 30, 130, 537396200, 100000, 99840, 10995116277760, 10993504089160], Q_ROWS[2], Q_ROWS[3]]);
  });
});
