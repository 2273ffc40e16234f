/**
 * The warehouse schema: the canonical job record and the bookkeeping tables, as a list of
 * migrations. The schema version is kept in gazette_meta; opening an older file migrates
 * it, opening a newer one is refused (see open.ts).
 */

/** The canonical job columns, in table order. Other issues and user queries rely on these names. */
export const JOB_COLUMNS = [
  ['cluster', 'varchar not null'],
  ['job_id', 'varchar not null'],
  ['source', 'varchar not null'],
  ['name', 'varchar'],
  ['job_key', 'varchar'],
  ['user', 'varchar'],
  ['queue', 'varchar'],
  ['account', 'varchar'],
  ['app_type', 'varchar'],
  ['state', 'varchar not null'],
  ['raw_state', 'varchar'],
  ['submit_time', 'timestamp'],
  ['start_time', 'timestamp'],
  ['end_time', 'timestamp'],
  ['wait_s', 'double'],
  ['elapsed_s', 'double'],
  ['alloc_cpus', 'double'],
  ['alloc_memory_mb', 'double'],
  ['alloc_gpus', 'double'],
  ['vcore_seconds', 'double'],
  ['memory_mb_seconds', 'double'],
  ['gpu_seconds', 'double'],
  ['req_memory_mb', 'double'],
  ['max_rss_mb', 'double'],
  ['total_cpu_s', 'double'],
  ['time_limit_s', 'double'],
  ['exit_code', 'integer'],
  ['diagnostics', 'varchar'],
  ['tags', 'varchar[]'],
  ['extra', 'json'],
] as const;

export type JobColumn = (typeof JOB_COLUMNS)[number][0];
export const JOB_COLUMN_NAMES: readonly JobColumn[] = JOB_COLUMNS.map(([n]) => n);

/**
 * One ResourceManager `/ws/v1/cluster/metrics` snapshot, unique on (cluster, taken_at): a
 * later load of the same moment replaces it. Counts are the RM's at `taken_at` (UTC).
 */
export const CAPACITY_COLUMNS = [
  ['cluster', 'varchar not null'],
  ['taken_at', 'timestamp not null'],
  ['total_vcores', 'bigint'],
  ['total_memory_mb', 'bigint'],
  ['total_gpus', 'bigint'],
  ['total_nodes', 'bigint'],
  ['active_nodes', 'bigint'],
  ['lost_nodes', 'bigint'],
  ['unhealthy_nodes', 'bigint'],
  ['decommissioned_nodes', 'bigint'],
  ['rebooted_nodes', 'bigint'],
  ['apps_running', 'bigint'],
  ['apps_pending', 'bigint'],
  ['allocated_vcores', 'bigint'],
  ['allocated_memory_mb', 'bigint'],
  ['extra', 'json'],
] as const;

/** One incident or outage from a hand-kept incidents file; times UTC. */
export const INCIDENT_COLUMNS = [
  ['cluster', 'varchar not null'],
  ['start_time', 'timestamp not null'],
  ['end_time', 'timestamp not null'],
  ['severity', 'varchar not null'],
  ['title', 'varchar not null'],
  ['extra', 'json'],
] as const;

/**
 * One NameNode `/jmx` snapshot: the cluster-level storage series, unique on (cluster, taken_at).
 * Bytes are the NameNode's: used_bytes counts every replica (DFS used), capacity_bytes is what
 * the DataNodes offer HDFS.
 */
export const STORAGE_SNAPSHOT_COLUMNS = [
  ['cluster', 'varchar not null'],
  ['taken_at', 'timestamp not null'],
  ['capacity_bytes', 'bigint'],
  ['used_bytes', 'bigint'],
  ['remaining_bytes', 'bigint'],
  ['non_dfs_used_bytes', 'bigint'],
  ['files', 'bigint'],                     // FilesTotal: files and directories
  ['blocks', 'bigint'],
  ['missing_blocks', 'bigint'],
  ['under_replicated_blocks', 'bigint'],
  ['corrupt_blocks', 'bigint'],
  ['live_datanodes', 'bigint'],
  ['dead_datanodes', 'bigint'],
  ['decommissioning_datanodes', 'bigint'],
  ['extra', 'json'],
] as const;

