/**
 * Slurm `sacct --parsable2` output (src/ingest/sacct.ts), driven through the CLI.
 *
 * Every expected value is worked out by hand from the fixture lines (see
 * test/fixtures/sacct/EXPECTED.md for the arithmetic), never copied from the loader's output.
 * Where this file departs from EXPECTED.md it says so, and why, next to the value.
 *
 * Project rules (from the task brief) that EXPECTED.md words differently:
 *  - total_cpu_s is the job line's TotalCPU (sacct already sums the steps into it); the
 *    sum of the steps is only the fallback when the job line has none. sacct prints the
 *    job line without milliseconds once the total reaches an hour, so for five jobs this
 *    is the step sum with its milliseconds dropped (EXPECTED.md keeps them). EXPECTED.md's
 *    step sums are checked by the fallback test, on a copy with the job lines' TotalCPU blanked.
 *  - ReqTRES `mem=` wins over ReqMem when present (8300002: 6000, EXPECTED.md says 8000);
 *    the ReqMem suffix rules are checked on a copy with ReqTRES blanked, where 8300002 is 8000.
 *  - `--mem=0` (`0n`) gives a null req_memory_mb (EXPECTED.md allows null or 0).
 *  - max_rss_mb is compared at 3 decimals, the precision EXPECTED.md states.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, before } from 'node:test';
import { fixture, job, query, runCli, tmpDir } from '../helpers.js';

const sacct = (f: string) => fixture('sacct', f);
const ingest = (db: string, ...args: string[]) => runCli(['ingest', '--db', db, '--format', 'sacct', '--cluster', 'orion', ...args]);

/** Load files into a fresh warehouse; the command must succeed. */
async function load(files: string[], ...args: string[]): Promise<string> {
  const db = path.join(tmpDir(), 'w.duckdb');
  const r = await ingest(db, ...args, ...files);
  assert.equal(r.code, 0, r.stderr);
  return db;
}

/** The columns EXPECTED.md tabulates per job. */
interface Expect {
  state: string;
  elapsed_s: number;
  alloc_cpus: number;
  alloc_gpus: number;
  req_memory_mb: number | null;
  max_rss_mb: number | null;
  total_cpu_s: number | null;
  time_limit_s: number | null;
  vcore_seconds: number;
}
/** One EXPECTED.md table row: id, state, elapsed_s, cpus, gpus, req_mem_mb, max_rss_mb, total_cpu_s, limit_s, vcore_s. */
type Row = [string, string, number, number, number, number | null, number | null, number | null, number | null, number];
const KEYS = ['state', 'elapsed_s', 'alloc_cpus', 'alloc_gpus', 'req_memory_mb', 'max_rss_mb', 'total_cpu_s', 'time_limit_s', 'vcore_seconds'] as const;

/** Fractional seconds are sums of doubles: compare at 1 µs. MaxRSS at the 3 decimals EXPECTED.md uses. */
const round = (v: unknown, places: number) => (typeof v === 'number' ? Math.round(v * 10 ** places) / 10 ** places : v);
function pick(j: Record<string, unknown>): Expect {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) out[k] = k === 'max_rss_mb' ? round(j[k], 3) : round(j[k], 6);
  return out as unknown as Expect;
}

/** Compare each table row to its job, reporting every differing column of every job at once. */
async function expectRows(db: string, rows: Row[]): Promise<void> {
  const actual: Record<string, Expect> = {};
  const expected: Record<string, Expect> = {};
  for (const [id, ...vals] of rows) {
    expected[id] = Object.fromEntries(KEYS.map((k, i) => [k, vals[i]])) as unknown as Expect;
    actual[id] = pick(await job(db, id));
  }
  assert.deepEqual(actual, expected);
}

const extraOf = async (db: string, id: string) => JSON.parse(String((await job(db, id)).extra)) as Record<string, unknown>;
const count = async (db: string, sql: string) => Number((await query<{ n: bigint }>(db, sql))[0].n);

