/**
 * The SQL that makes the figures benchmark's warehouse (figures-warehouse.ts), table by table,
 * from row numbers: every "random" value is hash(i, salt), so it is the same on every machine
 * with the same DuckDB. Lists (users, teams, diagnostics …) are bound as parameters.
 */

export const SEED = 20261001;
export const YARN_KEYS = 45_000;
export const SLURM_KEYS = 5_000;
/** The job rate at the end of the history is 1 + GROWTH times that at its start. */
const GROWTH = 0.8;
const START = '2024-09-30 00:00:00';
const END = '2026-10-01 12:00:00';

// Diagnostics: what a failed YARN application's diagnostics say. Placeholders: {app} {att}
// {cont} {task} {vertex} {host} {ip} {ts} {n} {n2} {mb} {path} {table} {user}.

const TRACKING = 'For more detailed output, check the application tracking page: http://rm1.dc1.example.com:8088/cluster/app/{app} Then click on links to logs of each attempt.\n. Failing the application.';
export const FAILURES = [
  `Application {app} failed 2 times due to AM Container for {att} exited with  exitCode: -104\nFailing this attempt.Diagnostics: [{ts}]Container [pid={n2},containerID={cont}] is running {mb}MB beyond the 'PHYSICAL' memory limit. Current usage: 4.{n} GB of 4 GB physical memory used; 6.1 GB of 8.4 GB virtual memory used. Killing container.\nDump of the process-tree for {cont} :\n\t|- PID PPID PGRPID SESSID CMD_NAME USER_MODE_TIME(MILLIS) SYSTEM_TIME(MILLIS) VMEM_USAGE(BYTES) RSSMEM_USAGE(PAGES) FULL_CMD_LINE\nContainer killed on request. Exit code is 143\nContainer exited with a non-zero exit code 143. \n${TRACKING}`,
  `Application {app} failed 2 times due to AM Container for {att} exited with  exitCode: 1\nFailing this attempt.Diagnostics: [{ts}]Exception from container-launch.\nContainer id: {cont}\nExit code: 1\nStack trace: ExitCodeException exitCode=1:\n\tat org.apache.hadoop.util.Shell.runCommand(Shell.java:1008)\n\tat org.apache.hadoop.util.Shell.run(Shell.java:901)\n\tat org.apache.hadoop.yarn.server.nodemanager.containermanager.launcher.ContainerLaunch.call(ContainerLaunch.java:309)\n${TRACKING}`,
  `Application {app} failed 2 times due to AM Container for {att} exited with  exitCode: -100\nFailing this attempt.Diagnostics: Container released on a *lost* node {host}:8041\n${TRACKING}`,
  `Application {app} failed 2 times due to Error launching {att}. Got exception: java.net.ConnectException: Call From rm1.dc1.example.com/10.20.0.11 to {host}:8041 failed on connection exception: java.net.ConnectException: Connection refused; For more details see:  http://wiki.apache.org/hadoop/ConnectionRefused\n\tat sun.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)`,
  "User class threw exception: org.apache.spark.sql.AnalysisException: Table or view not found: {table}; line 1 pos {n};\n'Project [*]\n+- 'UnresolvedRelation [{table}], [], false\n",
  "User class threw exception: org.apache.spark.sql.AnalysisException: Column 'event_ts' does not exist. Did you mean one of the following? [{table}.event_time, {table}.event_id, {table}.dt]; line {n} pos 7;\n'Aggregate ['dt], ['dt, count(1) AS n#{n2}L]",
  "User class threw exception: org.apache.spark.sql.catalyst.parser.ParseException: \nmismatched input 'FROM' expecting <EOF>(line 1, pos {n})\n\n== SQL ==\nSELECT dt, count(*) FROM FROM {table} GROUP BY dt\n---------------------^^^\n",
  'User class threw exception: org.apache.spark.SparkException: Job aborted due to stage failure: Task {n} in stage 3.0 failed 4 times, most recent failure: Lost task {n}.3 in stage 3.0 (TID {n2}) ({host} executor 17): ExecutorLostFailure (executor 17 exited caused by one of the running tasks) Reason: Container from a bad node: {cont} on host: {host}. Exit status: 143. Diagnostics: [{ts}]Container killed on request. Exit code is 143\nDriver stacktrace:',
  'User class threw exception: org.apache.spark.SparkException: Job aborted due to stage failure: Total size of serialized results of {n} tasks (1024.{n2} MiB) is bigger than spark.driver.maxResultSize (1024.0 MiB)',
  'User class threw exception: org.apache.spark.shuffle.FetchFailedException: Failed to connect to {host}/{ip}:7337\n\tat org.apache.spark.storage.ShuffleBlockFetcherIterator.throwFetchFailedException(ShuffleBlockFetcherIterator.scala:770)\nCaused by: java.io.IOException: Failed to connect to {host}/{ip}:7337',
  'User class threw exception: java.lang.OutOfMemoryError: GC overhead limit exceeded\n\tat java.util.Arrays.copyOf(Arrays.java:3236)\n\tat java.io.ByteArrayOutputStream.grow(ByteArrayOutputStream.java:118)',
  'User class threw exception: java.util.concurrent.TimeoutException: Futures timed out after [300 seconds]\n\tat scala.concurrent.impl.Promise$DefaultPromise.ready(Promise.scala:259)\n\tat org.apache.spark.sql.execution.exchange.BroadcastExchangeExec.doExecuteBroadcast(BroadcastExchangeExec.scala:{n})',
  'User class threw exception: java.io.FileNotFoundException: File does not exist: hdfs://nameservice1{path}/part-{n2}-c000.snappy.parquet\nIt is possible the underlying files have been updated. You can explicitly invalidate the cache in Spark by running \'REFRESH TABLE tableName\' command in SQL or by recreating the Dataset/DataFrame involved.',
  'User class threw exception: org.apache.hadoop.security.AccessControlException: Permission denied: user={user}, access=WRITE, inode="{path}":hdfs:supergroup:drwxr-xr-x\n\tat org.apache.hadoop.hdfs.server.namenode.FSPermissionChecker.check(FSPermissionChecker.java:{n})',
  'User class threw exception: org.apache.hadoop.hdfs.protocol.DSQuotaExceededException: The DiskSpace quota of {path} is exceeded: quota = 10995116277760 B = 10 TB but diskspace consumed = 1099{n2}2345678 B = 10.00 TB',
  'User class threw exception: org.apache.hadoop.ipc.RemoteException(org.apache.hadoop.hdfs.server.namenode.SafeModeException): Cannot create directory {path}/_temporary/0. Name node is in safe mode.\nThe reported blocks {n2} needs additional {n} blocks to reach the threshold 0.9990 of total blocks 4{n2}.',
  "User class threw exception: java.lang.IllegalArgumentException: Wrong FS: s3a://datalake-{n}/raw{path}, expected: hdfs://nameservice1",
  'User class threw exception: org.apache.parquet.io.ParquetDecodingException: Can not read value at 0 in block -1 in file hdfs://nameservice1{path}/part-{n2}.snappy.parquet',
  'User class threw exception: org.apache.kafka.common.errors.TimeoutException: Timeout of 60000ms expired before the position for partition events-{n} could be determined',
  'User class threw exception: org.apache.hadoop.hive.metastore.api.MetaException: Timeout when executing method: get_partitions_by_filter; {n2}ms exceeds 600000ms',
  'User class threw exception: java.lang.NullPointerException\n\tat com.example.etl.jobs.Transform$.apply(Transform.scala:{n})\n\tat com.example.etl.Main$.main(Main.scala:{n2})',
  'User application exited with status 1',
  'User application exited with status 137',
  'Task failed {task}\nJob failed as tasks failed. failedMaps:{n} failedReduces:0 killedMaps:0 killedReduces: 0\n',
  'Job commit failed: java.io.IOException: Failed to rename hdfs://nameservice1{path}/_temporary/1/{task} to hdfs://nameservice1{path}/part-{n2}',
  "Vertex failed, vertexName=Map 1, vertexId={vertex}, diagnostics=[Task failed, taskId={task}, diagnostics=[TaskAttempt 3 failed, info=[Error: Error while running task ( failure ) : java.lang.OutOfMemoryError: Java heap space\n\tat org.apache.hadoop.io.BoundedByteArrayOutputStream.<init>(BoundedByteArrayOutputStream.java:56)]], Vertex did not succeed due to OWN_TASK_FAILURE, failedTasks:1 killedTasks:{n}, Vertex {vertex} [Map 1] killed/failed due to:OWN_TASK_FAILURE]",
  "Vertex failed, vertexName=Reducer 2, vertexId={vertex}, diagnostics=[Task failed, taskId={task}, diagnostics=[TaskAttempt 0 failed, info=[Error: Error while running task ( failure ) : java.lang.RuntimeException: org.apache.hadoop.hive.ql.metadata.HiveException: Hive Runtime Error while processing row (tag=0) {\"key\":{\"reducesinkkey0\":{n2}}}]]]",
  'Shell error: Main class [org.apache.oozie.action.hadoop.ShellMain], exit code [1]',
  'Main class [org.apache.oozie.action.hadoop.SqoopMain], exit code [1]\nError: java.io.IOException: SQLException in nextKeyValue\nCaused by: com.mysql.jdbc.exceptions.jdbc4.CommunicationsException: Communications link failure\n\nThe last packet successfully received from the server was {n2} milliseconds ago.',
  'Application {app} submitted by user {user} to unknown queue: root.{table}',
];
export const KILLS = [
  'Application killed by user.',
  'Application {app} was killed by user {user} at {ip}',
  'Killed by application timeout (LIFETIME); lifetime exceeded.',
  'Application killed by the ApplicationMaster.',
];