/**
 * Usage of one directory (hdfs dfs -du, hdfs dfs -count -q) or of one user on a file system
 * (Open XDMoD storage JSON) on a date, unique on (cluster, source, filesystem, path, owner,
 * as_of): a later load of the same key replaces it. Columns a source does not give are null.
 */
export const STORAGE_USAGE_COLUMNS = [
  ['cluster', 'varchar not null'],
  ['as_of', 'date not null'],
  ['source', 'varchar not null'],          // hdfs-du | hdfs-count | xdmod-storage
  ['filesystem', 'varchar'],               // xdmod: resource
  ['path', 'varchar not null'],            // du/count: the directory; xdmod: the mountpoint
  ['owner', 'varchar'],                    // xdmod: user
  ['group_name', 'varchar'],               // xdmod: pi
  ['bytes', 'bigint'],                     // du: size; count: CONTENT_SIZE; xdmod: logical_usage
  ['disk_bytes', 'bigint'],                // du: disk_space_consumed (all replicas); xdmod: physical_usage
  ['files', 'bigint'],                     // count: FILE_COUNT; xdmod: file_count
  ['dirs', 'bigint'],                      // count: DIR_COUNT
  ['name_quota', 'bigint'],                // count: QUOTA (null: none)
  ['name_quota_remaining', 'bigint'],      // count: REM_QUOTA (null: inf)
  ['space_quota_bytes', 'bigint'],         // count: SPACE_QUOTA (null: none)
  ['space_quota_remaining_bytes', 'bigint'], // count: REM_SPACE_QUOTA (null: inf)
  ['soft_limit_bytes', 'bigint'],          // xdmod: soft_threshold
  ['hard_limit_bytes', 'bigint'],          // xdmod: hard_threshold
  ['extra', 'json'],
] as const;

/**
 * An fsimage listing rolled up at load time: one row per (cluster, as_of, dir, owner,
 * group_name). `dir` is an entry's directory cut to `depth` components (a directory counts in
 * its own path's row, a file in its parent's). A newer load of an image of the same date
 * replaces every row of that (cluster, as_of).
 */
export const STORAGE_ROLLUP_COLUMNS = [
  ['cluster', 'varchar not null'],
  ['as_of', 'date not null'],
  ['dir', 'varchar not null'],
  ['depth', 'integer not null'],
  ['owner', 'varchar not null'],
  ['group_name', 'varchar not null'],
  ['files', 'bigint not null'],
  ['dirs', 'bigint not null'],
  ['bytes', 'bigint not null'],            // sum of file sizes
  ['disk_bytes', 'bigint not null'],       // sum of size × replication
  ['small_files', 'bigint not null'],      // files under the small-file size
  ['small_file_bytes', 'bigint not null'],
  ['bytes_read_0_30d', 'bigint not null'], // bytes by days since last access, at as_of
  ['bytes_read_30_90d', 'bigint not null'],
  ['bytes_read_90_180d', 'bigint not null'],
  ['bytes_read_180_365d', 'bigint not null'],
  ['bytes_read_365d_plus', 'bigint not null'],
  ['bytes_no_atime', 'bigint not null'],   // access time not recorded (dfs.namenode.accesstime.precision = 0)
  ['last_access', 'timestamp'],            // newest file access time (UTC)
  ['last_modified', 'timestamp'],          // newest modification time (UTC)
] as const;

/**
 * What a framework's own history (Spark event logs or History Server, MapReduce .jhist or
 * JobHistory server) says about one application beyond the RM's record, unique on (cluster,
 * job_id). `job_id` is the YARN application id where there is one (Spark's app id on YARN;
 * job_1329348432655_0001 → application_1329348432655_0001), so the detail joins the RM's job;
 * else the framework's own id. A job the warehouse has from no other source gets a `jobs` row
 * from its detail (source 'spark' or 'mapreduce'), which any other source's record replaces.
 * Sums are over all tasks of all attempts; a figure the source does not give is null.
 */
