/**
 * MapReduce JobHistory server REST responses (--format mr-history), from files or pulled by
 * --jhs-url (mr-history-pull.ts), into app_details — the same table and column meanings as a
 * job's .jhist (jhist.ts; the counter figures are shared, mr-figures.ts).
 *
 * A file is one response (mr-history-files.ts lists them). Each job it names gives one row,
 * built from every response of that job in the file's directory: the files whose name holds the
 * job id (job_1326381300833_2_2.json, job_…_counters.json, hs__…_jobs_job_…_tasks.json) and whose
 * content is about that job, read in one go. So:
 *
 * - A job's responses (the job, its counters, tasks, task attempts, AM attempts, a task's or an
 *   attempt's counters) load in any order, together or one at a time, and give the same row. A
 *   response beside them that does not parse is passed over with a warning (it fails on its own).
 * - A jobs list (/mapreduce/jobs) gives a row per job: its entry (id, name, user, queue, state,
 *   times, maps and reduces total and completed) and the job's responses beside the list, if
 *   any. --jhs-url lays a window out so (its list and every job's responses in one directory)
 *   and loads the list: one file a window.
 * - Which row stands (targets.ts APP_DETAILS): an ended job before a running one; then, at the
 *   same end, the job's .jhist before any REST row, and a REST row built from more of the job's
 *   responses (job, counters, conf, tasks, attempts, AM attempts: `extra.rest_detail`) before one from
 *   fewer — a jobs-list entry alone (0) never replaces a row that had the job's own response.
 *
 * Columns:
 * - job_id is the YARN application id (job_1416424547277_0002 → application_…_0002, Hadoop
 *   0.23's job_1326381300833_2_2 → application_1326381300833_0002), so the RM's record, the
 *   .jhist and the REST are one job; app_id keeps the REST id. attempt_id is the last AM
 *   attempt's (from its container id), when the jobattempts response is there.
 * - start_time is startTime (the launch), else submitTime; end_time finishTime. state
 *   SUCCEEDED, FAILED (ERROR too), KILLED; NEW, INITED, RUNNING and the *_WAIT states are
 *   RUNNING; a row with no state (counters without the job) UNKNOWN.
 * - maps/reduces are attempts launched: the job's successful + failed + killed attempts (else
 *   the TOTAL_LAUNCHED_* counters); failed_maps, killed_maps (and reduces) its failed and killed
 *   attempts. A jobs list gives no attempt counts: they are null, and its task counts are in extra.
 * - map_memory_mb/reduce_memory_mb come from the conf response, by the names jhist-conf.ts reads.
 * - The counter figures (task time MILLIS_MAPS + MILLIS_REDUCES, CPU, GC, HDFS bytes, shuffle,
 *   spill, physical memory) come from totalCounterValue; a phase's in stage_list from
 *   mapCounterValue / reduceCounterValue. `counters` holds the totals by group, as for .jhist.
 * - stage_list: the map and reduce phases. Task-time spread and the phase's duration come from
 *   the tasks response (a task's elapsedTime: from its scheduling to its end, retries included),
 *   where it is there.
 * - failure_reason: the job's diagnostics, then the first three distinct errors of failed
 *   attempts (from attempts responses), as for .jhist.
 * - extra: submit_time, state as given, uberized, the list's task counts, the average map,
 *   reduce, shuffle and merge times, AM attempts, the responses the row was built from, and any
 *   other field of the job response (acls…).
 * - A record without its id (a job entry, a task, an attempt) is a rejected row, with its index.
 */
import path from 'node:path';
import { listValue } from '@duckdb/node-api';
import { stageJsonDocument } from './json-document.js';
import { describeJsonFault, findJsonFault } from './json-position.js';
import { applicationIdOf } from './mr-figures.js';
import { RESPONSE_ROOTS, responsesBeside, type ResponseRoot } from './mr-history-files.js';
import { ROWS_SQL, stageTables } from './mr-history-sql.js';
import { FileFormatError, duckdbReason, type Source, type StageContext, type Staged } from './source.js';
import { APP_DETAILS } from './targets.js';

const HOLDS = 'a file holds one JobHistory server REST response (/ws/v1/history/mapreduce/jobs, a job, its counters, tasks or attempts)';

