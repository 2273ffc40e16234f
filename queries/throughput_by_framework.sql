-- throughput_by_framework: one row per application type (framework) — the distribution of
-- throughput, MB read plus written per second of run, over its jobs that started in the period
-- and whose bytes are known (from the Spark or MapReduce history in app_details). MB = 2^20 bytes.
-- @param cluster        the cluster
-- @param period_start   the period's first instant, UTC
-- @param period_end     the instant after the period, UTC
with measured as (
  select
    coalesce(j.app_type, d.framework) as framework,
    (coalesce(d.input_bytes, 0) + coalesce(d.output_bytes, 0)) / 1048576 / j.elapsed_s as mb_per_s,
    coalesce(d.input_bytes, 0) + coalesce(d.output_bytes, 0) as bytes
  from jobs j
  join app_details d on d.cluster = j.cluster and d.job_id = j.job_id
  where j.cluster = $cluster
    and j.start_time >= cast($period_start as timestamp) and j.start_time < cast($period_end as timestamp)
    and j.elapsed_s > 0
    and (d.input_bytes is not null or d.output_bytes is not null)
)
select
  framework,
  count(*) as jobs,
  sum(bytes) as bytes,
  quantile_cont(mb_per_s, 0.25) as p25_mb_per_s,
  median(mb_per_s) as median_mb_per_s,
  quantile_cont(mb_per_s, 0.75) as p75_mb_per_s,
  max(mb_per_s) as max_mb_per_s
from measured
group by framework
order by median_mb_per_s desc, framework