export const TABLES = ['fact_orders', 'fact_clicks', 'dim_customer', 'dim_product', 'sessions', 'events_raw', 'payments', 'inventory', 'ad_impressions', 'user_features', 'search_queries', 'shipments'];
export const DBS = ['dw', 'staging', 'mart', 'raw', 'ml', 'reporting'];
export const SLURM_NAMES = ['vasp_relax', 'lammps_md', 'gromacs_run', 'train.py', 'run_sim.sh', 'jupyter', 'cp2k', 'wrf_forecast', 'snakemake', 'nextflow', 'matlab_batch', 'R_batch', 'bash', 'interactive', 'array_job', 'openfoam_case', 'namd', 'orca_opt', 'hisat2_align', 'cryosparc'];
export const INCIDENT_TITLES = [
  'NameNode failover', 'ResourceManager restart after OOM', 'Rack switch failure', 'HDFS upgrade (rolling)', 'Kerberos KDC outage',
  'Hive Metastore unresponsive', 'Datacenter power maintenance', 'Network partition between racks', 'ZooKeeper quorum lost', 'OS patching',
  'Slurm controller failover', 'Lustre metadata server hang', 'InfiniBand fabric errors', 'Cooling failure, nodes drained', 'Scheduler upgrade',
  'Disk firmware bug, DataNodes restarted',
];

