/** NameNode /jmx snapshots: the real NameNodeInfo capture and hand-made FSNamesystem responses; expected values worked out by hand. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixture } from '../helpers.js';
import { ingest, pick, rejects, setup, snapshots } from './storage-setup.js';

const jmx = (f: string) => fixture('jmx', f);
const FULL = jmx('namenode-jmx-full-dated-by-top-user-op-counts.json');

const COUNTS = [
  'capacity_bytes', 'used_bytes', 'remaining_bytes', 'non_dfs_used_bytes', 'files', 'blocks', 'missing_blocks',
  'under_replicated_blocks', 'corrupt_blocks', 'live_datanodes', 'dead_datanodes', 'decommissioning_datanodes',
];
const counts = (row: Record<string, unknown>) => COUNTS.map((c) => row[c]);

describe('jmx', () => {
  it('reads the real NameNodeInfo capture, dated by its name; datanodes counted from the LiveNodes JSON string', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'jmx', jmx('namenode-info-2026-10-05T0600.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /demo-hadoop \(jmx\): 1 file\(s\): 1 loaded.*1 snapshots read, 1 new or replacing, 0 rows rejected/);
    const [row, ...more] = await snapshots(s.db);
    assert.equal(more.length, 0);
    assert.equal(row.cluster, 'demo-hadoop');
    assert.equal(row.taken_at, '2026-10-05 04:00:00', '06:00 in Amsterdam in October (CEST, UTC+2)');
    // Total, Used, Free, NonDfsUsedSpace, TotalFiles, TotalBlocks, NumberOfMissingBlocks; no under-replicated or
    // corrupt counts in NameNodeInfo; LiveNodes has one node ("c68ae3949d7f:50010"), DeadNodes and DecomNodes are "{}".
    assert.deepEqual(counts(row), [62725623808, 24576, 55830482944, 6895116288, 1, 0, 0, null, null, 1, 0, 0]);
    const extra = row.extra as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(extra), ['NameNodeInfo']);
    assert.equal(extra.NameNodeInfo.ClusterId, 'CID-44e20313-500c-4587-ad7d-4bf751a4a652');
    assert.equal(extra.NameNodeInfo.SoftwareVersion, '3.1.3');
    for (const gone of ['name', 'modelerType', 'Total', 'Used', 'LiveNodes', 'DeadNodes', 'DecomNodes', 'RollingUpgradeStatus']) {
      assert.equal(gone in extra.NameNodeInfo, false, gone);
    }
    assert.equal(Object.keys(extra.NameNodeInfo).length, 23, '36 attributes: 12 read into columns (name and modelerType included), RollingUpgradeStatus null');
  });

  it('an undated file fails telling to pass --as-of; --as-of dates it', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'jmx', jmx('datadog__namenode_info_jmx.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /datadog__namenode_info_jmx\.json: cannot be read as jmx: a NameNode \/jmx response without FSNamesystemState TopUserOpCounts carries no date of its own.*namenode-jmx-2026-10-05T0600\.json.*or pass --as-of/);
    assert.equal((await snapshots(s.db)).length, 0);
    const ok = await ingest(s, '--format', 'jmx', '--as-of', '2026-10-04T12:00', jmx('datadog__namenode_info_jmx.json'));
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(pick(await snapshots(s.db), 'taken_at', 'capacity_bytes'), [['2026-10-04 10:00:00', 62725623808]]);
  });

  it('a full /jmx: FSNamesystem first, dated by the TopUserOpCounts timestamp (its own offset, not the cluster zone)', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'jmx', FULL);
    assert.equal(r.code, 0, r.stderr);
    const [row] = await snapshots(s.db);
    assert.equal(row.taken_at, '2026-10-05 04:00:12', '"2026-10-05T00:00:12-0400" is 04:00:12 UTC');
    // 4 DataNodes × 12 TiB; used 30 TB; non-DFS 1.5 TB; remaining = total − used − non-DFS;
    // 4 live (one of them decommissioning), 1 dead.
    assert.deepEqual(counts(row), [52776558133248, 30000000000000, 21276558133248, 1500000000000, 1843211, 1624090, 2, 1187, 3, 4, 1, 1]);
    const extra = row.extra as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(extra), ['FSNamesystem', 'FSNamesystemState', 'NameNodeInfo'], 'the other six beans are not kept');
    assert.equal(extra.FSNamesystem['tag.HAState'], 'active');
    assert.equal(extra.FSNamesystem.CapacityTotalGB, 49152);
    assert.equal(extra.FSNamesystemState.FSState, 'Operational');
    assert.equal(extra.NameNodeInfo.SoftwareVersion, '3.3.6');
    assert.equal('CapacityTotal' in extra.FSNamesystem, false);
    assert.equal('TopUserOpCounts' in extra.FSNamesystemState, false);
    assert.equal('LiveNodes' in extra.NameNodeInfo, false);
    // FSNamesystem 56 attributes, 15 read; FSNamesystemState 37, 13 read (with TopUserOpCounts);
    // NameNodeInfo 36, 12 read, RollingUpgradeStatus null.
    assert.deepEqual(Object.values(extra).map((b) => Object.keys(b).length), [41, 24, 23]);
  });

  it('each column comes from the first bean that has it: FSNamesystem, FSNamesystemState, NameNodeInfo, then the node maps', async () => {
    const s = setup();
    const doc = JSON.parse(fs.readFileSync(FULL, 'utf8')) as { beans: Record<string, unknown>[] };
    const bean = (name: string) => doc.beans.find((b) => b.name === `Hadoop:service=NameNode,name=${name}`)!;
    // Used: FSNamesystem's removed, FSNamesystemState's and NameNodeInfo's made to differ.
    delete bean('FSNamesystem').CapacityUsed;
    bean('FSNamesystemState').CapacityUsed = 30000000000001;
    bean('NameNodeInfo').Used = 30000000000002;
    // Files: only NameNodeInfo's left. Live datanodes: no NumLiveDataNodes anywhere, so the 4 keys of LiveNodes.
    for (const b of ['FSNamesystem', 'FSNamesystemState']) {
      delete bean(b).FilesTotal;
      delete bean(b).NumLiveDataNodes;
    }
    bean('NameNodeInfo').TotalFiles = 1843210;
    bean('FSNamesystem').NumDeadDataNodes = 7;
    const file = path.join(s.dir, 'namenode-jmx-edited.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    assert.equal((await ingest(s, '--format', 'jmx', file)).code, 0);
    assert.deepEqual(pick(await snapshots(s.db), 'used_bytes', 'files', 'live_datanodes', 'dead_datanodes'), [[30000000000001, 1843210, 4, 7]]);
  });

  it('a response with its own time ignores --as-of (with a warning); loaded again under another name, it replaces its own snapshot', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'jmx', '--as-of', '2026-01-01', FULL);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /--as-of is not used for responses dated by their own FSNamesystemState TopUserOpCounts timestamp/);
    const copy = path.join(s.dir, 'namenode-jmx-2026-11-01T0000.json');
    fs.copyFileSync(FULL, copy);
    const again = await ingest(s, '--format', 'jmx', copy);
    assert.match(again.stdout, /1 loaded, 0 skipped/, 'dated by another name: not taken for the same load (the variant is read from the name, not the content)');
    assert.deepEqual(pick(await snapshots(s.db), 'taken_at'), [['2026-10-05 04:00:12']], 'one snapshot, at the moment the response itself says');
  });

  it('a gzipped ?qry=FSNamesystem* subset with top metrics off: dated by its name, no NameNodeInfo', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'jmx', jmx('namenode-jmx-2026-10-05T0800-qry-fsnamesystem-top-metrics-off.json.gz'));
    assert.equal(r.code, 0, r.stderr);
    const [row] = await snapshots(s.db);
    assert.equal(row.taken_at, '2026-10-05 06:00:00');
    // Two hours after the full response: 100 GB more used, 788 more files, 410 more blocks, the dead and the decommissioning node gone.
    assert.deepEqual(counts(row), [52776558133248, 30100000000000, 21176558133248, 1500000000000, 1843999, 1624500, 0, 5, 0, 4, 0, 0]);
    assert.deepEqual(Object.keys(row.extra as object), ['FSNamesystem', 'FSNamesystemState']);
  });

  it('a response without the NameNode beans is refused, saying which beans and what to query', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'jmx', jmx('namenode-jmx-2026-10-05T0600-datanode-beans-only.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /none of the NameNode beans gazette reads is in it \(Hadoop:service=NameNode,name=FSNamesystem, Hadoop:service=NameNode,name=FSNamesystemState, Hadoop:service=NameNode,name=NameNodeInfo\); it has 3 bean\(s\), the first Hadoop:service=DataNode,name=DataNodeInfo/);
    assert.match(r.stderr, /\/jmx\?qry=Hadoop:service=NameNode,name=FSNamesystem\*/);
    assert.equal((await snapshots(s.db)).length, 0);
  });

  it('a value that is not a number is a rejected snapshot with the reason; the file still loads', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'jmx', jmx('namenode-jmx-2026-10-05T0700-capacity-used-not-a-number.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /0 snapshots read, 0 new or replacing, 1 rows rejected/);
    assert.deepEqual(await rejects(s.db), [[1, 'FSNamesystem CapacityUsed is not a number (got "unknown")']]);
  });

  it('loading again is skipped; the same undated response dated another moment is another snapshot', async () => {
    const s = setup();
    const real = jmx('datadog__namenode_info_jmx.json');
    assert.equal((await ingest(s, '--format', 'jmx', '--as-of', '2026-10-05T06:00', real)).code, 0);
    const again = await ingest(s, '--format', 'jmx', '--as-of', '2026-10-05T06:00', real);
    assert.match(again.stdout, /0 loaded, 1 skipped/);
    const later = await ingest(s, '--format', 'jmx', '--as-of', '2026-10-05T07:00', real);
    assert.match(later.stdout, /1 loaded, 0 skipped/);
    assert.deepEqual(pick(await snapshots(s.db), 'taken_at'), [['2026-10-05 04:00:00'], ['2026-10-05 05:00:00']]);
  });

  it('a later load of the same moment replaces the snapshot', async () => {
    const s = setup();
    const doc = JSON.parse(fs.readFileSync(jmx('datadog__namenode_info_jmx.json'), 'utf8'));
    const [a, b] = ['a', 'b'].map((d) => path.join(s.dir, d, 'namenode-jmx-2026-10-06T0000.json'));
    for (const f of [a, b]) fs.mkdirSync(path.dirname(f));
    fs.writeFileSync(a, JSON.stringify(doc));
    doc.beans[0].Used = 49152;
    fs.writeFileSync(b, JSON.stringify(doc));
    assert.equal((await ingest(s, '--format', 'jmx', a)).code, 0);
    assert.equal((await ingest(s, '--format', 'jmx', b)).code, 0);
    assert.deepEqual(pick(await snapshots(s.db), 'taken_at', 'used_bytes'), [['2026-10-05 22:00:00', 49152]]);
  });
});
