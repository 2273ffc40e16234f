/**
 * The SELECT that maps Spark event logs' events (`stg_spark_ev`: _input, line, text, f, event,
 * short; `stg_spark_logs`: the line before each log's first — made by spark-events.ts) into one
 * `app_details` row per log (`_input`, the log's place
 * in the group staged together: one statement, so one plan, for many logs). Each line is parsed
 * once: `f` holds every field any figure reads (SPARK_EVENT_PATHS, one JSON path each, extracted
 * as text in one json_extract_string call), so the figures below are list lookups, not JSON
 * parses; `text` is kept only where a figure still reads it (SPARK_TEXT_READ). Parameters: $cluster,
 * $in_progress (per log: it is named `….inprogress`; a list, by _input), $known (the known event
 * types, a JSON list of names).
 * spark-events.ts says which event and field each figure comes from, and the outcome rule.
 */

/**
 * A JSON pointer to a field by its keys (`/Task Metrics/JVM GC Time`; `~` and `/` in a key
 * escaped): DuckDB looks a pointer up twice as fast as the same `$."…"` path, which it parses again
 * for every line.
 */
const p = (...keys: string[]) => `'${keys.map((k) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')}'`;
/** The JSON pointers extracted from every event into `f`, `/Event` first; s() adds to it as the SQL below is built. */
const EVENT_PATHS: string[] = [p('Event')];
/** A field of the event as text / number: its place in `f`. */
const s = (...keys: string[]) => {
  const path = p(...keys);
  if (!EVENT_PATHS.includes(path)) EVENT_PATHS.push(path);
  return `f[${EVENT_PATHS.indexOf(path) + 1}]`;
};
const n = (...keys: string[]) => `try_cast(${s(...keys)} as double)`;

/** Heap, off-heap, and the process tree's resident memory (JVM, Python workers, other children). */
export const EXECUTOR_METRICS = ['JVMHeapMemory', 'JVMOffHeapMemory', 'ProcessTreeJVMRSSMemory', 'ProcessTreePythonRSSMemory', 'ProcessTreeOtherRSSMemory'];

/** TaskEnd fields, extracted with one parse per event. */
const TASK_FIELDS: Record<string, string[]> = {
  stage_id: ['Stage ID'],
  attempt: ['Stage Attempt ID'],
  reason: ['Task End Reason', 'Reason'],
  exc_class: ['Task End Reason', 'Class Name'],
  exc_desc: ['Task End Reason', 'Description'],
  exc_message: ['Task End Reason', 'Message'],
  loss_reason: ['Task End Reason', 'Loss Reason'],
  has_metrics: ['Task Metrics', 'Executor Run Time'],
  run_ms: ['Task Metrics', 'Executor Run Time'],
  cpu_ns: ['Task Metrics', 'Executor CPU Time'],
  gc_ms: ['Task Metrics', 'JVM GC Time'],
  input_bytes: ['Task Metrics', 'Input Metrics', 'Bytes Read'],
  output_bytes: ['Task Metrics', 'Output Metrics', 'Bytes Written'],
  shuffle_remote: ['Task Metrics', 'Shuffle Read Metrics', 'Remote Bytes Read'],
  shuffle_local: ['Task Metrics', 'Shuffle Read Metrics', 'Local Bytes Read'],
  shuffle_write: ['Task Metrics', 'Shuffle Write Metrics', 'Shuffle Bytes Written'],
  spill_memory: ['Task Metrics', 'Memory Bytes Spilled'],
  spill_disk: ['Task Metrics', 'Disk Bytes Spilled'],
  peak: ['Task Metrics', 'Peak Execution Memory'],
  executor_id: ['Task Info', 'Executor ID'],
  ...executorMetricFields('Task Executor Metrics'),
};

