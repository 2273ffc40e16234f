/**
 * The warehouse tables a format's rows go to, and how a newly loaded row replaces stored ones.
 * The load pipeline (pipeline.ts) is the same for every target; what differs is here:
 *
 *   jobs                unique on (cluster, job_id); the newer record of a job wins (finished beats
 *                       running beats pending; at the same stage, the later moment), whatever the
 *                       load order. The job key is computed while staging.
 *   capacity_snapshots  unique on (cluster, taken_at); a later load of the same moment wins.
 *   incidents           a hand-kept list: a new version of a file replaces every incident its
 *                       earlier versions loaded (identified by the file's path or label).
 *   storage_snapshots   unique on (cluster, taken_at); a later load of the same moment wins.
 *   storage_usage       unique on (cluster, source, filesystem, path, owner, as_of); a later load wins.
 *   storage_rollups     an fsimage's rollup replaces every row of its (cluster, as_of).
 *   business_series     unique on (cluster, series, day); a later load wins.
 *   app_details         unique on (cluster, job_id); an ended record beats a running one, then the
 *                       later end, then one read from the framework's log over one from its history
 *                       server's REST API. A job no other source has gets a `jobs` row from its detail.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Settings } from '../settings.js';
import {
  APP_DETAIL_COLUMNS, BUSINESS_SERIES_COLUMNS, CAPACITY_COLUMNS, INCIDENT_COLUMNS, JOB_COLUMN_NAMES, STORAGE_ROLLUP_COLUMNS, STORAGE_SNAPSHOT_COLUMNS, STORAGE_USAGE_COLUMNS,
} from '../warehouse/schema.js';
import { buildJobKeySql, checkJobKeyRules } from './job-key.js';

/** Rows with the same key replace each other; `beats` says whether a staged row `d` replaces a stored row `t`. */
export interface KeyIdentity {
  by: 'key';
  key: readonly string[];
  /** ORDER BY over staged rows `s`, the row that wins first (picks one row per key within a batch). */
  newestFirst: string;
  /** SQL condition: staged row `d` replaces stored row `t` with the same key. */
  beats(d: string, t: string): string;
  /** Key columns that may be null (compared with IS NOT DISTINCT FROM, which costs more). */
  nullable?: readonly string[];
}

/** A file's rows replace the rows earlier loads of the same file (path or label) wrote. */
export interface FileIdentity {
  by: 'file';
}

/**
 * A snapshot: the staged rows of a (cluster, as_of)-like group replace every stored row of that
 * group, whatever their other columns (an fsimage of a date replaces the whole earlier image of
 * that date, directories gone from it included). Within a batch the latest file of a group wins.
 */
export interface GroupIdentity {
  by: 'group';
  group: readonly string[];
}

/** Done to each file's staged rows, prepared once per load. */
export interface Finish {
  /** Complete a file's (or a group's) staged rows, in their staging table `staged`. */
  fill(conn: DuckDBConnection, staged: string): Promise<void>;
  /** Look at a staged file's rows (table `staged`) and warn about what is worth knowing. */
  check?(conn: DuckDBConnection, staged: string, file: string, format: string, warnOnce: (key: string, message: string) => void): Promise<void>;
}

export interface Target {
  table: string;
  /** Columns written from the staged rows (the pipeline adds ingest_run_id). */
  columns: readonly string[];
  /** What a row is called in messages: "jobs", "snapshots", "incidents". */
  noun: string;
  /** What a record read is called, where it is not a row (fsimage: "entries"); default `noun`. */
  readNoun?: string;
  /** How the rows written are described: "new or newer". */
  written: string;
  identity: KeyIdentity | FileIdentity | GroupIdentity;
  prepare?(conn: DuckDBConnection, settings: Settings): Promise<Finish>;
  /** After a batch's rows are written (same transaction): what else they change (app_details: jobs rows). */
  afterMerge?(conn: DuckDBConnection, runIds: { lo: number; hi: number }, settings: Settings): Promise<void>;
}

