-- job_findings: one row per (job, heuristic) finding for the jobs evaluated — the cluster's jobs
-- that ended in [since, until), or the one job job_id — with its severity (none, low, moderate,
-- severe, critical) and the numbers it rests on (`numbers`, a JSON object). `value` is the number
-- the severity is read from: at least bands[1] is low, bands[2] moderate, bands[3] severe,
-- bands[4] critical (a null band is never reached); a heuristic not in `heuristics` is off.
--   chronic_failure          a failed job: its key's failed runs in a row up to and including it
--                            (ended runs by start, back to the last that did not fail), their burn
--   failure_burn_share       a failed job: what its key's failed runs that started in the burn
--                            window (burn_window_s up to until, or to the job's end) used, as a share
--                            of the cluster's capacity over the window (figure_macros)
--   memory_over_request      asked ÷ used: MapReduce task containers (app_details), Spark executor
--                            containers (app_details), else the job's ReqMem ÷ MaxRSS (Slurm)
--   time_limit_over_request  time limit ÷ elapsed (a job that ended by its limit is not judged)
--   queue_wait               seconds from submit to start
--   superuser                1 for a job run by an account in `superusers`
--   gc_share                 GC time ÷ task run time (app_details)
--   task_failure_rate        the larger of failed task attempts ÷ attempts, failed stages ÷ stages
--   task_skew                the longest task ÷ the median task, in the stage where that is largest
--                            (stage_list; stages whose longest task ran under min_run_s are not judged)
--   spill                    spilled records ÷ map output records (MapReduce with reduces; a map-only
--                            job sorts and spills nothing, so it gets no verdict)
-- A job in a key without job_key is a key of its own (its job id). The efficiency heuristics
-- (memory, time limit, GC, skew, spill) skip small jobs: elapsed under min_run_s or fewer than
-- min_vcore_s vcore-seconds. Money at the settings' prices (figure_macros: use_cost).
-- Needs capacity_intervals, figure_macros and the settings tables on the connection.
-- @param cluster        the cluster
-- @param since          the first end time evaluated, UTC (null with job_id)
-- @param until          the end time after the last evaluated, UTC (null with job_id)
-- @param job_id         evaluate this job only (null: every job that ended in [since, until))
-- @param heuristics     the heuristics on, by name
-- @param bands          each one's thresholds as text '[low, moderate, severe, critical]', in
--                       that order (text: a bound list takes its type from its first number)
-- @param include_none   also the rows whose severity is none
-- @param min_run_s      efficiency heuristics skip jobs shorter than this (seconds)
-- @param min_vcore_s    efficiency heuristics skip jobs that used fewer vcore-seconds
-- @param burn_window_s  the burn window's length (seconds)
with evaluated as (
  select j.*, coalesce(j.job_key, j.job_id) as key,
    coalesce(j.elapsed_s < $min_run_s or coalesce(j.vcore_seconds, 0) < $min_vcore_s, true) as small
  from jobs j
  where j.cluster = $cluster and is_ended(j.state)
    and case when cast($job_id as varchar) is null
             then j.end_time >= cast($since as timestamp) and j.end_time < cast($until as timestamp)
             else j.job_id = cast($job_id as varchar) end
),
bounds as (
  select w_end - to_seconds(cast($burn_window_s as bigint)) as w_start, w_end
  from (select coalesce(cast($until as timestamp), max(end_time)) as w_end from evaluated)
),
failed_keys as (
  select key, min(start_time) as first_failed_start from evaluated where is_failure(state) group by key
),
-- the runs of the keys that failed in the window, read once for the streaks and the burn
key_runs as materialized (
  select coalesce(j.job_key, j.job_id) as key, j.job_id, j.state, j.start_time,
    coalesce(j.vcore_seconds, 0) as v, coalesce(j.memory_mb_seconds, 0) as m, coalesce(j.gpu_seconds, 0) as g
  from jobs j semi join failed_keys f on f.key = coalesce(j.job_key, j.job_id)
  where j.cluster = $cluster and j.start_time is not null
),
-- a streak reaches back no further than the last run that did not fail: each failed key's history
-- starts at its last such run before its first failed run evaluated (all of it if it never did)
anchors as (
  select f.key, max(r.start_time) as last_ok
  from failed_keys f join key_runs r using (key)
  where is_ended(r.state) and not is_failure(r.state) and r.start_time < f.first_failed_start
  group by f.key
),
history as (
  select r.key, r.job_id, r.start_time, is_failure(r.state) as failed, r.v, r.m, r.g,
    -- the runs that did not fail up to this one: a failed run's streak is its group's failed runs so far
    sum(case when is_failure(r.state) then 0 else 1 end) over (
      partition by r.key order by r.start_time, r.job_id rows unbounded preceding) as group_no
  from key_runs r
  left join anchors a using (key)
  where is_ended(r.state) and (a.last_ok is null or r.start_time >= a.last_ok)
),
streaks as (
  select job_id, failed,
    count(*) filter (where failed) over s as streak,
    min(start_time) filter (where failed) over s as streak_since,
    sum(v) filter (where failed) over s as v, sum(m) filter (where failed) over s as m, sum(g) filter (where failed) over s as g
  from history
  window s as (partition by key, group_no order by start_time, job_id rows unbounded preceding)
),
window_burn as (
  select r.key, count(*) as runs, count(*) filter (where is_failure(r.state)) as failed_runs,
    from_milli(milli_sum(case when is_failure(r.state) then r.v end)) as v,
    from_milli(milli_sum(case when is_failure(r.state) then r.m end)) as m,
    from_milli(milli_sum(case when is_failure(r.state) then r.g end)) as g
  from key_runs r, bounds b
  where r.start_time >= b.w_start and r.start_time < b.w_end
  group by 1
),
capacity as (
  select w_start, w_end, capacity_vcore_seconds(w_start, w_end) as vcore_s from bounds
),
detailed as (
  select e.job_id, e.small, d.*
  from evaluated e join app_details d on d.cluster = e.cluster and d.job_id = e.job_id
),
memory as (
  select e.job_id,
    coalesce(
      case when d.framework = 'MAPREDUCE' and d.physical_memory_bytes > 0 and coalesce(d.map_memory_mb, d.reduce_memory_mb) > 0 then struct_pack(
        basis := 'MapReduce task container', asked_mb := mapreduce_task_asked_mb(d.maps, d.reduces, d.map_memory_mb, d.reduce_memory_mb),
        used_mb := mapreduce_task_used_mb(d.maps, d.reduces, d.physical_memory_bytes), hours := coalesce(d.task_time_s, 0) / 3600) end,
      case when d.framework = 'SPARK' and d.executor_request_mb > 0 and coalesce(d.executor_peak_rss_bytes, d.executor_peak_heap_bytes) > 0 then struct_pack(
        basis := 'Spark executor container', asked_mb := d.executor_request_mb,
        used_mb := spark_executor_used_mb(d.executor_peak_rss_bytes, d.executor_peak_heap_bytes, d.executor_peak_offheap_bytes),
        hours := coalesce(d.task_time_s, 0) / coalesce(nullif(d.executor_cores, 0), 1) / 3600) end,
      case when e.req_memory_mb > 0 and e.max_rss_mb > 0 then struct_pack(
        basis := 'job (requested vs largest step MaxRSS)', asked_mb := e.req_memory_mb, used_mb := e.max_rss_mb, hours := e.elapsed_s / 3600) end
    ) as x
  from evaluated e left join app_details d on d.cluster = e.cluster and d.job_id = e.job_id
  where not e.small
),
stage_skew as (
  select job_id, arg_max(stage, stage.task_time_max_s / stage.task_time_median_s) as stage
  from (
    select d.job_id, unnest(from_json(d.stage_list,
      '[{"stage_id":"VARCHAR","name":"VARCHAR","tasks":"BIGINT","task_time_median_s":"DOUBLE","task_time_max_s":"DOUBLE"}]')) as stage
    from detailed d
    where not d.small and d.stage_list is not null
  )
  where stage.task_time_median_s > 0 and stage.task_time_max_s >= $min_run_s
  group by job_id
),
findings as (
  select e.job_id, 'chronic_failure' as heuristic, s.streak as value,
    json_object('streak', s.streak, 'streak_since', strftime(s.streak_since, '%Y-%m-%dT%H:%M:%S.%gZ'),
      'vcore_hours', s.v / 3600, 'memory_gb_hours', s.m / 1024 / 3600, 'gpu_hours', s.g / 3600,
      'cost', use_cost(s.v, s.m, s.g, pr.vcore_hour, pr.memory_gb_hour, pr.gpu_hour), 'currency', pr.currency) as numbers
  from evaluated e join streaks s on s.job_id = e.job_id and s.failed
  left join prices pr on true
  union all
  select e.job_id, 'failure_burn_share', w.v / nullif(c.vcore_s, 0),
    json_object('window_start', strftime(c.w_start, '%Y-%m-%dT%H:%M:%SZ'), 'window_end', strftime(c.w_end, '%Y-%m-%dT%H:%M:%SZ'),
      'runs', w.runs, 'failed_runs', w.failed_runs, 'failed_vcore_hours', w.v / 3600, 'capacity_vcore_hours', c.vcore_s / 3600,
      'share_of_capacity', w.v / nullif(c.vcore_s, 0),
      'cost', use_cost(w.v, w.m, w.g, pr.vcore_hour, pr.memory_gb_hour, pr.gpu_hour), 'currency', pr.currency)
  from evaluated e join window_burn w using (key) cross join capacity c
  left join prices pr on true
  where is_failure(e.state) and c.vcore_s > 0
  union all
  select job_id, 'memory_over_request', x.asked_mb / x.used_mb,
    json_object('basis', x.basis, 'asked_mb', x.asked_mb, 'used_mb', x.used_mb, 'ratio', x.asked_mb / x.used_mb,
      'unused_gb_hours', greatest(x.asked_mb - x.used_mb, 0) / 1024 * x.hours,
      'unused_cost', greatest(x.asked_mb - x.used_mb, 0) / 1024 * x.hours * pr.memory_gb_hour, 'currency', pr.currency)
  from memory left join prices pr on true
  where x.used_mb > 0 and x.asked_mb > 0
  union all
  select job_id, 'time_limit_over_request', time_limit_s / elapsed_s,
    json_object('time_limit_hours', time_limit_s / 3600, 'elapsed_hours', elapsed_s / 3600, 'ratio', time_limit_s / elapsed_s)
  from evaluated
  where not small and time_limit_s > 0 and elapsed_s > 0 and state <> 'TIMEOUT'
  union all
  select job_id, 'queue_wait', wait_s,
    json_object('wait_hours', wait_s / 3600, 'submit_time', strftime(submit_time, '%Y-%m-%dT%H:%M:%S.%gZ'), 'start_time', strftime(start_time, '%Y-%m-%dT%H:%M:%S.%gZ'))
  from evaluated
  where wait_s is not null
  union all
  select job_id, 'superuser', 1,
    json_object('user', "user", 'vcore_hours', coalesce(vcore_seconds, 0) / 3600)
  from evaluated
  where "user" in (select "user" from superusers)
  union all
  select job_id, 'gc_share', gc_time_s / task_time_s,
    json_object('gc_time_s', gc_time_s, 'task_time_s', task_time_s, 'gc_share', gc_time_s / task_time_s)
  from detailed
  where not small and task_time_s > 0 and gc_time_s is not null
  union all
  select job_id, 'task_failure_rate', greatest(coalesce(failed_tasks / tasks, 0), coalesce(failed_stages / nullif(stages, 0), 0)),
    json_object('tasks', tasks, 'failed_tasks', failed_tasks, 'task_failure_rate', failed_tasks / tasks,
      'stages', stages, 'failed_stages', failed_stages, 'stage_failure_rate', failed_stages / nullif(stages, 0))
  from detailed
  where tasks > 0 and failed_tasks is not null
  union all
  select job_id, 'task_skew', stage.task_time_max_s / stage.task_time_median_s,
    json_object('stage_id', stage.stage_id, 'stage_name', stage.name, 'tasks', stage.tasks,
      'median_task_s', stage.task_time_median_s, 'max_task_s', stage.task_time_max_s,
      'max_over_median', stage.task_time_max_s / stage.task_time_median_s)
  from stage_skew
  union all
  select job_id, 'spill', spilled_records / output_records,
    json_object('spilled_records', spilled_records, 'output_records', output_records, 'spilled_per_output_record', spilled_records / output_records)
  from detailed
  where not small and framework = 'MAPREDUCE' and reduces > 0 and output_records > 0 and spilled_records is not null
),
banded as (
  select unnest(cast($heuristics as varchar[])) as heuristic, cast(unnest(cast($bands as varchar[])) as double[]) as bands
),
graded as (
  select f.*, ['none', 'low', 'moderate', 'severe', 'critical'][1 + len(list_filter(b.bands, lambda x: f.value >= x))] as severity,
    list_position(cast($heuristics as varchar[]), f.heuristic) as heuristic_no
  from findings f join banded b using (heuristic)
  where f.value is not null
)
select
  e.cluster, e.job_id, e.job_key, e.name, e."user", e.queue, e.account,
  team_of(e."user", e.queue, e.account) as team,
  e.state, strftime(e.start_time, '%Y-%m-%dT%H:%M:%S.%gZ') as start_time, strftime(e.end_time, '%Y-%m-%dT%H:%M:%S.%gZ') as end_time,
  g.heuristic, g.severity, g.value, g.numbers
from graded g join evaluated e using (job_id)
where cast($include_none as boolean) or g.severity <> 'none'
order by e.end_time, e.job_id, g.heuristic_no
