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
 * Many logs are staged in one statement (the pipeline's groups): their files are read in one
 * read_csv of a list, each line tagged with its log (`_input`) and numbered along that log, and
 * SPARK_APP_SQL gives one row per log, so DuckDB plans the long statement once per group, not
 * once per log.
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
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { FileFormatError, type GroupContext, type Select, type Source, type StageContext, type Staged, type StagedGroup } from './source.js';
import { APP_DETAILS } from './targets.js';
import { textLines } from './text-lines.js';
import { SPARK_APP_SQL, SPARK_EVENT_PATHS, SPARK_TEXT_READ } from './spark-events-sql.js';
import { isRollingLogDir, isRollingLogPart, partCodecName, rollingLog } from './spark-rolling.js';

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

/** A log's event files (one, or a rolling log's parts in order) and whether its application says it is still running. */
interface LogFiles {
  parts: { file: string; name: string; codec: ReturnType<typeof codecOf> }[];
  inProgress: boolean;
  rolled: boolean;
}

async function logFiles(file: string): Promise<LogFiles> {
  refuseRollingPart(file);
  if (!(await fs.promises.stat(file)).isDirectory()) {
    return { parts: [{ file, name: path.basename(file), codec: codecOf(file) }], inProgress: /\.inprogress$/i.test(file), rolled: false };
  }
  const log = rollingLog(file);
  return { parts: log.parts.map((p) => ({ file: p.file, name: p.name, codec: codecOf(partCodecName(p)) })), inProgress: log.inProgress, rolled: true };
}

/**
 * The logs' lines, parsed: `stg_spark_all` (_input: the log's place in `logs`, part: the file's
 * place among all the logs' files, line, blank, f, event, short, text where still read) holds
 * every line, and `stg_spark_ev` the events among them. The files are read in one go per run of
 * files with the same codec (one read_csv of a list), in order, and parsed as they are read (the
 * text is not stored first): `line` numbers the lines of all the files on, one after another, so
 * a log's own line number is `line` less `stg_spark_logs.before` (a rolling log's parts numbered
 * on across them), and a part's line is counted from its first (`stg_spark_files`: which part is
 * which file). Blank lines are kept, marked, so that they are counted.
 */
async function readLogs(conn: StageContext['conn'], logs: LogFiles[]): Promise<void> {
  const files = logs.flatMap((log, input) => log.parts.map((part) => ({ ...part, input, rolled: log.rolled })));
  const col = <T extends DuckDBValue>(f: (x: (typeof files)[number]) => T) => listValue(files.map(f));
  await conn.run(
    `create temp table stg_spark_files as
     select unnest($input::bigint[]) as _input, unnest($part::bigint[]) as part, unnest($filename::varchar[]) as filename,
            unnest($name::varchar[]) as name, unnest($rolled::boolean[]) as rolled`,
    { input: col((f) => f.input), part: listValue(files.map((_, k) => k)), filename: col((f) => f.file), name: col((f) => f.name), rolled: col((f) => f.rolled) },
  );
  // One JSON parse a line: every field the figures read, extracted at once (a line that is not JSON gives null).
  // A line is blank when ltrim leaves nothing, asked only of a line that does not start with `{`
  // (trim costs as much as the JSON parse: it reads every character to the end of the line).
  const parse = (read: string) => `
     select _input, part, line, blank, f, event, short, case when not blank and (event is null or (${SPARK_TEXT_READ})) then text end as text
     from (select _input, part, line, blank, text, f, f[1] as event, case when contains(f[1], '.') then regexp_extract(f[1], '[^.]*$') else f[1] end as short
           from (select p._input, p.part, r.line + $offset as line, r.blank, r.text,
                        case when not r.blank then try(json_extract_string(r.text, ${SPARK_EVENT_PATHS})) end as f
                 from (select *, not coalesce(starts_with(text, '{') or ltrim(text) <> '', false) as blank from (${read})) r
                 join stg_spark_files p using (filename)))`;
  let offset = 0;
  for (let i = 0; i < files.length; ) {
    let j = i + 1;
    while (j < files.length && files[j].codec === files[i].codec) j++;
    const list = files.slice(i, j).map((f) => f.file);
    const read = textLines(list, { compression: files[i].codec, maxLineBytes: Math.max(...list.map((f) => maxLineOf(f, files[i].codec))) });
    await conn.run(`${i ? 'insert into stg_spark_all' : 'create temp table stg_spark_all as'} ${parse(read.sql)}`, { ...read.params, offset });
    if (j < files.length) offset = Number((await conn.runAndReadAll(`select count(*) from stg_spark_all`)).getRows()[0][0]);
    i = j;
  }
  await conn.run(
    `create temp table stg_spark_logs as select _input, min(line) - 1 as before from stg_spark_all group by _input;
     create temp view stg_spark_ev as select * from stg_spark_all where event is not null`,
  );
}

/** The known event types, as the SQL's $known (a JSON list). */
const KNOWN_JSON = `[${KNOWN_EVENTS.map((e) => `"${e}"`).join(',')}]`;

/**
 * Stage event logs (files or rolling logs' directories) together: one row per log with its place
 * in `files` as `_input`, and the rejected lines likewise. A log that is not one whole application's
 * (no event, no application start) fails the lot, naming it.
 */
async function stageLogs(ctx: GroupContext, files: string[]): Promise<StagedGroup & { rejects: Select }> {
  const { conn } = ctx;
  const logs: LogFiles[] = [];
  for (const file of files) logs.push(await logFiles(file));
  await readLogs(conn, logs);
  // A log with no line but blank ones has no row.
  const counts = (
    await conn.runAndReadAll(
      `select _input, count(*) filter (event is not null), count(*) filter (short = 'SparkListenerApplicationStart') from stg_spark_all where not blank group by _input order by _input`,
    )
  ).getRows().map((r) => r.map(Number));
  for (const [input, events, starts] of counts) {
    if (!events) throw new FileFormatError(`no line is a SparkListener event (a JSON object with an "Event" field). Check it is a Spark event log, or pass the right --format.`);
    if (!starts) {
      throw new FileFormatError(`it has no SparkListenerApplicationStart event, so the application it belongs to is not known (${events} events read). Check the log begins at its first part.`);
    }
    if (starts > 1) ctx.warnOnce('spark-events:two-starts', `${path.basename(files[input])}: more than one SparkListenerApplicationStart; the first names the application.`);
  }
  const unknown = (
    await conn.runAndReadAll(
      `select _input, event, count(*) from stg_spark_ev where short not in (select unnest($known::varchar[])) group by _input, event order by _input, event`,
      { known: KNOWN_JSON },
    )
  ).getRows();
  for (const [input, event, n] of unknown) {
    ctx.warnOnce(
      `spark-events:unknown:${event}`,
      `Spark event type ${String(event)} is not one gazette knows (${Number(n)} in ${path.basename(files[Number(input)])}): kept, counted in extra.unknown_events.`,
    );
  }
  return {
    rejects: {
      sql: `select l._input, l.line - g.before as line,
                case when not json_valid(l.text) then 'not JSON (a SparkListener event is one JSON object a line; a log cut off mid-write ends in part of one)'
                     when json_type(l.text) <> 'OBJECT' then 'not a JSON object'
                     else 'no "Event" field naming the SparkListener event' end
                || case when p.rolled then ' (' || p.name || ', line ' || (l.line - pf.first + 1) || ')' else '' end as reason,
                left(l.text, 2000) as raw
              from stg_spark_all l join stg_spark_logs g using (_input) join stg_spark_files p using (part)
                join (select part, min(line) as first from stg_spark_all group by part) pf using (part)
              where l.event is null and not l.blank`,
    },
    rows: { sql: SPARK_APP_SQL, params: { cluster: ctx.cluster, in_progress: listValue(logs.map((l) => l.inProgress)), known: KNOWN_JSON } },
  };
}

export const sparkEvents: Source = {
  format: 'spark-events',
  target: APP_DETAILS,
  // Event logs are named for their app id, with no extension: every file of a directory is taken.
  extensions: [],
  async stage(ctx: StageContext): Promise<Staged> {
    const one = await stageLogs(ctx, [ctx.file]);
    const alone = (sel: Select) => ({ ...sel, sql: `select * exclude (_input) from (${sel.sql})` });
    return { rows: alone(one.rows), rejects: alone(one.rejects) };
  },
  stageMany: (ctx, files) => stageLogs(ctx, files.map((f) => f.file)),
  // A group holds its logs' text uncompressed while it is staged: event logs compress about tenfold.
  groupBytes(file, size) {
    const names = isRollingLogDir(file) ? fs.readdirSync(file) : [file];
    return names.some((n) => /\.(gz|zstd?)(\.inprogress)?$/i.test(n)) ? 10 * size : size;
  },
};
