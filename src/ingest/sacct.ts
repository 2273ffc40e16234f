/**
 * Slurm `sacct --parsable2` output, with or without the header line. Without one, the field
 * list of Open XDMoD's xdmod-slurm-helper is assumed (XDMOD_FIELDS).
 *
 * One row per job allocation; job steps (123.batch, 123.extern, 123.0) are not jobs: their
 * MaxRSS (max) and TotalCPU (sum) go to their job. JobIDRaw is the identity (array elements
 * like 4103947_2 have their own raw id; JobID is kept in `extra`). Times are the cluster's
 * local time, converted to UTC with the cluster's time zone. Every field with no column is
 * kept in `extra`.
 */
import { listValue } from '@duckdb/node-api';
import { FileFormatError, type JobSource, type StageContext } from './source.js';

/** xdmod-slurm-helper's `sacct --format` list, the order of a header-less dump. */
export const XDMOD_FIELDS = [
  'jobid', 'jobidraw', 'cluster', 'partition', 'qos', 'account', 'group', 'gid', 'user', 'uid',
  'submit', 'eligible', 'start', 'end', 'elapsed', 'exitcode', 'state', 'nnodes', 'ncpus',
  'reqcpus', 'reqmem', 'reqtres', 'alloctres', 'timelimit', 'nodelist', 'jobname',
];

/** Fields that map to columns (sacct field names, lower case); everything else goes to `extra`. */
const MAPPED = new Set([
  'jobidraw', 'partition', 'account', 'user', 'submit', 'start', 'end', 'elapsed', 'elapsedraw',
  'exitcode', 'state', 'ncpus', 'alloccpus', 'reqmem', 'reqtres', 'alloctres', 'timelimit', 'timelimitraw',
  'jobname', 'maxrss', 'totalcpu',
]);

/** [D-][HH:]MM:SS[.fff] → seconds; null for UNLIMITED, Partition_Limit, INVALID, empty. */
const duration = (x: string) => `(case when regexp_full_match(${x}, '(?:([0-9]+)-)?(?:([0-9]+):)?([0-9]+):([0-9]+(?:[.][0-9]+)?)')
    then coalesce(try_cast(nullif(regexp_extract(${x}, '^([0-9]+)-', 1), '') as double), 0) * 86400
       + coalesce(try_cast(regexp_extract(${x}, '(?:^|-)([0-9]+):[0-9]+:[0-9.]+$', 1) as double), 0) * 3600
       + try_cast(regexp_extract(${x}, '([0-9]+):[0-9.]+$', 1) as double) * 60
       + try_cast(regexp_extract(${x}, ':([0-9.]+)$', 1) as double) end)`;
/** 1234K, 512M, 2.5G, 1T, bare bytes → MB. */
const size = (x: string) => `(case when regexp_full_match(${x}, '[0-9]+(?:[.][0-9]+)?[KMGTP]?')
    then try_cast(regexp_extract(${x}, '^([0-9.]+)', 1) as double) * case right(${x}, 1)
      when 'K' then 1.0 / 1024 when 'M' then 1 when 'G' then 1024 when 'T' then 1048576 when 'P' then 1073741824 else 1.0 / 1048576 end end)`;
/** A TRES value (cpu=8,mem=64G,gres/gpu=2) by key. */
const tres = (x: string, key: string) => `nullif(regexp_extract(${x}, '(?:^|,)${key}=([^,]+)', 1), '')`;
/** sacct's local time → UTC; Unknown, None and empty are null. */
const time = (x: string) => `(case when ${x} in ('Unknown', 'None', '') or ${x} is null then null
    else cast(timezone($tz, try_strptime(${x}, '%Y-%m-%dT%H:%M:%S')::timestamp) as timestamp) end)`;
const badTime = (x: string, f: string) =>
  `case when ${x} not in ('Unknown', 'None', '') and try_strptime(${x}, '%Y-%m-%dT%H:%M:%S') is null then '${f} is not a time (got "' || ${x} || '")' end`;

