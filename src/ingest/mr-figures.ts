/**
 * What a MapReduce job's history says, in app_details columns — shared by the two readers of it,
 * so that a job read from its .jhist (jhist.ts) and from the JobHistory server's REST API
 * (mr-history.ts) gets the same figures from the same counters:
 *
 *   task_time_s    (MILLIS_MAPS + MILLIS_REDUCES) / 1000      JobCounter
 *   cpu_time_s     CPU_MILLISECONDS / 1000                     TaskCounter
 *   gc_time_s      GC_TIME_MILLIS / 1000                       TaskCounter
 *   input_bytes    HDFS_BYTES_READ,  output_bytes HDFS_BYTES_WRITTEN     FileSystemCounter
 *   shuffle_read_bytes REDUCE_SHUFFLE_BYTES, shuffle_write_bytes MAP_OUTPUT_MATERIALIZED_BYTES
 *   spill_disk_bytes   FILE_BYTES_WRITTEN beyond the map output (spills and merges)
 *   spilled_records SPILLED_RECORDS, output_records MAP_OUTPUT_RECORDS, physical_memory_bytes PHYSICAL_MEMORY_BYTES
 *
 * Counters are read from a table of rows (scope, grp, counter, value, g_at, c_at): scope is
 * `total`, `map` or `reduce`, grp the group's name, g_at/c_at the order they came in.
 * Also here: the job id as a YARN application id, and the failed-attempt summary.
 */

export type Scope = 'total' | 'map' | 'reduce';

/** A counter group by the names Hadoop gave it over the versions (0.23's …$Counter, 2.x's …TaskCounter). */
export const COUNTER_GROUPS = {
  fs: `grp like '%FileSystemCounter%'`,
  task: `(grp like '%TaskCounter%' or grp like '%Task$Counter')`,
  job: `(grp like '%JobCounter%' or grp like '%JobInProgress$Counter')`,
} as const;
export type CounterGroup = keyof typeof COUNTER_GROUPS;

/** SQL for a counter's value in a scope; null when there is no such counter. */
export type CounterOf = (scope: Scope, group: CounterGroup, name: string) => string;

/** Counters from `table`, limited by `where` (e.g. to one job). */
export const countersIn =
  (table: string, where = 'true'): CounterOf =>
  (scope, group, name) =>
    `(select sum(value) from ${table} where ${where} and scope = '${scope}' and counter = '${name}' and ${COUNTER_GROUPS[group]})`;

/** Counters as aggregates over the counter rows of a GROUP BY (many jobs at once). */
export const countersAggregated: CounterOf = (scope, group, name) =>
  `sum(value) filter (where scope = '${scope}' and counter = '${name}' and ${COUNTER_GROUPS[group]})`;

/** Local disk written beyond the map output: spills and merges. */
function spillDisk(counter: CounterOf, scope: Scope): string {
  const written = counter(scope, 'fs', 'FILE_BYTES_WRITTEN');
  const mapOutput = scope === 'reduce' ? '0' : `coalesce(${counter(scope, 'task', 'MAP_OUTPUT_MATERIALIZED_BYTES')}, 0)`;
  return `case when ${written} is not null then greatest(${written} - ${mapOutput}, 0) end`;
}

/** The app_details columns a job's total counters give: [column, SQL]. */
function counterFigures(counter: CounterOf): [string, string][] {
  const millis = [counter('total', 'job', 'MILLIS_MAPS'), counter('total', 'job', 'MILLIS_REDUCES')];
  return [
    ['task_time_s', `case when ${millis[0]} is not null or ${millis[1]} is not null
         then (coalesce(${millis[0]}, 0) + coalesce(${millis[1]}, 0)) / 1000.0 end`],
    ['cpu_time_s', `${counter('total', 'task', 'CPU_MILLISECONDS')} / 1000.0`],
    ['gc_time_s', `${counter('total', 'task', 'GC_TIME_MILLIS')} / 1000.0`],
    ['input_bytes', counter('total', 'fs', 'HDFS_BYTES_READ')],
    ['output_bytes', counter('total', 'fs', 'HDFS_BYTES_WRITTEN')],
    ['shuffle_read_bytes', counter('total', 'task', 'REDUCE_SHUFFLE_BYTES')],
    ['shuffle_write_bytes', counter('total', 'task', 'MAP_OUTPUT_MATERIALIZED_BYTES')],
    ['spill_memory_bytes', 'null::bigint'],
    ['spill_disk_bytes', spillDisk(counter, 'total')],
    ['spilled_records', counter('total', 'task', 'SPILLED_RECORDS')],
    ['output_records', counter('total', 'task', 'MAP_OUTPUT_RECORDS')],
    ['peak_execution_memory_bytes', 'null::bigint'],
    ['physical_memory_bytes', counter('total', 'task', 'PHYSICAL_MEMORY_BYTES')],
  ];
}
/** The columns counterColumns gives, in its order. */
export const COUNTER_COLUMNS = counterFigures(() => '').map(([c]) => c);

