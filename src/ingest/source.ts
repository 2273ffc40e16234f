/**
 * What every job-history format module provides. A module only *stages* a file: it reads
 * it with DuckDB into two connection-local temp tables, and the pipeline merges them into
 * the warehouse in one transaction:
 *
 *   stg_jobs     the job columns of schema.ts (job_key may be null: the pipeline fills it)
 *                plus `_line` (line number or record index), one row per job record
 *   stg_rejects  (line bigint, reason varchar, raw varchar): records that failed validation
 *
 * A module throws FileFormatError when the file as a whole is not of its format.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

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

export interface JobSource {
  readonly format: string;
  /** Name endings taken from a directory (a file named explicitly is always taken). */
  readonly extensions: readonly string[];
  stage(ctx: StageContext): Promise<void>;
}

/** The file as a whole cannot be read as the format (truncated, wrong format). */
export class FileFormatError extends Error {}

/** DuckDB's own message, without its "Invalid Input Error: " style prefix and the trailing hints. */
export function duckdbReason(e: unknown): string {
  const msg = (e as Error).message ?? String(e);
  return msg.split('\n')[0].replace(/^[A-Za-z ]+Error: /, '').trim();
}
