/**
 * Spark History Server REST responses (`/api/v1`, Spark 1.4–3.x), saved as files or pulled with
 * --history-url (spark-history-pull.ts), into `app_details` with source 'spark-history' — the same
 * columns, with the same meanings, as Spark's event logs give (spark-events.ts), so an application
 * seen by the RM, its event log and the History Server stays one job.
 *
 * The application list is what loads: one row per application (its latest attempt), with the
 * figures of the per-application responses saved beside it (spark-history-layout.ts has the layout:
 * `<app-id>/allexecutors.json`, `jobs.json`, `stages.json`, `environment.json`). The list's load
 * depends on those files too (`variant`): when one changes, loading the list again loads it anew.
 * A per-application response loaded on its own is checked (a file that is not JSON, or not the
 * response its name says, fails) and loads nothing itself: its figures come with its list's load;
 * one that no list beside its directory names is warned about.
 *
 * Where each figure comes from:
 *   id, name            the list record's "id", "name"; job_id = id (the YARN application id on YARN)
 *   attempt, user, times the attempt kept (ended before running, then the later end): "attemptId",
 *                       "sparkUser", "startTimeEpoch"/"endTimeEpoch" (older servers: "startTime",
 *                       "endTime", GMT text; else start + "duration")
 *   outcome             "completed": false → RUNNING; else FAILED when the job list's last job to end
 *                       (by completionTime) FAILED, as spark-events decides; else SUCCEEDED (a list
 *                       alone cannot tell a failed application from one that succeeded)
 *   executors           allexecutors (or executors: live ones only): ids other than "driver"; removed
 *                       = not "isActive"; cores = mean "totalCores"
 *   queue, memory       environment "sparkProperties": spark.yarn.queue, spark.executor.memory (MB)
 *   jobs                the job list: count, "status" FAILED
 *   stages, tasks and   the stage list, over the stage attempts that ran (SKIPPED and PENDING ones never
 *   task figures        did): numCompleteTasks + numFailedTasks + numKilledTasks, executorRunTime (ms),
 *                       executorCpuTime (ns; 0 where Spark < 2.1 logged none), jvmGcTime, inputBytes,
 *                       outputBytes, shuffleReadBytes (remote + local), shuffleWriteBytes,
 *                       memoryBytesSpilled, diskBytesSpilled; stage_list has one entry per stage
 *                       attempt; failure_reason the first failed stages' "failureReason" first lines
 *                       (the job list carries no message)
 *   a partial stage list  one that lacks stages the job list names (fetched with ?status=…, or cut by
 *                       spark.ui.retainedStages): tasks, failed and killed tasks, input, shuffle and
 *                       GC time come from the executor list's totals instead, stage counts from the
 *                       job list's, and run time, CPU time, output and spill are left null; a warning
 *                       says so, and extra.stages_missing lists them
 *   not given           the largest task's peak memory, the task-time spread (the stage list has
 *                       sums only), and the executor list's "totalDuration" (task wall time, not run
 *                       time: kept as extra.executor_task_duration_s)
 *
 * An application record with no "id" (or no attempts), and an executor, job or stage record with no
 * id, are rejected rows with their reason; an application whose per-application file cannot be read
 * is a rejected row naming the file, and the others load.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stageJsonDocument } from './json-document.js';
import { FileFormatError, noRows, type Source, type StageContext, type Staged } from './source.js';
import { APP_DETAILS } from './targets.js';
import { allPartFiles, kindOfKeys, partFiles, partPlace, responseKindByName, type PartKind } from './spark-history-layout.js';
import { NOUN, listsNaming, readParts, type Part } from './spark-history-parts.js';
import { APP_RECORDS_SQL, APP_SQL, ATTEMPT_SQL, ITEM_REJECTS_SQL } from './spark-history-sql.js';

const HOLDS =
  'a Spark History Server response is one JSON document: the application list (GET /api/v1/applications), one application (…/applications/<id>), or one application\'s allexecutors, jobs, stages or environment';


export const sparkHistory: Source = {
  format: 'spark-history',
  target: APP_DETAILS,
  extensions: ['.json', '.json.gz'],
  /** A list's load depends on the per-application files beside it: their content is part of its identity. */
  variant(file) {
    const byName = responseKindByName(path.basename(file));
    if (byName && byName !== 'applications') return undefined;
    const listDir = path.dirname(file);
    const parts = allPartFiles(listDir);
    if (!parts.length) return undefined;
    const h = crypto.createHash('sha256');
    for (const p of parts) {
      h.update(path.relative(listDir, p)).update('\0');
      h.update(crypto.createHash('sha256').update(fs.readFileSync(p)).digest()).update('\0');
    }
    return `with ${parts.length} per-application files ${h.digest('hex').slice(0, 16)}`;
  },
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    await stageJsonDocument(ctx, 'stg_sh_doc', HOLDS);
    const [type, keys, n] = (
      await conn.runAndReadAll(
        `select json_type(json),
                case json_type(json) when 'ARRAY' then json_keys(list_filter(from_json(json, '["JSON"]'), e -> json_type(e) = 'OBJECT')[1])
                                     when 'OBJECT' then json_keys(json) end,
                case json_type(json) when 'ARRAY' then json_array_length(json) end
         from stg_sh_doc`,
      )
    ).getRowsJS()[0] as [string, string[] | null, bigint | null];
    const array = type === 'ARRAY';
    const kind = array && Number(n) === 0 ? (responseKindByName(path.basename(ctx.file)) ?? 'applications') : kindOfKeys(keys ?? [], array);
    if (!kind) {
      const what = array ? (keys ? `a JSON array of objects with the keys ${shortList(keys)}` : 'a JSON array of no objects') : `a JSON ${type.toLowerCase()}${keys ? ` with the keys ${shortList(keys)}` : ''}`;
      throw new FileFormatError(`${what}, not a Spark History Server response; ${HOLDS}.`);
    }
    if (kind !== 'applications') return stagePart(ctx, kind);
    return stageList(ctx);
  },
};

