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

const jobsTable = `create table jobs (
  ${JOB_COLUMNS.map(([n, t]) => `${ident(n)} ${t}`).join(',\n  ')},
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
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
