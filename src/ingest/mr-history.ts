/**
 * MapReduce JobHistory server REST responses (--format mr-history), from files or pulled by
 * --jhs-url (mr-history-pull.ts), into app_details — the same table and column meanings as a
 * job's .jhist (jhist.ts; the counter figures are shared, mr-figures.ts).
 *
 * A file is one response (mr-history-files.ts lists them). Each job it names gives one row:
 *
 * - A jobs list (/mapreduce/jobs) gives a row per job from its entry alone: id, name, user,
 *   queue, state, submit/start/finish times, maps and reduces total and completed.
 * - Any response of one job (the job, its counters, tasks, task attempts, AM attempts, or a
 *   task's or attempt's counters) gives the job's row built from every response of that job in
 *   the same directory: the files whose name names the job (job_1326381300833_2_2.json,
 *   job_…_counters.json, hs__…_jobs_job_…_tasks.json) and whose content is about it. So a job's
 *   responses load in any order, together or one at a time, and give the same row; a
 *   response beside it that does not parse is passed over with a warning (it fails on its own).
 *   --jhs-url writes each job's responses into a directory of their own.
 * - Which row stands (targets.ts APP_DETAILS): an ended job before a running one; then the
 *   job's .jhist before any REST row, and a REST row built from more of the job's responses
 *   (job, counters, tasks, attempts, AM attempts: `extra.rest_detail`) before one from fewer —
 *   a jobs-list entry (0) never replaces a row that had the job's own response; then the later end.
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
 *   the TOTAL_LAUNCHED_* counters); failed_maps, killed_maps (and reduces) its failed and killed attempts. A jobs
 *   list gives no attempt counts: they are null, and its task counts are in extra.
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
import {
  COUNTER_COLUMNS, PHASE_COUNTER_COLUMNS, applicationIdOf, counterColumns, countersAggregated, countersByGroup, failedAttemptReasons,
  phaseCounterColumns, taskTimeColumns,
} from './mr-figures.js';
import { RESPONSE_ROOTS, responsesBeside, type ResponseRoot } from './mr-history-files.js';
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
  job: 'id' | 'task' | 'attempt' | 'logs';
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
};
/** task_1326381300833_2_2_m_0, attempt_1416424547277_0002_m_000000_0: the job's part of the id. */
const TASK_ID = `'^task_([0-9]+(?:_[0-9]+)+)_[mMrR]_[0-9]+$'`;
const ATTEMPT_ID = `'^attempt_([0-9]+(?:_[0-9]+)+)_[mMrR]_[0-9]+_[0-9]+$'`;
/** The responses a row is built from, as extra.responses names them. */
const RESPONSE_OF = `case kind when 'entry' then 'jobs' when 'job' then 'job' when 'counters' then 'counters' when 'task' then 'tasks'
                               when 'attempt' then 'attempts' when 'jobattempt' then 'jobattempts' end`;
/** Fields of a job response that have a column or a place in extra; the others are kept as they are. */
const MAPPED = [
  'id', 'name', 'user', 'queue', 'state', 'submitTime', 'startTime', 'finishTime', 'mapsTotal', 'mapsCompleted', 'reducesTotal',
  'reducesCompleted', 'diagnostics', 'uberized', 'avgMapTime', 'avgReduceTime', 'avgShuffleTime', 'avgMergeTime',
  'successfulMapAttempts', 'failedMapAttempts', 'killedMapAttempts', 'successfulReduceAttempts', 'failedReduceAttempts', 'killedReduceAttempts',
];
const RUNNING_STATES = `('NEW', 'INITED', 'SETUP', 'RUNNING', 'COMMITTING', 'KILL_WAIT', 'FAIL_WAIT', 'FAIL_ABORT', 'KILL_ABORT')`;
const ts = (ms: string) => `case when ${ms} > 0 then make_timestamp(${ms} * 1000) end`;

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
    const job = { id, task: fromId(TASK_ID), attempt: fromId(ATTEMPT_ID), logs }[p.job];
    return `select src, line, '${p.kind}' as kind, ${id} as id, ${job} as job,
              case when json_type(doc) <> 'OBJECT' then 'a ${p.noun} that is not a JSON object'
                   when ${job} is not null then null
                   when '${p.job}' = 'logs' then 'a ${p.noun} that names no job (no job id in its logsLink)'
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
     select r.src, r.line, r.kind, r.id, r.job, r.doc
     from (${recordsSql(`(select * from stg_mrh_docs where src > 0 and src not in (select src from stg_mrh_docs group by src having count(*) > 1))`)}) r
     join stg_mrh_beside b on b.src = r.src and b.job = r.job
     where r.reason is null and r.kind <> 'entry'`,
  );
}

