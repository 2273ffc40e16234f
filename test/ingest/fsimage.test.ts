/**
 * fsimage listings: the real XML capture and hand-made Delimited/XML listings (test/fixtures/fsimage,
 * README there). Every expected figure is worked out by hand from the fixture's lines, in the comments.
 *
 * The cluster is in America/New_York: EDT (UTC−4) from 2026-03-08 to 2026-11-01 and from 2025-03-09
 * to 2025-11-02, EST (UTC−5) otherwise. Epoch 0 there is 1969-12-31 19:00 (an access time not
 * recorded). The image is of 2026-09-30: an access on local date D is (2026-09-30 − D) days old.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { fixture, query } from '../helpers.js';
import { ingest, rejects, setup, type Setup } from './storage-setup.js';

const listing = (f: string) => fixture('fsimage', f);
const MAIN = listing('fsimage-2026-09-30.tsv');
const NY = 'America/New_York';

const COLUMNS = [
  'dir', 'owner', 'group_name', 'files', 'dirs', 'bytes', 'disk_bytes', 'small_files', 'small_file_bytes',
  'bytes_read_0_30d', 'bytes_read_30_90d', 'bytes_read_90_180d', 'bytes_read_180_365d', 'bytes_read_365d_plus', 'bytes_no_atime',
  'last_access', 'last_modified',
] as const;
type Row = (string | number | null)[];

/** storage_rollups as rows of COLUMNS (times UTC, to the second or, with `ms`, the millisecond), by as_of, dir and owner. */
async function rollups(db: string, opts: { ms?: boolean; where?: string } = {}): Promise<Row[]> {
  const t = opts.ms ? '%Y-%m-%d %H:%M:%S.%g' : '%Y-%m-%d %H:%M:%S';
  const rows = await query(
    db,
    `select ${COLUMNS.map((c) => (c.startsWith('last_') ? `strftime(${c}, '${t}') as ${c}` : c)).join(', ')}
     from storage_rollups ${opts.where ? `where ${opts.where}` : ''} order by as_of, dir, owner`,
  );
  return rows.map((r) => COLUMNS.map((c) => (typeof r[c] === 'bigint' ? Number(r[c]) : (r[c] as string | null))));
}

const dirOnly = (dir: string, owner: string, group: string, lastModified: string): Row =>
  [dir, owner, group, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, lastModified];

/*
 * fsimage-2026-09-30.tsv at the default depth 3 and small-file size 1 MiB. Entry by entry (local → UTC):
 *
 *   /                          dir  → /                      mtime 2026-09-29 08:00 EDT = 12:00Z
 *   /README                    file → / (parent /)          2048 B ×3; atime 09-25 12:00 (5 days, 16:00Z); mtime 2024-01-15
 *   /user                      dir  → /user                  mtime 2025-06-01 09:00 EDT = 13:00Z
 *   /user/alice                dir  → /user/alice            mtime 09-28 17:30 = 21:30Z
 *   /user/alice/notes.txt      file → /user/alice            500 B ×3, small; atime 09-28 17:30 (2 days)
 *   /user/alice/models         dir  → /user/alice/models     mtime 08-01 10:00 = 14:00Z
 *   /user/alice/models/big.bin file → /user/alice/models     3221225472 B ×3; atime 05-01 (152 days: 90–180)
 *   /user/alice/models/v1      dir  → /user/alice/models (cut from depth 4)
 *   …/v1/weights.bin           file → /user/alice/models     1048576 B ×2, not small (= 1 MiB); atime 08-31 23:30 EDT:
 *                                                            local date 08-31, 30 days (30–90), though 09-01 03:30Z
 *   …/v1/tiny.cfg              file → /user/alice/models     100 B ×3, small; atime epoch 0: not recorded
 *   /user/alice/latest         symlink (replication 0, no blocks): read, not counted
 *   /user/bob, /user/bob/empty dirs → their own rows (the empty directory counts); mtime 2026-01-10 09:00 EST = 14:00Z
 *   /data                      dir  → /data
 *   /data/sales                dir  → /data/sales (etl)
 *   /data/sales/2026, …/09     dirs → /data/sales/2026 (etl)
 *   …/09/part-0.parquet        file 200000000 B ×3; atime 09-29 09:15 (1 day, 13:15Z)
 *   …/09/part-1.parquet        file 150000000 B ×3; atime 07-02 (90 days: 90–180)
 *   …/09/_SUCCESS              file 0 B: a small file of 0 bytes
 *   …/09/audit.csv             file 4096 B ×1, carol; atime 09-30 23:59 EDT (0 days; 10-01 03:59Z); mtime 08:05 = 12:05Z
 *   /data/sales/2025           dir  mtime 2025-12-31 23:00 EST = 2026-01-01 04:00Z (newer than its files)
 *   …/2025/old.parquet         file 5000000 B ×3; atime 2025-09-30 12:00 EDT (365 days: 365+, 16:00Z)
 *   …/2025/mid.parquet         file 7000000 B ×3; atime 2025-10-01 12:00 EDT (364 days: 180–365, 16:00Z)
 *
 * /user/alice/models: bytes 3221225472 + 1048576 + 100 = 3222274148; disk 9663676416 + 2097152 + 300 = 9665773868.
 * /data/sales/2026 (etl): bytes 350000000, disk 1050000000; 0–30: 200000000 (+ _SUCCESS's 0), 90–180: 150000000.
 */
