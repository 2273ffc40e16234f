-- capacity_macros: the cluster's capacity integrated over a span of time. No rows; run after
-- capacity_intervals is materialized (the temp table of one cluster's capacity over time) and
-- figure_macros (overlap_seconds, milli_sum).
-- No parameters.
--
--   capacity_vcore_seconds(lo, hi), capacity_memory_mb_seconds(lo, hi), capacity_gpu_seconds(lo, hi)
--       the cluster's capacity integrated over [lo, hi): each capacity in force for the seconds
--       it was in force.
create or replace temp macro capacity_vcore_seconds(lo, hi) as (
  select coalesce(from_milli(milli_sum(vcores * overlap_seconds(since, coalesce("until", hi), lo, hi))), 0) from capacity_intervals
);
create or replace temp macro capacity_memory_mb_seconds(lo, hi) as (
  select coalesce(from_milli(milli_sum(memory_mb * overlap_seconds(since, coalesce("until", hi), lo, hi))), 0) from capacity_intervals
);
create or replace temp macro capacity_gpu_seconds(lo, hi) as (
  select coalesce(from_milli(milli_sum(gpus * overlap_seconds(since, coalesce("until", hi), lo, hi))), 0) from capacity_intervals
);