export const APP_DETAIL_BASE_COLUMNS = [
  ['cluster', 'varchar not null'],
  ['job_id', 'varchar not null'],
  ['source', 'varchar not null'],             // spark-events | spark-history | jhist | mr-history
  ['framework', 'varchar not null'],          // SPARK | MAPREDUCE
  ['app_id', 'varchar'],                      // the framework's own id (local-1422981759269, job_1329348432655_0001)
  ['attempt_id', 'varchar'],
  ['name', 'varchar'],
  ['user', 'varchar'],
  ['queue', 'varchar'],
  ['start_time', 'timestamp'],                // UTC
  ['end_time', 'timestamp'],                  // null: never logged its end (running or crashed)
  ['outcome', 'varchar not null'],            // SUCCEEDED | FAILED | KILLED | RUNNING | UNKNOWN
  ['failure_reason', 'varchar'],              // the failed jobs'/stages'/tasks' reasons, first ones
  ['executors', 'bigint'],                    // Spark: executors added; MapReduce: task containers launched
  ['executors_removed', 'bigint'],
  ['executor_cores', 'double'],               // per executor (Spark)
  ['executor_memory_mb', 'double'],           // per executor, heap (Spark: spark.executor.memory)
  ['map_memory_mb', 'double'],                // MapReduce: mapreduce.map.memory.mb (the container asked for)
  ['reduce_memory_mb', 'double'],             // MapReduce: mapreduce.reduce.memory.mb
  ['jobs', 'bigint'],                         // Spark jobs
  ['failed_jobs', 'bigint'],
  ['stages', 'bigint'],                       // Spark stages (attempts); MapReduce: 1 or 2 (map, reduce)
  ['failed_stages', 'bigint'],
  ['tasks', 'bigint'],                        // task attempts
  ['failed_tasks', 'bigint'],
  ['killed_tasks', 'bigint'],
  ['maps', 'bigint'],                         // MapReduce
  ['failed_maps', 'bigint'],
  ['killed_maps', 'bigint'],
  ['reduces', 'bigint'],
  ['failed_reduces', 'bigint'],
  ['killed_reduces', 'bigint'],
  ['task_time_s', 'double'],                  // Spark: executorRunTime summed; MapReduce: MILLIS_MAPS + MILLIS_REDUCES
  ['cpu_time_s', 'double'],                   // Spark: executorCpuTime; MapReduce: CPU_MILLISECONDS
  ['gc_time_s', 'double'],                    // Spark: jvmGcTime; MapReduce: GC_TIME_MILLIS
  ['input_bytes', 'bigint'],                  // Spark: bytesRead; MapReduce: HDFS_BYTES_READ
  ['output_bytes', 'bigint'],                 // Spark: bytesWritten; MapReduce: HDFS_BYTES_WRITTEN
  ['shuffle_read_bytes', 'bigint'],           // Spark: remote + local; MapReduce: REDUCE_SHUFFLE_BYTES
  ['shuffle_write_bytes', 'bigint'],          // Spark: shuffle bytes written; MapReduce: MAP_OUTPUT_MATERIALIZED_BYTES
  ['spill_memory_bytes', 'bigint'],           // Spark: memoryBytesSpilled
  ['spill_disk_bytes', 'bigint'],             // Spark: diskBytesSpilled; MapReduce: FILE_BYTES_WRITTEN beyond the map output
  ['spilled_records', 'bigint'],              // MapReduce: SPILLED_RECORDS
  ['output_records', 'bigint'],               // MapReduce: MAP_OUTPUT_RECORDS (for spill ratio)
  ['peak_execution_memory_bytes', 'bigint'],  // Spark: the largest task peakExecutionMemory
  ['physical_memory_bytes', 'bigint'],        // MapReduce: PHYSICAL_MEMORY_BYTES (sum over tasks)
  ['task_time_max_s', 'double'],              // the longest task
  ['task_time_median_s', 'double'],           // the median task (skew: max over median, per stage in stage_list)
  ['stage_list', 'json'],                     // per stage (MapReduce: map, reduce): id, attempt, name, status, tasks, failed_tasks, duration_s, task_time_{min,median,max}_s, gc_time_s, shuffle/spill/input/output bytes, failure_reason
  ['counters', 'json'],                       // MapReduce counters by group; Spark: the accumulables kept
  ['extra', 'json'],
] as const;