const MAIN_ROWS: Row[] = [
  ['/', 'hdfs', 'supergroup', 1, 1, 2048, 6144, 1, 2048, 2048, 0, 0, 0, 0, 0, '2026-09-25 16:00:00', '2026-09-29 12:00:00'],
  dirOnly('/data', 'hdfs', 'supergroup', '2026-09-29 12:00:00'),
  dirOnly('/data/sales', 'etl', 'sales', '2026-09-29 12:00:00'),
  ['/data/sales/2025', 'etl', 'sales', 2, 1, 12000000, 36000000, 0, 0, 0, 0, 0, 7000000, 5000000, 0, '2025-10-01 16:00:00', '2026-01-01 04:00:00'],
  ['/data/sales/2026', 'carol', 'sales', 1, 0, 4096, 4096, 1, 4096, 4096, 0, 0, 0, 0, 0, '2026-10-01 03:59:00', '2026-09-29 12:05:00'],
  ['/data/sales/2026', 'etl', 'sales', 3, 2, 350000000, 1050000000, 1, 0, 200000000, 0, 150000000, 0, 0, 0, '2026-09-29 13:15:00', '2026-09-29 12:00:00'],
  dirOnly('/user', 'hdfs', 'supergroup', '2025-06-01 13:00:00'),
  ['/user/alice', 'alice', 'analysts', 1, 1, 500, 1500, 1, 500, 500, 0, 0, 0, 0, 0, '2026-09-28 21:30:00', '2026-09-28 21:30:00'],
  ['/user/alice/models', 'alice', 'analysts', 3, 2, 3222274148, 9665773868, 1, 100, 0, 1048576, 3221225472, 0, 0, 100, '2026-09-01 03:30:00', '2026-08-01 14:00:00'],
  dirOnly('/user/bob', 'bob', 'analysts', '2026-01-10 14:00:00'),
  dirOnly('/user/bob/empty', 'bob', 'analysts', '2026-01-10 14:00:00'),
];

const nySetup = (): Setup => setup('demo-hadoop', NY);

async function loadMain(file: string, ...args: string[]): Promise<{ s: Setup; rows: Row[]; stdout: string }> {
  const s = nySetup();
  const r = await ingest(s, '--format', 'fsimage', ...args, file);
  assert.equal(r.code, 0, r.stderr);
  return { s, rows: await rollups(s.db), stdout: r.stdout };
}

