-- kb_check_window: one row: the newest end_time of any job (of one cluster, or of all), UTC —
-- where gazette kb check's default window ends.
-- @param cluster   one cluster, or null for every cluster
select max(end_time) as newest_end
from jobs
where $cluster is null or cluster = $cluster;
