/**
 * The SQL that makes app_details rows of the JobHistory server responses staged by mr-history.ts:
 * from the records of a job's responses (stg_mrh_parts: job, kind, id, doc), its counters,
 * tasks, attempts and fields, one temp table each, then one row per job. The column meanings are
 * in mr-history.ts's header; the counter figures are mr-figures.ts's, as for .jhist.
 */
import {
  COUNTER_COLUMNS, PHASE_COUNTER_COLUMNS, applicationIdOf, counterColumns, countersAggregated, countersByGroup, failedAttemptReasons,
  phaseCounterColumns, taskTimeColumns,
} from './mr-figures.js';
import { MAP_MEMORY, REDUCE_MEMORY } from './jhist-conf.js';
import type { StageContext } from './source.js';
import { NO_EXECUTOR_MEMORY_SQL } from '../warehouse/schema.js';

/** The responses a row is built from, as extra.responses names them. */
const RESPONSE_OF = `case kind when 'entry' then 'jobs' when 'job' then 'job' when 'counters' then 'counters' when 'task' then 'tasks'
                               when 'attempt' then 'attempts' when 'jobattempt' then 'jobattempts' when 'conf' then 'conf' end`;
/** Fields of a job response that have a column or a place in extra; the others are kept as they are. */
const MAPPED = [
  'id', 'name', 'user', 'queue', 'state', 'submitTime', 'startTime', 'finishTime', 'mapsTotal', 'mapsCompleted', 'reducesTotal',
  'reducesCompleted', 'diagnostics', 'uberized', 'avgMapTime', 'avgReduceTime', 'avgShuffleTime', 'avgMergeTime',
  'successfulMapAttempts', 'failedMapAttempts', 'killedMapAttempts', 'successfulReduceAttempts', 'failedReduceAttempts', 'killedReduceAttempts',
];
const RUNNING_STATES = `('NEW', 'INITED', 'SETUP', 'RUNNING', 'COMMITTING', 'KILL_WAIT', 'FAIL_WAIT', 'FAIL_ABORT', 'KILL_ABORT')`;
const ts = (ms: string) => `case when ${ms} > 0 then make_timestamp(${ms} * 1000) end`;
/** A time the server gives as 0 or -1 when there is none. */
const positive = (ms: string) => `case when ${ms} > 0 then ${ms} end`;

/** The job's counters, tasks, attempts and fields, one table each, from the parts read. */
export async function stageTables(ctx: StageContext): Promise<void> {
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
                  ${positive(num('startTime'))} as start_ms, ${positive(num('finishTime'))} as finish_ms,
                  case when upper(json_extract_string(doc, '$.state')) in ('SUCCEEDED', 'FAILED', 'KILLED')
                       then coalesce(${num('elapsedTime')}, ${positive(num('finishTime'))} - ${positive(num('startTime'))}) / 1000.0 end as d
           from (select job, id, arg_min(doc, (src, line)) as doc from stg_mrh_parts where kind = 'task' group by job, id))`,
  );
  await conn.run(
    `create temp table stg_mrh_attempts as
     select job, id, ${phase} as phase, upper(json_extract_string(doc, '$.state')) as status,
            case when upper(json_extract_string(doc, '$.state')) = 'FAILED' then nullif(trim(split_part(json_extract_string(doc, '$.diagnostics'), chr(10), 1)), '') end as error,
            row_number() over (partition by job order by ${num('startTime')} nulls last, id) as error_at
     from (select job, id, arg_min(doc, (src, line)) as doc from stg_mrh_parts where kind = 'attempt' group by job, id)`,
  );
  // The container sizes asked for, from the conf response: the first of the names set to a positive number (as jhist-conf.ts).
  const size = (names: readonly string[]) =>
    `coalesce(${names.map((n) => `max(v) filter (where name = '${n}' and v > 0)`).join(', ')})`;
  await conn.run(
    `create temp table stg_mrh_conf as
     select job, any_value(path) as path, ${size(MAP_MEMORY)} as map_mb, ${size(REDUCE_MEMORY)} as reduce_mb
     from (select job, json_extract_string(doc, '$.path') as path, json_extract_string(p, '$.name') as name, try_cast(json_extract_string(p, '$.value') as double) as v
           from (select job, doc, unnest(json_extract(doc, '$.property[*]')) as p
                 from (select job, arg_min(doc, (src, line)) as doc from stg_mrh_parts where kind = 'conf' group by job)))
     group by job`,
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
            conf.map_mb, conf.reduce_mb, conf.path as conf_path,
            coalesce(resp.responses, []) as responses,
            (select nullif(json_group_object(key, value)::varchar, '{}')::json from json_each(coalesce(jd.doc, en.doc))
             where key not in (${MAPPED.map((k) => `'${k}'`).join(', ')})) as other_fields
     from j left join en using (job) left join jd using (job) left join am using (job) left join resp using (job)
            left join stg_mrh_figures f using (job) left join stg_mrh_conf conf using (job)`,
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

/** One app_details row per job of the file (stg_mrh_base), with `$cluster`. */
export const ROWS_SQL = `
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
    ${ts(`coalesce(${positive('j.start_ms')}, j.submit_ms)`)} as start_time,
    ${ts('j.finish_ms')} as end_time,
    ${outcome('j.state')} as outcome,
    nullif(concat_ws('; ', j.diagnostics, ${failedAttemptReasons('stg_mrh_attempts', 'job = j.job')}), '') as failure_reason,
    null::bigint as executors,
    null::bigint as executors_removed,
    null::double as executor_cores,
    null::double as executor_memory_mb,
    ${NO_EXECUTOR_MEMORY_SQL},
    j.map_mb as map_memory_mb,
    j.reduce_mb as reduce_memory_mb,
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
      'am_attempts', j.am_attempts, 'conf', j.conf_path, 'responses', j.responses,
      'rest_detail', len(list_filter(j.responses, r -> r <> 'jobs')), 'fields', j.other_fields) as extra,
    j._line
  from stg_mrh_base j left join stg_mrh_figures f on f.job = j.job`;