/** What a record of each response is, and how its job is found. */
interface Part {
  /** JSON path of the record (a list: each element). */
  path: string;
  list: boolean;
  kind: string;
  noun: string;
  /** How the job id follows from the record's id. */
  job: 'id' | 'task' | 'attempt' | 'logs' | 'path';
}
const PARTS: Record<Exclude<ResponseRoot, 'historyInfo'>, Part> = {
  jobs: { path: '$.jobs.job', list: true, kind: 'entry', noun: 'job', job: 'id' },
  job: { path: '$.job', list: false, kind: 'job', noun: 'job', job: 'id' },
  jobCounters: { path: '$.jobCounters', list: false, kind: 'counters', noun: 'counters response', job: 'id' },
  tasks: { path: '$.tasks.task', list: true, kind: 'task', noun: 'task', job: 'task' },
  task: { path: '$.task', list: false, kind: 'task', noun: 'task', job: 'task' },
  taskAttempts: { path: '$.taskAttempts.taskAttempt', list: true, kind: 'attempt', noun: 'task attempt', job: 'attempt' },
  taskAttempt: { path: '$.taskAttempt', list: false, kind: 'attempt', noun: 'task attempt', job: 'attempt' },
  jobTaskCounters: { path: '$.jobTaskCounters', list: false, kind: 'task-counters', noun: 'task counters response', job: 'task' },
  jobTaskAttemptCounters: { path: '$.jobTaskAttemptCounters', list: false, kind: 'attempt-counters', noun: 'attempt counters response', job: 'attempt' },
  jobAttempts: { path: '$.jobAttempts.jobAttempt', list: true, kind: 'jobattempt', noun: 'job attempt', job: 'logs' },
  conf: { path: '$.conf', list: false, kind: 'conf', noun: 'conf response', job: 'path' },
};
/** task_1326381300833_2_2_m_0, attempt_1416424547277_0002_m_000000_0: the job's part of the id. */
const TASK_ID = `'^task_([0-9]+(?:_[0-9]+)+)_[mMrR]_[0-9]+$'`;
const ATTEMPT_ID = `'^attempt_([0-9]+(?:_[0-9]+)+)_[mMrR]_[0-9]+_[0-9]+$'`;
/**
 * The records of the responses in table `docs` (src, json): (src, line, kind, id, job, reason,
 * doc), one per job entry, task, attempt…, with the job each is about (null: `reason` says why).
 */
function recordsSql(docs: string): string {
  return Object.entries(PARTS).map(([root, p]) => {
    const mine = `from ${docs} where json_keys(json)[1] = '${root}'`;
    const records = p.list
      ? `select src, i::bigint as line, e as doc from (select src, unnest(l) as e, generate_subscripts(l, 1) as i from (select src, json_extract(json, '${p.path}[*]') as l ${mine}))`
      : `select src, 1::bigint as line, json_extract(json, '${p.path}') as doc ${mine}`;
    const id = `nullif(trim(json_extract_string(doc, '$.id')), '')`;
    const fromId = (re: string) => `case when regexp_full_match(${id}, ${re}) then 'job_' || regexp_extract(${id}, ${re}, 1) end`;
    const logs = `nullif(regexp_extract(json_extract_string(doc, '$.logsLink'), '/(job_[0-9]+(?:_[0-9]+)+)(?:/|$)', 1), '')`;
    // The conf's path is the job's staging directory, …/.staging/job_1326381300833_0002/job.xml.
    const confPath = `nullif(regexp_extract(json_extract_string(doc, '$.path'), '/(job_[0-9]+(?:_[0-9]+)+)/', 1), '')`;
    const job = { id, task: fromId(TASK_ID), attempt: fromId(ATTEMPT_ID), logs, path: confPath }[p.job];
    return `select src, line, '${p.kind}' as kind, ${id} as id, ${job} as job,
              case when json_type(doc) <> 'OBJECT' then 'a ${p.noun} that is not a JSON object'
                   when ${job} is not null then null
                   when '${p.job}' = 'logs' then 'a ${p.noun} that names no job (no job id in its logsLink)'
                   when '${p.job}' = 'path' then 'a ${p.noun} that names no job (no job directory in its path)'
                   when ${id} is null then 'a ${p.noun} without its "id"'
                   else 'a ${p.noun} whose id "' || ${id} || '" does not name its job' end as reason,
              doc
            from (${records})`;
  }).join('\n union all ');
}

