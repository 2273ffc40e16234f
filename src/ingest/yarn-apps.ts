/**
 * YARN ResourceManager `/ws/v1/cluster/apps` responses (and a single `/apps/{id}` response),
 * plain or gzipped. DuckDB reads the file; each app is mapped in SQL.
 *
 * Times are epoch milliseconds (UTC); running apps report finishedTime 0; finished apps may
 * report allocatedMB/allocatedVCores -1 (that is "not allocated now", not a size).
 * vcoreSeconds / memorySeconds are the aggregate resource use. FINISHED+FAILED is a failure,
 * KILLED is killed. Every field with no column is kept in `extra`.
 */
import { FileFormatError, type JobSource, type StageContext } from './source.js';

/** App fields read into columns (read as text, so a bad value is a reject, not a failed file). */
const FIELDS = [
  'id', 'name', 'user', 'queue', 'applicationType', 'state', 'finalStatus', 'startedTime', 'launchTime',
  'finishedTime', 'elapsedTime', 'allocatedMB', 'allocatedVCores', 'vcoreSeconds', 'memorySeconds',
  'diagnostics', 'applicationTags',
] as const;
/** Of those, the ones that must be numbers when present. */
const NUMERIC = ['startedTime', 'launchTime', 'finishedTime', 'elapsedTime', 'allocatedMB', 'allocatedVCores', 'vcoreSeconds', 'memorySeconds'];

const SHAPE = JSON.stringify({ ...Object.fromEntries(FIELDS.map((f) => [f, 'VARCHAR'])), resourceSecondsMap: 'JSON' });
/**
 * json_merge_patch with nulls removes the keys that went into columns; the rest is `extra`.
 * allocatedMB/allocatedVCores stay in extra too: they are the app's allocation *now*, which
 * is a column only while it runs (finished apps report -1, 0 or a stale value).
 */
const MAPPED = JSON.stringify(Object.fromEntries(FIELDS.filter((f) => !f.startsWith('allocated')).map((f) => [f, null])));
const UNFINISHED = `a.state in ('RUNNING', 'NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED')`;

const ms = (f: string) => `try_cast(a.${f} as double)`;
const ts = (f: string) => `case when ${ms(f)} > 0 then make_timestamp(cast(${ms(f)} * 1000 as bigint)) end`;

