/**
 * The SQL that maps staged History Server responses into `app_details` rows (spark-history.ts
 * stages them; it says which response each figure comes from):
 *
 *   stg_sh_recs   (rec, r)             the application list's records, rec = 1-based index
 *   stg_sh_parts  (app, kind, rel, doc) the per-application responses read with it, app = the
 *                                      application's rec; only applications all of whose files read
 *   stg_sh_items  (app, kind, rel, item, r)   their records (one per executor, job, stage; the
 *                                      environment is one)
 *
 * Figures keep the meanings spark-events gives them (schema.ts): times in seconds, bytes, task
 * attempts; the stage list entries have the same keys.
 */
import { EXECUTOR_METRICS, MEMORY_PROPS, executorMemory, executorRequestSql, firstLine, firstThree, memoryMb } from './spark-events-sql.js';

/** A History Server time ("2015-02-03T16:43:07.191GMT") as epoch ms; null for none or before 1970 (a running app's end). */
const hsMs = (x: string) =>
  `nullif(greatest(epoch_ms(try_strptime(regexp_replace(${x}, 'GMT$', ''), '%Y-%m-%dT%H:%M:%S.%g')), 0), 0)`;
/** A positive epoch-ms field, else null. */
const epochMs = (x: string) => `case when try_cast(${x} as double) > 0 then try_cast(${x} as double) end`;

/** Fields of each kind's records, extracted with one parse per record. */
const FIELDS = {
  attempt: ['attemptId', 'completed', 'startTimeEpoch', 'startTime', 'endTimeEpoch', 'endTime', 'duration', 'sparkUser', 'appSparkVersion', 'lastUpdated'],
  executors: ['id', 'isActive', 'totalCores', 'totalTasks', 'completedTasks', 'failedTasks', 'activeTasks', 'totalInputBytes', 'totalShuffleRead',
    'totalShuffleWrite', 'totalGCTime', 'totalDuration', ...EXECUTOR_METRICS.map((m) => `peakMemoryMetrics.${m}`)],
  jobs: ['jobId', 'status', 'completionTime', 'numCompletedStages', 'numFailedStages', 'numActiveStages'],
  stages: ['stageId', 'attemptId', 'status', 'name', 'numCompleteTasks', 'numFailedTasks', 'numKilledTasks', 'submissionTime', 'completionTime',
    'executorRunTime', 'executorCpuTime', 'jvmGcTime', 'inputBytes', 'outputBytes', 'shuffleReadBytes', 'shuffleWriteBytes', 'memoryBytesSpilled',
    'diskBytesSpilled', 'failureReason'],
} as const;
type FieldKind = keyof typeof FIELDS;
const extract = (kind: FieldKind, from: string) => `json_extract_string(${from}, [${FIELDS[kind].map((f) => `'$.${f}'`).join(', ')}])`;
/** A field of the extracted list `f` (text), and as a number. */
const fs_ = (kind: FieldKind, name: string) => {
  const i = (FIELDS[kind] as readonly string[]).indexOf(name);
  if (i < 0) throw new Error(`spark-history: ${name} is not a ${kind} field extracted`);
  return `f[${i + 1}]`;
};
const fn = (kind: FieldKind, name: string) => `try_cast(${fs_(kind, name)} as double)`;

/** What a record of each kind must have, and the message when it does not. */
export const ID_FIELDS: Record<'executors' | 'jobs' | 'stages', string> = { executors: 'id', jobs: 'jobId', stages: 'stageId' };

/** The application records: id and why a record is rejected (null when it is good). */
export const APP_RECORDS_SQL = `
create temp table stg_sh_apps as
select rec, r, nullif(trim(r ->> 'id'), '') as id,
       case when coalesce(json_type(r), 'NULL') <> 'OBJECT' then 'not a JSON object (got ' || coalesce(left(r::varchar, 80), 'null') || ')'
            when nullif(trim(r ->> 'id'), '') is null then 'an application with no "id": it cannot be told which application it is'
            when coalesce(json_array_length(r -> 'attempts'), 0) = 0 then 'application ' || (r ->> 'id') || ' has no "attempts": its times and user are not known'
       end as reason
from stg_sh_recs`;

/**
 * The attempt each application's row describes: an ended one before a running one, then the later
 * end (as app_details keeps the later of two records of an application); the first listed on a tie.
 */