// ---------------------------------------------------------------------------------------------
// The SQL

/** Uniform [0, 1) and log-uniform values from a row number and a salt. */
export const MACROS = `
create or replace temp macro u01(i, s) as hash(i, s, ${SEED}) / 18446744073709551616.0;
create or replace temp macro logu(lo, hi, u) as exp(ln(lo) + u * (ln(hi) - ln(lo)));
create or replace temp macro pick(xs, u) as xs[1 + cast(floor(u * len(xs)) as integer)];
-- The start of the i-th of n runs, when the rate grows linearly by ${GROWTH * 100}% over the history.
create or replace temp macro run_start(i, n, jitter_s) as
  timestamp '${START}' + to_microseconds(cast(
    (sqrt(1 + 2 * ${GROWTH} * ((i + 0.5) / n) * (1 + ${GROWTH} / 2)) - 1) / ${GROWTH}
      * (epoch_us(timestamp '${END}') - epoch_us(timestamp '${START}')) + jitter_s * 1e6 as bigint));
`;

export const YARN_KEYS_SQL = `
create or replace temp table bench_keys as
with k as (
  select i as k, u01(i, 1) as a, u01(i, 2) as b, u01(i, 3) as c, u01(i, 4) as d, u01(i, 5) as e, u01(i, 6) as f, u01(i, 7) as g, u01(i, 8) as h
  from range(${YARN_KEYS}) t(i)
),
owned as (
  select *,
    case when a < 0.28 then 'service' when a < 0.285 then 'hdfs' when a < 0.287 then 'yarn' else 'user' end as owner_kind,
    cast(floor(pow(b, 1.4) * len($users)) as integer) + 1 as ui,
    case when c < 0.30 then 'airflow' when c < 0.50 then 'daily' when c < 0.75 then 'hive' when c < 0.85 then 'oozie' else 'adhoc' end as kind,
    pick($tables, d) as tbl,
    pick($dbs, e) as db
  from k
),
who as (
  select *,
    case owner_kind when 'service' then pick($services, b) when 'user' then $users[ui] else owner_kind end as owner,
    case owner_kind when 'user' then cast($user_teams[ui] as integer) else -1 end as team
  from owned
),
placed as (
  select *,
    case
      when owner_kind <> 'user' then pick($service_queues, f)
      when team < 0 or f < 0.05 then pick(['default', 'adhoc'], g)
      when team % 2 = 0 and (kind = 'adhoc' or f < 0.15) then 'root.' || $teams[team + 1] || '.adhoc'
      else 'root.' || $teams[team + 1] || '.batch'
    end as queue
  from who
)
select
  k, kind, owner, queue,
  case kind when 'hive' then (case when g < 0.75 then 'TEZ' else 'MAPREDUCE' end) when 'oozie' then 'MAPREDUCE'
            else (case when g < 0.92 then 'SPARK' else 'MAPREDUCE' end) end as app_type,
  case kind
    when 'airflow' then 'spark_' || tbl || '_' || k
    when 'daily' then 'etl_' || tbl || '_' || k || '_daily_'
    when 'hive' then 'INSERT OVERWRITE TABLE ' || db || '.' || tbl || '_' || k || ' PARTITION(dt='''
    when 'oozie' then 'oozie:launcher:T=shell:W=wf_' || db || '_' || tbl || '_' || k || ':A=extract_' || tbl || ':ID='
    else pick(['Spark shell', 'PySparkShell', 'livy-session-', 'HIVE-'], h)
  end as name_base,
  case kind
    when 'airflow' then 'wf:' || db || '_' || tbl || '_' || k
    when 'daily' then 'etl_' || tbl || '_' || k || '_daily_<date> [' || owner || '@' || queue || ']'
    when 'hive' then 'INSERT OVERWRITE TABLE ' || db || '.' || tbl || '_' || k || ' PARTITION(dt=''<date>'')(Stage-<n>) [' || owner || '@' || queue || ']'
    when 'oozie' then 'oozie:launcher:T=shell:W=wf_' || db || '_' || tbl || '_' || k || ':A=extract_' || tbl || ':ID=<oozie-id> [' || owner || '@' || queue || ']'
    else pick(['Spark shell', 'PySparkShell', 'livy-session-<n>', 'HIVE-<uuid>'], h) || ' [' || owner || '@' || queue || ']'
  end as job_key,
  db || '.' || tbl as tbl,
  '/data/' || coalesce($teams[team + 1], 'shared') || '/' || tbl as dir,
  case kind when 'hive' then logu(20, 3600, d) when 'oozie' then logu(30, 1800, d) when 'adhoc' then logu(300, 14400, d) else logu(60, 7200, d) end as base_s,
  -- containers: sized so the cluster runs at about two thirds of its capacity
  0.68 * case kind when 'hive' then logu(2, 1600, e) when 'oozie' then logu(1, 200, e) when 'adhoc' then logu(2, 60, e) else logu(4, 3000, e) end as width,
  pick([2048, 3072, 4096, 6144, 8192], f) as mb_per_vcore,
  case when kind in ('airflow', 'daily') and h < 0.03 then 1 + cast(floor(g * 16) as integer) else 0 end as gpus,
  case when a * 7919 % 1 < 0.80 then 0.005 + 0.025 * h
       when a * 7919 % 1 < 0.95 then 0.05 + 0.25 * h
       when a * 7919 % 1 < 0.99 then 0.3 + 0.6 * h
       else 1.0 end as fail_rate,
  0.005 + 0.02 * g as kill_rate,
  1 + cast(floor(c * 104729 % 1 * len($failures)) as integer) as tid
from placed`;

