-- job_to_explain: the job `gazette explain` diagnoses — one row per cluster that has a job of that
-- id (several rows: the id is ambiguous without --cluster) — with what the knowledge base matches
-- on (its app_details failure reason too), its team and its compute.
-- @param job_id    the job's id (an application id, a Slurm job id)
-- @param cluster   the cluster, or null for any
select
  j.cluster, j.job_id, j.source, j.name, j.job_key, j."user", j.queue, j.account, j.app_type,
  j.state, j.raw_state, j.exit_code, j.diagnostics, d.failure_reason,
  team_of(j."user", j.queue, j.account) as team,
  j.submit_time, j.start_time, j.end_time, j.elapsed_s,
  j.vcore_seconds / 3600 as vcore_hours
from jobs j
left join app_details d on d.cluster = j.cluster and d.job_id = j.job_id
where j.job_id = $job_id and ($cluster is null or j.cluster = $cluster)
order by j.cluster