export const ATTEMPT_SQL = `
create temp table stg_sh_attempt as
with a as (
  select rec, i, ${extract('attempt', 'a')} as f, n
  from (select rec, unnest(from_json(r -> 'attempts', '["JSON"]')) as a, generate_subscripts(from_json(r -> 'attempts', '["JSON"]'), 1) as i,
               json_array_length(r -> 'attempts') as n
        from stg_sh_apps where reason is null)
), t as (
  select rec, i, n, ${fs_('attempt', 'attemptId')} as attempt_id, coalesce(try_cast(${fs_('attempt', 'completed')} as boolean), false) as completed,
         coalesce(${epochMs(fs_('attempt', 'startTimeEpoch'))}, ${hsMs(fs_('attempt', 'startTime'))}) as start_ms,
         ${epochMs(fs_('attempt', 'endTimeEpoch'))} as end_epoch, ${hsMs(fs_('attempt', 'endTime'))} as end_text, ${fn('attempt', 'duration')} as duration_ms,
         ${fs_('attempt', 'sparkUser')} as "user", nullif(${fs_('attempt', 'appSparkVersion')}, '') as spark_version, nullif(${fs_('attempt', 'lastUpdated')}, '') as last_updated
  from a
), e as (
  select *, case when completed then coalesce(end_epoch, end_text, case when duration_ms > 0 then start_ms + duration_ms end) end as end_ms from t
)
select rec, attempt_id, completed, start_ms, end_ms, "user", spark_version, last_updated, n as attempts
from e qualify row_number() over (partition by rec order by completed desc, coalesce(end_ms, start_ms, -1e18) desc, i) = 1`;

/** Records of the per-application responses that lack their id: rejected, named by file and index. */
export const ITEM_REJECTS_SQL = `
select app as line,
       rel || ' record ' || item || ': ' || case when coalesce(json_type(r), 'NULL') <> 'OBJECT' then 'not a JSON object'
         else 'no "' || case kind ${Object.entries(ID_FIELDS).map(([k, f]) => `when '${k}' then '${f}'`).join(' ')} end || '"' end
         || '; left out of the application''s figures' as reason,
       left(coalesce(r::varchar, 'null'), 2000) as raw, app, item
from stg_sh_items
where kind <> 'environment' and (coalesce(json_type(r), 'NULL') <> 'OBJECT' or nullif(trim(case kind ${Object.entries(ID_FIELDS)
  .map(([k, f]) => `when '${k}' then r ->> '${f}'`)
  .join(' ')} end), '') is null)`;

/** Only records with their id count. */
const good = (kind: keyof typeof ID_FIELDS) =>
  `from stg_sh_items where kind = '${kind}' and json_type(r) = 'OBJECT' and nullif(trim(r ->> '${ID_FIELDS[kind]}'), '') is not null`;

