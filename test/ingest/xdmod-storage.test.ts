/** Open XDMoD storage JSON: the docs' example and hand-made records; expected values worked out by hand. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixture } from '../helpers.js';
import { ingest, pick, rejects, setup, usage } from './storage-setup.js';

const xdmod = (f: string) => fixture('xdmod-storage', f);
/** An HPC cluster in New York (EDT, UTC−4, in October). */
const hpc = () => setup('demo-hpc', 'America/New_York');
const COLUMNS = ['as_of', 'filesystem', 'path', 'owner', 'group_name', 'bytes', 'disk_bytes', 'files', 'soft_limit_bytes', 'hard_limit_bytes', 'extra'];

describe('xdmod-storage', () => {
  it("reads the docs' example: resource, mountpoint, user, pi, usage and thresholds to their columns", async () => {
    const s = hpc();
    const r = await ingest(s, '--format', 'xdmod-storage', xdmod('xdmod-storage-docs-example.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /demo-hpc \(xdmod-storage\): 1 file\(s\): 1 loaded.*1 usage rows read, 1 new or replacing, 0 rows rejected/);
    const rows = await usage(s.db);
    assert.deepEqual(pick(rows, ...COLUMNS), [['2017-01-01', 'nfs', '/home', 'jdoe', 'pi_username', 100000, 100000, 10000, 1000000, 1200000, null]]);
    assert.deepEqual(pick(rows, 'cluster', 'source', 'dirs', 'name_quota', 'space_quota_bytes'), [['demo-hpc', 'xdmod-storage', null, null, null]]);
  });

  it('rejects bad records with their index and reason; a dt in UTC is dated in the cluster zone; the later record of a key wins', async () => {
    const s = hpc();
    const r = await ingest(s, '--format', 'xdmod-storage', xdmod('xdmod-storage-bad-records.json'));
    assert.equal(r.code, 0, r.stderr);
    // Records 1, 4, 6, 7 pass; 1 and 6 are the same user, file system and date.
    assert.match(r.stdout, /4 usage rows read, 3 new or replacing, 5 rows rejected/);
    assert.deepEqual(await rejects(s.db), [
      [2, 'user is missing'],
      [3, 'logical_usage is not a whole number ≥ 0 (got "lots")'],
      [5, 'not a JSON object (got null)'],
      [8, 'dt is not an ISO 8601 time (got "yesterday")'],
      [9, 'logical_usage is not a whole number ≥ 0 (got -5)'],
    ]);
    assert.deepEqual(pick(await usage(s.db), ...COLUMNS), [
      // 2026-10-05T02:30:00Z is 22:30 the evening before in New York.
      ['2026-10-04', 'lustre', '/scratch', 'bob', 'pi_jones', 1099511627776, 1099511627776, 881234, null, null, null],
      // Record 6 (06:00) replaces record 1 (00:00) of the same day.
      ['2026-10-05', 'gpfs', '/home', 'alice', 'pi_smith', 524000000, 1048000000, 10240, 1000000000, 1200000000, { quota_source: 'mmrepquota' }],
      // Numbers written as strings, a bare date, no pi.
      ['2026-10-05', 'gpfs', '/home', 'carol', null, 4096, 8192, 42, null, null, null],
    ]);
  });

  it('a file that is not a JSON array of records is refused', async () => {
    const s = hpc();
    const r = await ingest(s, '--format', 'xdmod-storage', xdmod('xdmod-storage-not-an-array.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /xdmod-storage-not-an-array\.json: cannot be read as xdmod-storage: it is a JSON object, not an array; an XDMoD storage file is one JSON array of usage records/);
    const numbers = path.join(s.dir, 'numbers.json');
    fs.writeFileSync(numbers, '[1, 2, 3]');
    const r2 = await ingest(s, '--format', 'xdmod-storage', numbers);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /none of its 3 elements is a JSON object/);
    assert.deepEqual(await usage(s.db), []);
  });

  it('loading again is skipped; a newer file with the same user, file system and date replaces the row', async () => {
    const s = hpc();
    assert.equal((await ingest(s, '--format', 'xdmod-storage', xdmod('xdmod-storage-docs-example.json'))).code, 0);
    assert.match((await ingest(s, '--format', 'xdmod-storage', xdmod('xdmod-storage-docs-example.json'))).stdout, /0 loaded, 1 skipped/);
    const newer = path.join(s.dir, 'storage-2017-01-01-rerun.json');
    const records = JSON.parse(fs.readFileSync(xdmod('xdmod-storage-docs-example.json'), 'utf8'));
    records[0].logical_usage = 200000;
    records[0].dt = '2017-01-01T12:00:00';
    fs.writeFileSync(newer, JSON.stringify(records));
    assert.equal((await ingest(s, '--format', 'xdmod-storage', newer)).code, 0);
    assert.deepEqual(pick(await usage(s.db), 'as_of', 'owner', 'bytes'), [['2017-01-01', 'jdoe', 200000]]);
  });
});