/** The job's counters, tasks, attempts and fields, one table each, from the parts read. */
async function stageTables(ctx: StageContext): Promise<void> {
  const { conn } = ctx;
  // One counters response per job (two copies beside each other are not summed): the file's own, else the first by name.
  await conn.run(
    `create temp table stg_mrh_counters as
     with c as (select job, arg_min(doc, (src, line)) as doc from stg_mrh_parts where kind = 'counters' group by job),
     g as (select job, unnest(l) as g, generate_subscripts(l, 1) as g_at from (select job, json_extract(doc, '$.counterGroup[*]') as l from c)),
     n as (select job, json_extract_string(g, '$.counterGroupName') as grp, g_at, unnest(l) as c, generate_subscripts(l, 1) as c_at
           from (select *, json_extract(g, '$.counter[*]') as l from g))
     select job, s.scope, grp, json_extract_string(c, '$.name') as counter, try_cast(json_extract_string(c, '$.' || s.field) as bigint) as value, g_at, c_at
     from n, (values ('total', 'totalCounterValue'), ('map', 'mapCounterValue'), ('reduce', 'reduceCounterValue')) s(scope, field)`,
  );
  const phase = `case when upper(json_extract_string(doc, '$.type')) in ('MAP', 'REDUCE') then lower(json_extract_string(doc, '$.type'))
                      when regexp_matches(id, '_[mM]_[0-9]+(_[0-9]+)?$') then 'map' when regexp_matches(id, '_[rR]_[0-9]+(_[0-9]+)?$') then 'reduce' end`;
  const num = (f: string) => `try_cast(json_extract_string(doc, '$.${f}') as bigint)`;
  await conn.run(
    `create temp table stg_mrh_tasks as
     select *, bool_or(status = 'SUCCEEDED') over (partition by job, phase) as phase_ok
     from (select job, id, ${phase} as phase, upper(json_extract_string(doc, '$.state')) as status,
                  nullif(${num('startTime')}, 0) as start_ms, nullif(${num('finishTime')}, 0) as finish_ms,
                  case when upper(json_extract_string(doc, '$.state')) in ('SUCCEEDED', 'FAILED', 'KILLED')
                       then coalesce(${num('elapsedTime')}, nullif(${num('finishTime')}, 0) - nullif(${num('startTime')}, 0)) / 1000.0 end as d
           from (select job, id, arg_min(doc, (src, line)) as doc from stg_mrh_parts where kind = 'task' group by job, id))`,
  );
  await conn.run(
    `create temp table stg_mrh_attempts as
     select job, id, ${phase} as phase, upper(json_extract_string(doc, '$.state')) as status,
            case when upper(json_extract_string(doc, '$.state')) = 'FAILED' then nullif(trim(split_part(json_extract_string(doc, '$.diagnostics'), chr(10), 1)), '') end as error,
            row_number() over (partition by job order by ${num('startTime')} nulls last, id) as error_at
     from (select job, id, arg_min(doc, (src, line)) as doc from stg_mrh_parts where kind = 'attempt' group by job, id)`,
  );
  // The figures from counters, per job and per job and phase (aggregates: one pass over the counters).
  const agg = countersAggregated;
  await conn.run(
    `create temp table stg_mrh_figures as
     select job, ${counterColumns(agg)},
            ${agg('total', 'job', 'TOTAL_LAUNCHED_MAPS')} as launched_maps, ${agg('total', 'job', 'TOTAL_LAUNCHED_REDUCES')} as launched_reduces,
            ${agg('total', 'job', 'NUM_FAILED_MAPS')} as num_failed_maps, ${agg('total', 'job', 'NUM_FAILED_REDUCES')} as num_failed_reduces,
            ${agg('total', 'job', 'NUM_KILLED_MAPS')} as num_killed_maps, ${agg('total', 'job', 'NUM_KILLED_REDUCES')} as num_killed_reduces
     from stg_mrh_counters group by job`,
  );
  await conn.run(
    `create temp table stg_mrh_phase_figures as
     select job, 'map' as phase, ${phaseCounterColumns(agg, 'map')} from stg_mrh_counters group by job
     union all
     select job, 'reduce' as phase, ${phaseCounterColumns(agg, 'reduce')} from stg_mrh_counters group by job`,
  );
  const fld = (f: string) => `coalesce(json_extract_string(jd.doc, '$.${f}'), json_extract_string(en.doc, '$.${f}'))`;
  const n = (f: string) => `try_cast(${fld(f)} as bigint)`;
  const attempts = (phase: 'Map' | 'Reduce', state: string) => `try_cast(json_extract_string(jd.doc, '$.${state}${phase}Attempts') as bigint)`;
  const launched = (p: 'Map' | 'Reduce') =>
    `coalesce(${attempts(p, 'successful')} + ${attempts(p, 'failed')} + ${attempts(p, 'killed')}, f.launched_${p.toLowerCase()}s)`;
  await conn.run(
    `create temp table stg_mrh_base as
     with j as (select job, min(line) as _line from stg_mrh_records where reason is null group by job),
     en as (select job, arg_min(doc, (src, line)) as doc from stg_mrh_parts where kind = 'entry' group by job),
     jd as (select job, arg_min(doc, (src, line)) as doc from stg_mrh_parts where kind = 'job' group by job),
     am as (select job, count(distinct id) as n, arg_max(json_extract_string(doc, '$.containerId'), try_cast(id as bigint)) as container
            from stg_mrh_parts where kind = 'jobattempt' group by job),
     resp as (select job, list_sort(list_distinct(list(${RESPONSE_OF}))) as responses from stg_mrh_parts group by job)
     select j.job, j._line,
            nullif(${fld('name')}, '') as name, nullif(${fld('user')}, '') as "user", nullif(${fld('queue')}, '') as queue,
            nullif(${fld('state')}, '') as state,
            ${n('submitTime')} as submit_ms, ${n('startTime')} as start_ms, ${n('finishTime')} as finish_ms,
            ${n('mapsTotal')} as maps_total, ${n('mapsCompleted')} as maps_completed,
            ${n('reducesTotal')} as reduces_total, ${n('reducesCompleted')} as reduces_completed,
            ${launched('Map')} as maps, coalesce(${attempts('Map', 'failed')}, f.num_failed_maps) as failed_maps,
            coalesce(${attempts('Map', 'killed')}, f.num_killed_maps) as killed_maps,
            ${launched('Reduce')} as reduces, coalesce(${attempts('Reduce', 'failed')}, f.num_failed_reduces) as failed_reduces,
            coalesce(${attempts('Reduce', 'killed')}, f.num_killed_reduces) as killed_reduces,
            nullif(trim(json_extract_string(jd.doc, '$.diagnostics')), '') as diagnostics,
            try_cast(json_extract_string(jd.doc, '$.uberized') as boolean) as uberized,
            ${n('avgMapTime')} as avg_map_time_ms, ${n('avgReduceTime')} as avg_reduce_time_ms,
            ${n('avgShuffleTime')} as avg_shuffle_time_ms, ${n('avgMergeTime')} as avg_merge_time_ms,
            ${attempts('Map', 'successful')} as successful_map_attempts, ${attempts('Reduce', 'successful')} as successful_reduce_attempts,
            am.n as am_attempts, am.container as am_container,
            coalesce(resp.responses, []) as responses,
            (select nullif(json_group_object(key, value)::varchar, '{}')::json from json_each(coalesce(jd.doc, en.doc))
             where key not in (${MAPPED.map((k) => `'${k}'`).join(', ')})) as other_fields
     from j left join en using (job) left join jd using (job) left join am using (job) left join resp using (job)
            left join stg_mrh_figures f using (job)`,
  );
  const unknown = (await conn.runAndReadAll(
    `select distinct state from stg_mrh_base where state is not null and upper(state) not in ('SUCCEEDED', 'FAILED', 'ERROR', 'KILLED') and upper(state) not in ${RUNNING_STATES} order by 1`,
  )).getRows();
  for (const [state] of unknown) {
    ctx.warnOnce(`mr-history-state:${state}`, `mr-history: job state "${state}" is not one gazette knows; stored as UNKNOWN (first seen in ${ctx.file}).`);
  }
}