/** The app_details columns a job's total counters give, as a SELECT list. */
export function counterColumns(counter: CounterOf): string {
  return counterFigures(counter).map(([c, sql]) => `\n    ${sql} as ${c}`).join(',');
}

/** A phase's figures from its counters, for its stage_list entry (after the task times): [column, SQL]. */
function phaseCounterFigures(counter: CounterOf, phase: 'map' | 'reduce'): [string, string][] {
  return [
    ['gc_time_s', `${counter(phase, 'task', 'GC_TIME_MILLIS')} / 1000.0`],
    ['shuffle_read_bytes', phase === 'reduce' ? counter(phase, 'task', 'REDUCE_SHUFFLE_BYTES') : 'null::bigint'],
    ['shuffle_write_bytes', phase === 'map' ? counter(phase, 'task', 'MAP_OUTPUT_MATERIALIZED_BYTES') : 'null::bigint'],
    ['spill_memory_bytes', 'null::bigint'],
    ['spill_disk_bytes', spillDisk(counter, phase)],
    ['input_bytes', counter(phase, 'fs', 'HDFS_BYTES_READ')],
    ['output_bytes', counter(phase, 'fs', 'HDFS_BYTES_WRITTEN')],
  ];
}
/** The columns phaseCounterColumns gives, in its order. */
export const PHASE_COUNTER_COLUMNS = phaseCounterFigures(() => '', 'map').map(([c]) => c);

/** A phase's figures from its counters, for its stage_list entry (after the task times, in this order). */
export function phaseCounterColumns(counter: CounterOf, phase: 'map' | 'reduce'): string {
  return phaseCounterFigures(counter, phase).map(([c, sql]) => `\n    ${sql} as ${c}`).join(',');
}

/** A JSON object aggregated from key and value columns in the order of `at` (json_group_object has no order). */
export const jsonObjectOf = (key: string, value: string, at: string) =>
  `('{' || string_agg(to_json(${key})::varchar || ':' || coalesce(to_json(${value})::varchar, 'null'), ',' order by ${at}) || '}')::json`;

/** The `counters` column: the total counters by group, {"group": {"COUNTER": value}}, in the order read; null without any. */
export function countersByGroup(table: string, where = 'true'): string {
  return `(select ${jsonObjectOf('grp', 'counts', 'g_at')}
           from (select grp, g_at, ${jsonObjectOf('counter', 'value', 'c_at')} as counts
                 from ${table} where ${where} and scope = 'total' group by grp, g_at)
           having count(*) > 0)`;
}

/**
 * Task time min/median/max (seconds) over rows with `d` (seconds), `status` and `phase_ok`
 * (whether the row's phase has a successful task): over the successful ones where the phase has
 * any, else over all that ended. A SELECT list for an aggregate over the rows `where` holds.
 */
export function taskTimeColumns(where: string): string {
  const d = `case when phase_ok then (case when status = 'SUCCEEDED' then d end) else d end`;
  return `
    round(min(${d}) filter (where ${where}), 3) as task_time_min_s,
    round(median(${d}) filter (where ${where}), 3) as task_time_median_s,
    round(max(${d}) filter (where ${where}), 3) as task_time_max_s`;
}

/**
 * The first three distinct errors of failed attempts, each with how many attempts failed so:
 * "Error: Java heap space (3 attempts); …". Over `table`'s rows (status, error, error_at) where
 * `where` holds; `error_at` orders them (the first failure first).
 */
export function failedAttemptReasons(table: string, where: string): string {
  return `(select string_agg(error || case when n > 1 then ' (' || n || ' attempts)' else '' end, '; ' order by first)
           from (select error, count(*) as n, min(error_at) as first from ${table}
                 where status = 'FAILED' and error is not null and ${where} group by error order by first limit 3))`;
}

/**
 * A MapReduce job id as its YARN application id, so the detail joins the ResourceManager's job:
 * job_1329348432655_0001 → application_1329348432655_0001; Hadoop 0.23's job_1326381300833_2_2
 * (cluster timestamp, application number, job number) → application_1326381300833_0002. Any other
 * id is kept as it is.
 */
export function applicationIdOf(jobId: string): string {
  return `case when regexp_full_match(${jobId}, 'job_[0-9]+_[0-9]+') then 'application_' || substr(${jobId}, 5)
               when regexp_full_match(${jobId}, 'job_[0-9]+_[0-9]+_[0-9]+')
                 then 'application_' || split_part(${jobId}, '_', 2) || '_' || lpad(split_part(${jobId}, '_', 3), 4, '0')
               else ${jobId} end`;
}
