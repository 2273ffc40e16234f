-- kb_check_failures: one row per job that failed or was killed (FAILED, KILLED, TIMEOUT,
-- OUT_OF_MEMORY, NODE_FAIL, PREEMPTED) and ended in a window, with what the knowledge base
-- matches on: source, app_type, state, raw_state, exit_code, diagnostics and the application
-- detail's failure_reason; and its signature, for the list of failures no entry matches: the
-- error_signature (figure_macros) of its diagnostics and failure reasons, else its raw state
-- with numbers masked (CANCELLED by <n>), else its state.
-- Needs figure_macros (error_signature).
-- @param since     the window's first instant, UTC (a job's end_time at or after it)
-- @param until     the instant after the window, UTC
-- @param cluster   one cluster, or null for every cluster
select
  j.cluster,
  j.job_id,
  j.source,
  j.app_type,
  j.state,
  j.raw_state,
  j.exit_code,
  j.diagnostics,
  d.failure_reason,
  coalesce(
    error_signature(concat_ws(chr(10), nullif(trim(j.diagnostics), ''), nullif(trim(d.failure_reason), ''))),
    regexp_replace(j.raw_state, '[0-9]+', '<n>', 'g'),
    j.state
  ) as signature
from jobs j
left join app_details d on d.cluster = j.cluster and d.job_id = j.job_id
where j.state in ('FAILED', 'KILLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED')
  and j.end_time >= cast($since as timestamp)
  and j.end_time < cast($until as timestamp)
  and ($cluster is null or j.cluster = $cluster)
order by j.cluster, j.job_id;