/** Runs [lo, hi) of n on the YARN cluster. */
export const YARN_JOBS_SQL = `
insert into jobs by name
with r as (
  select i,
    run_start(i, $n, (u01(i, 10) - 1) * 120) as start_time,
    cast(floor(${YARN_KEYS} * pow(u01(i, 11), 2)) as bigint) as k,
    u01(i, 12) as roll, u01(i, 13) as x1, u01(i, 14) as x2, u01(i, 15) as x3, u01(i, 16) as x4,
    cast(floor(i * 6 / $n) as bigint) as rm_epoch
  from range($lo, $hi) t(i)
),
timed as (
  select r.*, kk.* exclude (k),
    1727568000000 + rm_epoch * 10512000000 + 123456 as cluster_ts,
    i - cast(ceil(rm_epoch * $n / 6) as bigint) + 1 as seq,
    case when roll < kk.fail_rate then 'FAILED' when roll < kk.fail_rate + kk.kill_rate then 'KILLED' else 'SUCCEEDED' end as outcome,
    kk.base_s * logu(0.4, 2.5, x1) * (case when roll < kk.fail_rate + kk.kill_rate then logu(0.05, 1, x2) else 1 end) as run_s
  from r join bench_keys kk using (k)
),
ids as (
  select *,
    'application_' || cluster_ts || '_' || (case when seq < 10000 then lpad(seq::varchar, 4, '0') else seq::varchar end) as job_id,
    cluster_ts || '_' || (case when seq < 10000 then lpad(seq::varchar, 4, '0') else seq::varchar end) as app_num,
    start_time + to_microseconds(cast(run_s * 1e6 as bigint)) > timestamp '${END}' as running
  from timed
)
select
  'hadoop' as cluster,
  job_id,
  'yarn' as source,
  case kind
    when 'daily' then name_base || strftime(start_time, '%Y%m%d')
    when 'hive' then name_base || strftime(start_time, '%Y-%m-%d') || ''')(Stage-' || (1 + i % 3) || ')'
    when 'oozie' then name_base || lpad(cast(i % 9999999 as varchar), 7, '0') || '-' || strftime(start_time, '%y%m%d%H%M%S') || '000-oozie-oozi-W'
    when 'adhoc' then (case name_base when 'livy-session-' then name_base || (i % 40000)
                                      when 'HIVE-' then name_base || printf('%08x-%04x-%04x-%04x-%012x', hash(i, 2) % 4294967296, hash(i, 3) % 65536, hash(i, 4) % 65536, hash(i, 5) % 65536, hash(i, 6) % 281474976710656)
                                      else name_base end)
    else name_base
  end as name,
  job_key,
  owner as "user",
  queue,
  app_type,
  case when running then 'RUNNING' else outcome end as state,
  case when running then 'RUNNING/UNDEFINED' when outcome = 'SUCCEEDED' then 'FINISHED/SUCCEEDED'
       when outcome = 'KILLED' then 'KILLED/KILLED' when x3 < 0.7 then 'FINISHED/FAILED' else 'FAILED/FAILED' end as raw_state,
  start_time - to_microseconds(cast(logu(0.3, 900, x4) * 1e6 as bigint)) as submit_time,
  start_time,
  case when not running then start_time + to_microseconds(cast(run_s * 1e6 as bigint)) end as end_time,
  round(logu(0.3, 900, x4), 3) as wait_s,
  case when running then epoch(timestamp '${END}' - start_time) else round(run_s, 3) end as elapsed_s,
  case when running then round(width) end as alloc_cpus,
  case when running then round(width) * mb_per_vcore end as alloc_memory_mb,
  case when running then gpus end as alloc_gpus,
  round(width * logu(0.5, 2, x3) * (case when running then epoch(timestamp '${END}' - start_time) else run_s end)) as vcore_seconds,
  round(width * logu(0.5, 2, x3) * (case when running then epoch(timestamp '${END}' - start_time) else run_s end)) * mb_per_vcore as memory_mb_seconds,
  case when gpus > 0 then round(gpus * run_s) else 0 end as gpu_seconds,
  case when not running and outcome = 'FAILED' then
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
      $failures[case when x2 < 0.8 then tid else 1 + cast(floor(x1 * len($failures)) as integer) end],
      '{app}', job_id), '{att}', 'appattempt_' || app_num || '_000002'), '{cont}', 'container_e' || (11 + rm_epoch) || '_' || app_num || '_02_000001'),
      '{task}', 'task_' || app_num || '_m_' || lpad(cast(i % 2000 as varchar), 6, '0')), '{vertex}', 'vertex_' || app_num || '_1_00'),
      '{host}', 'worker' || lpad(cast(1 + i * 7 % 1700 as varchar), 4, '0') || '.dc1.example.com'), '{ip}', '10.20.' || (i % 13) || '.' || (i % 251)),
      '{ts}', strftime(start_time, '%Y-%m-%d %H:%M:%S.') || lpad(cast(i % 1000 as varchar), 3, '0')), '{n2}', cast(1000 + i % 99991 as varchar)), '{n}', cast(i % 97 as varchar)),
      '{mb}', cast(10 + i % 900 as varchar)), '{path}', dir || '/dt=' || strftime(start_time, '%Y-%m-%d')), '{table}', tbl), '{user}', owner)
  when not running and outcome = 'KILLED' then
    replace(replace(replace($kills[1 + cast(floor(x2 * len($kills)) as integer)], '{app}', job_id), '{user}', owner), '{ip}', '10.20.' || (i % 13) || '.' || (i % 251))
  end as diagnostics,
  case kind
    when 'airflow' then ['airflow_dag_id:' || substr(job_key, 4), 'airflow_task_id:spark_submit', 'airflow_run_id:scheduled__' || strftime(start_time, '%Y-%m-%dT%H:00:00+00:00')]
    when 'oozie' then ['oozie-' || printf('%016x', hash(i)) || printf('%016x', hash(i, 1))]
  end as tags,
  json_object('amHostHttpAddress', 'worker' || lpad(cast(1 + i * 13 % 1700 as varchar), 4, '0') || '.dc1.example.com:8042', 'priority', 0,
              'logAggregationStatus', case when running then 'NOT_START' else 'SUCCEEDED' end,
              'numNonAMContainerPreempted', cast(x4 < 0.02 as integer) * (i % 7), 'unmanagedApplication', false) as extra
from ids
order by i`;