/**
 * Spark executors' memory, asked for and used (schema version 6): what each executor's container
 * asked for, and the largest peak any executor (not the driver) reached, from the executor
 * metrics Spark 3 logs (StageExecutorMetrics, a task end's "Task Executor Metrics") or the History
 * Server's `peakMemoryMetrics`. Null where the source does not say (Spark before 3.0, local mode).
 */
export const APP_DETAIL_MEMORY_COLUMNS = [
  ['executor_memory_overhead_mb', 'double'],  // per executor, beyond the heap: spark.executor.memoryOverhead, else Spark's default max(384 MB, 10%)
  ['executor_request_mb', 'double'],          // per executor, the container asked for: heap + overhead + off-heap + PySpark memory
  ['executor_peak_heap_bytes', 'bigint'],     // the largest executor peak JVMHeapMemory
  ['executor_peak_offheap_bytes', 'bigint'],  // the largest executor peak JVMOffHeapMemory
  ['executor_peak_rss_bytes', 'bigint'],      // the largest executor process tree RSS (JVM + Python + other; spark.executor.processTreeMetrics.enabled)
] as const;

/** Every app_details column, in table order (a migrated table adds the later versions' at its end). */
export const APP_DETAIL_COLUMNS = [...APP_DETAIL_BASE_COLUMNS, ...APP_DETAIL_MEMORY_COLUMNS] as const;

/**
 * One value of a business series (active customers, orders…) set beside compute demand, unique on
 * (cluster, series, day): a later load of the same key replaces it. `day` is the first day the value
 * covers: the date itself for a daily value, the month's first day for a monthly one (`granularity`).
 * `kind` says how a period takes the series: a stock its last value, a flow the sum of its values.
 */
export const BUSINESS_SERIES_COLUMNS = [
  ['cluster', 'varchar not null'],
  ['series', 'varchar not null'],
  ['day', 'date not null'],
  ['granularity', 'varchar not null'],     // month | day
  ['kind', 'varchar not null'],            // stock | flow
  ['value', 'double not null'],
  ['unit', 'varchar'],
  ['extra', 'json'],
] as const;

/** How a business series is taken over a period: a stock's last value, a flow's sum. */
export const BUSINESS_SERIES_KINDS = ['stock', 'flow'] as const;

/** Incident severities, most severe first. */
export const INCIDENT_SEVERITIES = ['critical', 'major', 'minor', 'maintenance'] as const;

/** The canonical states a job's `state` may take; `raw_state` keeps what the source said. */
export const JOB_STATES = [
  'SUCCEEDED', 'FAILED', 'KILLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED',
  'RUNNING', 'PENDING', 'UNKNOWN',
] as const;

/** A double-quoted SQL identifier (column names come from fixed lists or a file's own header). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The Spark executor memory columns as nulls, for a source that has none of them (MapReduce history). */
export const NO_EXECUTOR_MEMORY_SQL = APP_DETAIL_MEMORY_COLUMNS.map(([n, t]) => `null::${t} as ${ident(n)}`).join(', ');

/**
 * `extra` is compressed with FSST, which DuckDB picks for it anyway (long JSON, nearly every value
 * its own), without trying the others first: analysing it for a dictionary as well cost a load's
 * checkpoints ~15–30% of their CPU. A storage choice, not part of the schema: warehouses made
 * before it keep DuckDB's choice.
 */
const JOB_COMPRESSION: Record<string, string> = { extra: 'fsst' };
const jobsTable = `create table jobs (
  ${JOB_COLUMNS.map(([n, t]) => `${ident(n)} ${t}${JOB_COMPRESSION[n] ? ` using compression ${JOB_COMPRESSION[n]}` : ''}`).join(',\n  ')},
  ingest_run_id bigint
)`;
// (cluster, job_id) is unique: the load pipeline keeps it so (one version per job, the newest).
// No primary-key index: DuckDB's ART index costs more at load than the whole merge it guards.

