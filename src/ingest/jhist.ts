/**
 * MapReduce JobHistory files (.jhist): Avro's JSON encoding, a line `Avro-Json`, the schema
 * line, then one event a line (blank lines between them in Hadoop 2):
 *
 *   {"type":"JOB_SUBMITTED","event":{"org.apache.hadoop.mapreduce.jobhistory.JobSubmitted":{…}}}
 *
 * One file is one job: one app_details row. DuckDB reads the lines and maps the events in SQL.
 * The schema grew over the versions (0.23 has no workflow* fields, no counters on failed
 * attempts, no JobUnsuccessfulCompletion.diagnostics; 2.x writes optional strings as Avro
 * unions, {"string": "…"}), so every field is read by path and an absent one is null.
 *
 * - job_id is the YARN application id (job_1329348432655_0001 → application_1329348432655_0001),
 *   so the detail joins the ResourceManager's job; app_id keeps the job id.
 * - start_time is the launch (JobInited/JobInfoChange launchTime), end_time the finish of
 *   JOB_FINISHED (SUCCEEDED) or JobUnsuccessfulCompletion (FAILED, KILLED; ERROR is FAILED).
 *   A file with no completion event (a running job's, or an AM that died) is UNKNOWN.
 * - maps/reduces count attempts launched, failed_*, killed_* attempts failed and killed (the
 *   events; JobCounter's TOTAL_LAUNCHED_MAPS is the same count but only a finished job has it).
 * - The figures from counters (task time, CPU, GC, bytes, spills) are JOB_FINISHED's
 *   totalCounters (per phase: mapCounters, reduceCounters): a failed job logs none, so they are null.
 * - Task time min/median/max per phase are attempt finish − start over the phase's successful
 *   attempts (over all its ended attempts when none succeeded).
 * - failure_reason: JobUnsuccessfulCompletion's diagnostics, then the first three distinct
 *   failed-attempt errors (their first line, with how many attempts failed so).
 * - map_memory_mb/reduce_memory_mb come from the job's _conf.xml beside the file, if there.
 * - An event type Hadoop does not write is counted in extra.unknown_events and warned once.
 */
import { readHead } from './read-head.js';
import { readJobConf } from './jhist-conf.js';
import {
  applicationIdOf, counterColumns, countersByGroup, countersIn, failedAttemptReasons, phaseCounterColumns, taskTimeColumns,
} from './mr-figures.js';
import { FileFormatError, type Source, type StageContext, type Staged } from './source.js';
import { APP_DETAILS } from './targets.js';
import { textLines } from './text-lines.js';
import { NO_EXECUTOR_MEMORY_SQL } from '../warehouse/schema.js';

/** Every EventType symbol of Hadoop's Events.avpr, 0.23 to 3.x. */
export const KNOWN_EVENTS = [
  'JOB_SUBMITTED', 'JOB_INITED', 'JOB_FINISHED', 'JOB_PRIORITY_CHANGED', 'JOB_STATUS_CHANGED', 'JOB_QUEUE_CHANGED',
  'JOB_FAILED', 'JOB_KILLED', 'JOB_ERROR', 'JOB_INFO_CHANGED', 'TASK_STARTED', 'TASK_FINISHED', 'TASK_FAILED',
  'TASK_UPDATED', 'NORMALIZED_RESOURCE', 'MAP_ATTEMPT_STARTED', 'MAP_ATTEMPT_FINISHED', 'MAP_ATTEMPT_FAILED',
  'MAP_ATTEMPT_KILLED', 'REDUCE_ATTEMPT_STARTED', 'REDUCE_ATTEMPT_FINISHED', 'REDUCE_ATTEMPT_FAILED',
  'REDUCE_ATTEMPT_KILLED', 'SETUP_ATTEMPT_STARTED', 'SETUP_ATTEMPT_FINISHED', 'SETUP_ATTEMPT_FAILED',
  'SETUP_ATTEMPT_KILLED', 'CLEANUP_ATTEMPT_STARTED', 'CLEANUP_ATTEMPT_FINISHED', 'CLEANUP_ATTEMPT_FAILED',
  'CLEANUP_ATTEMPT_KILLED', 'AM_STARTED',
];
const END_EVENTS = `('JOB_FINISHED', 'JOB_FAILED', 'JOB_KILLED', 'JOB_ERROR')`;
const KNOWN = `(${KNOWN_EVENTS.map((e) => `'${e}'`).join(', ')})`;

/** A scalar field of the event record `v`: plain, or an Avro union ({"string": …}, {"long": …}). */
const scalar = (f: string) =>
  `coalesce(json_extract_string(v, '$.${f}.string'), json_extract_string(v, '$.${f}.long'), json_extract_string(v, '$.${f}.int'), case when json_type(v, '$.${f}') not in ('OBJECT', 'ARRAY', 'NULL') then json_extract_string(v, '$.${f}') end)`;