export const SLURM_KEYS_SQL = `
create or replace temp table bench_slurm_keys as
with k as (
  select i as k, u01(i, 21) as a, u01(i, 22) as b, u01(i, 23) as c, u01(i, 24) as d, u01(i, 25) as e, u01(i, 26) as f, u01(i, 27) as g, u01(i, 28) as h
  from range(${SLURM_KEYS}) t(i)
),
shaped as (
  select *,
    cast(floor(pow(a, 1.3) * len($hpc_users)) as integer) + 1 as ui,
    case when b < 0.70 then 'compute' when b < 0.80 then 'bigmem' when b < 0.92 then 'gpu' else 'debug' end as partition,
    pick($slurm_names, c) || case when d < 0.5 then '_' || (k % 50) else '' end as job_name
  from k
),
sized as (
  select *,
    case partition when 'debug' then logu(1, 16, e) when 'bigmem' then logu(8, 128, e) when 'gpu' then logu(4, 64, e) else logu(3, 768, e) end as cpus_f,
    case partition when 'debug' then logu(30, 1800, f) else logu(120, 86400, f) end as base_s
  from shaped
)
select
  k, job_name, $hpc_users[ui] as owner, $hpc_accounts[ui] as account, partition,
  job_name || ' [' || $hpc_users[ui] || '@' || partition || ']' as job_key,
  round(cpus_f) as cpus,
  case when partition = 'gpu' then 1 + cast(floor(g * 8) as integer) else 0 end as gpus,
  base_s,
  -- users ask for far more time than they use: the smallest usual limit above base × 1.2–20
  coalesce(list_filter([1800, 3600, 14400, 43200, 86400, 172800, 259200], lambda x: x >= base_s * logu(1.2, 20, g))[1], 259200) as limit_s,
  round(cpus_f) * (case partition when 'bigmem' then 32000 else pick([2000, 4000, 4000, 8000, 16000], h) end) as req_mb,
  logu(0.03, 0.95, h * 31 % 1) as rss_frac,
  logu(0.1, 0.98, d * 17 % 1) as cpu_eff,
  case when a * 7919 % 1 < 0.8 then 0.01 + 0.03 * e when a * 7919 % 1 < 0.97 then 0.05 + 0.3 * e else 1.0 end as fail_rate,
  0.08 * pow(f * 13 % 1, 3) as timeout_rate,
  0.03 * pow(g * 11 % 1, 2) as oom_rate
from sized`;