/** Sources of `jobs` rows made from a framework's history (app_details) where no other source has the job. */
export const DERIVED_JOB_SOURCES = ['spark', 'mapreduce'] as const;
/**
 * A job record's stage: pending, running, ended — after whether it is a scheduler's own record:
 * a row derived from a framework's history gives way to any record from the RM, Slurm or a file.
 */
const rank = (t: string) =>
  `(case when ${t}.source in (${DERIVED_JOB_SOURCES.map((x) => `'${x}'`).join(', ')}) then 0 else 3 end + case ${t}.state when 'PENDING' then 0 when 'UNKNOWN' then 0 when 'RUNNING' then 1 else 2 end)`;
/** The moment a job record describes. */
const observed = (t: string) =>
  `coalesce(${t}.end_time, ${t}.start_time + to_microseconds(cast(coalesce(${t}.elapsed_s, 0) * 1e6 as bigint)), ${t}.start_time, ${t}.submit_time, timestamp '-infinity')`;

export const JOBS: Target = {
  table: 'jobs',
  columns: JOB_COLUMN_NAMES,
  noun: 'jobs',
  written: 'new or newer',
  identity: {
    by: 'key',
    key: ['cluster', 'job_id'],
    newestFirst: `${rank('s')} desc, ${observed('s')} desc, s.ingest_run_id desc, s._line desc`,
    beats: (d, t) => `(${rank(d)} > ${rank(t)} or (${rank(d)} = ${rank(t)} and ${observed(d)} >= ${observed(t)}))`,
  },
  async prepare(conn, settings) {
    const jobKey = buildJobKeySql(settings);
    await checkJobKeyRules(conn, jobKey.rules, settings.file ?? 'built-in rules');
    return {
      async fill(c, staged) {
        await jobKey.fill(c, staged);
      },
      async check(c, staged, file, format, warnOnce) {
        const sql = `select distinct raw_state from ${staged} where state = 'UNKNOWN' and raw_state is not null limit 20`;
        for (const row of (await c.runAndReadAll(sql)).getRows()) {
          warnOnce(`state:${row[0]}`, `${format}: state "${row[0]}" is not one gazette knows; stored as UNKNOWN (first seen in ${file}).`);
        }
      },
    };
  },
};

export const CAPACITY_SNAPSHOTS: Target = {
  table: 'capacity_snapshots',
  columns: CAPACITY_COLUMNS.map(([n]) => n),
  noun: 'snapshots',
  written: 'new or replacing',
  identity: { by: 'key', key: ['cluster', 'taken_at'], newestFirst: `s.ingest_run_id desc, s._line desc`, beats: () => 'true' },
};

export const INCIDENTS: Target = {
  table: 'incidents',
  columns: [...INCIDENT_COLUMNS.map(([n]) => n), 'line'],
  noun: 'incidents',
  written: 'written',
  identity: { by: 'file' },
};

export const STORAGE_SNAPSHOTS: Target = {
  table: 'storage_snapshots',
  columns: STORAGE_SNAPSHOT_COLUMNS.map(([n]) => n),
  noun: 'snapshots',
  written: 'new or replacing',
  identity: { by: 'key', key: ['cluster', 'taken_at'], newestFirst: `s.ingest_run_id desc, s._line desc`, beats: () => 'true' },
};

export const STORAGE_USAGE: Target = {
  table: 'storage_usage',
  columns: STORAGE_USAGE_COLUMNS.map(([n]) => n),
  noun: 'usage rows',
  written: 'new or replacing',
  identity: {
    by: 'key',
    key: ['cluster', 'source', 'filesystem', 'path', 'owner', 'as_of'],
    nullable: ['filesystem', 'owner'],
    newestFirst: `s.ingest_run_id desc, s._line desc`,
    beats: () => 'true',
  },
};

export const STORAGE_ROLLUPS: Target = {
  table: 'storage_rollups',
  columns: STORAGE_ROLLUP_COLUMNS.map(([n]) => n),
  noun: 'rollup rows',
  readNoun: 'entries',
  written: 'rollup rows written',
  identity: { by: 'group', group: ['cluster', 'as_of'] },
};