export const yarnApps: JobSource = {
  format: 'yarn-apps',
  extensions: ['.json', '.json.gz'],
  async stage(ctx: StageContext) {
    const { conn } = ctx;
    const compressed = ctx.file.endsWith('.gz');
    // The reader's buffer must hold the largest object: the whole response is one object.
    const maxObject = Math.max(16 << 20, (compressed ? 30 : 1) * ctx.size + (1 << 20));
    await conn.run(
      `create or replace temp table stg_yarn_objects as
       select row_number() over () as obj, json as j,
         case when json_type(json, '$.apps.app') = 'ARRAY' then 'list'
              when json_type(json, '$.apps.app') = 'OBJECT' then 'one-in-apps'
              when json_exists(json, '$.apps') and (json_type(json, '$.apps') = 'NULL' or json_type(json, '$.apps') = 'OBJECT' and not json_exists(json, '$.apps.app')) then 'empty'
              when json_type(json, '$.app') = 'OBJECT' then 'one'
              else 'unknown' end as shape
       from read_json_objects($file, format = 'auto', maximum_object_size = $max)`,
      { file: ctx.file, max: Math.min(maxObject, 2 ** 31 - 1) },
    );
    const bad = (await conn.runAndReadAll(`select obj, left(json(j)::varchar, 80) from stg_yarn_objects where shape = 'unknown' limit 1`)).getRows();
    if (bad.length) {
      throw new FileFormatError(
        `JSON value ${bad[0][0]} is not a ResourceManager apps response (no "apps": {"app": [...]} or "app": {...}; starts ${JSON.stringify(bad[0][1])}). Check the file came from /ws/v1/cluster/apps, or pass the right --format.`,
      );
    }
    await conn.run(
      `create or replace temp table stg_yarn as
       with lists as (
         select obj, case shape when 'list' then from_json(j->'$.apps.app', '["JSON"]')
                                when 'one-in-apps' then [j->'$.apps.app']
                                when 'one' then [j->'$.app'] else [] end as apps
         from stg_yarn_objects
       ), apps as (
         select obj, unnest(apps) as app, generate_subscripts(apps, 1) as idx from lists
       )
       select row_number() over (order by obj, idx) as rec, app, json_transform(app, $shape) as a from apps`,
      { shape: SHAPE },
    );
    await conn.run(`drop table stg_yarn_objects`);
    const reasons = [
      `case when a.id is null or trim(a.id) = '' then 'id is missing' end`,
      ...NUMERIC.map((f) => `case when a.${f} is not null and ${ms(f)} is null then '${f} is not a number (got ' || to_json(a.${f}) || ')' end`),
    ];
    await conn.run(
      `create or replace temp table stg_yarn_checked as
       select *, nullif(concat_ws('; ', ${reasons.join(', ')}), '') as reason from stg_yarn`,
    );
    await conn.run(`drop table stg_yarn`);
    await conn.run(
      `create or replace temp table stg_rejects as
       select rec as line, reason, app::varchar as raw from stg_yarn_checked where reason is not null`,
    );
    await conn.run(
      `create or replace temp table stg_jobs as
       select
         $cluster as cluster,
         a.id as job_id,
         'yarn' as source,
         a.name,
         null::varchar as job_key,
         a.user as "user",
         a.queue,
         null::varchar as account,
         a.applicationType as app_type,
         case
           when a.state = 'FINISHED' then case a.finalStatus when 'SUCCEEDED' then 'SUCCEEDED' when 'FAILED' then 'FAILED' when 'KILLED' then 'KILLED' else 'UNKNOWN' end
           when a.state = 'FAILED' then 'FAILED'
           when a.state = 'KILLED' then 'KILLED'
           when a.state = 'RUNNING' then 'RUNNING'
           when a.state in ('NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED') then 'PENDING'
           else 'UNKNOWN'
         end as state,
         concat_ws('/', a.state, a.finalStatus) as raw_state,
         ${ts('startedTime')} as submit_time,
         coalesce(${ts('launchTime')}, ${ts('startedTime')}) as start_time,
         ${ts('finishedTime')} as end_time,
         case when ${ms('launchTime')} > 0 and ${ms('startedTime')} > 0 then (${ms('launchTime')} - ${ms('startedTime')}) / 1000 end as wait_s,
         ${ms('elapsedTime')} / 1000 as elapsed_s,
         case when ${UNFINISHED} and ${ms('allocatedVCores')} > 0 then ${ms('allocatedVCores')} end as alloc_cpus,
         case when ${UNFINISHED} and ${ms('allocatedMB')} > 0 then ${ms('allocatedMB')} end as alloc_memory_mb,
         null::double as alloc_gpus,
         ${ms('vcoreSeconds')} as vcore_seconds,
         ${ms('memorySeconds')} as memory_mb_seconds,
         -- Jettison writes the map as duplicate "entry" keys ({"entry":{…},"entry":{…}}), or an array:
         -- scan the entries' text for the yarn.io/gpu one rather than trusting a JSON path.
         try_cast(regexp_extract(regexp_extract(a.resourceSecondsMap::varchar, '[{][^{}]*"key" *: *"yarn[.]io/gpu"[^{}]*[}]'),
                                 '"value" *: *"?([0-9.]+)', 1) as double) as gpu_seconds,
         null::double as req_memory_mb,
         null::double as max_rss_mb,
         null::double as total_cpu_s,
         null::double as time_limit_s,
         null::integer as exit_code,
         nullif(trim(a.diagnostics), '') as diagnostics,
         case when nullif(trim(a.applicationTags), '') is not null
              then list_filter(list_transform(string_split(a.applicationTags, ','), lambda t: trim(t)), lambda t: t <> '') end as tags,
         nullif(json_merge_patch(app, $mapped), '{}')::json as extra,
         rec as _line
       from stg_yarn_checked where reason is null`,
      { cluster: ctx.cluster, mapped: MAPPED },
    );
    await conn.run(`drop table stg_yarn_checked`);
  },
};
