/**
 * The Standard Workload Format (`.swf`, `.swf.gz`) of the Parallel Workloads Archive: a header
 * of `;` comment lines, then one job a line, 18 whitespace-separated numbers, -1 for unknown:
 *
 *    1 job number          7 used memory (KB per processor)   13 group id
 *    2 submit time (s)     8 requested processors             14 executable (application) number
 *    3 wait time (s)       9 requested time (s)               15 queue number
 *    4 run time (s)       10 requested memory (KB per proc.)  16 partition number
 *    5 allocated procs    11 status                           17 preceding job number
 *    6 average CPU time   12 user id                          18 think time from preceding job
 *      per processor (s)
 *
 * Times count from the header's `UnixStartTime` (epoch seconds, absolute); a log without one
 * cannot be placed in time and fails, saying so. Status 1 is completed, 0 failed, 5 cancelled;
 * of a job run in parts, 3 is the last part completed and 4 the last part failed (2, a part
 * that continues, is kept as UNKNOWN; -1, not known, is UNKNOWN with no raw state). Users, groups, queues and partitions are numbers in an
 * anonymised log: they are stored as text, with the header's `Queue:`/`Partition:` names where
 * it gives them. Fields with no column (executable, preceding job, think time, the per-processor
 * figures as given) are kept in `extra`.
 */
import { FileFormatError, noRows, type Source, type StageContext, type Staged } from './source.js';
import { JOBS } from './targets.js';
import { textLines } from './text-lines.js';

/** The 18 fields, in order, as named in `extra` and messages. */
export const SWF_FIELDS = [
  'job', 'submit', 'wait', 'run', 'procs', 'avg_cpu', 'used_mem_kb', 'req_procs', 'req_time', 'req_mem_kb',
  'status', 'user', 'group', 'executable', 'queue', 'partition', 'preceding_job', 'think_time',
] as const;
const F = (name: (typeof SWF_FIELDS)[number]) => `f[${SWF_FIELDS.indexOf(name) + 1}]`;
/** A field as a number; -1 (unknown) is null. */
const num = (name: (typeof SWF_FIELDS)[number]) => `nullif(try_cast(${F(name)} as double), -1)`;

