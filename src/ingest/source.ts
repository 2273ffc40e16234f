/**
 * What every job-history format module provides. A module reads a file with DuckDB (into
 * connection-local temp tables if it needs steps) and returns two SELECTs over them:
 *
 *   jobs     the job columns of schema.ts, in any order (job_key may be null: the pipeline
 *            fills it), plus `_line` (line number or record index), one row per job record
 *   rejects  (line, reason, raw): records that failed validation
 *
 * The pipeline materializes them into the staging database and merges them into the
 * warehouse. A module throws FileFormatError when the file as a whole is not of its format.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

export interface StageContext {
  conn: DuckDBConnection;
  /** Absolute path of the file. */
  file: string;
  /** Size in bytes (for reader buffer sizes). */
  size: number;
  cluster: string;
  /** IANA zone the source's local times are in (sacct); UTC sources ignore it. */
  timezone: string;
  warnOnce(key: string, message: string): void;
}

export interface Select {
  sql: string;
  params?: Record<string, DuckDBValue>;
}

export interface Staged {
  jobs: Select;
  rejects: Select;
}

export interface JobSource {
  readonly format: string;
  /** Name endings taken from a directory (a file named explicitly is always taken). */
  readonly extensions: readonly string[];
  stage(ctx: StageContext): Promise<Staged>;
}

/** The file as a whole cannot be read as the format (truncated, wrong format). */
export class FileFormatError extends Error {}

/** DuckDB's own message, without its "Invalid Input Error: " style prefix and the trailing hints. */
export function duckdbReason(e: unknown): string {
  const msg = (e as Error).message ?? String(e);
  return msg.split('\n')[0].replace(/^[A-Za-z ]+Error: /, '').trim();
}

/** An empty result of the job columns (for files with no records). */
export const NO_JOBS: Staged = {
  jobs: { sql: `select * exclude (ingest_run_id), null::bigint as _line from jobs limit 0` },
  rejects: { sql: `select null::bigint as line, null::varchar as reason, null::varchar as raw limit 0` },
};
