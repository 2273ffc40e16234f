/** `hdfs dfs -du` listings (hand-made from Hadoop's FsUsage); expected values worked out by hand. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { fixture } from '../helpers.js';
import { ingest, pick, rejects, setup, usage } from './storage-setup.js';

const du = (f: string) => fixture('hdfs-du', f);
const sizes = (rows: Record<string, unknown>[]) => pick(rows, 'as_of', 'path', 'bytes', 'disk_bytes');

describe('hdfs-du', () => {
  it('reads size, disk space consumed and path (with spaces), dated by the name', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'hdfs-du', du('du-2026-10-05.txt'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /demo-hadoop \(hdfs-du\): 1 file\(s\): 1 loaded.*4 usage rows read, 4 new or replacing, 0 rows rejected/);
    const rows = await usage(s.db);
    assert.deepEqual(sizes(rows), [
      ['2026-10-05', '/data/empty', 0, 0],
      ['2026-10-05', '/data/team a/raw files', 524288000, 1572864000],
      ['2026-10-05', '/data/tmp', 12345, 37035],
      ['2026-10-05', '/data/warehouse', 1073741824, 3221225472],
    ]);
    // Everything du does not say is null.
    const { cluster, source, as_of: _d, path: _p, bytes: _b, disk_bytes: _db, ...rest } = rows[0];
    assert.deepEqual([cluster, source], ['demo-hadoop', 'hdfs-du']);
    assert.deepEqual(Object.entries(rest).filter(([, v]) => v !== null), []);
  });

  it('skips the -v header', async () => {
    const s = setup();
    assert.equal((await ingest(s, '--format', 'hdfs-du', du('du-v-header-2026-10-06.txt'))).code, 0);
    assert.deepEqual(sizes(await usage(s.db)), [
      ['2026-10-06', '/data/empty', 0, 0],
      ['2026-10-06', '/data/warehouse', 2147483648, 6442450944],
    ]);
    assert.deepEqual(await rejects(s.db), []);
  });

  it('reads the older two-column output (no disk space consumed)', async () => {
    const s = setup();
    assert.equal((await ingest(s, '--format', 'hdfs-du', du('du-two-columns-hadoop-2.6-2026-10-05.txt'))).code, 0);
    assert.deepEqual(sizes(await usage(s.db)), [
      ['2026-10-05', '/data/a b', 7, null],
      ['2026-10-05', '/data/empty', 0, null],
      ['2026-10-05', '/data/warehouse', 1073741824, null],
    ]);
  });

  it("skips Hadoop 1's \"Found N items\" line; reads a gzipped listing", async () => {
    const s = setup();
    const file = path.join(s.dir, 'du-hadoop1-2026-10-05.txt.gz');
    fs.writeFileSync(file, zlib.gzipSync('Found 2 items\n1024        hdfs://nn:8020/user/a\n0           hdfs://nn:8020/user/b\n'));
    const r = await ingest(s, '--format', 'hdfs-du', file);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(sizes(await usage(s.db)), [
      ['2026-10-05', 'hdfs://nn:8020/user/a', 1024, null],
      ['2026-10-05', 'hdfs://nn:8020/user/b', 0, null],
    ]);
  });

  it('refuses -h output as a whole file, saying to run it without -h', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'hdfs-du', du('du-h-human-readable-2026-10-05.txt'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /du-h-human-readable-2026-10-05\.txt: cannot be read as hdfs-du: line 1 has sizes in human-readable units \("1 G {5}3 G {5}\/data\/warehouse"\), rounded: gazette needs exact numbers\. Run `hdfs dfs -du` without -h\./);
    assert.deepEqual(await usage(s.db), []);
  });

  it('a bad line is a rejected row with its line number and reason; the good lines load', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'hdfs-du', du('du-bad-lines-2026-10-05.txt'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 usage rows read, 2 new or replacing, 4 rows rejected/);
    const expected = 'not `hdfs dfs -du` output: expected SIZE DISK_SPACE_CONSUMED PATH separated by spaces';
    assert.deepEqual(await rejects(s.db), [
      [1, expected],
      [3, 'SIZE is not a whole number (got "12x")'],
      [5, 'SIZE is too large (got 99999999999999999999)'],
      [6, expected],
    ]);
    assert.deepEqual(sizes(await usage(s.db)), [
      ['2026-10-05', '/data/ok', 5, 15],
      ['2026-10-05', '/data/warehouse', 1073741824, 3221225472],
    ]);
  });

  it('an undated file fails telling to pass --as-of; --as-of dates it in the cluster time zone', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'hdfs-du', du('du-undated.txt'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /du-undated\.txt: cannot be read as hdfs-du: an `hdfs dfs -du` listing carries no date of its own, and the file's name has none\. Name it .*du-2026-10-05\.txt.*or pass --as-of/);
    assert.equal((await ingest(s, '--format', 'hdfs-du', '--as-of', '2026-10-01', du('du-undated.txt'))).code, 0);
    // 23:30 in New York is 05:30 the next day in Amsterdam.
    assert.equal((await ingest(s, '--format', 'hdfs-du', '--as-of', '2026-10-05T23:30:00-04:00', du('du-undated.txt'))).code, 0);
    assert.deepEqual(pick(await usage(s.db), 'as_of', 'path'), [
      ['2026-10-01', '/data/empty'], ['2026-10-01', '/data/warehouse'], ['2026-10-06', '/data/empty'], ['2026-10-06', '/data/warehouse'],
    ]);
  });

  it('loading the same file again is skipped; the same listing dated another day loads', async () => {
    const s = setup();
    assert.equal((await ingest(s, '--format', 'hdfs-du', du('du-2026-10-05.txt'))).code, 0);
    const again = await ingest(s, '--format', 'hdfs-du', du('du-2026-10-05.txt'));
    assert.equal(again.code, 0);
    assert.match(again.stdout, /0 loaded, 1 skipped/);
    const nextDay = path.join(s.dir, 'du-2026-10-06.txt');
    fs.copyFileSync(du('du-2026-10-05.txt'), nextDay);
    assert.match((await ingest(s, '--format', 'hdfs-du', nextDay)).stdout, /1 loaded, 0 skipped/);
    assert.deepEqual(pick(await usage(s.db), 'as_of').map(([d]) => d), ['2026-10-05', '2026-10-05', '2026-10-05', '2026-10-05', '2026-10-06', '2026-10-06', '2026-10-06', '2026-10-06']);
  });

  it('a newer du of the same date and path replaces the older; other paths stay', async () => {
    const s = setup();
    assert.equal((await ingest(s, '--format', 'hdfs-du', du('du-2026-10-05.txt'))).code, 0);
    const rerun = path.join(s.dir, 'du-2026-10-05-rerun.txt');
    fs.writeFileSync(rerun, '2147483648  6442450944  /data/warehouse\n');
    assert.equal((await ingest(s, '--format', 'hdfs-du', rerun)).code, 0);
    assert.deepEqual(sizes(await usage(s.db)), [
      ['2026-10-05', '/data/empty', 0, 0],
      ['2026-10-05', '/data/team a/raw files', 524288000, 1572864000],
      ['2026-10-05', '/data/tmp', 12345, 37035],
      ['2026-10-05', '/data/warehouse', 2147483648, 6442450944],
    ]);
  });
});