export const SLURM_JOBS_SQL = `
insert into jobs by name
with r as (
  select i,
    run_start(i, $n, (u01(i, 30) - 1) * 600) as start_time,
    cast(floor(${SLURM_KEYS} * pow(u01(i, 31), 2)) as bigint) as k,
    u01(i, 32) as roll, u01(i, 33) as x1, u01(i, 34) as x2, u01(i, 35) as x3
  from range($lo, $hi) t(i)
),
judged as (
  select r.*, kk.* exclude (k),
    case
      when roll < fail_rate then 'FAILED'
      when roll < fail_rate + timeout_rate then 'TIMEOUT'
      when roll < fail_rate + timeout_rate + oom_rate then 'OUT_OF_MEMORY'
      when roll < fail_rate + timeout_rate + oom_rate + 0.002 then 'NODE_FAIL'
      when roll < fail_rate + timeout_rate + oom_rate + 0.032 then 'KILLED'
      when partition = 'gpu' and roll < fail_rate + timeout_rate + oom_rate + 0.045 then 'PREEMPTED'
      else 'SUCCEEDED'
    end as outcome
  from r join bench_slurm_keys kk using (k)
),
timed as (
  select *,
    case outcome when 'TIMEOUT' then limit_s
                 when 'SUCCEEDED' then least(base_s * logu(0.3, 2, x1), limit_s * 0.98)
                 else least(base_s * logu(0.3, 2, x1), limit_s * 0.98) * logu(0.02, 1, x2) end as run_s
  from judged
),
flagged as (
  select *, start_time + to_microseconds(cast(run_s * 1e6 as bigint)) > timestamp '${END}' as running,
    case when start_time + to_microseconds(cast(run_s * 1e6 as bigint)) > timestamp '${END}' then epoch(timestamp '${END}' - start_time) else round(run_s) end as el
  from timed
)
select
  'hpc' as cluster,
  cast(3000000 + i as varchar) as job_id,
  'slurm' as source,
  job_name as name,
  job_key,
  owner as "user",
  partition as queue,
  account,
  'SLURM' as app_type,
  case when running then 'RUNNING' else outcome end as state,
  case when running then 'RUNNING' when outcome = 'SUCCEEDED' then 'COMPLETED' when outcome = 'KILLED' then 'CANCELLED by ' || (10000 + k % 3000)
       else outcome end as raw_state,
  start_time - to_microseconds(cast(logu(1, 36000, x3) * 1e6 as bigint)) as submit_time,
  start_time,
  case when not running then start_time + to_microseconds(cast(el * 1e6 as bigint)) end as end_time,
  round(logu(1, 36000, x3)) as wait_s,
  el as elapsed_s,
  cpus as alloc_cpus,
  req_mb as alloc_memory_mb,
  gpus as alloc_gpus,
  el * cpus as vcore_seconds,
  el * req_mb as memory_mb_seconds,
  el * gpus as gpu_seconds,
  req_mb as req_memory_mb,
  case when outcome = 'OUT_OF_MEMORY' then req_mb else round(least(req_mb, req_mb * rss_frac * logu(0.7, 1.3, x2))) end as max_rss_mb,
  round(el * cpus * cpu_eff) as total_cpu_s,
  limit_s as time_limit_s,
  case when outcome = 'FAILED' then 1 else 0 end as exit_code,
  json_object('nodelist', 'cn' || lpad(cast(i % 540 as varchar), 4, '0'), 'nnodes', cast(greatest(1, ceil(cpus / 64)) as varchar), 'qos', case when partition = 'debug' then 'debug' else 'normal' end) as extra
from flagged
order by i`;

export const CAPACITY_SQL = `
insert into capacity_snapshots by name
with t as (
  select unnest(generate_series(timestamp '${START}', timestamp '2025-09-30 00:00:00', interval 1 day)) as t_at
  union all
  select unnest(generate_series(timestamp '2025-10-01 00:00:00', timestamp '${END}', interval 1 hour))
),
n as (
  select t_at, row_number() over (order by t_at) as i,
    case when t_at < timestamp '2025-03-03' then 1500 when t_at < timestamp '2025-11-17' then 1600 else 1700 end as nodes
  from t
),
h as (
  select *, cast(floor(u01(i, 41) * 6) as integer) as unhealthy, cast(floor(pow(u01(i, 42), 8) * 40) as integer) as lost,
    cast(floor(u01(i, 43) * 4) as integer) as decommissioned, u01(i, 44) as busy
  from n
)
select
  'hadoop' as cluster,
  t_at + to_microseconds(cast(1e6 + u01(i, 45) * 4e6 as bigint)) as taken_at,
  (nodes - unhealthy - lost - decommissioned) * 48 as total_vcores,
  (nodes - unhealthy - lost - decommissioned) * 262144 as total_memory_mb,
  case when t_at < timestamp '2025-06-02' then 96 else 128 end as total_gpus,
  nodes as total_nodes,
  nodes - unhealthy - lost - decommissioned as active_nodes,
  lost as lost_nodes, unhealthy as unhealthy_nodes, decommissioned as decommissioned_nodes, 0 as rebooted_nodes,
  cast(200 + busy * 900 as bigint) as apps_running,
  cast(pow(busy, 4) * 3000 as bigint) as apps_pending,
  cast((nodes - unhealthy - lost - decommissioned) * 48 * (0.45 + 0.5 * busy) as bigint) as allocated_vcores,
  cast((nodes - unhealthy - lost - decommissioned) * 262144 * (0.40 + 0.5 * busy) as bigint) as allocated_memory_mb
from h`;

export const INCIDENTS_SQL = `
insert into incidents by name
with raw as (
  select i, case when i >= 40 then i - 40 else i end as base from range(46) t(i)
),
placed as (
  select i,
    case when base % 3 = 0 then 'hpc' else 'hadoop' end as cluster,
    timestamp '${START}' + to_microseconds(cast(u01(base, 51) * (epoch_us(timestamp '${END}') - epoch_us(timestamp '${START}')) as bigint))
      + case when i >= 40 then interval 25 minute else interval 0 minute end as start_time,
    logu(900, 43200, u01(i, 52)) as seconds,
    u01(i, 53) as s
  from raw
)
select cluster, start_time, start_time + to_microseconds(cast(seconds * 1e6 as bigint)) as end_time,
  case when i >= 40 then 'major' when s < 0.12 then 'critical' when s < 0.42 then 'major' when s < 0.8 then 'minor' else 'maintenance' end as severity,
  pick($titles, u01(i, 54)) as title,
  i + 1 as line
from placed`;

