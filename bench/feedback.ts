/**
 * Feedback benchmark (issue 8): how long evaluating the per-job heuristics takes for 100,000
 * finished jobs of one day (target, with the emails rendered: under 10 s), and peak RSS.
 *
 *   npm run bench:feedback                          # 100,000 jobs on 2026-10-01
 *   npm run bench:feedback -- --jobs 20000 --history-days 7 --repeat 3
 *
 * The warehouse is made by DuckDB SQL from row numbers (every "random" value is hash(i, salt)):
 * the day's jobs and --history-days days before it at the same rate, on 20,000 job keys of 2,000
 * users (two superuser accounts among them), 8% failing (some keys always), 10% Slurm-like (asked
 * memory, MaxRSS, time limits, waits), 5% with Spark or MapReduce detail (GC, tasks, spill, a
 * stage list); 1,000 vcores of capacity. It is kept in the work dir (default <repo>/.bench) and
 * reused when made with the same parameters. A third of the failures print a real YARN memory
 * kill (a known error). The phase runs `gazette feedback --since DAY --until DAY+1` whole — the
 * heuristics, the knowledge base, one email per owner rendered (MJML once) and written as .eml to an
 * outbox, what was sent remembered — on a fresh copy of the warehouse (the copy is not timed), in
 * its own child process (phases.ts), so its peak RSS is its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { openWarehouse } from '../src/warehouse/open.js';
import { runFeedback } from '../src/commands/feedback.js';
import { MB, fastest, fmtInt, log, rmDb, spawnPhase, table, writePhaseResult } from './phases.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const DAY = '2026-10-01';
const TARGET_S = 10;

const { values: o } = parseArgs({
  options: {
    jobs: { type: 'string', default: '100000' },
    'history-days': { type: 'string', default: '30' },
    dir: { type: 'string', default: path.join(REPO, '.bench') },
    repeat: { type: 'string', default: '1' },
    phase: { type: 'string' },
    result: { type: 'string' },
  },
});
const jobs = Number(o.jobs);
const historyDays = Number(o['history-days']);
const file = path.join(o.dir!, 'data', `feedback-v2-${jobs}-${historyDays}`, 'warehouse.duckdb');
const SETTINGS = 'email_domain: example.org\nprices: {currency: EUR, vcore_hour: 0.04, memory_gb_hour: 0.005}\n';

/** The day's jobs and the history before it, one INSERT: job i runs on day -(i div jobs) at a time of its own. */
const JOBS_SQL = `
insert into jobs (cluster, job_id, source, name, job_key, "user", queue, account, app_type, state, submit_time, start_time, end_time,
                  wait_s, elapsed_s, alloc_cpus, vcore_seconds, memory_mb_seconds, req_memory_mb, max_rss_mb, time_limit_s, diagnostics)
with g as (
  select i, i // cast($per_day as bigint) as day_back, hash(i, 1) % 20000 as k, hash(i, 2) % 86000 as at_s,
    30 + hash(i, 3) % 7200 as elapsed, 1 + hash(i, 4) % 16 as cpus, hash(i, 5) % 1000 as roll, hash(i, 6) % 100 as kind
  from range(0, cast($total as bigint)) t(i)
), j as (
  select *, cast($day as timestamp) - to_days(cast(day_back as integer)) + to_seconds(cast(at_s as bigint)) as start_at,
    case when k < 200 then 'FAILED' when roll < 60 then 'FAILED' when roll < 70 then 'KILLED' else 'SUCCEEDED' end as st,
    case when k % 1000 = 7 then 'hdfs' when k % 1000 = 8 then 'root' else 'u' || (k % 2000) end as who
  from g
)
select 'bench', 'job_' || i, case when kind < 10 then 'slurm' else 'yarn' end, 'key_' || k || '_' || day_back, 'key_' || k, who,
  'q' || (k % 40), 'acct' || (k % 40), case when kind between 10 and 12 then 'SPARK' when kind between 13 and 14 then 'MAPREDUCE' else 'SPARK' end, st,
  start_at - to_seconds(cast(hash(i, 7) % 4000 as bigint)), start_at, start_at + to_seconds(cast(elapsed as bigint)),
  hash(i, 7) % 4000, elapsed, cpus, elapsed * cpus, elapsed * cpus * 2048,
  case when kind < 10 then 1024 * (1 + hash(i, 8) % 64) end, case when kind < 10 then 256 * (1 + hash(i, 9) % 64) end,
  case when kind < 10 then elapsed * (1 + hash(i, 10) % 40) end,
  case when st = 'FAILED' and hash(i, 12) % 3 = 0
         then 'Container [pid=' || (hash(i, 11) % 90000) || ',containerID=container_e07_1792582680000_0001_01_000002] is running 120614912B beyond the ''PHYSICAL'' memory limit. Current usage: 2.1 GB of 2 GB physical memory used; 3.9 GB of 4.2 GB virtual memory used. Killing container.'
       when st = 'FAILED' then 'java.io.IOException: failed on node-' || (hash(i, 11) % 500) end
from j`;