const CONTAINER = `'^container_(?:e[0-9]+_)?([0-9]+)_([0-9]+)_([0-9]+)_[0-9]+$'`;
const outcome = (state: string) =>
  `case when upper(${state}) = 'SUCCEEDED' then 'SUCCEEDED' when upper(${state}) in ('FAILED', 'ERROR') then 'FAILED'
        when upper(${state}) = 'KILLED' then 'KILLED' when upper(${state}) in ${RUNNING_STATES} then 'RUNNING' else 'UNKNOWN' end`;

/** A phase's stage_list entry for each job that has the phase (keys in jhist's order). */
const stage = (id: number, phase: 'map' | 'reduce') => {
  const p = phase === 'map' ? 'maps' : 'reduces';
  return `
    select j.job, ${id} as stage_id, 0 as attempt, '${phase}' as name,
      case when coalesce(any_value(j.failed_${p}), 0) > 0 or count(*) filter (where t.status = 'FAILED') > 0 then 'FAILED'
           when any_value(j.${p}_total) is not null and coalesce(any_value(j.${p}_completed), 0) >= any_value(j.${p}_total) then 'SUCCEEDED'
           when ${outcome('any_value(j.state)')} in ('SUCCEEDED', 'FAILED', 'KILLED') then 'KILLED'
           else 'RUNNING' end as status,
      any_value(j.${p}) as tasks,
      any_value(j.failed_${p}) as failed_tasks,
      (max(t.finish_ms) - min(t.start_ms)) / 1000.0 as duration_s,
      ${taskTimeColumns('t.job is not null')},
      ${PHASE_COUNTER_COLUMNS.map((c) => `any_value(pf.${c}) as ${c}`).join(', ')},
      ${failedAttemptReasons('stg_mrh_attempts', `job = j.job and phase = '${phase}'`)} as failure_reason
    from stg_mrh_base j left join stg_mrh_tasks t on t.job = j.job and t.phase = '${phase}'
         left join stg_mrh_phase_figures pf on pf.job = j.job and pf.phase = '${phase}'
    group by j.job
    having coalesce(any_value(j.${p}_total), 0) > 0 or count(t.job) > 0 or coalesce(any_value(j.${p}), 0) > 0`;
};