/** Spark properties that size an executor's container (executorRequestSql), as the env CTE's columns. */
export const MEMORY_PROPS: [string, string][] = [
  ['overhead', 'spark.executor.memoryOverhead'], ['yarn_overhead', 'spark.yarn.executor.memoryOverhead'],
  ['overhead_factor', 'spark.executor.memoryOverheadFactor'], ['offheap_enabled', 'spark.memory.offHeap.enabled'],
  ['offheap_size', 'spark.memory.offHeap.size'], ['pyspark_memory', 'spark.executor.pyspark.memory'],
];

/** The executor metrics (Spark ≥ 3.0) the memory figures use, under `parent` (a map of metric name → value). */
function executorMetricFields(parent: string): Record<string, string[]> {
  return Object.fromEntries(EXECUTOR_METRICS.map((m) => [m, [parent, m]]));
}
/**
 * One executor metrics record as (heap, offheap, rss) from its metric values `m(name)`; 0 is "not
 * measured" (a disabled process-tree probe reports 0), so it is null.
 */
export const executorMemory = (m: (name: string) => string) =>
  `nullif(${m('JVMHeapMemory')}, 0) as heap, nullif(${m('JVMOffHeapMemory')}, 0) as offheap,
   nullif(coalesce(${m('ProcessTreeJVMRSSMemory')}, 0) + coalesce(${m('ProcessTreePythonRSSMemory')}, 0) + coalesce(${m('ProcessTreeOtherRSSMemory')}, 0), 0) as rss`;

/**
 * What each executor's container asks for, in MB, from an application's Spark properties (a
 * struct `e` with executor_memory, overhead, yarn_overhead, overhead_factor, offheap_enabled,
 * offheap_size, pyspark_memory, master), as Spark's YARN and Kubernetes allocators size it: the
 * heap (spark.executor.memory, default 1g) + the overhead (spark.executor.memoryOverhead or the
 * older spark.yarn.executor.memoryOverhead, else max(384 MB, spark.executor.memoryOverheadFactor
 * — default 0.10 — × the heap)) + the off-heap memory (spark.memory.offHeap.size, in bytes,
 * when spark.memory.offHeap.enabled) + spark.executor.pyspark.memory. A standalone or Mesos
 * executor gets no overhead unless one is set; a local-mode app has no executors (null). With no
 * spark.master logged, an app whose id is a YARN application id (`appId`) is taken as on YARN.
 */
export function executorRequestSql(e: string, appId: string): { overhead: string; request: string } {
  const heap = `coalesce(${memoryMb(`${e}.executor_memory`)}, 1024)`;
  const containers = `(${e}.master like 'yarn%' or ${e}.master like 'k8s%' or (${e}.master is null and ${appId} like 'application\\_%' escape '\\'))`;
  const overhead = `case when ${e}.master like 'local%' then null
       else coalesce(${memoryMb(`${e}.overhead`)}, ${memoryMb(`${e}.yarn_overhead`)},
                     case when ${containers} then greatest(384, floor(coalesce(try_cast(${e}.overhead_factor as double), 0.10) * ${heap})) else 0 end) end`;
  // spark.memory.offHeap.size without a unit is in bytes.
  const offheapMb = `case when regexp_matches(${e}.offheap_size, '^\\s*[0-9]+\\s*$') then try_cast(${e}.offheap_size as double) / 1048576 else ${memoryMb(`${e}.offheap_size`)} end`;
  const offheap = `case when lower(${e}.offheap_enabled) = 'true' then coalesce(${offheapMb}, 0) else 0 end`;
  return {
    overhead,
    request: `${heap} + (${overhead}) + ${offheap} + coalesce(${memoryMb(`${e}.pyspark_memory`)}, 0)`,
  };
}
const tf = (k: string) => s(...TASK_FIELDS[k]);
const tn = (k: string) => `try_cast(${tf(k)} as double)`;