describe('fsimage: Delimited listings', () => {
  it('rolls up a tab-separated listing by depth-3 directory, owner and group (figures by hand above)', async () => {
    const { s, rows, stdout } = await loadMain(MAIN);
    assert.match(stdout, /demo-hadoop \(fsimage\): 1 file\(s\): 1 loaded.*; 24 entries read, 11 rollup rows written, 0 rows rejected/);
    assert.deepEqual(rows, MAIN_ROWS);
    const meta = await query<{ as_of: string; depth: number; cluster: string; n: bigint }>(
      s.db, `select strftime(as_of, '%Y-%m-%d') as as_of, depth, cluster, count(*) as n from storage_rollups group by all`);
    assert.deepEqual(meta.map((m) => [m.as_of, m.depth, m.cluster, Number(m.n)]), [['2026-09-30', 3, 'demo-hadoop', 11]], 'dated by the name; depth 3');
  });

  it('reads the same listing written with -delimiter "|" into the same rows', async () => {
    assert.deepEqual((await loadMain(listing('fsimage-2026-09-30-pipe-delimiter.txt'))).rows, MAIN_ROWS);
  });

  it('reads it gzipped, and with CRLF line ends', async () => {
    assert.deepEqual((await loadMain(listing('fsimage-2026-09-30.tsv.gz'))).rows, MAIN_ROWS);
    const s = nySetup();
    const crlf = path.join(s.dir, 'fsimage-2026-09-30.tsv');
    fs.writeFileSync(crlf, fs.readFileSync(MAIN, 'utf8').replace(/\n/g, '\r\n'));
    assert.deepEqual((await loadMain(crlf)).rows, MAIN_ROWS);
  });

  it("reads Hadoop 3's StoragePolicyId and ErasureCodingPolicy columns; an erasure-coded file counts, its disk bytes unknown", async () => {
    const s = nySetup();
    const file = path.join(s.dir, 'fsimage-2026-09-30-sp-ec.tsv');
    const [head, ...lines] = fs.readFileSync(MAIN, 'utf8').trimEnd().split('\n');
    // An RS-6-3 file of 6000000 bytes: replication 0 in a listing, one block group; read 09-29 (1 day).
    const ec = '/data/sales/2026/09/ec.bin\t0\t2026-09-29 08:00\t2026-09-29 08:00\t134217728\t1\t6000000\t0\t0\t-rw-r-----\tetl\tsales\t0\tRS-6-3-1024k';
    fs.writeFileSync(file, [`${head}\tStoragePolicyId\tErasureCodingPolicy`, ...lines.map((l) => `${l}\t0\t-`), ec].join('\n') + '\n');
    const { rows } = await loadMain(file);
    // /data/sales/2026 (etl): 3 + 1 files; bytes 350000000 + 6000000; disk unchanged; 0–30 days 200000000 + 6000000.
    const etl2026: Row = ['/data/sales/2026', 'etl', 'sales', 4, 2, 356000000, 1050000000, 1, 0, 206000000, 0, 150000000, 0, 0, 0, '2026-09-29 13:15:00', '2026-09-29 12:00:00'];
    assert.deepEqual(rows, MAIN_ROWS.map((r) => (r[0] === '/data/sales/2026' && r[1] === 'etl' ? etl2026 : r)));
  });

  it('puts back together paths holding the delimiter; a user name holding it is rejected, not guessed', async () => {
    const { s, rows, stdout } = await loadMain(listing('fsimage-2026-09-30-tab-in-path.tsv'));
    assert.match(stdout, /7 entries read, 4 rollup rows written, 1 rows rejected/);
    // /shared (dana): "Q3 report<TAB>final.xlsx" 2000000 B ×3 read 09-20 (10 days), ok.txt 1000 B ×3 read 09-02
    // (28 days), "two<TAB>tabs<TAB>here.csv" 3000 B ×2 read 2025-01-01 (637 days); small: 1000 + 3000.
    // "/shared/a<TAB>b" is a directory of its own (depth 2) with x.bin, 5000 B ×3 read 09-04 (26 days).
    assert.deepEqual(rows, [
      dirOnly('/', 'hdfs', 'supergroup', '2026-09-01 14:00:00'),
      ['/shared', 'dana', 'finance', 3, 0, 2004000, 6009000, 2, 4000, 2001000, 0, 0, 0, 3000, 0, '2026-09-20 14:00:00', '2026-09-03 14:00:00'],
      dirOnly('/shared', 'hdfs', 'supergroup', '2026-09-20 14:00:00'),
      ['/shared/a\tb', 'dana', 'finance', 1, 1, 5000, 15000, 1, 5000, 5000, 0, 0, 0, 0, 0, '2026-09-04 14:00:00', '2026-09-04 14:00:00'],
    ]);
    const [[line, reason]] = await rejects(s.db);
    assert.equal(line, 9);
    assert.match(reason, /^13 fields separated by tab where the header has 12, and not a path holding the delimiter \(read so, Replication is not a number \(got "2026-09-05 10:00"\)\): a user or group name holding it cannot be read\. Write the listing again with another hdfs oiv -delimiter\.$/);
  });

  it('rejects a bad line with its line number and reason; the rest loads', async () => {
    const { s, rows, stdout } = await loadMain(listing('fsimage-2026-09-30-bad-lines.tsv'));
    // Lines 2, 3, 4, 8 and 10 load (line 9 is blank): /, /logs, a.log 1000 B, e.log 2000 B, f.log 3000 B.
    assert.match(stdout, /5 entries read, 3 rollup rows written, 3 rows rejected/);
    assert.deepEqual(rows, [
      dirOnly('/', 'hdfs', 'supergroup', '2026-09-01 14:00:00'),
      dirOnly('/logs', 'hdfs', 'hadoop', '2026-09-10 14:00:00'),
      ['/logs', 'yarn', 'hadoop', 3, 0, 6000, 18000, 3, 6000, 6000, 0, 0, 0, 0, 0, '2026-09-12 15:00:00', '2026-09-10 14:00:00'],
    ]);
    assert.deepEqual(await rejects(s.db), [
      [5, 'FileSize is not a number (got "12k")'],
      [6, 'expected 12 fields separated by tab, got 3'],
      [7, 'ModificationTime is not a time yyyy-MM-dd HH:mm (got "2026-09-31 10:00")'],
    ]);
    const raw = await query<{ raw: string }>(s.db, `select raw from rejected_rows where line = 6`);
    assert.equal(raw[0].raw, '/logs/c.log\t3\t2026-09-10 10:00', 'the raw line as it is in the file');
  });
});