/** Spark or MapReduce detail for the day's jobs with kind 10–14. */
const DETAILS_SQL = `
insert into app_details (cluster, job_id, source, framework, outcome, maps, reduces, map_memory_mb, reduce_memory_mb, physical_memory_bytes,
  executor_cores, executor_request_mb, executor_peak_heap_bytes, tasks, failed_tasks, stages, failed_stages, task_time_s, gc_time_s,
  spilled_records, output_records, stage_list)
select j.cluster, j.job_id, 'bench', app_type, 'SUCCEEDED', m, r, 2048, 4096, m * (256 + h % 1024) * 1048576,
  4, 8192, (1024 + h % 4096) * 1048576, m + r, h % 5, 2, 0, elapsed_s * alloc_cpus, elapsed_s * alloc_cpus * (h % 30) / 100,
  case when app_type = 'MAPREDUCE' then 1000 * m * (1 + h % 4) end, case when app_type = 'MAPREDUCE' then 1000 * m end,
  json_array(json_object('stage_id', '0', 'name', 'map', 'tasks', m, 'task_time_median_s', 60 + h % 100, 'task_time_max_s', (60 + h % 100) * (1 + h % 20)),
             json_object('stage_id', '1', 'name', 'reduce', 'tasks', r, 'task_time_median_s', 300, 'task_time_max_s', 330))
from (select *, hash(job_id) as h, 10 + hash(job_id, 1) % 200 as m, case when hash(job_id, 2) % 5 = 0 then 0 else 1 + hash(job_id, 3) % 20 end as r from jobs) j
where app_type in ('SPARK', 'MAPREDUCE') and source = 'yarn' and start_time >= cast($day as timestamp) and hash(job_id, 4) % 100 < 5`;

async function makeWarehouse(): Promise<void> {
  if (fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.making`;
  rmDb(tmp);
  const t0 = performance.now();
  const wh = await openWarehouse(tmp);
  const total = jobs * (historyDays + 1);
  await wh.conn.run(JOBS_SQL, { per_day: jobs, total, day: DAY });
  await wh.conn.run(DETAILS_SQL, { day: DAY });
  await wh.conn.run(`insert into capacity_snapshots (cluster, taken_at, total_vcores, total_memory_mb) values ('bench', '2026-01-01', 1000, 4096000)`);
  await wh.conn.run('checkpoint');
  wh.close();
  fs.renameSync(tmp, file);
  log(`made ${file}: ${fmtInt(total)} jobs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** The phase: gazette feedback over the day on a fresh copy of the warehouse; what it found and wrote. */
async function feedbackPhase(): Promise<void> {
  // a directory of its own, removed after the timing: deleting the last run's 2,000 files or
  // leaving the copy's gigabyte to be flushed would load the disk while the command writes its own
  const work = path.join(o.dir!, `feedback-run-${process.pid}`);
  fs.mkdirSync(work, { recursive: true });
  const db = path.join(work, 'warehouse.duckdb');
  fs.copyFileSync(file, db);
  const fd = fs.openSync(db, 'r+');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  const config = path.join(work, 'gazette.yaml');
  fs.writeFileSync(config, SETTINGS);
  const outbox = path.join(work, 'outbox');
  const next = new Date(Date.parse(`${DAY}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
  const t0 = performance.now();
  await runFeedback({ db, config, since: DAY, until: next, outbox });
  const seconds = (performance.now() - t0) / 1000;
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  const count = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
  const evaluated = await count(`select count(*) from jobs where end_time >= '${DAY}' and end_time < '${next}'`);
  const findings = await count('select count(*) from feedback_sent');
  const knownErrors = await count(`select count(*) from feedback_sent where finding like 'known_error:%'`);
  conn.closeSync();
  inst.closeSync();
  const emails = fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'));
  const bytes = emails.reduce((sum, f) => sum + fs.statSync(path.join(outbox, f)).size, 0);
  fs.rmSync(work, { recursive: true, force: true });
  writePhaseResult(o.result!, { seconds, evaluated, findings, knownErrors, emails: emails.length, bytes });
}

async function main(): Promise<void> {
  if (o.phase === 'feedback') return feedbackPhase();
  await makeWarehouse();
  type Result = { seconds: number; evaluated: number; findings: number; knownErrors: number; emails: number; bytes: number };
  const runs = [];
  for (let k = 0; k < Number(o.repeat); k++) runs.push(await spawnPhase<Result>(fileURLToPath(import.meta.url), 'feedback', process.argv.slice(2), o.dir!));
  const best = fastest(runs);
  process.stdout.write(table([
    ['phase', 'jobs evaluated', 'findings sent', 'known errors', 'emails', 'MB of .eml', 'seconds', 'runs (s)', 'peak RSS MB', 'target'],
    ['gazette feedback (one day)', fmtInt(best.evaluated), fmtInt(best.findings), fmtInt(best.knownErrors), fmtInt(best.emails), (best.bytes / MB).toFixed(1),
      best.seconds.toFixed(2), best.all.map((s) => s.toFixed(2)).join(' '), (best.maxRss / MB).toFixed(0), `< ${TARGET_S} s ${best.seconds < TARGET_S ? 'PASS' : 'MISS'}`],
  ]) + '\n');
}

await main();