export interface Migration {
  version: number;
  description: string;
  statements: string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'jobs, ingest_runs, rejected_rows, ingest_marks',
    statements: [
      jobsTable,
      `create sequence ingest_run_seq start 1`,
      `create table ingest_runs (
        id bigint primary key,
        cluster varchar not null,
        format varchar not null,
        file varchar not null,
        size_bytes bigint,
        mtime_ms double,
        sha256 varchar,
        status varchar not null,       -- loaded | skipped | failed
        rows_read bigint default 0,    -- job records staged from the file
        rows_written bigint default 0, -- inserted or replaced in jobs
        rejects bigint default 0,
        message varchar,
        started_at timestamp not null,
        finished_at timestamp
      )`,
      `create table rejected_rows (
        ingest_run_id bigint not null,
        cluster varchar,
        format varchar,
        file varchar not null,
        line bigint,                    -- line number (text formats) or 1-based record index (JSON, Parquet)
        reason varchar not null,
        raw varchar
      )`,
      `create table ingest_marks (
        source varchar primary key,     -- e.g. the RM URL
        cluster varchar not null,
        mark_ms bigint not null,        -- the newest finishedTime loaded from it (epoch ms)
        updated_at timestamp not null
      )`,
    ],
  },
  {
    version: 2,
    description: 'capacity_snapshots (ResourceManager cluster metrics), incidents; ingest_runs.variant',
    statements: [
      // What a load depended on besides the file's content (yarn-metrics: the moment it was dated
      // with): the same content with another variant is another load, not a repeat.
      `alter table ingest_runs add column variant varchar`,
      `create table capacity_snapshots (
        ${CAPACITY_COLUMNS.map(([n, t]) => `${ident(n)} ${t}`).join(',\n        ')},
        ingest_run_id bigint
      )`,
      `create table incidents (
        ${INCIDENT_COLUMNS.map(([n, t]) => `${ident(n)} ${t}`).join(',\n        ')},
        ingest_run_id bigint,
        line bigint                     -- the line of the file it came from
      )`,
    ],
  },
  {
    version: 3,
    description: 'storage_snapshots (NameNode JMX), storage_usage (du, count, XDMoD storage), storage_rollups (fsimage)',
    statements: [STORAGE_SNAPSHOT_COLUMNS, STORAGE_USAGE_COLUMNS, STORAGE_ROLLUP_COLUMNS].map(
      (cols, i) => `create table ${['storage_snapshots', 'storage_usage', 'storage_rollups'][i]} (
        ${cols.map(([n, t]) => `${ident(n)} ${t}`).join(',\n        ')},
        ingest_run_id bigint
      )`,
    ),
  },
  {
    version: 4,
    description: 'app_details (Spark and MapReduce history, per application)',
    statements: [
      `create table app_details (
        ${APP_DETAIL_BASE_COLUMNS.map(([n, t]) => `${ident(n)} ${t}`).join(',\n        ')},
        ingest_run_id bigint
      )`,
    ],
  },
  {
    version: 5,
    description: 'business_series (a business series set beside compute demand)',
    statements: [
      `create table business_series (
        ${BUSINESS_SERIES_COLUMNS.map(([n, t]) => `${ident(n)} ${t}`).join(',\n        ')},
        ingest_run_id bigint
      )`,
    ],
  },
  {
    version: 6,
    description: 'app_details: Spark executor memory asked for and peak used',
    statements: APP_DETAIL_MEMORY_COLUMNS.map(([n, t]) => `alter table app_details add column ${ident(n)} ${t}`),
  },
  {
    version: 7,
    description: 'feedback_sent (what each feedback email told whom, so a finding is not repeated within the period)',
    statements: [
      // One row per finding a delivered feedback email carried. `gazette feedback` leaves out a
      // finding whose (cluster, job_key, finding, owner) has a row within repeat_after_days.
      `create table feedback_sent (
        cluster varchar not null,
        job_key varchar not null,       -- the job's job_key, or its job_id when it has none
        finding varchar not null,       -- a heuristic's name, or known_error:<knowledge-base id>
        owner varchar not null,         -- the user the email was about
        job_id varchar not null,        -- the job the email showed it on
        severity varchar not null,
        recipients varchar not null,    -- To and Cc, comma-separated
        message_id varchar,
        via varchar not null,           -- outbox (written as .eml) | smtp (accepted by the server)
        delivered_at timestamp not null -- the run's "now" (--until, else the clock), UTC
      )`,
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