describe('fsimage: XML listings', () => {
  /*
   * The real capture (dynamometer__fsimage.xml), all hdfs:hdfs. Its tree: / (16385), /tmp, /data, /user, /user/hdfs,
   * /tmp/files, /tmp/files/{0..9}, /tmp/files/{0..9}/{0..9}, each of those holding one file `foo` of one 4-byte
   * block, replication 1, read in May 2017 (365+ days before 2026-09-30). At depth 3, /tmp/files/0 gets its own
   * directory (26491), the 10 below it (26492 … 26510) and their 10 files: 10 files, 11 dirs, 40 bytes, all small.
   *
   * Times are epoch ms (UTC). 2017-01-01T00:00Z is 1483228800 s.
   *   root mtime 1494453394091: 1494453394 − 1483228800 = 11224594 s = 129 days (→ May 10) + 78994 s (21:56:34)
   *   /tmp/files (16390) mtime 1494614176953: 11385376 s = 131 days (→ May 12) + 66976 s (18:36:16)
   *   /tmp/files/0: newest atime is 26511's 1494614175402 (18:36:15.402); newest mtime is directory 26510's
   *   1494614175413 (18:36:15.413), newer than 26491's own 1494614175397.
   */
  it('reads the real capture (a comment before the root element), dated by --as-of', async () => {
    const s = nySetup();
    const r = await ingest(s, '--format', 'fsimage', '--as-of', '2026-09-30', listing('dynamometer__fsimage.xml'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /216 entries read, 16 rollup rows written, 0 rows rejected/);
    const rows = await rollups(s.db, { ms: true });
    const at = (dir: string) => rows.find((x) => x[0] === dir);
    assert.deepEqual(at('/'), dirOnly('/', 'hdfs', 'hdfs', '2017-05-10 21:56:34.091'));
    assert.deepEqual(at('/tmp/files'), dirOnly('/tmp/files', 'hdfs', 'hdfs', '2017-05-12 18:36:16.953'));
    assert.deepEqual(at('/tmp/files/0'), ['/tmp/files/0', 'hdfs', 'hdfs', 10, 11, 40, 40, 10, 40, 0, 0, 0, 0, 40, 0, '2017-05-12 18:36:15.402', '2017-05-12 18:36:15.413']);
    assert.deepEqual(rows.map((x) => x[0]), ['/', '/data', '/tmp', '/tmp/files', ...Array.from({ length: 10 }, (_, i) => `/tmp/files/${i}`), '/user', '/user/hdfs']);
    const sum = (i: number) => rows.reduce((a, x) => a + Number(x[i]), 0);
    assert.deepEqual([sum(3), sum(4), sum(5)], [100, 116, 400], '100 files, 116 directories, 100 × 4 bytes');
  });

  it('an XML listing of the same tree gives the same rows as the Delimited one (one rollup, two readers)', async () => {
    // fsimage-2026-09-30.xml: the main listing's entries as the XML processor writes them (times the same New York
    // minutes as epoch ms, permissions as user:group:octal, <child>/<refChild> lists), mid.parquet reached through
    // INodeReferenceSection, and deleted.parquet held only by snapshot s1 of /data/sales: not counted.
    const s = nySetup();
    const r = await ingest(s, '--format', 'fsimage', listing('fsimage-2026-09-30.xml'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /24 entries read, 11 rollup rows written, 0 rows rejected/);
    assert.match(r.stderr, /1 of 25 inodes are in no directory of the current tree \(held only by a snapshot, or orphaned\); they are not counted/);
    assert.deepEqual(await rollups(s.db), MAIN_ROWS);
  });

  it('rejects an inode it cannot read, with the line it starts on; the rest loads, children of a rejected directory keep their path', async () => {
    const s = nySetup();
    const r = await ingest(s, '--format', 'fsimage', listing('fsimage-2026-09-30-bad-inodes.xml'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4 entries read, 3 rollup rows written, 3 rows rejected/);
    // 1788271200000 ms = 2026-09-01 14:00Z; a.log read at 15:00Z (29 days); e.log in the rejected /logs/old.
    assert.deepEqual(await rollups(s.db), [
      dirOnly('/', 'hdfs', 'supergroup', '2026-09-01 14:00:00'),
      ['/logs', 'yarn', 'hadoop', 1, 1, 1000, 3000, 1, 1000, 1000, 0, 0, 0, 0, 0, '2026-09-01 15:00:00', '2026-09-01 14:00:00'],
      ['/logs/old', 'yarn', 'hadoop', 1, 0, 2000, 6000, 1, 2000, 2000, 0, 0, 0, 0, 0, '2026-09-01 15:00:00', '2026-09-01 14:00:00'],
    ]);
    assert.deepEqual(await rejects(s.db), [
      [7, 'mtime is not a number (got "yesterday")'],
      [8, `a block's numBytes is not a number (got "4k")`],
      [9, 'permission is not user:group:mode (got "yarn")'],
    ]);
  });
});

describe('fsimage: loads and reloads', () => {
  it('loading the same image again changes nothing (skipped)', async () => {
    const { s } = await loadMain(MAIN);
    const again = await ingest(s, '--format', 'fsimage', MAIN);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /0 loaded, 1 skipped/);
    assert.deepEqual(await rollups(s.db), MAIN_ROWS);
  });

  it('a newer image of the same date replaces the old one entirely: a directory gone from it is gone', async () => {
    const { s } = await loadMain(MAIN);
    // The new image: /data/sales/2025 and its two files deleted, /README grown to 4096 bytes.
    const newer = path.join(s.dir, 'newer', 'fsimage-2026-09-30.tsv');
    fs.mkdirSync(path.dirname(newer));
    const kept = fs.readFileSync(MAIN, 'utf8').split('\n').filter((l) => !l.startsWith('/data/sales/2025'));
    fs.writeFileSync(newer, kept.join('\n').replace('\t1\t2048\t', '\t1\t4096\t'));
    const r = await ingest(s, '--format', 'fsimage', newer);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /21 entries read, 10 rollup rows written/);
    const readme: Row = ['/', 'hdfs', 'supergroup', 1, 1, 4096, 12288, 1, 4096, 4096, 0, 0, 0, 0, 0, '2026-09-25 16:00:00', '2026-09-29 12:00:00'];
    assert.deepEqual(await rollups(s.db), [readme, ...MAIN_ROWS.slice(1).filter((x) => x[0] !== '/data/sales/2025')]);
    const runs = await query<{ n: bigint }>(s.db, `select count(distinct ingest_run_id) as n from storage_rollups`);
    assert.equal(Number(runs[0].n), 1, 'every row is the newer load’s');
  });

  it('another rollup depth from the settings gives other rows, and loads the same image again', async () => {
    const { s } = await loadMain(MAIN);
    fs.writeFileSync(s.config, `cluster: demo-hadoop\nclusters:\n  demo-hadoop:\n    timezone: ${NY}\nstorage:\n  rollup_depth: 1\n`);
    const r = await ingest(s, '--format', 'fsimage', MAIN);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 loaded, 0 skipped.*7 rollup rows written/);
    /*
     * Depth 1: /data (etl) holds /data/sales, …/2026, …/2026/09, …/2025 (4 dirs) and part-0, part-1, _SUCCESS,
     * old, mid (5 files): bytes 350000000 + 12000000, disk 1050000000 + 36000000; by age 200000000 (0–30),
     * 150000000 (90–180), 7000000 (180–365), 5000000 (365+). /user (alice) holds alice, models, v1 (3 dirs) and
     * notes, big, weights, tiny (4 files): bytes 500 + 3222274148, disk 1500 + 9665773868, small 500 + 100.
     */
    assert.deepEqual(await rollups(s.db), [
      MAIN_ROWS[0],
      ['/data', 'carol', 'sales', 1, 0, 4096, 4096, 1, 4096, 4096, 0, 0, 0, 0, 0, '2026-10-01 03:59:00', '2026-09-29 12:05:00'],
      ['/data', 'etl', 'sales', 5, 4, 362000000, 1086000000, 1, 0, 200000000, 0, 150000000, 7000000, 5000000, 0, '2026-09-29 13:15:00', '2026-09-29 12:00:00'],
      dirOnly('/data', 'hdfs', 'supergroup', '2026-09-29 12:00:00'),
      ['/user', 'alice', 'analysts', 4, 3, 3222274648, 9665775368, 2, 600, 500, 1048576, 3221225472, 0, 0, 100, '2026-09-28 21:30:00', '2026-09-28 21:30:00'],
      ['/user', 'bob', 'analysts', 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, '2026-01-10 14:00:00'],
      dirOnly('/user', 'hdfs', 'supergroup', '2025-06-01 13:00:00'),
    ]);
    const depth = await query<{ depth: number }>(s.db, `select distinct depth from storage_rollups`);
    assert.deepEqual(depth.map((d) => d.depth), [1]);
  });

  it('another small-file size from the settings loads the same image again', async () => {
    const { s } = await loadMain(MAIN);
    fs.writeFileSync(s.config, `cluster: demo-hadoop\nclusters:\n  demo-hadoop:\n    timezone: ${NY}\nstorage:\n  small_file_mb: 2\n`);
    const r = await ingest(s, '--format', 'fsimage', MAIN);
    assert.match(r.stdout, /1 loaded, 0 skipped/);
    // Under 2 MiB, weights.bin (1 MiB) is small too: /user/alice/models has 2 small files, 100 + 1048576 bytes.
    const models = (await rollups(s.db)).find((x) => x[0] === '/user/alice/models')!;
    assert.deepEqual([models[7], models[8]], [2, 1048676]);
    assert.match((await ingest(s, '--format', 'fsimage', MAIN)).stdout, /0 loaded, 1 skipped/);
  });
});