async function snapshot(db: string): Promise<string> {
  const rows = await query(db, `select * exclude (ingest_run_id) replace (extra::varchar as extra) from jobs order by cluster, job_id`);
  return JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A copy of a fixture in a temp dir, each line (without its ending) passed through `edit`. */
function rewrite(file: string, name: string, edit: (line: string, i: number) => string | string[]): string {
  const text = fs.readFileSync(sacct(file), 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out = lines.flatMap((l, i) => edit(l, i));
  const p = path.join(tmpDir(), name);
  fs.writeFileSync(p, out.join('\n') + '\n');
  return p;
}
/** Set fields of a '|' line (0-based index → value). */
function setFields(line: string, set: Record<number, string>): string {
  const f = line.split('|');
  for (const [i, v] of Object.entries(set)) f[Number(i)] = v;
  return f.join('|');
}

// Header order of files 2–11 (0-based), for the rewritten copies.
const F = { JobID: 0, JobIDRaw: 1, Start: 7, End: 8, Elapsed: 9, State: 11, NCPUS: 13, ReqCPUS: 14, ReqTRES: 16, AllocTRES: 17, NodeList: 19, TotalCPU: 22, CPUTimeRAW: 23, ElapsedRaw: 24 };

describe('sacct: header-less XDMoD dump (26 fields, no steps)', () => {
  let db: string;
  before(async () => {
    db = await load([sacct('sacct-xdmod-noheader.txt')]);
  });

  it('reads every job with the values of EXPECTED.md §1; no MaxRSS/TotalCPU columns, so both null', async () => {
    await expectRows(db, [
      ['5001201', 'SUCCEEDED', 8130, 8, 0, 32000, null, null, 14400, 65040],
      ['5001202', 'FAILED', 192, 64, 0, 131072, null, null, 43200, 12288],
      ['5001203', 'KILLED', 2820, 4, 0, 16000, null, null, 7200, 11280],
      ['5001204', 'TIMEOUT', 86414, 32, 0, 512000, null, null, 86400, 2765248],
      ['5001205', 'OUT_OF_MEMORY', 751, 2, 0, 8192, null, null, 3600, 1502],
      ['5001206', 'NODE_FAIL', 12600, 160, 0, 256000, null, null, 28800, 2016000],
      ['5001207', 'PREEMPTED', 4200, 16, 2, 65536, null, null, 21600, 67200],
      ['5001208', 'FAILED', 0, 8, 0, 16384, null, null, 7200, 0],
      ['5001209', 'TIMEOUT', 6600, 16, 0, 32768, null, null, 14400, 105600],
      ['5001217', 'SUCCEEDED', 675, 1, 0, 4000, null, null, 1800, 675],
      ['5001230', 'SUCCEEDED', 9000, 8, 1, 32768, null, null, 14400, 72000],
      ['5001240', 'RUNNING', 9000, 8, 0, 32000, null, null, 43200, 72000],
      ['5001241', 'PENDING', 0, 0, 0, 1024000, null, null, 172800, 0],
      ['5001250', 'SUCCEEDED', 1200, 4, 0, 8192, null, null, 3600, 4800],
    ]);
  });

  it('maps the XDMoD field order: user, partition, account, times (UTC by default), wait = start − submit', async () => {
    const j = await job(db, '5001201');
    assert.equal(j.source, 'slurm');
    assert.equal(j.user, 'mchen');
    assert.equal(j.queue, 'cpu');
    assert.equal(j.account, 'chem');
    assert.equal(j.name, 'opt_geom');
    assert.equal(j.raw_state, 'COMPLETED');
    assert.equal(j.submit_time, '2026-10-01 07:58:12.000');
    assert.equal(j.start_time, '2026-10-01 08:00:00.000');
    assert.equal(j.end_time, '2026-10-01 10:15:30.000');
    assert.equal(j.wait_s, 108, '08:00:00 − 07:58:12');
    const x = JSON.parse(String(j.extra));
    assert.equal(x.qos, 'normal');
    assert.equal(x.nodelist, 'cn017');
  });

  it('CANCELLED by <uid> is KILLED and raw_state keeps the text; BOOT_FAIL → FAILED, DEADLINE → TIMEOUT', async () => {
    assert.equal((await job(db, '5001203')).raw_state, 'CANCELLED by 51234');
    assert.equal((await job(db, '5001208')).raw_state, 'BOOT_FAIL');
    assert.equal((await job(db, '5001209')).raw_state, 'DEADLINE');
  });

  it('a RUNNING job has no end (Unknown); a PENDING one has neither start nor end, and no wait', async () => {
    const r = await job(db, '5001240');
    assert.equal(r.end_time, null);
    assert.equal(r.start_time, '2026-10-05 09:30:00.000');
    assert.equal(r.wait_s, 1800);
    const p = await job(db, '5001241');
    assert.equal(p.start_time, null);
    assert.equal(p.end_time, null);
    assert.equal(p.wait_s, null);
    assert.equal(p.submit_time, '2026-10-05 11:00:00.000');
  });

  it('an array task is keyed by JobIDRaw, its JobID kept in extra.jobid', async () => {
    assert.equal((await extraOf(db, '5001217')).jobid, '5001210_7');
    assert.equal(await count(db, `select count(*) as n from jobs where job_id like '5001210%'`), 0);
  });

  it('keeps a job name containing | whole when JobName is the last field', async () => {
    assert.equal((await job(db, '5001250')).name, 'sweep|lr=0.01');
  });

  it('requeued job listed twice (--duplicates): the final run wins, one row', async () => {
    assert.equal(await count(db, `select count(*) as n from jobs where job_id = '5001230'`), 1);
    const j = await job(db, '5001230');
    assert.equal(j.raw_state, 'COMPLETED');
    assert.equal(j.submit_time, '2026-10-02 09:01:05.000', 'requeue resets Submit');
    assert.equal(j.start_time, '2026-10-02 09:10:00.000');
    assert.equal(j.end_time, '2026-10-02 11:40:00.000');
    assert.equal(j.wait_s, 535, '09:10:00 − 09:01:05');
    assert.equal(j.gpu_seconds, 9000, '9000 s × 1 GPU');
    assert.equal(JSON.parse(String(j.extra)).nodelist, 'gpu005');
  });

  it('requeued job: the final run wins even when it comes first in the file', async () => {
    // Same file with lines 11 (REQUEUED) and 12 (COMPLETED) swapped.
    const lines = fs.readFileSync(sacct('sacct-xdmod-noheader.txt'), 'utf8').split('\n');
    [lines[10], lines[11]] = [lines[11], lines[10]];
    const p = path.join(tmpDir(), 'swapped.txt');
    fs.writeFileSync(p, lines.join('\n'));
    const db2 = await load([p]);
    const j = await job(db2, '5001230');
    assert.equal(j.state, 'SUCCEEDED');
    assert.equal(j.submit_time, '2026-10-02 09:01:05.000');
    assert.equal(j.elapsed_s, 9000);
  });

  it('vcore_seconds = elapsed × cpus, memory_mb_seconds = elapsed × AllocTRES mem', async () => {
    const a = await job(db, '5001201');
    assert.equal(a.alloc_memory_mb, 32000);
    assert.equal(a.vcore_seconds, 65040, '8130 × 8');
    assert.equal(a.memory_mb_seconds, 260160000, '8130 × 32000');
    const b = await job(db, '5001206');
    assert.equal(b.alloc_memory_mb, 256000, '250G');
    assert.equal(b.vcore_seconds, 2016000, '12600 × 160');
    assert.equal(b.memory_mb_seconds, 3225600000, '12600 × 256000');
  });

  it('reads a header-less `sacct -p` dump (every line ending with |) to the same jobs', async () => {
    const p = rewrite('sacct-xdmod-noheader.txt', 'xdmod-parsable1.txt', (l) => l + '|');
    const dbp = await load([p]);
    assert.equal(await snapshot(dbp), await snapshot(db));
    assert.equal((await job(dbp, '5001250')).name, 'sweep|lr=0.01', 'the name, not the name plus the trailing |');
    assert.equal(await count(dbp, `select count(*) as n from rejected_rows`), 0);
  });

  it('loads 14 jobs from 15 lines, rejecting none', async () => {
    assert.equal(await count(db, `select count(*) as n from jobs`), 14);
    assert.equal(await count(db, `select count(*) as n from rejected_rows`), 0);
  });
});

describe('sacct: with header and job steps', () => {
  let db: string;
  before(async () => {
    db = await load([sacct('sacct-with-header-steps.txt')]);
  });

  it('reads the jobs of EXPECTED.md §2: MaxRSS max over steps, TotalCPU from the job line', async () => {
    // total_cpu_s is the job line's TotalCPU (project rule). EXPECTED.md's step sums keep the
    // milliseconds that sacct drops on the job line once the total is ≥ 1 h:
    //   6100001 job line 1-02:03:05 = 86400+7200+180+5 = 93785   (steps 93785.234)
    //   6100002 job line 02:04.268 = 124.268                      (steps 0.812+0+123.456, same)
    //   6100003 job line 10-05:02:08 = 864000+18000+120+8 = 882128 (steps 882128.104)
    //   6100004 job line 07:48:10 = 28090                          (steps the same)
    await expectRows(db, [
      ['6100001', 'SUCCEEDED', 8130, 16, 0, 65536, 9216, 93785, 14400, 130080],
      ['6100002', 'FAILED', 192, 8, 0, 16384, 512, 124.268, 3600, 1536],
      ['6100003', 'SUCCEEDED', 21600, 64, 0, 122880, 3293.816, 882128, 28800, 1382400],
      ['6100004', 'TIMEOUT', 7227, 4, 0, 16000, 2000, 28090, 7200, 28908],
    ]);
  });

  it('falls back to the sum of the steps when the job line has no TotalCPU (EXPECTED.md §2 step sums)', async () => {
    const p = rewrite('sacct-with-header-steps.txt', 'no-job-totalcpu.txt', (l, i) =>
      i > 0 && !l.split('|')[F.JobID].includes('.') ? setFields(l, { [F.TotalCPU]: '' }) : l,
    );
    const dbs = await load([p]);
    const got: Record<string, unknown> = {};
    for (const id of ['6100001', '6100002', '6100003', '6100004']) got[id] = round((await job(dbs, id)).total_cpu_s, 6);
    assert.deepEqual(got, {
      '6100001': 93785.234, // 1.234 + 0 + 1-02:03:04 (93784)
      '6100002': 124.268, // 0.812 + 0 + 02:03.456 (123.456)
      '6100003': 882128.104, // 5.100 + 0.004 + 10-04:00:00 (878400) + 01:02:03 (3723)
      '6100004': 28090, // 07:48:10 + 0
    });
  });

  it('never counts a step as a job, and rejects nothing', async () => {
    assert.equal(await count(db, `select count(*) as n from jobs`), 4);
    assert.equal(await count(db, `select count(*) as n from jobs where job_id like '%.%'`), 0);
    assert.equal(await count(db, `select count(*) as n from rejected_rows`), 0);
  });

  it('job state comes from the job line only (TIMEOUT with a CANCELLED .batch); Comment goes to extra', async () => {
    const j = await job(db, '6100004');
    assert.equal(j.state, 'TIMEOUT');
    assert.equal(j.raw_state, 'TIMEOUT');
    assert.equal(JSON.parse(String(j.extra)).comment, 'boot 1-500');
    assert.equal((await job(db, '6100001')).name, 'opt_geom', 'not a step name (batch, orca)');
  });

  it('times are UTC by default; wait_s = start − submit', async () => {
    const j = await job(db, '6100003');
    assert.equal(j.submit_time, '2026-10-01 23:40:00.000');
    assert.equal(j.start_time, '2026-10-02 00:00:00.000');
    assert.equal(j.end_time, '2026-10-02 06:00:00.000');
    assert.equal(j.wait_s, 1200, '00:00:00 − 23:40:00 the day before');
    assert.equal((await job(db, '6100002')).wait_s, 158, '09:02:41 − 09:00:03');
  });

  it('vcore_seconds = elapsed × cpus and memory_mb_seconds = elapsed × alloc memory', async () => {
    for (const [id, mem, vcore, memSec] of [
      ['6100001', 65536, 130080, 532807680], // 8130 × 16; 8130 × 64·1024
      ['6100002', 16384, 1536, 3145728], // 192 × 8; 192 × 16·1024
      ['6100003', 122880, 1382400, 2654208000], // 21600 × 64; 21600 × 120·1024
      ['6100004', 16000, 28908, 115632000], // 7227 × 4; 7227 × 16000
    ] as const) {
      const j = await job(db, id);
      assert.deepEqual([j.alloc_memory_mb, j.vcore_seconds, j.memory_mb_seconds], [mem, vcore, memSec], id);
    }
  });

  it('--timezone America/New_York: local times are EDT (UTC−4) in October', async () => {
    const ny = await load([sacct('sacct-with-header-steps.txt')], '--timezone', 'America/New_York');
    const j = await job(ny, '6100001');
    assert.equal(j.submit_time, '2026-10-01 11:58:12.000', '07:58:12 EDT');
    assert.equal(j.start_time, '2026-10-01 12:00:00.000');
    assert.equal(j.end_time, '2026-10-01 14:15:30.000');
    assert.equal(j.wait_s, 108);
    assert.equal(j.elapsed_s, 8130);
    // Crossing midnight locally: 23:40 EDT on the 1st is 03:40 UTC on the 2nd.
    assert.equal((await job(ny, '6100003')).submit_time, '2026-10-02 03:40:00.000');
  });

  it('reads `sacct -p` output (every line ending with |) to the same jobs', async () => {
    const p = rewrite('sacct-with-header-steps.txt', 'parsable1.txt', (l) => l + '|');
    const dbp = await load([p]);
    assert.equal(await snapshot(dbp), await snapshot(db));
    await expectRows(dbp, [['6100001', 'SUCCEEDED', 8130, 16, 0, 65536, 9216, 93785, 14400, 130080]]);
    assert.equal((await extraOf(dbp, '6100004')).comment, 'boot 1-500');
    assert.equal(await count(dbp, `select count(*) as n from rejected_rows`), 0);
  });
});

describe('sacct: CANCELLED by <uid>', () => {
  let db: string;
  before(async () => {
    db = await load([sacct('sacct-cancelled-by-uid.txt')]);
  });

  it('reads the jobs of EXPECTED.md §3', async () => {
    // 7200001: job line TotalCPU 03:02:01 = 10921 (project rule); EXPECTED.md's step sum is 10921.95.
    await expectRows(db, [
      ['7200001', 'KILLED', 2820, 4, 0, 16000, 1536, 10921, 7200, 11280],
      ['7200002', 'KILLED', 9000, 64, 0, 131072, 7.617, 2.016, 86400, 576000],
      ['7200003', 'KILLED', 0, 4, 0, 36864, null, 0, 259200, 0],
      ['7200004', 'KILLED', 0, 1, 0, 4000, null, 0, null, 0],
      ['7200005', 'KILLED', 1200, 8, 0, 32000, 3072, 9000, 3600, 9600],
    ]);
  });

  it('raw_state keeps "by <uid>" (including root, uid 0) and plain CANCELLED', async () => {
    assert.equal((await job(db, '7200001')).raw_state, 'CANCELLED by 51234');
    assert.equal((await job(db, '7200002')).raw_state, 'CANCELLED by 0');
    assert.equal((await job(db, '7200003')).raw_state, 'CANCELLED by 51501');
    assert.equal((await job(db, '7200005')).raw_state, 'CANCELLED');
  });

  it('a job cancelled while pending (Start None) has no start and no wait, but keeps its end', async () => {
    const j = await job(db, '7200003');
    assert.equal(j.submit_time, '2026-10-01 14:00:00.000');
    assert.equal(j.start_time, null);
    assert.equal(j.end_time, '2026-10-01 14:37:04.000');
    assert.equal(j.wait_s, null);
  });

  it('rejects nothing', async () => {
    assert.equal(await count(db, `select count(*) as n from jobs`), 5);
    assert.equal(await count(db, `select count(*) as n from rejected_rows`), 0);
  });
});

describe('sacct: Unknown and None times', () => {
  let db: string;
  before(async () => {
    db = await load([sacct('sacct-unknown-times.txt')]);
  });

  it('reads the jobs of EXPECTED.md §4', async () => {
    await expectRows(db, [
      ['8100001', 'RUNNING', 9000, 8, 0, 32000, 200, 14320, 43200, 72000],
      ['8100002', 'PENDING', 0, 0, 0, 1024000, null, 0, 172800, 0],
      ['8100003', 'PENDING', 0, 0, 0, 262144, null, 0, null, 0],
      ['8100004', 'KILLED', 0, 2, 0, 8192, null, 0, 3600, 0],
    ]);
  });

  it('Unknown and None are null; wait_s = start − submit only when both are known', async () => {
    const r = await job(db, '8100001');
    assert.deepEqual([r.submit_time, r.start_time, r.end_time, r.wait_s], ['2026-10-05 09:00:00.000', '2026-10-05 09:30:00.000', null, 1800]);
    const p = await job(db, '8100002');
    assert.deepEqual([p.submit_time, p.start_time, p.end_time, p.wait_s], ['2026-10-05 11:00:00.000', null, null, null]);
    const c = await job(db, '8100004');
    assert.deepEqual([c.submit_time, c.start_time, c.end_time, c.wait_s], ['2026-10-04 20:00:00.000', null, '2026-10-04 20:05:00.000', null]);
  });

  it('a pending job has 0 allocated GPUs even when ReqTRES asks for gres/gpu=8', async () => {
    const j = await job(db, '8100003');
    assert.equal(j.alloc_gpus, 0);
    assert.equal(j.gpu_seconds, 0);
  });
});

describe('sacct: array jobs', () => {
  let db: string;
  before(async () => {
    db = await load([sacct('sacct-array-jobs.txt')]);
  });

  it('keys tasks by JobIDRaw and attaches steps by JobIDRaw (EXPECTED.md §5)', async () => {
    await expectRows(db, [
      ['4103948', 'SUCCEEDED', 2475, 2, 0, 8192, 6144, 4811, 7200, 4950],
      ['4103950', 'FAILED', 31, 2, 0, 8192, 3.375, 0.42, 7200, 62],
      ['4103947', 'PENDING', 0, 0, 0, 8192, null, 0, 7200, 0],
      ['4104100', 'PENDING', 0, 0, 0, 32768, null, 0, 14400, 0],
      ['4104201', 'SUCCEEDED', 600, 1, 0, 4000, 89.096, 581.5, 1800, 600],
      ['4104200', 'SUCCEEDED', 720, 1, 0, 4000, 88, 710.25, 1800, 720],
    ]);
  });

  it('keeps each JobID in extra.jobid', async () => {
    const ids: Record<string, string> = {
      '4103948': '4103947_1',
      '4103950': '4103947_2',
      '4103947': '4103947_[3-4]',
      '4104100': '4104100_[1-3]',
      '4104201': '4104200_1',
      '4104200': '4104200_0',
    };
    for (const [raw, jobid] of Object.entries(ids)) assert.equal((await extraOf(db, raw)).jobid, jobid, raw);
  });

  it('loads 6 jobs (no step, no JobID as id) and rejects nothing', async () => {
    const rows = await query<{ job_id: string }>(db, `select job_id from jobs order by job_id`);
    assert.deepEqual(rows.map((r) => r.job_id), ['4103947', '4103948', '4103950', '4104100', '4104200', '4104201']);
    assert.equal(await count(db, `select count(*) as n from rejected_rows`), 0);
  });
});

describe('sacct: ReqMem suffixes', () => {
  it('reads the jobs of EXPECTED.md §6, ReqTRES mem= winning over ReqMem', async () => {
    const db = await load([sacct('sacct-reqmem-suffixes.txt')]);
    // 8300001/8300007: job line TotalCPU 07:50:00 = 28200 (project rule); step sum 0.5 + 28200 = 28200.5.
    // 8300002: ReqTRES mem=6000M (2000 per CPU × ReqCPUS 3) wins; EXPECTED.md's 8000 (× NCPUS 4) is
    //          the allocation, checked as alloc_memory_mb below and as the ReqMem rule in the next test.
    // 8300006: --mem=0 (`0n`) → null.
    await expectRows(db, [
      ['8300001', 'SUCCEEDED', 3600, 8, 0, 32000, 2560, 28200, 7200, 28800],
      ['8300002', 'SUCCEEDED', 1800, 4, 0, 6000, null, 0, 3600, 7200],
      ['8300003', 'SUCCEEDED', 14400, 80, 0, 32768, null, 0, 21600, 1152000],
      ['8300004', 'SUCCEEDED', 1800, 16, 0, 65536, null, 0, 3600, 28800],
      ['8300005', 'SUCCEEDED', 3600, 160, 0, 256000, null, 0, 7200, 576000],
      ['8300006', 'SUCCEEDED', 1200, 32, 0, null, null, 0, 3600, 38400],
      ['8300007', 'SUCCEEDED', 3600, 8, 0, 32000, 2560, 28200, 7200, 28800],
      ['8300008', 'SUCCEEDED', 14400, 80, 0, 32768, null, 0, 21600, 1152000],
      ['8300009', 'PENDING', 0, 0, 0, 49152, null, 0, 14400, 0],
    ]);
    assert.equal((await job(db, '8300002')).alloc_memory_mb, 8000, 'AllocTRES mem=8000M');
    assert.equal((await job(db, '8300006')).alloc_memory_mb, 1536000, 'AllocTRES mem=1500G = 1500·1024');
    assert.equal(await count(db, `select count(*) as n from rejected_rows`), 0);
  });

  it('without ReqTRES: Mc × NCPUS (ReqCPUS when NCPUS is 0), Gn × NNodes, bare = job total, 0n null', async () => {
    // The same file with ReqTRES emptied, so only ReqMem decides, plus one pending per-CPU row
    // (a copy of 8300002 as 8300010: NCPUS 0, never started) for the ReqCPUS fallback.
    const p = rewrite('sacct-reqmem-suffixes.txt', 'no-reqtres.txt', (l, i) => {
      if (i === 0) return l;
      const out = [setFields(l, { [F.ReqTRES]: '' })];
      if (l.startsWith('8300002|')) {
        out.push(setFields(out[0], {
          [F.JobID]: '8300010', [F.JobIDRaw]: '8300010', [F.Start]: 'Unknown', [F.End]: 'Unknown', [F.Elapsed]: '00:00:00',
          [F.State]: 'PENDING', [F.NCPUS]: '0', [F.AllocTRES]: '', [F.NodeList]: 'None assigned', [F.CPUTimeRAW]: '0', [F.ElapsedRaw]: '0',
        }));
      }
      return out;
    });
    const db = await load([p]);
    const want: Record<string, number | null> = {
      '8300001': 32000, // 4000Mc × NCPUS 8
      '8300002': 8000, // 2000Mc × NCPUS 4 (not ReqCPUS 3)
      '8300003': 32768, // 16Gn = 16·1024 × 2 nodes
      '8300004': 65536, // 4Gc = 4·1024 × 16
      '8300005': 256000, // 64000Mn × 4 nodes
      '8300006': null, // 0n: --mem=0
      '8300007': 32000, // bare 32000M: the total, not × 8
      '8300008': 32768, // bare 32G: the total, not × 2 nodes
      '8300009': 49152, // bare 48G
      '8300010': 6000, // 2000Mc, NCPUS 0 → × ReqCPUS 3
    };
    const got: Record<string, unknown> = {};
    for (const id of Object.keys(want)) got[id] = (await job(db, id)).req_memory_mb;
    assert.deepEqual(got, want);
  });
});

describe('sacct: Elapsed and Timelimit formats', () => {
  const rows: Row[] = [
    ['9100001', 'SUCCEEDED', 273906, 4, 0, 16384, 100, 1040523, 604800, 1095624],
    ['9100002', 'SUCCEEDED', 1047845, 1, 0, 2048, 50, 1031624, 1209600, 1047845],
    ['9100003', 'SUCCEEDED', 45296, 2, 0, 4096, 40, 89999, 86400, 90592],
    ['9100004', 'SUCCEEDED', 42, 1, 0, 1024, 2, 39.871, 1800, 42],
    ['9100005', 'FAILED', 0, 1, 0, 1024, 0, 0, null, 0],
    ['9100006', 'PENDING', 0, 0, 0, 16384, null, 0, null, 0],
    ['9100007', 'SUCCEEDED', 2730, 2, 0, 4096, null, 0, 3600, 5460],
  ];

  it('reads D-HH:MM:SS, HH:MM:SS and the lenient MM:SS row; UNLIMITED and Partition_Limit are null (EXPECTED.md §7)', async () => {
    const db = await load([sacct('sacct-elapsed-formats.txt')]);
    await expectRows(db, rows);
    assert.equal(await count(db, `select count(*) as n from rejected_rows`), 0);
  });

  it('parses the Elapsed text itself when there is no ElapsedRaw column', async () => {
    const p = rewrite('sacct-elapsed-formats.txt', 'no-elapsedraw.txt', (l) => {
      const f = l.split('|');
      f.splice(F.ElapsedRaw, 1);
      return f.join('|');
    });
    const db = await load([p]);
    await expectRows(db, rows);
  });
});

describe('sacct: GPUs from AllocTRES', () => {
  let db: string;
  before(async () => {
    db = await load([sacct('sacct-gpus-alloctres.txt')]);
  });

  it('counts gres/gpu=N, else the typed gres/gpu:<type>=N; never both; gres/mps is not a GPU (EXPECTED.md §8)', async () => {
    await expectRows(db, [
      ['9400001', 'SUCCEEDED', 7200, 8, 2, 65536, null, 0, 21600, 57600],
      ['9400002', 'SUCCEEDED', 7200, 16, 4, 131072, 30000, 101400, 21600, 115200],
      ['9400003', 'SUCCEEDED', 7200, 8, 2, 65536, null, 0, 21600, 57600],
      ['9400004', 'SUCCEEDED', 7200, 24, 3, 98304, null, 0, 21600, 172800],
      ['9400005', 'SUCCEEDED', 7200, 64, 8, 1024000, null, 0, 21600, 460800],
      ['9400006', 'SUCCEEDED', 7200, 4, 0, 16384, null, 0, 21600, 28800],
      ['9400007', 'PENDING', 0, 0, 0, 131072, null, 0, 21600, 0],
      ['9400008', 'SUCCEEDED', 7200, 4, 1, 20480, null, 0, 21600, 28800],
      ['9400009', 'SUCCEEDED', 7200, 4, 0, 16384, null, 0, 21600, 28800],
    ]);
  });

  it('gpu_seconds = elapsed × GPUs; a pending job asking for 4 GPUs has 0', async () => {
    const want: Record<string, number> = {
      '9400001': 14400, // 7200 × 2
      '9400002': 28800, // 7200 × 4 (not 8, not 12 from the step rows)
      '9400003': 14400, // 7200 × 2 (typed only)
      '9400004': 21600, // 7200 × 3
      '9400005': 57600, // 7200 × 8 (the job total, not × 2 nodes)
      '9400006': 0,
      '9400007': 0, // PENDING, AllocTRES empty, ReqTRES gres/gpu=4
      '9400008': 7200, // 7200 × 1 MIG slice
      '9400009': 0, // gres/mps=50
    };
    const got: Record<string, unknown> = {};
    for (const id of Object.keys(want)) got[id] = (await job(db, id)).gpu_seconds;
    assert.deepEqual(got, want);
  });
});

describe('sacct: UTF-8 job names', () => {
  let db: string;
  before(async () => {
    db = await load([sacct('sacct-utf8-names.txt')]);
  });

  // The UTF-8 bytes of each name, written out by hand from EXPECTED.md §9.
  const names: [string, string, string][] = [
    ['9500001', '\u6a21\u62df_run', 'e6a8a1e68b9f5f72756e'],
    ['9500002', 'caf\u00e9-analyse', '636166c3a92d616e616c797365'],
    ['9500003', 'cafe\u0301-analyse', '63616665cc812d616e616c797365'],
    ['9500004', 'donn\u00e9es \u00e9t\u00e9 2026', '646f6e6ec3a96573' + '20' + 'c3a974c3a9' + '20' + '32303236'],
    ['9500005', '\u{1f680}launch_v2', 'f09f9a806c61756e63685f7632'],
    ['9500006', '\u062a\u062c\u0631\u0628\u0629-1', 'd8aad8acd8b1d8a8d8a92d31'],
    ['9500007', '\u03a9mega,sweep', 'cea96d6567612c7377656570'],
  ];

  it('stores each name byte for byte, with no Unicode normalisation', async () => {
    const rows = await query<{ job_id: string; name: string; bytes: string }>(
      db,
      `select job_id, name, lower(hex(encode(name))) as bytes from jobs order by job_id`,
    );
    assert.deepEqual(rows.map((r) => [r.job_id, r.name, r.bytes]), names);
    assert.notEqual(rows[1].name, rows[2].name, 'precomposed and decomposed café stay distinct');
  });

  it('reads the jobs of EXPECTED.md §9; the step name 模拟器 does not replace the job name', async () => {
    await expectRows(db, [
      ['9500001', 'SUCCEEDED', 300, 2, 0, 4096, 8, 599, 3600, 600],
      ['9500002', 'SUCCEEDED', 360, 2, 0, 4096, null, 0, 3600, 720],
      ['9500003', 'SUCCEEDED', 420, 2, 0, 4096, null, 0, 3600, 840],
      ['9500004', 'SUCCEEDED', 480, 2, 0, 4096, null, 0, 3600, 960],
      ['9500005', 'SUCCEEDED', 540, 2, 0, 4096, null, 0, 3600, 1080],
      ['9500006', 'SUCCEEDED', 600, 2, 0, 4096, null, 0, 3600, 1200],
      ['9500007', 'SUCCEEDED', 660, 2, 0, 4096, null, 0, 3600, 1320],
    ]);
    assert.equal(await count(db, `select count(*) as n from jobs where name = '模拟器'`), 0);
  });
});

describe('sacct: wrong field counts and bad values', () => {
  const file = sacct('sacct-wrong-field-count.txt');
  let db: string;
  let out: { code: number; stdout: string; stderr: string };
  before(async () => {
    db = path.join(tmpDir(), 'w.duckdb');
    out = await ingest(db, file);
  });

  it('exits 0, loads the good line and counts the 5 rejects in the summary', async () => {
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /1 loaded.* 1 jobs read, 1 new or newer, 5 rows rejected/);
    for (const line of [3, 4, 5, 6, 7]) assert.match(out.stderr, new RegExp(`sacct-wrong-field-count\\.txt:${line}: `));
    const [run] = await query<{ rows_read: bigint; rejects: bigint }>(db, `select rows_read, rejects from ingest_runs`);
    assert.deepEqual([Number(run.rows_read), Number(run.rejects)], [1, 5]);
  });

  it('loads line 2 (9900001) with the values of EXPECTED.md §10, and nothing else', async () => {
    await expectRows(db, [['9900001', 'SUCCEEDED', 3600, 4, 0, 16384, null, 0, 7200, 14400]]);
    const ids = await query<{ job_id: string }>(db, `select job_id from jobs`);
    assert.deepEqual(ids.map((r) => r.job_id), ['9900001']);
  });

  it('keeps lines 3–7 in rejected_rows with file, line, a reason naming the fault, and the raw line', async () => {
    const text = fs.readFileSync(file, 'utf8').split('\n');
    const rejects = await query<{ file: string; line: bigint; reason: string; raw: string }>(
      db,
      `select file, line, reason, raw from rejected_rows order by line`,
    );
    assert.deepEqual(rejects.map((r) => Number(r.line)), [3, 4, 5, 6, 7]);
    for (const r of rejects) {
      assert.equal(r.file, file);
      assert.equal(r.raw, text[Number(r.line) - 1], `raw of line ${r.line}`);
    }
    const reason = (line: number) => rejects.find((r) => Number(r.line) === line)!.reason;
    // Line 3: truncated after Timelimit, 19 fields where the header has 26.
    assert.match(reason(3), /26/);
    assert.match(reason(3), /19/);
    // Line 4: Submit is not a timestamp.
    assert.match(reason(4), /Submit/);
    assert.match(reason(4), /yesterday/);
    assert.doesNotMatch(reason(4), /fields/);
    // Line 5: Elapsed is not a duration.
    assert.match(reason(5), /Elapsed/);
    assert.match(reason(5), /abc/);
    // Line 6: job name a|b splits into 27 fields, and JobName is not the last column.
    assert.match(reason(6), /27/);
    assert.match(reason(6), /26/);
    // Line 7: a trailing | (sacct -p) on one line of a -P file: 27 fields.
    assert.match(reason(7), /27/);
    assert.match(reason(7), /26/);
  });
});

describe('sacct: CRLF line endings', () => {
  it('reads the same as an LF copy; no field keeps a \\r (EXPECTED.md §11)', async () => {
    const crlf = await load([sacct('sacct-crlf-line-endings.txt')]);
    const lfPath = path.join(tmpDir(), 'lf.txt');
    fs.writeFileSync(lfPath, fs.readFileSync(sacct('sacct-crlf-line-endings.txt'), 'utf8').replace(/\r\n/g, '\n'));
    const lf = await load([lfPath]);

    await expectRows(crlf, [
      ['9600001', 'SUCCEEDED', 1800, 4, 0, 16384, 200, 6000, 3600, 7200],
      ['9600002', 'SUCCEEDED', 600, 2, 0, 8192, null, 0, 3600, 1200],
    ]);
    const x = await extraOf(crlf, '9600002');
    assert.equal(x.comment, 'rerun');
    for (const id of ['9600001', '9600002']) {
      const extra = JSON.stringify(await extraOf(crlf, id));
      assert.doesNotMatch(extra, /\\r/, `extra of ${id}`);
    }
    assert.equal(await count(crlf, `select count(*) as n from rejected_rows`), 0);
    assert.equal(await snapshot(crlf), await snapshot(lf));
  });
});