/** The first line of a message, trimmed. */
export const firstLine = (x: string) => `nullif(trim(split_part(${x}, chr(10), 1)), '')`;
/** Up to three distinct first lines, in log order (a `line` column), joined. */
export const firstThree = (x: string, cond: string) => {
  const all = `list(${x} order by line) filter (${cond})`;
  return `nullif(array_to_string(list_filter(${all}, (r, i) -> list_position(${all}, r) = i)[1:3], '; '), '')`;
};
/** Megabytes from a JVM memory size ("4g", "512m", "2G", "1024" = MB as spark.executor.memory reads it). */
const MEMORY_RE = `'^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)\\s*$'`;
export const memoryMb = (x: string) => `try_cast(regexp_extract(${x}, ${MEMORY_RE}, 1) as double)
    * case lower(coalesce(nullif(regexp_extract(${x}, ${MEMORY_RE}, 2), ''), 'm'))
        when 'k' then 1.0 / 1024 when 'kb' then 1.0 / 1024 when 'm' then 1 when 'mb' then 1
        when 'g' then 1024 when 'gb' then 1024 when 't' then 1048576 when 'tb' then 1048576 end`;

/** The CTEs of one row per log the final SELECT joins to `app` (a log with none of a CTE's events has no row there: its counts are 0). */
const PER_LOG_CTES = ['app_end', 'env', 'log_start', 'execs', 'jobs', 'stage_sum', 'task_sum', 'unknown', 'all_events', 'exec_memory'];