export const mrHistory: Source = {
  format: 'mr-history',
  target: APP_DETAILS,
  extensions: ['.json', '.json.gz'],
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    await stageJsonDocument(ctx, 'stg_mrh_doc', HOLDS);
    const [key, type] = (await conn.runAndReadAll(`select json_keys(json)[1], json_type(json) from stg_mrh_doc`)).getRows()[0];
    if (type !== 'OBJECT' || !(RESPONSE_ROOTS as readonly string[]).includes(String(key))) {
      const what = type !== 'OBJECT' ? `a JSON ${String(type).toLowerCase()}` : key == null ? 'an empty JSON object' : `JSON whose first key is "${String(key)}"`;
      throw new FileFormatError(
        `not a MapReduce JobHistory server response: ${what}, where one starts with ${RESPONSE_ROOTS.map((r) => `"${r}"`).join(', ')}. Check it came from /ws/v1/history/mapreduce/…, or pass the right --format.`,
      );
    }
    await conn.run(`create temp table stg_mrh_docs as select 0 as src, json from stg_mrh_doc`);
    await conn.run(`create temp table stg_mrh_records as ${recordsSql('stg_mrh_docs')}`);
    await conn.run(`create temp table stg_mrh_parts as select src, line, kind, id, job, doc from stg_mrh_records where reason is null`);
    await readResponsesBeside(ctx);
    await stageTables(ctx);
    return {
      rejects: { sql: `select line, reason, doc::varchar as raw from stg_mrh_records where reason is not null` },
      rows: { sql: ROWS_SQL, params: { cluster: ctx.cluster } },
    };
  },
};

/**
 * The other responses of each job the file names, from files beside it (see the header), into
 * stg_mrh_parts. They are read in one go; if one of them does not read, each is read on its own
 * and the ones that fail are passed over with a warning.
 */
async function readResponsesBeside(ctx: StageContext): Promise<void> {
  const { conn } = ctx;
  const jobs = (await conn.runAndReadAll(`select distinct job from stg_mrh_parts order by 1`)).getRows().map((r) => String(r[0]));
  const beside = await responsesBeside(ctx.file, jobs);
  const files = [...beside.keys()];
  const pairs = files.flatMap((file, i) => beside.get(file)!.map((job) => [i + 1, job] as const));
  if (!files.length) return;
  await conn.run(`create temp table stg_mrh_beside_files as select unnest($files)::varchar as file, generate_subscripts($files, 1)::integer as src`, {
    files: listValue(files),
  });
  const read = (list: string[]) =>
    conn.run(
      `insert into stg_mrh_docs select f.src, d.json
       from read_json_objects($list, format = 'unstructured', filename = true, maximum_object_size = $max) d
       join stg_mrh_beside_files f on f.file = d.filename`,
      { list: listValue(list), max: 2 ** 31 - 1 },
    );
  const passOver = (file: string, reason: string) =>
    ctx.warnOnce(`mr-history-beside:${file}`, `mr-history: ${file}: not read with ${path.basename(ctx.file)} (the same job's responses): ${reason}`);
  try {
    await read(files);
  } catch {
    await conn.run(`delete from stg_mrh_docs where src > 0`);
    for (const file of files) {
      try {
        await read([file]);
      } catch (e) {
        const fault = await findJsonFault(file);
        passOver(file, fault ? describeJsonFault(fault) : duckdbReason(e));
      }
    }
  }
  // Each file one response of a job: several documents, or one about another job, are not used.
  const odd = (await conn.runAndReadAll(
    `select src, count(*) from stg_mrh_docs where src > 0 group by src having count(*) > 1 order by src`,
  )).getRows();
  for (const [src, n] of odd) passOver(files[Number(src) - 1], `it holds ${Number(n)} JSON documents, not one response`);
  await conn.run(`create temp table stg_mrh_beside as select unnest($srcs)::integer as src, unnest($jobs)::varchar as job`, {
    srcs: listValue(pairs.map(([src]) => src)),
    jobs: listValue(pairs.map(([, job]) => job)),
  });
  await conn.run(
    `insert into stg_mrh_parts
     select r.src, r.line, r.kind, r.id, b.job, r.doc
     from (${recordsSql(`(select * from stg_mrh_docs where src > 0 and src not in (select src from stg_mrh_docs group by src having count(*) > 1))`)}) r
     -- a conf names its staging directory: job_1326381300833_0002 for 0.23's job_1326381300833_2_2, the same application
     join stg_mrh_beside b on b.src = r.src and (b.job = r.job or (r.kind = 'conf' and ${applicationIdOf('b.job')} = ${applicationIdOf('r.job')}))
     where r.reason is null and r.kind <> 'entry'`,
  );
}