export const sacct: JobSource = {
  format: 'sacct',
  extensions: ['.txt', '.log', '.psv', '.sacct', '.out', '.gz'],
  async stage(ctx: StageContext) {
    const { conn } = ctx;
    await conn.run(
      `create or replace temp table stg_sacct_lines as
       select row_number() over () as line, regexp_replace(column0, '\\r$', '') as text
       from read_csv($file, columns = {'column0': 'VARCHAR'}, header = false, delim = $delim, quote = '', escape = '',
                     auto_detect = false, strict_mode = false, null_padding = false, all_varchar = true)`,
      { file: ctx.file, delim: '\x1f' },
    );
    const first = (await conn.runAndReadAll(`select text from stg_sacct_lines where nullif(trim(text), '') is not null order by line limit 1`)).getRows();
    if (!first.length) {
      await conn.run(`create or replace temp table stg_jobs as select * from jobs limit 0`);
      await conn.run(`alter table stg_jobs add column _line bigint`);
      await conn.run(`create or replace temp table stg_rejects (line bigint, reason varchar, raw varchar)`);
      return;
    }
    // `sacct --parsable` (-p) ends every line with '|'; --parsable2 (-P) does not. Read both.
    if (String(first[0][0]).endsWith('|')) {
      ctx.warnOnce('sacct-parsable1', `${ctx.file}: lines end with '|' (sacct -p); read as --parsable2 with the trailing '|' dropped.`);
      await conn.run(`update stg_sacct_lines set text = regexp_replace(text, '[|]$', '')`);
      first[0][0] = String(first[0][0]).replace(/\|$/, '');
    }
    const head = String(first[0][0]).split('|').map((f) => f.trim().toLowerCase());
    const hasHeader = head.includes('jobid') || head.includes('jobidraw');
    const fields = hasHeader ? head : XDMOD_FIELDS;
    if (!hasHeader && head.length !== XDMOD_FIELDS.length) {
      throw new FileFormatError(
        `line 1 has ${head.length} '|'-separated fields and no header; sacct output without a header must have the ${XDMOD_FIELDS.length} fields of xdmod-slurm-helper (${XDMOD_FIELDS.join(',')}). Run sacct with --parsable2 and without --noheader, or with that --format list.`,
      );
    }
    if (!fields.includes('jobidraw') && !fields.includes('jobid')) throw new FileFormatError(`the header has no JobID or JobIDRaw field.`);
    if (!fields.includes('state')) throw new FileFormatError(`the header has no State field; gazette needs it to know how jobs ended.`);
    const n = fields.length;
    const at = (name: string) => {
      const i = fields.indexOf(name);
      return i < 0 ? `null::varchar` : `nullif(trim(f[${i + 1}]), '')`;
    };
    const idRaw = fields.includes('jobidraw') ? at('jobidraw') : at('jobid');
    const nameIdx = fields.indexOf('jobname');
    // A job name holding '|' splits into more fields; when JobName is last, the tail is the name.
    const joinedName = nameIdx === n - 1 ? `case when len(f) > ${n} then array_to_string(f[${n}:], '|') end` : 'null';
    const extraNames = fields.map((name, i) => ({ name, i })).filter(({ name }) => name && !MAPPED.has(name));
    await conn.run(
      `create or replace temp table stg_sacct as
       select line, text, f, ${idRaw} as id_raw, split_part(${idRaw}, '.', 1) as parent,
              contains(coalesce(${idRaw}, ''), '.') as is_step,
              case when len(f) = ${n} or (len(f) > ${n} and ${nameIdx === n - 1}) then null
                   else 'expected ${n} fields separated by |, got ' || len(f) end as field_error
       from (select line, text, string_split(text, '|') as f from stg_sacct_lines
             where nullif(trim(text), '') is not null ${hasHeader ? `and line > (select min(line) from stg_sacct_lines where nullif(trim(text), '') is not null)` : ''})`,
    );
    await conn.run(`drop table stg_sacct_lines`);
    const nameExpr = nameIdx < 0 ? 'null::varchar' : `coalesce(${joinedName}, f[${nameIdx + 1}])`;
    const reasons = [
      `field_error`,
      `case when field_error is null and ${idRaw} is null then 'JobIDRaw is missing' end`,
      ...['submit', 'start', 'end'].filter((x) => fields.includes(x)).map((x) => `case when field_error is null then ${badTime(at(x), x[0].toUpperCase() + x.slice(1))} end`),
      ...(fields.includes('elapsed')
        ? [`case when field_error is null and ${at('elapsed')} is not null and ${duration(at('elapsed'))} is null then 'Elapsed is not [D-]HH:MM:SS (got "' || ${at('elapsed')} || '")' end`]
        : []),
    ];
    const cpus = fields.includes('ncpus') ? at('ncpus') : at('alloccpus');
    await conn.run(
      `create or replace temp table stg_sacct_checked as
       select *, nullif(concat_ws('; ', ${reasons.join(', ')}), '') as reason,
         ${fields.includes('elapsedraw') ? `try_cast(${at('elapsedraw')} as double)` : duration(at('elapsed'))} as elapsed_s,
         try_cast(${cpus} as double) as cpus,
         try_cast(${at('reqcpus')} as double) as req_cpus,
         try_cast(${at('nnodes')} as double) as nodes,
         ${size(at('maxrss'))} as max_rss_mb,
         ${duration(at('totalcpu'))} as total_cpu_s,
         regexp_extract(coalesce(${at('reqmem')}, ''), '^([0-9.]+)([KMGTP]?)([cn]?)$', ['v', 'u', 'per']) as rm
       from stg_sacct`,
    );
    await conn.run(`drop table stg_sacct`);
    await conn.run(
      `create or replace temp table stg_rejects as
       select line, reason, text as raw from stg_sacct_checked where reason is not null
       union all
       select s.line, 'job step ' || s.id_raw || ' has no job line (' || s.parent || ') in this file', s.text
       from stg_sacct_checked s
       where s.is_step and s.reason is null
         and s.parent not in (select id_raw from stg_sacct_checked where not is_step and reason is null and id_raw is not null)`,
    );
    // ReqMem: before Slurm 21.08, 4000Mc is per CPU and 16Gn per node; from 21.08 a bare 16G is
    // the job's total (the mem= of ReqTRES). 0 (--mem=0) means "all of each node": unknown here.
    const reqMem = `nullif(try_cast(rm.v as double) * case rm.u when 'K' then 1.0 / 1024 when 'G' then 1024 when 'T' then 1048576 when 'P' then 1073741824 else 1 end
      * case rm.per when 'c' then coalesce(nullif(cpus, 0), req_cpus, 1) when 'n' then coalesce(nodes, 1) else 1 end, 0)`;
    const allocTres = at('alloctres');
    const reqTres = at('reqtres');
    const gpus = (t: string) => `coalesce(try_cast(${tres(t, 'gres/gpu')} as double),
      list_sum(list_transform(regexp_extract_all(${t}, 'gres/gpu:[^=,]+=([0-9]+)', 1), lambda x: try_cast(x as double))))`;
    await conn.run(
      `create or replace temp table stg_jobs as
       with steps as (
         select parent, max(max_rss_mb) as max_rss_mb, sum(total_cpu_s) as total_cpu_s, count(*) as steps
         from stg_sacct_checked where is_step and reason is null group by parent
       ), j as (
         select c.*, s.max_rss_mb as step_rss, s.total_cpu_s as step_cpu, s.steps,
           ${size(tres(allocTres, 'mem'))} as alloc_mem,
           coalesce(nullif(${size(tres(reqTres, 'mem'))}, 0), ${reqMem}) as req_mem,
           ${gpus(allocTres)} as gpus,
           ${time(at('submit'))} as t_submit, ${time(at('start'))} as t_start, ${time(at('end'))} as t_end,
           regexp_replace(coalesce(${at('state')}, ''), '[+]$', '') as raw
         from stg_sacct_checked c left join steps s on s.parent = c.id_raw
         where not c.is_step and c.reason is null
       )
       select
         $cluster as cluster,
         id_raw as job_id,
         'slurm' as source,
         ${nameExpr} as name,
         null::varchar as job_key,
         ${at('user')} as "user",
         ${at('partition')} as queue,
         ${at('account')} as account,
         'SLURM' as app_type,
         case split_part(raw, ' ', 1)
           when 'COMPLETED' then 'SUCCEEDED' when 'FAILED' then 'FAILED' when 'BOOT_FAIL' then 'FAILED'
           when 'CANCELLED' then 'KILLED' when 'REVOKED' then 'KILLED' when 'DEADLINE' then 'TIMEOUT'
           when 'TIMEOUT' then 'TIMEOUT' when 'OUT_OF_MEMORY' then 'OUT_OF_MEMORY' when 'NODE_FAIL' then 'NODE_FAIL'
           when 'PREEMPTED' then 'PREEMPTED' when 'RUNNING' then 'RUNNING' when 'COMPLETING' then 'RUNNING'
           when 'SUSPENDED' then 'RUNNING' when 'PENDING' then 'PENDING' when 'REQUEUED' then 'PENDING'
           when 'RESIZING' then 'RUNNING' else 'UNKNOWN' end as state,
         nullif(raw, '') as raw_state,
         t_submit as submit_time,
         t_start as start_time,
         t_end as end_time,
         case when t_start is not null and t_submit is not null then epoch(t_start - t_submit) end as wait_s,
         elapsed_s,
         cpus as alloc_cpus,
         coalesce(alloc_mem, case when t_start is not null then req_mem end) as alloc_memory_mb,
         coalesce(gpus, 0) as alloc_gpus,
         elapsed_s * cpus as vcore_seconds,
         elapsed_s * coalesce(alloc_mem, case when t_start is not null then req_mem end) as memory_mb_seconds,
         elapsed_s * coalesce(gpus, 0) as gpu_seconds,
         req_mem as req_memory_mb,
         coalesce(step_rss, max_rss_mb) as max_rss_mb,
         coalesce(nullif(total_cpu_s, 0), step_cpu, total_cpu_s) as total_cpu_s,
         ${fields.includes('timelimitraw') ? `try_cast(${at('timelimitraw')} as double) * 60` : duration(at('timelimit'))} as time_limit_s,
         try_cast(split_part(${at('exitcode')}, ':', 1) as integer) as exit_code,
         null::varchar as diagnostics,
         null::varchar[] as tags,
         -- json_merge_patch onto {} drops the null (empty) fields
         json_merge_patch('{}', to_json(map($extra_names, [${extraNames.map(({ i }) => `nullif(trim(f[${i + 1}]), '')`).join(', ')}]::varchar[] || [cast(steps as varchar)])))::json as extra,
         line as _line
       from j`,
      {
        cluster: ctx.cluster,
        tz: ctx.timezone,
        extra_names: listValue([...extraNames.map(({ name }) => name), 'steps']),
      },
    );
    await conn.run(`drop table stg_sacct_checked`);
  },
};