export const APP_SQL = `
with execs_raw as (
  select app, ${extract('executors', 'r')} as f ${good('executors')}
), execs as (
  select app,
         count(distinct ${fs_('executors', 'id')}) filter (${fs_('executors', 'id')} not in ('driver', '<driver>')) as added,
         count(distinct ${fs_('executors', 'id')}) filter (${fs_('executors', 'id')} not in ('driver', '<driver>') and ${fs_('executors', 'isActive')} = 'false') as removed,
         avg(${fn('executors', 'totalCores')}) filter (${fs_('executors', 'id')} not in ('driver', '<driver>')) as cores,
         sum(${fn('executors', 'totalTasks')}) as tasks, sum(${fn('executors', 'failedTasks')}) as failed_tasks,
         sum(greatest(${fn('executors', 'totalTasks')} - ${fn('executors', 'completedTasks')} - ${fn('executors', 'failedTasks')} - coalesce(${fn('executors', 'activeTasks')}, 0), 0)) as killed_tasks,
         sum(${fn('executors', 'totalInputBytes')}) as input_bytes, sum(${fn('executors', 'totalShuffleRead')}) as shuffle_read,
         sum(${fn('executors', 'totalShuffleWrite')}) as shuffle_write, sum(${fn('executors', 'totalGCTime')}) / 1000 as gc_s,
         sum(${fn('executors', 'totalDuration')}) / 1000 as duration_s
  from execs_raw group by app
), execs_memory as (
  -- the largest executor peaks (peakMemoryMetrics, Spark ≥ 3.0; all 0 where the log had no executor metrics)
  select app, max(heap) as heap, max(offheap) as offheap, max(rss) as rss from (
    select app, ${executorMemory((m) => fn('executors', `peakMemoryMetrics.${m}`))}
    from execs_raw where ${fs_('executors', 'id')} not in ('driver', '<driver>'))
  group by app
), jobs_raw as (
  select app, r -> 'stageIds' as stage_ids, ${extract('jobs', 'r')} as f ${good('jobs')}
), jobs as (
  select app, count(*) as n, count(*) filter (${fs_('jobs', 'status')} = 'FAILED') as failed,
         arg_max(${fs_('jobs', 'status')}, (${hsMs(fs_('jobs', 'completionTime'))}, ${fn('jobs', 'jobId')})) filter (${hsMs(fs_('jobs', 'completionTime'))} is not null) as last_status,
         list_distinct(list_filter(flatten(list(coalesce(list_transform(from_json(stage_ids, '["VARCHAR"]'), x -> try_cast(x as bigint)), []))), x -> x is not null)) as named_stages,
         sum(coalesce(${fn('jobs', 'numCompletedStages')}, 0) + coalesce(${fn('jobs', 'numFailedStages')}, 0) + coalesce(${fn('jobs', 'numActiveStages')}, 0)) as stages_by_jobs,
         sum(${fn('jobs', 'numFailedStages')}) as failed_stages_by_jobs
  from jobs_raw group by app
), stages_raw as (
  select app, ${extract('stages', 'r')} as f ${good('stages')}
), stage_rows as (
  select app, try_cast(${fs_('stages', 'stageId')} as bigint) as stage_id, coalesce(try_cast(${fs_('stages', 'attemptId')} as bigint), 0) as attempt,
         ${fs_('stages', 'status')} as status, ${fs_('stages', 'name')} as name,
         coalesce(${fn('stages', 'numCompleteTasks')}, 0) as done, coalesce(${fn('stages', 'numFailedTasks')}, 0) as failed, coalesce(${fn('stages', 'numKilledTasks')}, 0) as killed,
         (${hsMs(fs_('stages', 'completionTime'))} - ${hsMs(fs_('stages', 'submissionTime'))}) / 1000 as duration_s,
         ${fn('stages', 'executorRunTime')} as run_ms, ${fn('stages', 'executorCpuTime')} as cpu_ns, ${fn('stages', 'jvmGcTime')} as gc_ms,
         ${fn('stages', 'inputBytes')} as input_bytes, ${fn('stages', 'outputBytes')} as output_bytes,
         ${fn('stages', 'shuffleReadBytes')} as shuffle_read, ${fn('stages', 'shuffleWriteBytes')} as shuffle_write,
         ${fn('stages', 'memoryBytesSpilled')} as spill_memory, ${fn('stages', 'diskBytesSpilled')} as spill_disk,
         ${firstLine(fs_('stages', 'failureReason'))} as failure
  from stages_raw
), stage_run as (
  -- Stages that ran (were submitted): a SKIPPED or PENDING stage never did, and an event log has no attempt of it.
  select *, row_number() over (partition by app order by stage_id, attempt) as line,
         struct_pack(stage_id := stage_id, attempt := attempt, name := name, status := status,
                     tasks := (done + failed + killed)::bigint, failed_tasks := failed::bigint, duration_s := duration_s,
                     task_time_s := run_ms / 1000, task_time_min_s := null::double, task_time_median_s := null::double, task_time_max_s := null::double,
                     gc_time_s := gc_ms / 1000, shuffle_read_bytes := shuffle_read::bigint, shuffle_write_bytes := shuffle_write::bigint,
                     spill_memory_bytes := spill_memory::bigint, spill_disk_bytes := spill_disk::bigint, input_bytes := input_bytes::bigint,
                     output_bytes := output_bytes::bigint, failure_reason := failure) as entry
  from stage_rows where status is distinct from 'SKIPPED' and status is distinct from 'PENDING'
), stages as (
  select p.app, count(s.stage_id) as n, count(s.stage_id) filter (s.status = 'FAILED') as failed,
         sum(s.done + s.failed + s.killed) as tasks, sum(s.failed) as failed_tasks, sum(s.killed) as killed_tasks,
         sum(s.run_ms) / 1000 as run_s, sum(s.cpu_ns) / 1e9 as cpu_s, sum(s.gc_ms) / 1000 as gc_s,
         sum(s.input_bytes) as input_bytes, sum(s.output_bytes) as output_bytes, sum(s.shuffle_read) as shuffle_read, sum(s.shuffle_write) as shuffle_write,
         sum(s.spill_memory) as spill_memory, sum(s.spill_disk) as spill_disk,
         ${firstThree('s.failure', 's.failure is not null')} as reasons,
         coalesce(to_json(list(s.entry order by s.stage_id, s.attempt) filter (s.stage_id is not null)), '[]') as list
  from (select distinct app from stg_sh_parts where kind = 'stages') p left join stage_run s on s.app = p.app
  group by p.app
), listed as (
  select app, list(distinct stage_id) as ids from stage_rows group by app
), env as (
  select app, from_json(doc -> 'sparkProperties', '[["VARCHAR"]]') as props from stg_sh_parts where kind = 'environment'
), env_props as (
  select app, list_filter(props, p -> p[1] = 'spark.yarn.queue')[1][2] as queue, list_filter(props, p -> p[1] = 'spark.executor.memory')[1][2] as executor_memory,
         list_filter(props, p -> p[1] = 'spark.master')[1][2] as master,
         ${MEMORY_PROPS.map(([col, key]) => `list_filter(props, p -> p[1] = '${key}')[1][2] as ${col}`).join(', ')}
  from env
), parts as (
  select app, list(kind order by kind) as kinds from stg_sh_parts group by app
), whole_list as (
  -- The stage list is whole when it has every stage the job list names (skipped ones are listed as SKIPPED);
  -- a list fetched with ?status=… or cut by spark.ui.retainedStages is not.
  select a.rec, s.app is not null and (j.app is null or list_has_all(coalesce(l.ids, []), j.named_stages)) as whole,
         case when s.app is not null and j.app is not null then list_sort(list_filter(j.named_stages, x -> not list_contains(coalesce(l.ids, []), x))) end as missing
  from stg_sh_attempt a left join stages s on s.app = a.rec left join jobs j on j.app = a.rec left join listed l on l.app = a.rec
)
select
  $cluster as cluster,
  app.id as job_id,
  'spark-history' as source,
  'SPARK' as framework,
  app.id as app_id,
  t.attempt_id,
  app.r ->> 'name' as name,
  t."user",
  env_props.queue,
  make_timestamp(cast(t.start_ms * 1000 as bigint)) as start_time,
  make_timestamp(cast(t.end_ms * 1000 as bigint)) as end_time,
  case when not t.completed then 'RUNNING' when jobs.last_status = 'FAILED' then 'FAILED' else 'SUCCEEDED' end as outcome,
  stages.reasons as failure_reason,
  execs.added as executors,
  execs.removed as executors_removed,
  execs.cores as executor_cores,
  ${memoryMb('env_props.executor_memory')} as executor_memory_mb,
  case when execs.added > 0 and env_props.app is not null then ${executorRequestSql('env_props', 'app.id').overhead} end as executor_memory_overhead_mb,
  case when execs.added > 0 and env_props.app is not null then ${executorRequestSql('env_props', 'app.id').request} end as executor_request_mb,
  execs_memory.heap::bigint as executor_peak_heap_bytes,
  execs_memory.offheap::bigint as executor_peak_offheap_bytes,
  execs_memory.rss::bigint as executor_peak_rss_bytes,
  null::double as map_memory_mb,
  null::double as reduce_memory_mb,
  jobs.n as jobs,
  jobs.failed as failed_jobs,
  case when whole_list.whole then stages.n else jobs.stages_by_jobs end as stages,
  case when whole_list.whole then stages.failed else jobs.failed_stages_by_jobs end as failed_stages,
  case when whole_list.whole then stages.tasks else execs.tasks end::bigint as tasks,
  case when whole_list.whole then stages.failed_tasks else execs.failed_tasks end::bigint as failed_tasks,
  case when whole_list.whole then stages.killed_tasks else execs.killed_tasks end::bigint as killed_tasks,
  null::bigint as maps, null::bigint as failed_maps, null::bigint as killed_maps,
  null::bigint as reduces, null::bigint as failed_reduces, null::bigint as killed_reduces,
  case when whole_list.whole then stages.run_s end as task_time_s,
  case when whole_list.whole then stages.cpu_s end as cpu_time_s,
  case when whole_list.whole then stages.gc_s else execs.gc_s end as gc_time_s,
  case when whole_list.whole then stages.input_bytes else execs.input_bytes end::bigint as input_bytes,
  case when whole_list.whole then stages.output_bytes end::bigint as output_bytes,
  case when whole_list.whole then stages.shuffle_read else execs.shuffle_read end::bigint as shuffle_read_bytes,
  case when whole_list.whole then stages.shuffle_write else execs.shuffle_write end::bigint as shuffle_write_bytes,
  case when whole_list.whole then stages.spill_memory end::bigint as spill_memory_bytes,
  case when whole_list.whole then stages.spill_disk end::bigint as spill_disk_bytes,
  null::bigint as spilled_records,
  null::bigint as output_records,
  null::bigint as peak_execution_memory_bytes,
  null::bigint as physical_memory_bytes,
  null::double as task_time_max_s,
  null::double as task_time_median_s,
  stages.list::json as stage_list,
  null::json as counters,
  json_object('spark_version', t.spark_version, 'master', env_props.master, 'executor_memory', env_props.executor_memory,
              'attempts', t.attempts, 'last_updated', t.last_updated, 'responses', coalesce(parts.kinds, []),
              'executor_task_duration_s', execs.duration_s, 'stages_missing', whole_list.missing) as extra,
  app.rec as _line
from stg_sh_apps app
join stg_sh_attempt t on t.rec = app.rec
left join execs on execs.app = app.rec
left join execs_memory on execs_memory.app = app.rec
left join jobs on jobs.app = app.rec
left join stages on stages.app = app.rec
left join env_props on env_props.app = app.rec
left join parts on parts.app = app.rec
left join whole_list on whole_list.rec = app.rec
where app.reason is null and app.rec not in (select app from stg_sh_bad_apps)`;
