/**
 * Spark event logs: one file per application (the file Spark's `spark.eventLog.dir` holds,
 * named for the app id: `local-1422981759269`, `app-20161115172038-0000`,
 * `application_1516285256255_0012`, `….inprogress` while it runs), newline-delimited
 * SparkListener events, one JSON object a line — plain, `.gz` or `.zstd`/`.zst`. Spark's own
 * `.lz4`, `.lzf` and `.snappy` codecs are not read by DuckDB: such a file fails, saying so.
 * One row of `app_details` per file. A Spark 3 rolling log (an `eventlog_v2_<id>` directory of
 * `events_<index>_…` parts, spark-rolling.ts) is one input: its parts are read in index order
 * into one stream of lines, numbered on across the parts, and give the row the same events in
 * one file would; its `appstatus_….inprogress` file is what `.inprogress` is to a single file.
 * A part loaded on its own is refused, naming the directory to load.
 *
 * DuckDB reads the lines (no field splitting), checks each is JSON and parses it; a line that
 * is not JSON, or has no "Event", is a reject with its number (a log cut off mid-write ends in
 * one). Events of a type this module does not know are kept — counted in `extra.unknown_events`
 * — and warned about once per type.
 *
 * Where the figures come from (Spark 1.2–3.x logs; a field a version lacks is null, not 0):
 *   id, name, user, attempt   SparkListenerApplicationStart "App ID", "App Name", "User", "App Attempt ID";
 *                             `job_id` = "App ID" (on YARN that is the YARN application id)
 *   start, end                ApplicationStart / ApplicationEnd "Timestamp" (epoch ms, UTC)
 *   queue, executor memory    EnvironmentUpdate "Spark Properties": spark.yarn.queue, spark.executor.memory
 *   executors                 ExecutorAdded (distinct "Executor ID"; "Executor Info"."Total Cores"),
 *                             ExecutorRemoved; a local-mode app has none (its driver runs the tasks)
 *   tasks                     TaskEnd, one per task attempt: "Task End Reason"."Reason" Success is
 *                             done, TaskKilled/TaskCommitDenied killed, anything else (ExceptionFailure,
 *                             FetchFailed, ExecutorLostFailure, Resubmitted…) failed — as the History
 *                             Server counts them
 *   task figures              TaskEnd "Task Metrics": Executor Run Time (ms), Executor CPU Time (ns,
 *                             Spark ≥ 2.1), JVM GC Time, Input Metrics.Bytes Read, Output Metrics.Bytes
 *                             Written, Shuffle Read Metrics.Remote + Local Bytes Read (1.x logs have
 *                             Remote only), Shuffle Write Metrics.Shuffle Bytes Written, Memory/Disk
 *                             Bytes Spilled, Peak Execution Memory (≥ 3.0; before, the task's
 *                             internal.metrics.peakExecutionMemory accumulable). A Resubmitted task end
 *                             repeats an earlier successful attempt's metrics: it is counted as a
 *                             failed attempt but its metrics are not added again.
 *   jobs, stages              JobStart / JobEnd ("Job Result"."Result" JobFailed, its "Exception"
 *                             message); stage attempts submitted or completed (StageCompleted "Stage
 *                             Info" with a "Failure Reason" is FAILED, without COMPLETE; submitted only
 *                             is ACTIVE)
 *
 * Outcome: no ApplicationEnd → RUNNING if the file (a rolling log's appstatus file) is named
 * `….inprogress` (Spark renames it when the app stops), else UNKNOWN (running or crashed: the
 * log cannot tell); ApplicationEnd with
 * an "ExitCode" (Spark ≥ 3.5) → SUCCEEDED if 0, else FAILED; otherwise FAILED when the last job to
 * end ended JobFailed (a driver that dies of a failed job, or a job cut off by the stop), else
 * SUCCEEDED — an interactive shell whose earlier job failed but which went on is SUCCEEDED, with
 * the failure in failed_jobs and failure_reason. failure_reason is the first line of the first
 * failed jobs' messages (up to three), else of the failed stages', else of the failed tasks'.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileFormatError, noRows, type Source, type StageContext, type Staged } from './source.js';
import { APP_DETAILS } from './targets.js';
import { textLines } from './text-lines.js';
import { SPARK_APP_SQL, SPARK_EVENT_PATHS } from './spark-events-sql.js';
import { isRollingLogPart, partCodecName, rollingLog } from './spark-rolling.js';

/** Event types Spark (core, SQL, streaming, thrift server) writes, by their name after the last dot. */
const KNOWN_EVENTS = [
  'SparkListenerLogStart', 'SparkListenerApplicationStart', 'SparkListenerApplicationEnd', 'SparkListenerEnvironmentUpdate',
  'SparkListenerBlockManagerAdded', 'SparkListenerBlockManagerRemoved', 'SparkListenerExecutorAdded', 'SparkListenerExecutorRemoved',
  'SparkListenerExecutorMetricsUpdate', 'SparkListenerStageExecutorMetrics', 'SparkListenerJobStart', 'SparkListenerJobEnd',
  'SparkListenerStageSubmitted', 'SparkListenerStageCompleted', 'SparkListenerTaskStart', 'SparkListenerTaskGettingResult',
  'SparkListenerTaskEnd', 'SparkListenerUnpersistRDD', 'SparkListenerBlockUpdated', 'SparkListenerResourceProfileAdded',
  'SparkListenerSpeculativeTaskSubmitted', 'SparkListenerUnschedulableTaskSetAdded', 'SparkListenerUnschedulableTaskSetRemoved',
  'SparkListenerExecutorBlacklisted', 'SparkListenerExecutorBlacklistedForStage', 'SparkListenerExecutorUnblacklisted',
  'SparkListenerNodeBlacklisted', 'SparkListenerNodeBlacklistedForStage', 'SparkListenerNodeUnblacklisted',
  'SparkListenerExecutorExcluded', 'SparkListenerExecutorExcludedForStage', 'SparkListenerExecutorUnexcluded',
  'SparkListenerNodeExcluded', 'SparkListenerNodeExcludedForStage', 'SparkListenerNodeUnexcluded',
  'SparkListenerMiscellaneousProcessAdded', 'SparkListenerSQLExecutionStart', 'SparkListenerSQLExecutionEnd',
  'SparkListenerSQLAdaptiveExecutionUpdate', 'SparkListenerSQLAdaptiveSQLMetricUpdates', 'SparkListenerDriverAccumUpdates',
  'QueryStartedEvent', 'QueryProgressEvent', 'QueryIdleEvent', 'QueryTerminatedEvent',
  'SparkListenerThriftServerSessionCreated', 'SparkListenerThriftServerSessionClosed', 'SparkListenerThriftServerOperationStart',
  'SparkListenerThriftServerOperationParsed', 'SparkListenerThriftServerOperationCanceled', 'SparkListenerThriftServerOperationTimeout',
  'SparkListenerThriftServerOperationError', 'SparkListenerThriftServerOperationFinish', 'SparkListenerThriftServerOperationClosed',
];

