-- feedback_record: remember the findings delivered feedback emails carried (feedback_sent), so the
-- same finding on the same job key is not sent to the same owner again within the period. One
-- statement for a whole batch (each is a commit). The lists are parallel: element i of each is one
-- finding.
-- @param clusters     each finding's cluster
-- @param job_keys     its job key (the job id where the job has none)
-- @param findings     the heuristic's name, or known_error:<id>
-- @param owners       the user it was about
-- @param job_ids      the job the email showed it on
-- @param severities   its severity
-- @param recipients   its email's To and Cc, comma-separated
-- @param message_ids  its email's Message-ID
-- @param via          outbox | smtp
-- @param now          the run's moment, UTC
insert into feedback_sent (cluster, job_key, finding, owner, job_id, severity, recipients, message_id, via, delivered_at)
select
  unnest(cast($clusters as varchar[])), unnest(cast($job_keys as varchar[])), unnest(cast($findings as varchar[])),
  unnest(cast($owners as varchar[])), unnest(cast($job_ids as varchar[])), unnest(cast($severities as varchar[])),
  unnest(cast($recipients as varchar[])), unnest(cast($message_ids as varchar[])), $via, cast($now as timestamp)
