/**
 * What every input format module provides. A module reads a file with DuckDB (into
 * connection-local temp tables if it needs steps) and returns two SELECTs over them:
 *
 *   rows     the columns of its target table (targets.ts), in any order, plus `_line` (line
 *            number or record index), one row per record that passed validation
 *   rejects  (line, reason, raw): records that failed validation; or, where one pass over the
 *            file should do (a large response), `'in-rows'`: the rows SELECT returns every
 *            record with two more columns, `_reason` (null for a good record) and `_raw`
 *
 * The pipeline materializes them into the staging database and merges them into the target
 * table the way the target says (jobs: the newer record of a job wins; capacity snapshots: a
 * later load of the same moment wins; incidents: a file's new version replaces its old one).
 * A module throws FileFormatError when the file as a whole is not of its format.
 *
 * A module whose SELECT costs more to plan than to run on a small file (Spark event logs) can
 * also stage many files in one statement (`stageMany`): the same two SELECTs over them all, each
 * row and reject tagged with `_input`, the index of its file in the group. The pipeline splits
 * them per file; if the group fails, it stages its files one by one with `stage`.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { StorageSettings } from '../settings.js';
import type { Target } from './targets.js';

export interface StageContext {
  conn: DuckDBConnection;
  /** Absolute path of the file. */
  file: string;
  /** Size in bytes (for reader buffer sizes). */
  size: number;
  cluster: string;
  /** IANA zone the source's local times are in (sacct, incidents, dated file names); UTC sources ignore it. */
  timezone: string;
  /** `--as-of`: the moment a snapshot was taken, ISO 8601 as given (formats without their own timestamps). */
  at?: string;
  /** Zones of other clusters a file's rows may name (incidents); `timezone` is the file's own cluster's. */
  zones?: ClusterZones;
  /** How storage listings are rolled up (fsimage): depth and small-file size, from the settings. */
  storage: StorageSettings;
  warnOnce(key: string, message: string): void;
}

/** The time zone of each cluster named in the settings, and of any other. */
export interface ClusterZones {
  byCluster: Record<string, string>;
  other: string;
}

export interface Select {
  sql: string;
  params?: Record<string, DuckDBValue>;
}

export interface Staged {
  rows: Select;
  /**
   * The records that failed validation, as a SELECT of (line, reason, raw); or `'in-rows'`: the
   * rows SELECT returns them too, marked by a non-null `_reason` and with their text in `_raw`,
   * and the pipeline splits them (the file is read once, not once for each).
   */
  rejects: Select | 'in-rows';
  /** Records read from the file, where the rows aggregate them (fsimage entries); default: the rows. */
  read?: number;
}

/** What stageMany is given: the StageContext of a group of files (each with its size). */
export type GroupContext = Omit<StageContext, 'file' | 'size'>;
export interface GroupFile {
  file: string;
  size: number;
}

/**
 * Staged's SELECTs for a group of files, with an `_input` column (the file's index in the group);
 * each file is read as many records as it gives rows. Rejects as in Staged: their own SELECT, or
 * `'in-rows'` (then the rows SELECT has `_input` on them too).
 */
export interface StagedGroup {
  rows: Select;
  rejects: Select | 'in-rows';
}

export interface Source {
  readonly format: string;
  /** The warehouse table its rows go to, and how a loaded row replaces stored ones. */
  readonly target: Target;
  /** Name endings taken from a directory with --format (a file named explicitly is always taken). */
  readonly extensions: readonly string[];
  /**
   * What a load of the file depends on besides its content, if anything (yarn-metrics: the
   * moment it is dated with). The same content with another variant loads again.
   */
  variant?(file: string, at: string | undefined, storage: StorageSettings): string | undefined;
  stage(ctx: StageContext): Promise<Staged>;
  /** Stage many files in one statement (optional; see the head of this file). */
  stageMany?(ctx: GroupContext, files: GroupFile[]): Promise<StagedGroup>;
  /** With stageMany: the bytes a file counts for in a group, where staging holds more than its size (a compressed file); default its size. */
  groupBytes?(file: string, size: number): number;
  /** With stageMany: the largest group, in bytes as groupBytes counts them, if smaller than the pipeline's (GROUP_BYTES). */
  readonly maxGroupBytes?: number;
}

/** @deprecated the name from when every format loaded jobs; use Source. */
export type JobSource = Source;

/** The file as a whole cannot be read as the format (truncated, wrong format). */
export class FileFormatError extends Error {}

/** DuckDB's own message, without its "Invalid Input Error: " style prefix and the trailing hints. */
export function duckdbReason(e: unknown): string {
  const msg = (e as Error).message ?? String(e);
  return msg.split('\n')[0].replace(/^[A-Za-z ]+Error: /, '').trim();
}

/** An empty result of a target's columns (for files with no records). */
export function noRows(target: Target): Staged {
  return {
    rows: { sql: `select * exclude (ingest_run_id), null::bigint as _line from ${target.table} limit 0` },
    rejects: { sql: `select null::bigint as line, null::varchar as reason, null::varchar as raw limit 0` },
  };
}