describe('fsimage: files that are not listings', () => {
  it('an undated listing without --as-of fails, saying to pass --as-of', async () => {
    const s = nySetup();
    const r = await ingest(s, '--format', 'fsimage', listing('dynamometer__fsimage.xml'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /dynamometer__fsimage\.xml: cannot be read as fsimage: an fsimage listing carries no date of its own, and the file's name has none\. Name it .*\(fsimage-2026-09-30\.tsv\.gz\), or pass --as-of/);
    assert.deepEqual(await rollups(s.db), []);
  });

  it('hdfs dfs -ls -R output is not a listing: it fails and says what a listing starts with', async () => {
    const s = nySetup();
    const r = await ingest(s, '--format', 'fsimage', listing('fsimage-2026-09-30-ls-r-output.txt'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot be read as fsimage: not an fsimage listing: its first line is "drwxr-xr-x +- hdfs +supergroup .*\/user"\. The Offline Image Viewer's Delimited processor starts with the header Path, Replication, .*GroupName \(separated by a tab, or by its -delimiter\) and its XML processor with <fsimage>\. Write the listing with hdfs oiv -p Delimited \(or -p XML\), or pass the right --format\./);
  });

  it('an XML file that is not an image fails, naming its root element', async () => {
    const s = nySetup();
    const r = await ingest(s, '--format', 'fsimage', listing('fsimage-2026-09-30-hdfs-site.xml'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /an XML file whose root element is <configuration>, not an Offline Image Viewer XML listing \(<fsimage>\)\. Write one with hdfs oiv -p XML, or pass the right --format\./);
  });

  it('a truncated XML listing fails whole: nothing of it is stored', async () => {
    const s = nySetup();
    const cut = path.join(s.dir, 'fsimage-2026-09-30-truncated.xml.gz');
    fs.writeFileSync(cut, zlib.gzipSync(fs.readFileSync(listing('dynamometer__fsimage.xml'), 'utf8').slice(0, 20_000)));
    const r = await ingest(s, '--format', 'fsimage', cut);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /truncated\.xml\.gz: cannot be read as fsimage: not well-formed XML \(.*\): truncated or damaged\? Write it again with hdfs oiv -p XML\./);
    assert.deepEqual(await rollups(s.db), []);
    assert.deepEqual(await rejects(s.db), []);
  });

  it('an empty file fails, and so does a header without entries', async () => {
    const s = nySetup();
    const empty = path.join(s.dir, 'fsimage-2026-09-30.tsv');
    fs.writeFileSync(empty, '');
    const r = await ingest(s, '--format', 'fsimage', empty);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot be read as fsimage: the file is empty; an fsimage listing starts with the Delimited header line or <fsimage>\./);
    const header = path.join(s.dir, 'fsimage-2026-10-01.tsv');
    fs.writeFileSync(header, fs.readFileSync(MAIN, 'utf8').split('\n')[0] + '\n');
    const h = await ingest(s, '--format', 'fsimage', header);
    assert.equal(h.code, 1);
    assert.match(h.stderr, /cannot be read as fsimage: the listing has its header but no entries, not even the root directory: cut short\?/);
  });
});