/** Spark's own compression codecs DuckDB cannot read. */
const UNSUPPORTED_CODECS = ['lz4', 'lzf', 'snappy'];

/** The longest line read: an EnvironmentUpdate with a long classpath, a stage with many accumulables. */
const MAX_LINE_BYTES = 256 << 20;
/**
 * The longest line a file can hold: a plain file's size bounds it (DuckDB's reader allocates twice
 * the maximum for each read, which for a small file costs more than reading it).
 */
const maxLineOf = (file: string, compression: string) =>
  compression === 'none' ? Math.min(MAX_LINE_BYTES, Math.max(1 << 20, fs.statSync(file).size + 1)) : MAX_LINE_BYTES;

/** The file's codec from its name (`….inprogress` aside): DuckDB's compression name. */
export function codecOf(file: string): 'gzip' | 'zstd' | 'none' {
  const name = path.basename(file).toLowerCase().replace(/\.inprogress$/, '');
  const ext = path.extname(name).slice(1);
  if (UNSUPPORTED_CODECS.includes(ext)) {
    throw new FileFormatError(
      `compressed with Spark's "${ext}" codec, which gazette cannot read (it reads plain, .gz and .zstd event logs). Decompress it (e.g. with Spark's CompressionCodec, or set spark.eventLog.compression.codec=zstd) and load the plain file.`,
    );
  }
  return ext === 'gz' ? 'gzip' : ext === 'zstd' || ext === 'zst' ? 'zstd' : 'none';
}

/** A part of a rolling log named on its own: the application is the directory's, so that is what loads. */
function refuseRollingPart(file: string): void {
  if (!isRollingLogPart(file)) return;
  const dir = path.basename(path.dirname(file));
  throw new FileFormatError(
    `a part of the rolling event log ${dir}/ (one application over several files), which is read whole: load the directory (gazette ingest --format spark-events ${dir}/), not its parts.`,
  );
}

/**
 * The log's lines into `stg_spark_lines` (line, text) and whether its application says it is still
 * running; a rolling log's parts one after another, numbered on, with the lines each part holds
 * in `stg_spark_parts` (for the rejects' reasons).
 */