/** The application list (or one application): its rows, with the per-application files beside it. */
async function stageList(ctx: StageContext): Promise<Staged> {
  const { conn } = ctx;
  await conn.run(
    `create temp table stg_sh_recs as
     select generate_subscripts(l, 1) as rec, unnest(l) as r
     from (select case when json_type(json) = 'ARRAY' then from_json(json, '["JSON"]') else [json] end as l from stg_sh_doc)`,
  );
  await conn.run(APP_RECORDS_SQL);
  await conn.run(ATTEMPT_SQL);
  const apps = (await conn.runAndReadAll(`select rec, id, attempt_id from stg_sh_apps join stg_sh_attempt using (rec) order by rec`)).getRowsJS() as [
    bigint, string, string | null,
  ][];
  const listDir = path.dirname(ctx.file);
  const parts: Part[] = [];
  for (const [rec, id, attempt] of apps) {
    if (!isPlainName(id) || (attempt !== null && !isPlainName(attempt))) continue;
    for (const [kind, file] of Object.entries(partFiles(listDir, id, attempt))) {
      parts.push({ app: Number(rec), kind: kind as PartKind, path: file, rel: path.relative(listDir, file) });
    }
  }
  await readParts(conn, parts);
  await conn.run(`create temp table stg_sh_rows as ${APP_SQL}`, { cluster: ctx.cluster });

  const partial = (
    await conn.runAndReadAll(`select job_id, extra ->> 'stages_missing' from stg_sh_rows where json_array_length(extra -> 'stages_missing') > 0 order by _line`)
  ).getRowsJS() as [string, string][];
  if (partial.length) {
    ctx.warnOnce(
      `spark-history:partial:${ctx.file}`,
      `${path.basename(ctx.file)}: the stage list of ${partial.length} application(s) (${partial[0][0]}: stages ${JSON.parse(partial[0][1]).join(', ')}) lacks stages the job list names — fetched with ?status=…, or cut by spark.ui.retainedStages. Their task figures come from the executor list; run time, CPU time, output and spill are left empty. Fetch …/stages with no status filter for them all.`,
    );
  }
  const [[records]] = (await conn.runAndReadAll(`select count(*) from stg_sh_recs`)).getRowsJS() as [[bigint]];
  return {
    rows: { sql: `select * from stg_sh_rows` },
    rejects: {
      sql: `select rec as line, reason, left(coalesce(r::varchar, 'null'), 2000) as raw from stg_sh_apps where reason is not null
            union all
            select b.app, b.reason, left(a.r::varchar, 2000) from stg_sh_bad_apps b join stg_sh_apps a on a.rec = b.app
            union all
            select line, reason, raw from (${ITEM_REJECTS_SQL}) where app not in (select app from stg_sh_bad_apps)`,
    },
    read: Number(records),
  };
}

/**
 * A per-application response loaded on its own: checked, and read with its list (which loads it).
 * Nothing of its own is written.
 */
async function stagePart(ctx: StageContext, kind: PartKind): Promise<Staged> {
  const name = path.basename(ctx.file);
  const byName = responseKindByName(name);
  if (byName && byName !== kind) {
    throw new FileFormatError(`it holds the ${NOUN[kind]}, but its name says the ${NOUN[byName]}. Save each response under its own name (${kind === 'executors' ? 'allexecutors' : kind}.json).`);
  }
  const place = partPlace(ctx.file);
  const where = path.relative(place.listDir, ctx.file);
  if (!byName) {
    ctx.warnOnce(
      `spark-history:name:${ctx.file}`,
      `${ctx.file}: the ${NOUN[kind]} of an application is read with its list only as ${kind === 'executors' ? 'allexecutors.json (or executors.json)' : `${kind}.json`}: not loaded under this name.`,
    );
  } else if (!(await listsNaming(ctx.conn, place.listDir)).has(place.appId)) {
    ctx.warnOnce(
      `spark-history:orphan:${path.dirname(ctx.file)}`,
      `${where}: the responses of application ${place.appId} are read with the application list beside its directory, and no list in ${place.listDir} names it: not loaded. Save the list there (GET /api/v1/applications → applications.json) and load the directory again.`,
    );
  }
  return { ...noRows(APP_DETAILS), read: 0 };
}

/** An id usable as a directory name (no separators, not `.` or `..`). */
const isPlainName = (s: string) => s !== '' && s !== '.' && s !== '..' && !/[\\/]/.test(s);
const shortList = (xs: string[]) => xs.slice(0, 8).join(', ') + (xs.length > 8 ? ', …' : '');