export const STORAGE_SNAPSHOTS_SQL = `
insert into storage_snapshots by name
with d as (
  select unnest(generate_series(timestamp '${START}', timestamp '2026-10-01 00:00:00', interval 1 day)) as day
),
n as (
  select day, row_number() over (order by day) as i, epoch(day - timestamp '${START}') / epoch(timestamp '${END}' - timestamp '${START}') as x,
    case when day < timestamp '2025-03-03' then 1500 when day < timestamp '2025-11-17' then 1600 else 1700 end as nodes
  from d
)
select
  'hadoop' as cluster,
  day + interval 6 hour + to_microseconds(cast(u01(i, 61) * 60e6 as bigint)) as taken_at,
  cast(nodes * 12 * 8e12 * 0.97 as bigint) as capacity_bytes,
  cast(1500 * 12 * 8e12 * (0.56 + 0.26 * x + 0.004 * sin(i / 7.0) + 0.002 * u01(i, 62)) as bigint) as used_bytes,
  cast(nodes * 12 * 8e12 * 0.97 - 1500 * 12 * 8e12 * (0.56 + 0.26 * x + 0.004 * sin(i / 7.0) + 0.002 * u01(i, 62)) - nodes * 12 * 8e12 * 0.01 as bigint) as remaining_bytes,
  cast(nodes * 12 * 8e12 * 0.01 as bigint) as non_dfs_used_bytes,
  cast(280e6 + 150e6 * x + u01(i, 63) * 2e6 as bigint) as files,
  cast(300e6 + 160e6 * x + u01(i, 64) * 2e6 as bigint) as blocks,
  cast(case when u01(i, 65) < 0.02 then u01(i, 66) * 40 else 0 end as bigint) as missing_blocks,
  cast(u01(i, 67) * 8000 as bigint) as under_replicated_blocks,
  0 as corrupt_blocks,
  nodes - cast(floor(u01(i, 68) * 5) as integer) as live_datanodes,
  cast(floor(u01(i, 68) * 5) as integer) as dead_datanodes,
  0 as decommissioning_datanodes
from n`;

/** hdfs dfs -du of some 300 directories every day: team data, homes, Hive databases; most grow, some shrink. */
export const STORAGE_USAGE_SQL = `
insert into storage_usage by name
with days as (
  select cast(unnest(generate_series(timestamp '2024-10-01', timestamp '2026-09-30', interval 1 day)) as date) as as_of
),
dirs as (
  select '/data/' || $teams[1 + i // 4] || '/' || $tables[1 + i % len($tables)] as path, i from range(160) t(i)
  union all select '/user/' || $users[1 + i * 11], 1000 + i from range(120) t(i)
  union all select '/apps/hive/warehouse/' || $dbs[1 + i % len($dbs)] || '_' || i || '.db', 2000 + i from range(36) t(i)
),
sized as (
  select d.as_of, r.path, r.i,
    logu(1e10, 4e14, u01(r.i, 91)) as base,
    logu(0.05, 3, u01(r.i, 92)) - 0.3 as growth,
    date_diff('day', date '2024-10-01', d.as_of) / 730.0 as x
  from days d, dirs r
)
select 'hadoop' as cluster, as_of, 'hdfs-du' as source, path,
  cast(base * greatest(0.05, 1 + growth * x + 0.01 * sin(i + x * 40)) as bigint) as bytes,
  cast(3 * base * greatest(0.05, 1 + growth * x + 0.01 * sin(i + x * 40)) as bigint) as disk_bytes
from sized`;