async function readLines(conn: StageContext['conn'], file: string, isDir: boolean): Promise<{ inProgress: boolean; rolled: boolean }> {
  if (!isDir) {
    const compression = codecOf(file);
    const read = textLines(file, { compression, maxLineBytes: maxLineOf(file, compression) });
    await conn.run(`create temp table stg_spark_lines as ${read.sql}`, read.params);
    return { inProgress: /\.inprogress$/i.test(file), rolled: false };
  }
  const log = rollingLog(file);
  const codecs = log.parts.map((p) => codecOf(partCodecName(p)));
  await conn.run(`create temp table stg_spark_lines (line bigint, text varchar); create temp table stg_spark_parts (name varchar, first bigint, last bigint)`);
  let offset = 0;
  for (const [i, part] of log.parts.entries()) {
    const read = textLines(part.file, { compression: codecs[i], maxLineBytes: maxLineOf(part.file, codecs[i]) });
    await conn.run(`insert into stg_spark_lines select line + $offset, text from (${read.sql})`, { ...read.params, offset });
    const n = Number((await conn.runAndReadAll(`select count(*) from stg_spark_lines`)).getRows()[0][0]);
    await conn.run(`insert into stg_spark_parts values ($name, $first, $last)`, { name: part.name, first: offset + 1, last: n });
    offset = n;
  }
  return { inProgress: log.inProgress, rolled: true };
}

export const sparkEvents: Source = {
  format: 'spark-events',
  target: APP_DETAILS,
  // Event logs are named for their app id, with no extension: every file of a directory is taken.
  extensions: [],
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    refuseRollingPart(ctx.file);
    const { inProgress, rolled } = await readLines(conn, ctx.file, (await fs.promises.stat(ctx.file)).isDirectory());
    // One JSON parse a line: every field the figures read, extracted at once (a line that is not JSON gives null).
    await conn.run(
      `create temp table stg_spark_ev as
       select line, text, f, f[1] as event, regexp_extract(f[1], '[^.]*$') as short
       from (select line, text, try(json_extract_string(text, ${SPARK_EVENT_PATHS})) as f from stg_spark_lines where trim(text) <> '')
       where f[1] is not null`,
    );
    const [[events, starts]] = (
      await conn.runAndReadAll(`select count(*), count(*) filter (short = 'SparkListenerApplicationStart') from stg_spark_ev`)
    ).getRows().map((r) => r.map(Number));
    const [[lines]] = (await conn.runAndReadAll(`select count(*) from stg_spark_lines where trim(text) <> ''`)).getRows().map((r) => r.map(Number));
    if (!lines) return noRows(APP_DETAILS);
    if (!events) {
      throw new FileFormatError(`no line is a SparkListener event (a JSON object with an "Event" field). Check it is a Spark event log, or pass the right --format.`);
    }
    if (!starts) {
      throw new FileFormatError(
        `it has no SparkListenerApplicationStart event, so the application it belongs to is not known (${events} events read). Check the log begins at its first part.`,
      );
    }
    if (starts > 1) ctx.warnOnce('spark-events:two-starts', `${path.basename(ctx.file)}: more than one SparkListenerApplicationStart; the first names the application.`);
    const unknown = (
      await conn.runAndReadAll(`select event, count(*) from stg_spark_ev where short not in (select unnest($known::varchar[])) group by event order by event`, {
        known: `[${KNOWN_EVENTS.map((e) => `"${e}"`).join(',')}]`,
      })
    ).getRows();
    for (const [event, n] of unknown) {
      ctx.warnOnce(`spark-events:unknown:${event}`, `Spark event type ${String(event)} is not one gazette knows (${Number(n)} in ${path.basename(ctx.file)}): kept, counted in extra.unknown_events.`);
    }
    return {
      rejects: {
        sql: `select line,
                case when not json_valid(text) then 'not JSON (a SparkListener event is one JSON object a line; a log cut off mid-write ends in part of one)'
                     when json_type(text) <> 'OBJECT' then 'not a JSON object'
                     else 'no "Event" field naming the SparkListener event' end${rolled ? ` || ' (' || p.name || ', line ' || (l.line - p.first + 1) || ')'` : ''} as reason,
                left(text, 2000) as raw
              from stg_spark_lines l${rolled ? ' join stg_spark_parts p on l.line between p.first and p.last' : ''}
              where trim(text) <> '' and not exists (select 1 from stg_spark_ev e where e.line = l.line)`,
      },
      rows: {
        sql: SPARK_APP_SQL,
        params: {
          cluster: ctx.cluster,
          in_progress: inProgress,
          known: `[${KNOWN_EVENTS.map((e) => `"${e}"`).join(',')}]`,
        },
      },
      read: 1,
    };
  },
};