export const SPARK_APP_SQL = `
with app as (
  select _input, line, ${s('App ID')} as app_id, ${s('App Attempt ID')} as attempt_id, ${s('App Name')} as name, ${s('User')} as "user",
         ${n('Timestamp')} as start_ms
  from stg_spark_ev where short = 'SparkListenerApplicationStart' qualify row_number() over (partition by _input order by line) = 1
), app_end as (
  select _input, max(${n('Timestamp')}) as end_ms, arg_max(try_cast(${s('ExitCode')} as bigint), line) as exit_code, count(*) as n
  from stg_spark_ev where short = 'SparkListenerApplicationEnd' group by _input
), env as (
  select _input, arg_max(${s('Spark Properties', 'spark.yarn.queue')}, line) filter (${s('Spark Properties', 'spark.yarn.queue')} is not null) as queue,
         arg_max(${s('Spark Properties', 'spark.executor.memory')}, line) filter (${s('Spark Properties', 'spark.executor.memory')} is not null) as executor_memory,
         arg_max(${s('Spark Properties', 'spark.master')}, line) filter (${s('Spark Properties', 'spark.master')} is not null) as master,
         ${MEMORY_PROPS.map(([col, key]) => `arg_max(${s('Spark Properties', key)}, line) filter (${s('Spark Properties', key)} is not null) as ${col}`).join(',\n         ')},
         count(*) as n
  from stg_spark_ev where short = 'SparkListenerEnvironmentUpdate' group by _input
), log_start as (
  select _input, min(${s('Spark Version')}) as spark_version from stg_spark_ev where short = 'SparkListenerLogStart' group by _input
), execs as (
  select _input, count(distinct ${s('Executor ID')}) filter (short = 'SparkListenerExecutorAdded') as added,
         count(distinct ${s('Executor ID')}) filter (short = 'SparkListenerExecutorRemoved') as removed,
         avg(${n('Executor Info', 'Total Cores')}) filter (short = 'SparkListenerExecutorAdded') as cores
  from stg_spark_ev where short in ('SparkListenerExecutorAdded', 'SparkListenerExecutorRemoved') group by _input
), jobs as (
  select _input, count(*) filter (short = 'SparkListenerJobStart') as started,
         count(*) filter (short = 'SparkListenerJobEnd' and ${s('Job Result', 'Result')} = 'JobFailed') as failed,
         arg_max(${s('Job Result', 'Result')}, line) filter (short = 'SparkListenerJobEnd') as last_result,
         ${firstThree(firstLine(s('Job Result', 'Exception', 'Message')), `short = 'SparkListenerJobEnd' and ${s('Job Result', 'Result')} = 'JobFailed'`)} as reasons
  from stg_spark_ev where short in ('SparkListenerJobStart', 'SparkListenerJobEnd') group by _input
), task_raw as (
  -- Before Spark 3.0 the peak execution memory is only an accumulable: parsed from the text where the metric is missing.
  select _input, line, f,
         case when ${tf('peak')} is null then
           list_filter(from_json(json_extract(text, '$."Task Info"."Accumulables"'), '[{"Name":"VARCHAR","Update":"VARCHAR"}]'),
                       a -> a.Name in ('internal.metrics.peakExecutionMemory', 'peakExecutionMemory'))[1].Update end as peak_accumulable
  from stg_spark_ev where short = 'SparkListenerTaskEnd'
), exec_memory as (
  -- the largest executor peaks (not the driver's): stage executor metrics and each task end's
  select _input, max(heap) as heap, max(offheap) as offheap, max(rss) as rss from (
    select _input, ${executorMemory((m) => n('Executor Metrics', m))}
    from stg_spark_ev where short = 'SparkListenerStageExecutorMetrics' and ${s('Executor ID')} is distinct from 'driver'
    union all
    select _input, ${executorMemory((m) => tn(m))}
    from task_raw where ${tf('executor_id')} is distinct from 'driver')
  group by _input
), tasks as (
  select _input, line, try_cast(${tf('stage_id')} as bigint) as stage_id, coalesce(try_cast(${tf('attempt')} as bigint), 0) as attempt,
         ${tf('reason')} as reason,
         case when ${tf('reason')} = 'Success' then 'done' when ${tf('reason')} in ('TaskKilled', 'TaskCommitDenied') then 'killed' else 'failed' end as ended,
         case when ${tf('reason')} not in ('Success', 'TaskKilled', 'TaskCommitDenied') then ${firstLine(`coalesce(${tf('exc_class')} || ': ' || ${tf('exc_desc')}, ${tf('exc_message')}, ${tf('loss_reason')}, ${tf('reason')})`)} end as failure,
         ${tf('has_metrics')} is not null and ${tf('reason')} is distinct from 'Resubmitted' as counted,
         ${tn('run_ms')} as run_ms, ${tn('cpu_ns')} as cpu_ns, ${tn('gc_ms')} as gc_ms,
         ${tn('input_bytes')} as input_bytes, ${tn('output_bytes')} as output_bytes,
         case when ${tf('shuffle_remote')} is not null or ${tf('shuffle_local')} is not null
              then coalesce(${tn('shuffle_remote')}, 0) + coalesce(${tn('shuffle_local')}, 0) end as shuffle_read,
         ${tn('shuffle_write')} as shuffle_write, ${tn('spill_memory')} as spill_memory, ${tn('spill_disk')} as spill_disk,
         coalesce(${tn('peak')}, try_cast(peak_accumulable as double)) as peak
  from task_raw
), stage_events as (
  select _input, line, short = 'SparkListenerStageCompleted' as completed,
         try_cast(${s('Stage Info', 'Stage ID')} as bigint) as stage_id, coalesce(try_cast(${s('Stage Info', 'Stage Attempt ID')} as bigint), 0) as attempt,
         ${s('Stage Info', 'Stage Name')} as name, ${n('Stage Info', 'Submission Time')} as submitted_ms, ${n('Stage Info', 'Completion Time')} as completed_ms,
         ${s('Stage Info', 'Failure Reason')} as failure
  from stg_spark_ev where short in ('SparkListenerStageSubmitted', 'SparkListenerStageCompleted')
), stage_attempts as (
  select _input, stage_id, attempt, min(line) as line, arg_max(name, line) as name, bool_or(completed) as completed,
         max(submitted_ms) as submitted_ms, max(completed_ms) as completed_ms,
         arg_max(${firstLine('failure')}, line) filter (completed) as failure
  from stage_events group by _input, stage_id, attempt
), stage_tasks as (
  select _input, stage_id, attempt, count(*) as tasks, count(*) filter (ended = 'failed') as failed_tasks, sum(run_ms) filter (counted) / 1000 as run_s,
         min(run_ms) filter (counted) / 1000 as t_min, median(run_ms) filter (counted) / 1000 as t_median, max(run_ms) filter (counted) / 1000 as t_max,
         sum(gc_ms) filter (counted) / 1000 as gc_s, sum(shuffle_read) filter (counted) as shuffle_read, sum(shuffle_write) filter (counted) as shuffle_write,
         sum(spill_memory) filter (counted) as spill_memory, sum(spill_disk) filter (counted) as spill_disk,
         sum(input_bytes) filter (counted) as input_bytes, sum(output_bytes) filter (counted) as output_bytes
  from tasks group by _input, stage_id, attempt
), stages as (
  select a._input, a.stage_id, a.attempt, a.line, a.failure,
         case when a.failure is not null then 'FAILED' when a.completed then 'COMPLETE' else 'ACTIVE' end as status,
         struct_pack(stage_id := a.stage_id, attempt := a.attempt, name := a.name,
                     status := case when a.failure is not null then 'FAILED' when a.completed then 'COMPLETE' else 'ACTIVE' end,
                     tasks := coalesce(t.tasks, 0), failed_tasks := coalesce(t.failed_tasks, 0),
                     duration_s := (a.completed_ms - a.submitted_ms) / 1000, task_time_s := t.run_s, task_time_min_s := t.t_min, task_time_median_s := t.t_median,
                     task_time_max_s := t.t_max, gc_time_s := t.gc_s, shuffle_read_bytes := t.shuffle_read::bigint,
                     shuffle_write_bytes := t.shuffle_write::bigint, spill_memory_bytes := t.spill_memory::bigint,
                     spill_disk_bytes := t.spill_disk::bigint, input_bytes := t.input_bytes::bigint, output_bytes := t.output_bytes::bigint,
                     failure_reason := a.failure) as entry
  from stage_attempts a left join stage_tasks t using (_input, stage_id, attempt)
), stage_sum as (
  select _input, count(*) as n, count(*) filter (status = 'FAILED') as failed,
         ${firstThree('failure', 'failure is not null')} as reasons,
         to_json(list(entry order by stage_id, attempt)) as list
  from stages group by _input
), task_sum as (
  select _input, count(*) as n, count(*) filter (ended = 'failed') as failed, count(*) filter (ended = 'killed') as killed,
         ${firstThree('failure', 'failure is not null')} as reasons,
         sum(run_ms) filter (counted) / 1000 as run_s, sum(cpu_ns) filter (counted) / 1e9 as cpu_s, sum(gc_ms) filter (counted) / 1000 as gc_s,
         sum(input_bytes) filter (counted) as input_bytes, sum(output_bytes) filter (counted) as output_bytes,
         sum(shuffle_read) filter (counted) as shuffle_read, sum(shuffle_write) filter (counted) as shuffle_write,
         sum(spill_memory) filter (counted) as spill_memory, sum(spill_disk) filter (counted) as spill_disk,
         max(peak) filter (counted) as peak, max(run_ms) filter (counted) / 1000 as t_max, median(run_ms) filter (counted) / 1000 as t_median
  from tasks group by _input
), unknown as (
  select _input, json_group_object(event, n) as counts from (
    select _input, event, count(*) as n from stg_spark_ev where short not in (select unnest($known::varchar[])) group by _input, event)
  group by _input
), all_events as (
  select _input, count(*) as n from stg_spark_ev group by _input
)
select
  $cluster as cluster,
  app.app_id as job_id,
  'spark-events' as source,
  'SPARK' as framework,
  app.app_id,
  app.attempt_id,
  app.name,
  app."user",
  env.queue,
  make_timestamp(cast(app.start_ms * 1000 as bigint)) as start_time,
  make_timestamp(cast(app_end.end_ms * 1000 as bigint)) as end_time,
  case when app_end.n is null then case when $in_progress[app._input + 1] then 'RUNNING' else 'UNKNOWN' end
       when app_end.exit_code is not null then case when app_end.exit_code = 0 then 'SUCCEEDED' else 'FAILED' end
       when jobs.last_result = 'JobFailed' then 'FAILED'
       else 'SUCCEEDED' end as outcome,
  coalesce(jobs.reasons, stage_sum.reasons, task_sum.reasons) as failure_reason,
  coalesce(execs.added, 0) as executors,
  coalesce(execs.removed, 0) as executors_removed,
  execs.cores as executor_cores,
  ${memoryMb('env.executor_memory')} as executor_memory_mb,
  case when execs.added > 0 and env.n > 0 then ${executorRequestSql('env', 'app.app_id').overhead} end as executor_memory_overhead_mb,
  case when execs.added > 0 and env.n > 0 then ${executorRequestSql('env', 'app.app_id').request} end as executor_request_mb,
  exec_memory.heap::bigint as executor_peak_heap_bytes,
  exec_memory.offheap::bigint as executor_peak_offheap_bytes,
  exec_memory.rss::bigint as executor_peak_rss_bytes,
  null::double as map_memory_mb,
  null::double as reduce_memory_mb,
  coalesce(jobs.started, 0) as jobs,
  coalesce(jobs.failed, 0) as failed_jobs,
  coalesce(stage_sum.n, 0) as stages,
  coalesce(stage_sum.failed, 0) as failed_stages,
  coalesce(task_sum.n, 0) as tasks,
  coalesce(task_sum.failed, 0) as failed_tasks,
  coalesce(task_sum.killed, 0) as killed_tasks,
  null::bigint as maps, null::bigint as failed_maps, null::bigint as killed_maps,
  null::bigint as reduces, null::bigint as failed_reduces, null::bigint as killed_reduces,
  task_sum.run_s as task_time_s,
  task_sum.cpu_s as cpu_time_s,
  task_sum.gc_s as gc_time_s,
  task_sum.input_bytes::bigint as input_bytes,
  task_sum.output_bytes::bigint as output_bytes,
  task_sum.shuffle_read::bigint as shuffle_read_bytes,
  task_sum.shuffle_write::bigint as shuffle_write_bytes,
  task_sum.spill_memory::bigint as spill_memory_bytes,
  task_sum.spill_disk::bigint as spill_disk_bytes,
  null::bigint as spilled_records,
  null::bigint as output_records,
  task_sum.peak::bigint as peak_execution_memory_bytes,
  null::bigint as physical_memory_bytes,
  task_sum.t_max as task_time_max_s,
  task_sum.t_median as task_time_median_s,
  coalesce(stage_sum.list, '[]')::json as stage_list,
  null::json as counters,
  json_object('spark_version', log_start.spark_version, 'master', env.master, 'executor_memory', env.executor_memory,
              'events', all_events.n, 'unknown_events', unknown.counts) as extra,
  app.line - stg_spark_logs.before as _line,
  app._input
from app join stg_spark_logs using (_input) ${PER_LOG_CTES.map((c) => `left join ${c} using (_input)`).join(' ')}`;

/** Where a figure reads an event's text, not just `f` (stg_spark_ev keeps the text of those events only): a TaskEnd without the Peak Execution Memory metric. */
export const SPARK_TEXT_READ = `short = 'SparkListenerTaskEnd' and ${tf('peak')} is null`;

/** Every JSON path the figures read, as a DuckDB list literal for the one extraction per event (complete once SPARK_APP_SQL is built). */
export const SPARK_EVENT_PATHS = `[${EVENT_PATHS.join(', ')}]`;
