-- rejected_rows_summary: one row per cluster and input format with rows kept in rejected_rows.
-- No parameters.
select cluster, format, count(*) as rejected_rows
from rejected_rows
group by cluster, format
order by cluster, format