export const swf: Source = {
  format: 'swf',
  target: JOBS,
  extensions: ['.swf', '.swf.gz'],
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    const lines = textLines(ctx.file);
    await conn.run(
      `create temp table stg_swf_lines as ${lines.sql}`,
      lines.params,
    );
    const header = (await conn.runAndReadAll(`select text from stg_swf_lines where starts_with(ltrim(text), ';') order by line`)).getRows().map((r) => String(r[0]));
    const fields = new Map<string, string>();
    const queues: [string, string][] = [];
    const partitions: [string, string][] = [];
    for (const h of header) {
      const m = /^\s*;\s*([A-Za-z]+)\s*:\s*(.*?)\s*$/.exec(h);
      if (!m) continue;
      const [, key, value] = m;
      // `; Queue:  1  batch` names a queue number; most keys appear once.
      const named = /^(-?\d+)\s+(\S.*)$/.exec(value);
      if (key === 'Queue' && named) queues.push([named[1], named[2]]);
      else if (key === 'Partition' && named) partitions.push([named[1], named[2]]);
      else if (!fields.has(key)) fields.set(key, value);
    }
    const data = Number((await conn.runAndReadAll(`select count(*) from stg_swf_lines where ltrim(text) <> '' and not starts_with(ltrim(text), ';')`)).getRows()[0][0]);
    if (!header.length && !data) return noRows(JOBS);
    const start = Number(fields.get('UnixStartTime'));
    if (!fields.has('UnixStartTime') || !Number.isInteger(start)) {
      throw new FileFormatError(
        fields.has('UnixStartTime')
          ? `its header's UnixStartTime "${fields.get('UnixStartTime')}" is not a whole number of seconds.`
          : `its header has no "; UnixStartTime:" line, so the submit times (seconds from the log's start) cannot be placed in time. Add the line from the log's documentation, e.g. "; UnixStartTime: 749458803".`,
      );
    }
    const names = (pairs: [string, string][]) => `map([${pairs.map(([n]) => `'${n.replace(/'/g, "''")}'`).join(', ')}]::varchar[], [${pairs.map(([, v]) => `'${v.replace(/'/g, "''")}'`).join(', ')}]::varchar[])`;
    await conn.run(
      `create temp table stg_swf as
       select line, text, f,
         case when len(f) <> 18 then 'expected 18 whitespace-separated fields, got ' || len(f)
              else nullif(concat_ws('; ',
                case when try_cast(${F('job')} as bigint) is null then 'the job number "' || ${F('job')} || '" is not a whole number' end,
                ${SWF_FIELDS.slice(1).map((n) => `case when try_cast(${F(n)} as double) is null then '${n} "' || ${F(n)} || '" is not a number' end`).join(',\n                ')},
                case when try_cast(${F('submit')} as double) < 0 then 'the submit time is unknown (-1)' end), '') end as reason
       from (select line, text, string_split_regex(trim(text), '\\s+') as f
             from stg_swf_lines where ltrim(text) <> '' and not starts_with(ltrim(text), ';'))`,
    );
    return {
      rejects: { sql: `select line, reason, text as raw from stg_swf where reason is not null` },
      rows: {
        params: { cluster: ctx.cluster, start },
        sql: `with j as (
         select line, f,
           to_timestamp($start + try_cast(${F('submit')} as double))::timestamptz as t_submit,
           ${num('wait')} as wait_s, ${num('run')} as run_s, ${num('procs')} as procs, ${num('req_procs')} as req_procs,
           ${num('avg_cpu')} as avg_cpu, ${num('used_mem_kb')} as used_kb, ${num('req_mem_kb')} as req_kb,
           try_cast(${F('status')} as integer) as status
         from stg_swf where reason is null
       ), t as (
         select *, cast(timezone('UTC', t_submit) as timestamp) as submit_time,
           cast(timezone('UTC', t_submit + to_microseconds(cast(wait_s * 1e6 as bigint))) as timestamp) as start_time
         from j
       )
       select
         $cluster as cluster,
         ${F('job')} as job_id,
         'swf' as source,
         case when ${F('executable')} <> '-1' then 'app' || ${F('executable')} end as name,
         null::varchar as job_key,
         nullif(${F('user')}, '-1') as "user",
         nullif(coalesce(${names(queues)}[${F('queue')}], ${F('queue')}), '-1') as queue,
         nullif(${F('group')}, '-1') as account,
         'SWF' as app_type,
         case status when 1 then 'SUCCEEDED' when 3 then 'SUCCEEDED' when 0 then 'FAILED' when 4 then 'FAILED' when 5 then 'KILLED' else 'UNKNOWN' end as state,
         cast(nullif(status, -1) as varchar) as raw_state,
         submit_time,
         start_time,
         start_time + to_microseconds(cast(run_s * 1e6 as bigint)) as end_time,
         wait_s,
         run_s as elapsed_s,
         procs as alloc_cpus,
         used_kb * procs / 1024 as alloc_memory_mb,
         0::double as alloc_gpus,
         run_s * procs as vcore_seconds,
         run_s * used_kb * procs / 1024 as memory_mb_seconds,
         0::double as gpu_seconds,
         req_kb * coalesce(req_procs, procs) / 1024 as req_memory_mb,
         used_kb * procs / 1024 as max_rss_mb,
         avg_cpu * procs as total_cpu_s,
         ${num('req_time')} as time_limit_s,
         null::integer as exit_code,
         null::varchar as diagnostics,
         null::varchar[] as tags,
         json_merge_patch('{}', json_object(
           'executable', cast(${num('executable')} as bigint), 'partition', nullif(coalesce(${names(partitions)}[${F('partition')}], ${F('partition')}), '-1'),
           'preceding_job', cast(${num('preceding_job')} as bigint), 'think_time_s', ${num('think_time')},
           'avg_cpu_s_per_proc', avg_cpu, 'used_memory_kb_per_proc', used_kb, 'req_memory_kb_per_proc', req_kb, 'req_procs', cast(req_procs as bigint)))::json as extra,
         line as _line
       from t`,
      },
    };
  },
};