/** fsimage rollups at depth 3 on six dates: team data, homes, Hive, logs, scratch, backups. */
export const STORAGE_ROLLUPS_SQL = `
insert into storage_rollups by name
with dates as (
  select unnest(['2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-09-15']::date[]) as as_of
),
dirs as (
  select '/data/' || $teams[1 + i // 4] || '/' || $tables[1 + i % len($tables)] as dir, pick(['svc_ingest', 'svc_etl'], u01(i, 71)) as owner, $teams[1 + i // 4] as group_name, 'data' as kind, i from range(160) t(i)
  union all select '/user/' || $users[1 + i * 11], $users[1 + i * 11], 'users', 'home', 1000 + i from range(260) t(i)
  union all select '/apps/hive/warehouse/' || $dbs[1 + i % len($dbs)] || '_' || i || '.db', 'hive', 'hadoop', 'hive', 2000 + i from range(36) t(i)
  union all select '/app-logs/' || $users[1 + i * 29] || '/logs-tfile', $users[1 + i * 29], 'hadoop', 'logs', 3000 + i from range(90) t(i)
  union all select '/tmp/hive/' || $users[1 + i * 37], $users[1 + i * 37], 'hadoop', 'tmp', 4000 + i from range(40) t(i)
  union all select '/backup/' || pick(['mysql-orders', 'postgres-crm', 'ldap', 'kafka-mirror', 'es-snapshots'], i / 5), 'svc_etl', 'hadoop', 'backup', 5000 + i from range(5) t(i)
),
sized as (
  select d.as_of, r.*, date_diff('day', date '2026-04-01', d.as_of) / 180.0 as grow,
    case kind when 'data' then logu(2e3, 4e5, u01(i, 72)) when 'home' then logu(10, 2e5, u01(i, 73)) when 'hive' then logu(1e4, 8e5, u01(i, 74))
              when 'logs' then logu(1e4, 3e6, u01(i, 75)) when 'tmp' then logu(100, 5e4, u01(i, 76)) else logu(20, 400, u01(i, 77)) end as files_f,
    case kind when 'data' then logu(1e8, 4e9, u01(i, 78)) when 'home' then logu(1e5, 5e9, u01(i, 79)) when 'hive' then logu(5e7, 2e9, u01(i, 80))
              when 'logs' then logu(3e4, 1e6, u01(i, 81)) when 'tmp' then logu(1e4, 5e6, u01(i, 82)) else logu(1e10, 6e10, u01(i, 83)) end as avg_bytes,
    case kind when 'backup' then 0.98 when 'logs' then 0.8 when 'home' then logu(0.05, 0.9, u01(i, 84)) when 'data' then logu(0.1, 0.7, u01(i, 85)) else 0.2 end as cold
  from dates d, dirs r
)
select
  'hadoop' as cluster, as_of, dir, 3 as depth, owner, group_name,
  cast(files_f * (1 + grow) as bigint) as files,
  cast(files_f / 40 + 1 as bigint) as dirs,
  cast(files_f * (1 + grow) * avg_bytes as bigint) as bytes,
  cast(files_f * (1 + grow) * avg_bytes * (case kind when 'backup' then 2 else 3 end) as bigint) as disk_bytes,
  cast(files_f * (1 + grow) * (case when avg_bytes < 1048576 then 0.8 else 0.1 end) as bigint) as small_files,
  cast(files_f * (1 + grow) * (case when avg_bytes < 1048576 then 0.8 * avg_bytes * 0.5 else 0.1 * 300000 end) as bigint) as small_file_bytes,
  cast(files_f * (1 + grow) * avg_bytes * (1 - cold) * 0.6 as bigint) as bytes_read_0_30d,
  cast(files_f * (1 + grow) * avg_bytes * (1 - cold) * 0.4 as bigint) as bytes_read_30_90d,
  cast(files_f * (1 + grow) * avg_bytes * cold * 0.3 as bigint) as bytes_read_90_180d,
  cast(files_f * (1 + grow) * avg_bytes * cold * 0.3 as bigint) as bytes_read_180_365d,
  cast(files_f * (1 + grow) * avg_bytes * cold * 0.38 as bigint) as bytes_read_365d_plus,
  cast(files_f * (1 + grow) * avg_bytes * cold * 0.02 as bigint) as bytes_no_atime,
  as_of - interval 1 hour as last_access,
  as_of - interval 2 hour as last_modified
from sized`;

/** Spark and MapReduce history for ~1.3% of the YARN cluster's Spark and MapReduce jobs. */
export const APP_DETAILS_SQL = `
insert into app_details by name
with picked as (
  select *, hash(job_id, ${SEED}) as h
  from jobs
  where cluster = 'hadoop' and app_type in ('SPARK', 'MAPREDUCE') and hash(job_id, ${SEED}) % 1000 < 13
),
sized as (
  select *, logu(2, 600, (h >> 10) % 1000000 / 1e6) * 1048576 * greatest(elapsed_s, 1) as io_bytes, (h >> 30) % 1000 / 1000.0 as v
  from picked
)
select
  cluster, job_id,
  case app_type when 'SPARK' then 'spark-history' else 'mr-history' end as source,
  app_type as framework,
  case app_type when 'SPARK' then job_id else 'job_' || substr(job_id, 13) end as app_id,
  '1' as attempt_id, name, "user", queue, start_time, end_time,
  case state when 'RUNNING' then 'RUNNING' when 'SUCCEEDED' then 'SUCCEEDED' when 'KILLED' then 'KILLED' else 'FAILED' end as outcome,
  case when state = 'FAILED' then left(diagnostics, 200) end as failure_reason,
  cast(2 + v * 200 as bigint) as executors,
  cast(v * 10 as bigint) as executors_removed,
  case app_type when 'SPARK' then 4 end as executor_cores,
  case app_type when 'SPARK' then 8192 end as executor_memory_mb,
  case app_type when 'MAPREDUCE' then 4096 end as map_memory_mb,
  case app_type when 'MAPREDUCE' then 8192 end as reduce_memory_mb,
  case app_type when 'SPARK' then cast(1 + v * 30 as bigint) end as jobs,
  case app_type when 'SPARK' then cast(state = 'FAILED' as bigint) end as failed_jobs,
  cast(2 + v * 60 as bigint) as stages,
  cast(state = 'FAILED' as bigint) as failed_stages,
  cast(20 + v * 20000 as bigint) as tasks,
  cast(v * 40 * (state = 'FAILED')::int as bigint) as failed_tasks,
  cast(v * 12 as bigint) as killed_tasks,
  round(vcore_seconds * 0.85) as task_time_s,
  round(vcore_seconds * (0.3 + 0.6 * v)) as cpu_time_s,
  round(vcore_seconds * 0.04 * v) as gc_time_s,
  cast(io_bytes * 0.7 as bigint) as input_bytes,
  cast(io_bytes * 0.3 as bigint) as output_bytes,
  cast(io_bytes * v as bigint) as shuffle_read_bytes,
  cast(io_bytes * v as bigint) as shuffle_write_bytes,
  cast(io_bytes * v * v as bigint) as spill_disk_bytes,
  round(elapsed_s * (0.1 + 0.5 * v), 3) as task_time_max_s,
  round(elapsed_s * 0.02, 3) as task_time_median_s
from sized`;