const str = (f: string) => `nullif(${scalar(f)}, '')`;
const num = (f: string) => `try_cast(${scalar(f)} as bigint)`;
const ts = (ms: string) => `case when ${ms} > 0 then make_timestamp(${ms} * 1000) end`;

/** A counter's value in a scope (total, map, reduce) of the job's JOB_FINISHED counters (the figures: mr-figures.ts). */
const counter = countersIn('stg_jhist_counters');

export const jhist: Source = {
  format: 'jhist',
  target: APP_DETAILS,
  extensions: ['.jhist', '.jhist.gz'],
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    const first = (await readHead(ctx.file, 64)).split('\n', 1)[0].replace(/\r$/, '');
    if (first.trim() !== 'Avro-Json') {
      throw new FileFormatError(
        `not a MapReduce JobHistory file: the first line is ${JSON.stringify(first.slice(0, 40))}, not "Avro-Json". Check the file is a .jhist from the JobHistory done directory, or pass the right --format.`,
      );
    }
    const read = textLines(ctx.file);
    await conn.run(`create temp table stg_jhist_lines as ${read.sql}`, read.params);
    const schema = (await conn.runAndReadAll(`select json_valid(text) and json_extract_string(text, '$.type') = 'record' from stg_jhist_lines where line = 2`)).getRows();
    if (!schema.length || schema[0][0] !== true) {
      throw new FileFormatError(`line 2 is not the Avro schema (a JSON record) that follows "Avro-Json". The file is cut short or not a .jhist.`);
    }
    await conn.run(
      `create temp table stg_jhist_events as
       select line, json_extract_string(j, 'type') as type, json_extract(j, '$.event.*')[1] as v
       from (select line, text::json as j from stg_jhist_lines where line > 2 and ltrim(text) <> '' and json_valid(text))
       where json_extract_string(j, 'type') is not null and json_type(json_extract(j, '$.event.*')[1]) = 'OBJECT'`,
    );
    const head = (await conn.runAndReadAll(
      `select coalesce(arg_min(${str('jobid')}, line) filter (where type = 'JOB_SUBMITTED'), arg_min(${str('jobid')}, line) filter (where ${str('jobid')} is not null)),
              (select count(*) from stg_jhist_events)
       from stg_jhist_events`,
    )).getRows()[0];
    const jobId = head[0] == null ? null : String(head[0]);
    if (!jobId) {
      throw new FileFormatError(`no event names the job (${Number(head[1])} events, none with a jobid). The file is cut short or not a .jhist.`);
    }
    const unknown = (await conn.runAndReadAll(`select type, count(*) from stg_jhist_events where type not in ${KNOWN} group by type order by type`)).getRows();
    for (const [type, n] of unknown) {
      ctx.warnOnce(`jhist-unknown-event:${type}`, `jhist: ${ctx.file}: event type ${type} (${n}) is not one gazette knows; kept in extra.unknown_events.`);
    }
    const conf = await readJobConf(ctx.file, jobId);

    await conn.run(
      `create temp table stg_jhist_attempts as
       select *, bool_or(status = 'SUCCEEDED') over (partition by phase) as phase_ok,
              (finish_ms - start_ms) / 1000 as d
       from (
         select attempt, any_value(phase) as phase, bool_or(kind = 'STARTED') as started,
                min(case when kind = 'STARTED' then t end) as start_ms,
                max(case when kind <> 'STARTED' then t end) as finish_ms,
                arg_max(kind, line) filter (where kind <> 'STARTED') as status,
                arg_min(error, line) filter (where error is not null) as error,
                min(line) filter (where error is not null) as error_at,
                any_value(container) filter (where container is not null) as container
         from (
           select line, ${str('attemptId')} as attempt, lower(split_part(type, '_', 1)) as phase,
                  case split_part(type, '_', 3) when 'FINISHED' then 'SUCCEEDED' else split_part(type, '_', 3) end as kind,
                  case when type like '%_STARTED' then ${num('startTime')} else ${num('finishTime')} end as t,
                  case when type like '%_FAILED' then nullif(trim(split_part(${str('error')}, chr(10), 1)), '') end as error,
                  ${str('containerId')} as container
           from stg_jhist_events
           where type in ('MAP_ATTEMPT_STARTED', 'MAP_ATTEMPT_FINISHED', 'MAP_ATTEMPT_FAILED', 'MAP_ATTEMPT_KILLED',
                          'REDUCE_ATTEMPT_STARTED', 'REDUCE_ATTEMPT_FINISHED', 'REDUCE_ATTEMPT_FAILED', 'REDUCE_ATTEMPT_KILLED'))
         where attempt is not null
         group by attempt)`,
    );
    await conn.run(
      `create temp table stg_jhist_counters as
       with fin as (select arg_max(v, line) as v from stg_jhist_events where type = 'JOB_FINISHED'),
       sets as (select 'total' as scope, json_extract(v, '$.totalCounters') as cs from fin
                union all select 'map', json_extract(v, '$.mapCounters') from fin
                union all select 'reduce', json_extract(v, '$.reduceCounters') from fin),
       grps as (select scope, g, row_number() over () as g_at
                from (select scope, unnest(json_extract(cs, '$.groups[*]')) as g from sets where json_type(cs) = 'OBJECT'))
       select scope, json_extract_string(g, 'name') as grp, json_extract_string(c, 'name') as counter, try_cast(json_extract_string(c, 'value') as bigint) as value,
              g_at, row_number() over () as c_at
       from (select scope, g, g_at, unnest(json_extract(g, '$.counts[*]')) as c from grps)`,
    );

    const taskTimes = taskTimeColumns;
    const reasons = (where: string) => failedAttemptReasons('stg_jhist_attempts', where);
    const stage = (id: number, phase: 'map' | 'reduce') => `
       select ${id} as stage_id, 0 as attempt, '${phase}' as name,
         -- a task the AM fails because the job failed (no attempt of it failed) logs TASK_FAILED with no error
         case when (select count(*) from stg_jhist_events where type = 'TASK_FAILED' and ${str('taskType')} = '${phase.toUpperCase()}' and ${str('error')} is not null) > 0
                or count(*) filter (where a.status = 'FAILED' and a.phase = '${phase}') > 0 then 'FAILED'
              when (select count(*) from stg_jhist_events where type = 'TASK_FINISHED' and ${str('taskType')} = '${phase.toUpperCase()}') >= any_value(j.total_${phase}s) then 'SUCCEEDED'
              when any_value(j.end_type) is not null then 'KILLED'
              else 'RUNNING' end as status,
         count(*) filter (where a.started and a.phase = '${phase}') as tasks,
         count(*) filter (where a.status = 'FAILED' and a.phase = '${phase}') as failed_tasks,
         (max(a.finish_ms) filter (where a.phase = '${phase}') - min(a.start_ms) filter (where a.phase = '${phase}')) / 1000.0 as duration_s,
         ${taskTimes(`a.phase = '${phase}'`)},
         ${phaseCounterColumns(counter, phase)},
         ${reasons(`phase = '${phase}'`)} as failure_reason
       from job j left join stg_jhist_attempts a on true
       having any_value(j.total_${phase}s) > 0 or exists (select 1 from stg_jhist_attempts where phase = '${phase}')`;

    return {
      rejects: {
        sql: `select line, case when not json_valid(text) then 'not JSON' else 'not a history event (no "type" and "event": {record})' end as reason, text as raw
              from stg_jhist_lines
              where line > 2 and ltrim(text) <> '' and line not in (select line from stg_jhist_events)`,
      },
      rows: {
        params: {
          cluster: ctx.cluster, job: jobId,
          map_mb: conf?.mapMemoryMb ?? null, reduce_mb: conf?.reduceMemoryMb ?? null, conf: conf?.file ?? null,
        },
        sql: `with job as (
          select
            min(line) filter (where ${str('jobid')} = $job) as _line,
            arg_min(${str('jobName')}, line) filter (where type = 'JOB_SUBMITTED') as name,
            arg_min(${str('userName')}, line) filter (where type = 'JOB_SUBMITTED') as "user",
            coalesce(arg_max(${str('jobQueueName')}, line) filter (where type = 'JOB_QUEUE_CHANGED' and ${str('jobQueueName')} is not null),
                     arg_min(${str('jobQueueName')}, line) filter (where type = 'JOB_SUBMITTED')) as queue,
            coalesce(arg_max(${num('submitTime')}, line) filter (where type = 'JOB_INFO_CHANGED' and ${num('submitTime')} > 0),
                     arg_min(${num('submitTime')}, line) filter (where type = 'JOB_SUBMITTED' and ${num('submitTime')} > 0)) as submit_ms,
            arg_max(${num('launchTime')}, line) filter (where type in ('JOB_INITED', 'JOB_INFO_CHANGED') and ${num('launchTime')} > 0) as launch_ms,
            coalesce(arg_max(${num('totalMaps')}, line) filter (where type = 'JOB_INITED'), 0) as total_maps,
            coalesce(arg_max(${num('totalReduces')}, line) filter (where type = 'JOB_INITED'), 0) as total_reduces,
            arg_max(try_cast(${scalar('uberized')} as boolean), line) filter (where type = 'JOB_INITED') as uberized,
            arg_max(${str('applicationAttemptId')}, line) filter (where type = 'AM_STARTED') as attempt_id,
            count(*) filter (where type = 'AM_STARTED') as am_attempts,
            arg_max(type, line) filter (where type in ${END_EVENTS}) as end_type,
            arg_max(${str('jobStatus')}, line) filter (where type in ${END_EVENTS} and type <> 'JOB_FINISHED') as end_status,
            arg_max(${num('finishTime')}, line) filter (where type in ${END_EVENTS} and ${num('finishTime')} > 0) as finish_ms,
            arg_max(nullif(trim(${str('diagnostics')}), ''), line) filter (where type in ${END_EVENTS} and type <> 'JOB_FINISHED') as diagnostics,
            arg_min(${str('workflowId')}, line) filter (where type = 'JOB_SUBMITTED') as workflow_id,
            arg_min(${str('workflowName')}, line) filter (where type = 'JOB_SUBMITTED') as workflow_name,
            arg_min(${str('workflowNodeName')}, line) filter (where type = 'JOB_SUBMITTED') as workflow_node
          from stg_jhist_events),
        stages as (${stage(0, 'map')} union all ${stage(1, 'reduce')}),
        unknown as (select json_group_object(type, n) as events from (select type, count(*) as n from stg_jhist_events where type not in ${KNOWN} group by type) having count(*) > 0)
        select
          $cluster as cluster,
          ${applicationIdOf('$job')} as job_id,
          'jhist' as source,
          'MAPREDUCE' as framework,
          $job as app_id,
          j.attempt_id,
          j.name,
          j."user",
          j.queue,
          ${ts('coalesce(j.launch_ms, j.submit_ms)')} as start_time,
          ${ts('j.finish_ms')} as end_time,
          case when j.end_type = 'JOB_FINISHED' then 'SUCCEEDED'
               when j.end_type is null then 'UNKNOWN'
               when coalesce(j.end_status, j.end_type) in ('KILLED', 'JOB_KILLED') then 'KILLED'
               else 'FAILED' end as outcome,
          nullif(concat_ws('; ', j.diagnostics, ${reasons('true')}), '') as failure_reason,
          (select count(distinct container) from stg_jhist_attempts where started) as executors,
          null::bigint as executors_removed,
          null::double as executor_cores,
          null::double as executor_memory_mb,
          ${NO_EXECUTOR_MEMORY_SQL},
          $map_mb::double as map_memory_mb,
          $reduce_mb::double as reduce_memory_mb,
          null::bigint as jobs,
          null::bigint as failed_jobs,
          (select count(*) from stages) as stages,
          (select count(*) from stages where status = 'FAILED') as failed_stages,
          (select count(*) from stg_jhist_attempts where started) as tasks,
          (select count(*) from stg_jhist_attempts where status = 'FAILED') as failed_tasks,
          (select count(*) from stg_jhist_attempts where status = 'KILLED') as killed_tasks,
          (select count(*) from stg_jhist_attempts where started and phase = 'map') as maps,
          (select count(*) from stg_jhist_attempts where status = 'FAILED' and phase = 'map') as failed_maps,
          (select count(*) from stg_jhist_attempts where status = 'KILLED' and phase = 'map') as killed_maps,
          (select count(*) from stg_jhist_attempts where started and phase = 'reduce') as reduces,
          (select count(*) from stg_jhist_attempts where status = 'FAILED' and phase = 'reduce') as failed_reduces,
          (select count(*) from stg_jhist_attempts where status = 'KILLED' and phase = 'reduce') as killed_reduces,
          ${counterColumns(counter)},
          (select task_time_max_s from (select ${taskTimes('true')} from stg_jhist_attempts)) as task_time_max_s,
          (select task_time_median_s from (select ${taskTimes('true')} from stg_jhist_attempts)) as task_time_median_s,
          (select to_json(list(s order by s.stage_id)) from stages s) as stage_list,
          ${countersByGroup('stg_jhist_counters')} as counters,
          json_object(
            'submit_time', strftime(${ts('j.submit_ms')}, '%Y-%m-%dT%H:%M:%S.%gZ'),
            'launch_time', strftime(${ts('j.launch_ms')}, '%Y-%m-%dT%H:%M:%S.%gZ'),
            'total_maps', j.total_maps, 'total_reduces', j.total_reduces, 'uberized', j.uberized,
            'am_attempts', j.am_attempts, 'end_event', j.end_type, 'job_status', j.end_status,
            'workflow_id', j.workflow_id, 'workflow_name', j.workflow_name, 'workflow_node', j.workflow_node,
            'conf', $conf, 'unknown_events', (select events from unknown)) as extra,
          j._line
        from job j`,
      },
    };
  },
};
