-- jobs_by_id: the jobs `gazette explain` diagnoses and the feedback emails show — one row per
-- (cluster, job id) asked for (an id on several clusters gives several rows: explain needs
-- --cluster then) — with what the knowledge base matches on (its app_details failure reason too),
-- its team, its use and what that cost at the settings' prices (null without a vcore price).
-- Needs the settings tables and figure_macros (team_of, prices, use_cost).
-- @param job_ids   the jobs' ids (application ids, Slurm job ids)
-- @param cluster   the cluster, or null for any
select
  j.cluster, j.job_id, j.source, j.name, j.job_key, j."user", j.queue, j.account, j.app_type,
  j.state, j.raw_state, j.exit_code, j.diagnostics, d.failure_reason,
  team_of(j."user", j.queue, j.account) as team,
  j.submit_time, j.start_time, j.end_time,
  j.elapsed_s,
  j.vcore_seconds / 3600 as vcore_hours,
  j.memory_mb_seconds / 1024 / 3600 as memory_gb_hours,
  j.gpu_seconds / 3600 as gpu_hours,
  use_cost(coalesce(j.vcore_seconds, 0), coalesce(j.memory_mb_seconds, 0), coalesce(j.gpu_seconds, 0),
    pr.vcore_hour, pr.memory_gb_hour, pr.gpu_hour) as cost,
  pr.currency
from jobs j
left join app_details d on d.cluster = j.cluster and d.job_id = j.job_id
left join prices pr on true
where j.job_id in (select unnest(cast($job_ids as varchar[]))) and ($cluster is null or j.cluster = $cluster)
order by j.cluster, j.job_id
