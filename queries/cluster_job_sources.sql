-- cluster_job_sources: one row per source of the cluster's job records (yarn, slurm, swf,
-- canonical, spark, mapreduce …) with how many jobs it gave, most first. The figures call a
-- cluster's compute "CPU-hours" when its jobs come from an HPC scheduler, else "vcore-hours".
-- @param cluster  the cluster
select source, count(*) as jobs
from jobs
where cluster = $cluster
group by source
order by jobs desc, source
