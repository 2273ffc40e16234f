-- figure_macros: the definitions every figure set shares. No rows; run once per connection,
-- after the settings tables (team_of, prices). The macros of a cluster's capacity over time are
-- capacity_macros.sql's. No parameters.
--
--   run_end(start_time, end_time, elapsed_s)
--       when a run ended; for one still running, start + elapsed (the moment it was last seen at).
--   overlap_seconds(s, e, lo, hi)
--       seconds of [s, e) inside [lo, hi).
--   fraction_within(s, e, lo, hi)
--       the part of a run [s, e) that falls in [lo, hi): a run's use is spread evenly over its
--       time, so a run across a period boundary is split by time. A run of no length counts
--       whole in the period it started in.
--   is_failure(state), is_ended(state)
--       a failed run (FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL; KILLED and PREEMPTED are not),
--       and a run that has ended at all.
--   use_cost(vcore_s, memory_mb_s, gpu_s, vcore_hour, memory_gb_hour, gpu_hour)
--       what use costs at the settings' prices (a row of `prices`): null without a vcore price.
--   milli_sum(x), from_milli(s)
--       an exact sum: each x rounded to a thousandth of its unit (of a vcore-second, MB-second,
--       second…) and added as whole numbers, so the total is the same whatever order DuckDB adds
--       the rows in. A float sum is not: its last digits change with the threads, and the figures
--       must come out byte for byte the same for the same warehouse. milli_sum of milli_sum values
--       is exact too; from_milli(s) turns a total back into the unit (a double).
--   memory_over_request_by_key(apps, min_ratio, top)
--       a table: per job key of `apps` (a CTE of job_key, job_id, "user", queue, account,
--       start_time, asked_mb, used_mb — per task or executor — and hours, the time the asked memory
--       was held), the owner and team (the most common, a tie to the earliest run's), the
--       applications, the medians of asked, used and asked ÷ used, and the GB-hours asked and not
--       used (exact sum) with their cost at the memory price; keys whose median ratio is at least
--       min_ratio, by unused GB-hours, the top ones.
--   error_signature(diagnostics)
--       the first line of a failure's text with what differs between runs masked: URLs, ids of
--       applications, containers, jobs and tasks, UUIDs, paths, hex strings and numbers.
--   mapreduce_task_asked_mb(maps, reduces, map_memory_mb, reduce_memory_mb)
--   mapreduce_task_used_mb(maps, reduces, physical_memory_bytes)
--       a MapReduce application's (app_details) container asked for a task, averaged over its maps
--       and reduces (a size not set takes the other's), and the physical memory a task used
--       (PHYSICAL_MEMORY_BYTES ÷ tasks); null without tasks.
--   spark_executor_used_mb(peak_rss_bytes, peak_heap_bytes, peak_offheap_bytes)
--       a Spark application's (app_details) largest executor peak: the process tree's resident
--       memory where Spark measured it, else the JVM's heap + off-heap.
create or replace temp macro run_end(s, e, el) as
  coalesce(e, s + to_microseconds(cast(coalesce(el, 0) * 1e6 as bigint)));

create or replace temp macro overlap_seconds(s, e, lo, hi) as
  greatest(0, (epoch_us(least(e, hi)) - epoch_us(greatest(s, lo))) / 1e6);

create or replace temp macro fraction_within(s, e, lo, hi) as
  case
    when e > s then overlap_seconds(s, e, lo, hi) / ((epoch_us(e) - epoch_us(s)) / 1e6)
    when s >= lo and s < hi then 1.0
    else 0.0
  end;

create or replace temp macro milli_sum(x) as sum(cast(round(x * 1000) as hugeint));
create or replace temp macro from_milli(s) as s / 1000;

create or replace temp macro use_cost(v, m, g, vcore_hour, memory_gb_hour, gpu_hour) as
  v / 3600 * vcore_hour + m / 1024 / 3600 * coalesce(memory_gb_hour, 0) + g / 3600 * coalesce(gpu_hour, 0);

create or replace temp macro is_failure(state) as state in ('FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL');
create or replace temp macro is_ended(state) as state not in ('RUNNING', 'PENDING', 'UNKNOWN');

create or replace temp macro error_signature(d) as
  nullif(left(trim(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
      split_part(trim(d), chr(10), 1),
      '[a-zA-Z][a-zA-Z0-9+.-]*://[^ ,;''")\]]+', '<url>', 'g'),
      '(application|appattempt|container|job|task|attempt|executor)_[0-9a-zA-Z_]+', '<id>', 'g'),
      '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}', '<uuid>', 'g'),
      '(^|[ =:(''"\[])(/[^ ,;:''")\]]+)', '\1<path>', 'g'),
      '\b[0-9a-f]*[0-9][0-9a-f]*[a-f][0-9a-f]*\b', '<hex>', 'g'),
      '[0-9]+([.][0-9]+)?', '<n>', 'g'),
    '\s+', ' ', 'g')), 200), '');

create or replace temp macro mapreduce_task_asked_mb(m, r, m_mb, r_mb) as
  (coalesce(m, 0) * coalesce(m_mb, r_mb) + coalesce(r, 0) * coalesce(r_mb, m_mb)) / nullif(coalesce(m, 0) + coalesce(r, 0), 0);
create or replace temp macro mapreduce_task_used_mb(m, r, physical_bytes) as
  physical_bytes / 1048576 / nullif(coalesce(m, 0) + coalesce(r, 0), 0);
create or replace temp macro spark_executor_used_mb(rss, heap, offheap) as
  coalesce(rss, heap + coalesce(offheap, 0)) / 1048576;

create or replace temp macro memory_over_request_by_key(apps, min_ratio, top) as table
with by_key as (
  select
    coalesce(job_key, job_id) as job_key,
    mode("user" order by start_time, job_id) as owner,
    mode(struct_pack(u := "user", q := queue, a := account) order by start_time, job_id) as who,
    count(*) as apps,
    median(asked_mb) as median_asked_mb,
    median(used_mb) as median_used_mb,
    median(asked_mb / used_mb) as median_ratio,
    from_milli(milli_sum(greatest(asked_mb - used_mb, 0) / 1024 * hours)) as unused_gb_hours
  from query_table(apps)
  group by coalesce(job_key, job_id)
)
select
  k.job_key, k.owner, team_of(k.who.u, k.who.q, k.who.a) as team, k.apps,
  k.median_asked_mb, k.median_used_mb, k.median_ratio, k.unused_gb_hours,
  k.unused_gb_hours * pr.memory_gb_hour as unused_cost,
  pr.currency
from by_key k
left join prices pr on true
where k.median_ratio >= min_ratio
order by k.unused_gb_hours desc, k.job_key
limit top;