export const BUSINESS_SERIES: Target = {
  table: 'business_series',
  columns: BUSINESS_SERIES_COLUMNS.map(([n]) => n),
  noun: 'values',
  written: 'new or replacing',
  identity: { by: 'key', key: ['cluster', 'series', 'day'], newestFirst: `s.ingest_run_id desc, s._line desc`, beats: () => 'true' },
};

/** The outcome's stage, for app_details: running or not known, ended. */
const outcomeRank = (t: string) => `(case ${t}.outcome when 'RUNNING' then 0 when 'UNKNOWN' then 0 else 1 end)`;
/**
 * Details a history server's REST API computed from a framework's own log. At the same stage and
 * end, the detail read from the log itself wins: it has what the REST lists lack (the task-time
 * spread, the largest task's peak memory, the job's failure message).
 */
export const REST_DETAIL_SOURCES = ['spark-history', 'mr-history'] as const;
/**
 * Among REST rows, one built from more of the job's responses wins: `extra.rest_detail` counts
 * them (mr-history: job, counters, conf, tasks, attempts, AM attempts; a jobs-list entry alone is 0).
 */
const detailRank = (t: string) =>
  `(case when ${t}.source in (${REST_DETAIL_SOURCES.map((x) => `'${x}'`).join(', ')}) then coalesce(try_cast(json_extract_string(${t}.extra, '$.rest_detail') as integer), 0) / 10.0 else 1 end)`;
const detailEnd = (t: string) => `coalesce(${t}.end_time, ${t}.start_time, timestamp '-infinity')`;

export const APP_DETAILS: Target = {
  table: 'app_details',
  columns: APP_DETAIL_COLUMNS.map(([n]) => n),
  noun: 'applications',
  written: 'new or newer',
  identity: {
    by: 'key',
    key: ['cluster', 'job_id'],
    newestFirst: `${outcomeRank('s')} desc, ${detailEnd('s')} desc, ${detailRank('s')} desc, s.ingest_run_id desc, s._line desc`,
    beats: (d, t) =>
      `(${outcomeRank(d)} > ${outcomeRank(t)} or (${outcomeRank(d)} = ${outcomeRank(t)} and (${detailEnd(d)} > ${detailEnd(t)} or (${detailEnd(d)} = ${detailEnd(t)} and ${detailRank(d)} >= ${detailRank(t)}))))`,
  },
  /**
   * The batch's applications as `jobs` rows where the warehouse has no record of the job from a
   * scheduler (or only one derived from an earlier detail, which this one replaces).
   */
  async afterMerge(conn, { lo, hi }, settings) {
    const derived = DERIVED_JOB_SOURCES.map((x) => `'${x}'`).join(', ');
    const batch = `select * from app_details where ingest_run_id between ${lo} and ${hi}`;
    await conn.run(`delete from jobs j using (${batch}) d where j.cluster = d.cluster and j.job_id = d.job_id and j.source in (${derived})`);
    // The job key by the same rules as any job's (name, user and queue; no tags here).
    const jobKey = buildJobKeySql(settings);
    await conn.run(
      `insert into jobs (cluster, job_id, source, name, job_key, "user", queue, app_type, state, raw_state, start_time, end_time, elapsed_s,
                         total_cpu_s, diagnostics, extra, ingest_run_id)
       select cluster, job_id, source, name, job_key, "user", queue, app_type, state, raw_state, start_time, end_time, elapsed_s,
              total_cpu_s, diagnostics, extra, ingest_run_id
       from (${jobKey.wrap(`
         select d.cluster, d.job_id, lower(d.framework) as source, d.name, null::varchar as job_key, d.user as "user", d.queue, null::varchar[] as tags,
                d.framework as app_type, d.outcome as state, d.outcome as raw_state, d.start_time, d.end_time,
                epoch(d.end_time - d.start_time) as elapsed_s, d.cpu_time_s as total_cpu_s, d.failure_reason as diagnostics,
                json_object('from', 'app_details', 'app_id', d.app_id, 'detail_source', d.source) as extra, d.ingest_run_id
         from (${batch}) d
         where not exists (select 1 from jobs j where j.cluster = d.cluster and j.job_id = d.job_id)`)})`,
      jobKey.params,
    );
  },
};