const ROWS_SQL = `
  with st as (${stage(0, 'map')} union all ${stage(1, 'reduce')})
  select
    $cluster as cluster,
    ${applicationIdOf('j.job')} as job_id,
    'mr-history' as source,
    'MAPREDUCE' as framework,
    j.job as app_id,
    case when regexp_full_match(j.am_container, ${CONTAINER})
         then 'appattempt_' || regexp_extract(j.am_container, ${CONTAINER}, 1) || '_' || regexp_extract(j.am_container, ${CONTAINER}, 2)
              || '_' || lpad(regexp_extract(j.am_container, ${CONTAINER}, 3), 6, '0') end as attempt_id,
    j.name,
    j."user",
    j.queue,
    ${ts('coalesce(nullif(j.start_ms, 0), j.submit_ms)')} as start_time,
    ${ts('j.finish_ms')} as end_time,
    ${outcome('j.state')} as outcome,
    nullif(concat_ws('; ', j.diagnostics, ${failedAttemptReasons('stg_mrh_attempts', 'job = j.job')}), '') as failure_reason,
    null::bigint as executors,
    null::bigint as executors_removed,
    null::double as executor_cores,
    null::double as executor_memory_mb,
    null::double as map_memory_mb,
    null::double as reduce_memory_mb,
    null::bigint as jobs,
    null::bigint as failed_jobs,
    (select count(*) from st where st.job = j.job) as stages,
    (select count(*) from st where st.job = j.job and st.status = 'FAILED') as failed_stages,
    j.maps + j.reduces as tasks,
    j.failed_maps + j.failed_reduces as failed_tasks,
    j.killed_maps + j.killed_reduces as killed_tasks,
    j.maps, j.failed_maps, j.killed_maps, j.reduces, j.failed_reduces, j.killed_reduces,
    ${COUNTER_COLUMNS.map((c) => `f.${c}`).join(', ')},
    (select task_time_max_s from (select ${taskTimeColumns('true')} from stg_mrh_tasks t where t.job = j.job)) as task_time_max_s,
    (select task_time_median_s from (select ${taskTimeColumns('true')} from stg_mrh_tasks t where t.job = j.job)) as task_time_median_s,
    (select to_json(list(s order by s.stage_id)) from (select * exclude (job) from st where st.job = j.job) s) as stage_list,
    ${countersByGroup('stg_mrh_counters', 'job = j.job')} as counters,
    json_object(
      'submit_time', strftime(${ts('j.submit_ms')}, '%Y-%m-%dT%H:%M:%S.%gZ'),
      'state', j.state, 'uberized', j.uberized,
      'maps_total', j.maps_total, 'maps_completed', j.maps_completed, 'reduces_total', j.reduces_total, 'reduces_completed', j.reduces_completed,
      'successful_map_attempts', j.successful_map_attempts, 'successful_reduce_attempts', j.successful_reduce_attempts,
      'avg_map_time_ms', j.avg_map_time_ms, 'avg_reduce_time_ms', j.avg_reduce_time_ms,
      'avg_shuffle_time_ms', j.avg_shuffle_time_ms, 'avg_merge_time_ms', j.avg_merge_time_ms,
      'am_attempts', j.am_attempts, 'responses', j.responses,
      'rest_detail', len(list_filter(j.responses, r -> r <> 'jobs')), 'fields', j.other_fields) as extra,
    j._line
  from stg_mrh_base j left join stg_mrh_figures f on f.job = j.job`;
