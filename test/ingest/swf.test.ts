/**
 * The Standard Workload Format (src/ingest/swf.ts), through the CLI: the real NASA iPSC/860
 * log head and hand-made edge cases. Expected values are worked out by hand from the lines.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it, before } from 'node:test';
import { fixture, job, query, runCli, tmpDir } from '../helpers.js';

const swf = (f: string) => fixture('swf', f);
const ingest = (db: string, ...args: string[]) => runCli(['ingest', '--db', db, '--cluster', 'nasa', ...args]);

describe('swf', () => {
  describe('the NASA iPSC/860 log (real, 500 jobs, no status or wait recorded)', () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    before(async () => {
      const r = await ingest(db, '--format', 'swf', swf('NASA-iPSC-1993-3.1-cln.head500.swf'));
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /warning/, 'status -1 is "not recorded", not a state to warn about');
    });

    it('places submit times from the header\'s UnixStartTime (749458803 = 1993-10-01 07:00:03 UTC)', async () => {
      // line 37: "1 0 -1 1451 128 -1 -1 -1 -1 -1 -1 1 1 -1 -1 -1 -1 -1"
      const j = await job(db, '1');
      assert.equal(j.submit_time, '1993-10-01 07:00:03.000');
      assert.equal(j.start_time, null, 'wait -1: the start is not known');
      assert.equal(j.end_time, null);
      assert.equal(j.elapsed_s, 1451);
      assert.equal(j.alloc_cpus, 128);
      assert.equal(j.vcore_seconds, 1451 * 128);
      assert.equal(j.state, 'UNKNOWN');
      assert.equal(j.raw_state, null);
      assert.equal(j.user, '1');
      assert.equal(j.account, '1');
      assert.equal(j.source, 'swf');
      // line 42: "57 25574 -1 10 1 ... 4 1 2 -1 ..." — user 4, executable 2
      const k = await job(db, '57');
      assert.equal(k.submit_time, '1993-10-01 14:06:17.000'); // 07:00:03 + 25574 s = 7 h 6 min 14 s later
      assert.equal(k.name, 'app2');
      assert.equal(k.user, '4');
      assert.equal(k.extra, '{"executable":2}');
    });

    it('holds all 500 jobs; their sums match the log', async () => {
      // Sums over the 500 job lines: run time 298,788 s; run time × processors 14,801,999.
      const [r] = await query<{ n: bigint; run: number; cpu_s: number; users: bigint }>(
        db,
        `select count(*) as n, sum(elapsed_s) as run, sum(vcore_seconds) as cpu_s, count(distinct "user") as users from jobs`,
      );
      assert.deepEqual([Number(r.n), r.run, r.cpu_s], [500, 298788, 14801999]);
    });
  });

  describe('statuses, waits, queue names and bad lines (hand-made)', () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    let stderr = '';
    before(async () => {
      const r = await ingest(db, '--format', 'swf', swf('swf-statuses-waits-queue-names.swf'));
      assert.equal(r.code, 0, r.stderr);
      stderr = r.stderr;
    });

    it('maps a completed job in full (UnixStartTime 1780000000 = 2026-05-28 20:26:40 UTC)', async () => {
      // "1 0 60 3600 16 3000 1048576 16 7200 2097152 1 101 7 3 1 1 -1 -1"
      const j = await job(db, '1');
      assert.deepEqual(
        [j.submit_time, j.start_time, j.end_time, j.wait_s, j.elapsed_s, j.state, j.raw_state],
        ['2026-05-28 20:26:40.000', '2026-05-28 20:27:40.000', '2026-05-28 21:27:40.000', 60, 3600, 'SUCCEEDED', '1'],
      );
      assert.equal(j.alloc_cpus, 16);
      assert.equal(j.vcore_seconds, 57600); // 3600 × 16
      assert.equal(j.total_cpu_s, 48000); // 3000 s per processor × 16
      assert.equal(j.max_rss_mb, 16384); // 1,048,576 KB per processor × 16 / 1024
      assert.equal(j.req_memory_mb, 32768); // 2,097,152 KB × 16 requested / 1024
      assert.equal(j.time_limit_s, 7200);
      assert.deepEqual([j.user, j.account, j.queue, j.name], ['101', '7', 'batch', 'app3']);
      assert.equal(j.extra, '{"executable":3,"partition":"cpu","avg_cpu_s_per_proc":3000.0,"used_memory_kb_per_proc":1048576.0,"req_memory_kb_per_proc":2097152.0,"req_procs":16}');
    });

    it('maps status 0, 5, 4, 3 to FAILED, KILLED, FAILED, SUCCEEDED; queue 0 is interactive; an unnamed queue keeps its number', async () => {
      const rows = await query<{ job_id: string; state: string; raw_state: string; queue: string | null; start: string | null }>(
        db,
        `select job_id, state, raw_state, queue, strftime(start_time, '%H:%M:%S') as start from jobs where job_id in ('2', '3', '4', '5') order by job_id`,
      );
      assert.deepEqual(rows.map((r) => [r.job_id, r.state, r.raw_state, r.queue, r.start]), [
        ['2', 'FAILED', '0', 'interactive', '20:26:50'], // submit +10 s, wait 0
        ['3', 'KILLED', '5', 'batch', '20:37:00'], // submit +20 s, wait 600
        ['4', 'FAILED', '4', null, null], // wait -1: no start
        ['5', 'SUCCEEDED', '3', '7', '20:27:25'], // submit +40 s, wait 5
      ]);
      const k = await job(db, '3');
      assert.match(String(k.extra), /"preceding_job":1,"think_time_s":30\.0/);
    });

    it('rejects lines that are not 18 numbers, or have no submit time, with their line numbers', async () => {
      const rej = await query<{ line: bigint; reason: string }>(db, `select line, reason from rejected_rows order by line`);
      assert.deepEqual(rej.map((r) => [Number(r.line), r.reason]), [
        [15, 'expected 18 whitespace-separated fields, got 17'],
        [16, 'wait "five" is not a number'],
        [17, 'the submit time is unknown (-1)'],
      ]);
      assert.match(stderr, /swf-statuses-waits-queue-names\.swf:15: expected 18 whitespace-separated fields, got 17; kept in rejected_rows/);
      const [n] = await query<{ n: bigint }>(db, `select count(*) as n from jobs`);
      assert.equal(Number(n.n), 5);
    });
  });

  it('a log without UnixStartTime fails, saying what to add', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, '--format', 'swf', swf('swf-no-unix-start-time.swf'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /swf-no-unix-start-time\.swf: cannot be read as swf: its header has no "; UnixStartTime:" line/);
  });

  it('is told from its content without --format', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await ingest(db, swf('NASA-iPSC-1993-3.1-cln.head500.swf'), swf('swf-statuses-waits-queue-names.swf'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nasa \(swf\): 2 file\(s\): 2 loaded/);
  });
});
