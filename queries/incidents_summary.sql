-- incidents_summary: one row per cluster with incidents — how many, by severity, and the
-- span from the first start to the last end.
-- No parameters.
select
  cluster,
  count(*) as incidents,
  count(*) filter (where severity = 'critical') as critical,
  count(*) filter (where severity = 'major') as major,
  count(*) filter (where severity = 'minor') as minor,
  count(*) filter (where severity = 'maintenance') as maintenance,
  min(start_time) as first_start,
  max(end_time) as last_end
from incidents
group by cluster
order by cluster
