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
import { FileFormatError, noRows, type Source, type StageContext, type Staged } from './source.js';
import { JOBS } from './targets.js';
import { textLines } from './text-lines.js';

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

export const sacct: Source = {
  format: 'sacct',
  target: JOBS,
  extensions: ['.txt', '.log', '.psv', '.sacct', '.out', '.gz'],
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    // Each line as one text value (no field splitting by the reader), with its line number.
    const lines = textLines(ctx.file);
    await conn.run(
      `create temp table stg_sacct_lines as ${lines.sql}`,
      lines.params,
    );
    // ltrim(text) <> '' finds non-blank lines far faster than trim() on every line.
    const first = (await conn.runAndReadAll(`select line, text from stg_sacct_lines where ltrim(text) <> '' order by line limit 1`)).getRows();
    if (!first.length) return noRows(JOBS);
    const firstLine = Number(first[0][0]);
    let head = String(first[0][1]);
    // `sacct --parsable` (-p) ends every line with '|'; --parsable2 (-P) does not. Read both.
    if (head.endsWith('|')) {
      ctx.warnOnce('sacct-parsable1', `${ctx.file}: lines end with '|' (sacct -p); read as --parsable2 with the trailing '|' dropped.`);
      await conn.run(`update stg_sacct_lines set text = regexp_replace(text, '[|]$', '')`);
      head = head.replace(/\|$/, '');
    }
    const headFields = head.split('|').map((f) => f.trim().toLowerCase());
    const hasHeader = headFields.includes('jobid') || headFields.includes('jobidraw');
    const fields = hasHeader ? headFields : XDMOD_FIELDS;
    if (!hasHeader && headFields.length !== XDMOD_FIELDS.length) {
      throw new FileFormatError(
        `line ${firstLine} has ${headFields.length} '|'-separated fields and no header; sacct output without a header must have the ${XDMOD_FIELDS.length} fields of xdmod-slurm-helper (${XDMOD_FIELDS.join(',')}). Run sacct with --parsable2 and without --noheader, or with that --format list.`,
      );
    }
    if (!fields.includes('jobidraw') && !fields.includes('jobid')) throw new FileFormatError(`the header has no JobID or JobIDRaw field.`);
    if (!fields.includes('state')) throw new FileFormatError(`the header has no State field; gazette needs it to know how jobs ended.`);
    const n = fields.length;
    const has = (name: string) => fields.includes(name);
    const at = (name: string) => {
      const i = fields.indexOf(name);
      return i < 0 ? `null::varchar` : `f[${i + 1}]`;
    };
    const idRaw = has('jobidraw') ? at('jobidraw') : at('jobid');
    const nameIdx = fields.indexOf('jobname');
    // A job name holding '|' splits into more fields; when JobName is last, the tail is the name.
    const nameLast = nameIdx === n - 1;
    // Fields split once; empty fields are null.
    await conn.run(
      `create temp table stg_sacct as
       select line, text, f, ${idRaw} as id_raw, split_part(${idRaw}, '.', 1) as parent, contains(coalesce(${idRaw}, ''), '.') as is_step,
              case when len(f) = ${n} or (${nameLast} and len(f) > ${n}) then null
                   else 'expected ${n} fields separated by |, got ' || len(f) end as field_error
       from (select line, text, list_transform(string_split(text, '|'), lambda x: nullif(x, '')) as f
             from stg_sacct_lines where ltrim(text) <> '' ${hasHeader ? `and line > ${firstLine}` : ''})`,
    );
    // Validation of job lines (steps only lend MaxRSS and TotalCPU), computed once.
    const reasons = [
      `case when ${idRaw} is null then 'JobIDRaw is missing' end`,
      ...['submit', 'start', 'end'].filter(has).map((x) => badTime(at(x), x[0].toUpperCase() + x.slice(1))),
      ...(has('elapsed')
        ? [`case when ${at('elapsed')} is not null and ${duration(at('elapsed'))} is null then 'Elapsed is not [D-]HH:MM:SS (got "' || ${at('elapsed')} || '")' end`]
        : []),
    ];
    await conn.run(
      `create temp table stg_sacct_bad as
       select line, reason from (
         select line, coalesce(field_error, case when not is_step then nullif(concat_ws('; ', ${reasons.join(', ')}), '') end) as reason
         from stg_sacct)
       where reason is not null`,
    );
    const cpus = has('ncpus') ? at('ncpus') : at('alloccpus');
    // ReqMem: before Slurm 21.08, 4000Mc is per CPU and 16Gn per node; from 21.08 a bare 16G is
    // the job's total (the mem= of ReqTRES). 0 (--mem=0) means "all of each node": unknown here.
    const reqMem = `nullif(try_cast(rm.v as double) * case rm.u when 'K' then 1.0 / 1024 when 'G' then 1024 when 'T' then 1048576 when 'P' then 1073741824 else 1 end
      * case rm.per when 'c' then coalesce(nullif(cpus, 0), req_cpus, 1) when 'n' then coalesce(nodes, 1) else 1 end, 0)`;
    const gpus = (t: string) => `coalesce(try_cast(${tres(t, 'gres/gpu')} as double),
      list_sum(list_transform(regexp_extract_all(${t}, 'gres/gpu:[^=,]+=([0-9]+)', 1), lambda x: try_cast(x as double))))`;
    const extraNames = fields.map((name, i) => ({ name, i })).filter(({ name }) => name && !MAPPED.has(name));
    const nameExpr = nameIdx < 0 ? 'null::varchar' : nameLast ? `case when len(f) > ${n} then array_to_string(f[${n}:], '|') else f[${n}] end` : at('jobname');
    return {
      rejects: {
        sql: `select b.line, b.reason, s.text as raw from stg_sacct_bad b join stg_sacct s using (line)
              union all
              select s.line, 'job step ' || s.id_raw || ' has no job line (' || s.parent || ') in this file', s.text
              from stg_sacct s
              where s.is_step and s.line not in (select line from stg_sacct_bad)
                and s.parent not in (select id_raw from stg_sacct where not is_step and id_raw is not null and line not in (select line from stg_sacct_bad))`,
      },
      rows: {
        params: { cluster: ctx.cluster, tz: ctx.timezone, extra_names: listValue([...extraNames.map(({ name }) => name), 'steps']) },
        sql: `with ok as (
         select * from stg_sacct where line not in (select line from stg_sacct_bad)
       ), steps as (
         select parent, max(${size(at('maxrss'))}) as max_rss_mb, sum(${duration(at('totalcpu'))}) as total_cpu_s, count(*) as steps
         from ok where is_step group by parent
       ), j as (
         select ok.*, s.max_rss_mb as step_rss, s.total_cpu_s as step_cpu, s.steps,
           ${has('elapsedraw') ? `try_cast(${at('elapsedraw')} as double)` : duration(at('elapsed'))} as elapsed_s,
           try_cast(${cpus} as double) as cpus,
           try_cast(${at('reqcpus')} as double) as req_cpus,
           try_cast(${at('nnodes')} as double) as nodes,
           regexp_extract(coalesce(${at('reqmem')}, ''), '^([0-9.]+)([KMGTP]?)([cn]?)$', ['v', 'u', 'per']) as rm,
           ${size(tres(at('alloctres'), 'mem'))} as alloc_mem,
           ${gpus(at('alloctres'))} as gpus,
           ${time(at('submit'))} as t_submit, ${time(at('start'))} as t_start, ${time(at('end'))} as t_end,
           regexp_replace(coalesce(${at('state')}, ''), '[+]$', '') as raw
         from ok left join steps s on s.parent = ok.id_raw
         where not ok.is_step
       ), k as (
         select *, coalesce(nullif(${size(tres(at('reqtres'), 'mem'))}, 0), ${reqMem}) as req_mem from j
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
         coalesce(step_rss, ${size(at('maxrss'))}) as max_rss_mb,
         coalesce(nullif(${duration(at('totalcpu'))}, 0), step_cpu, ${duration(at('totalcpu'))}) as total_cpu_s,
         ${has('timelimitraw') ? `try_cast(${at('timelimitraw')} as double) * 60` : duration(at('timelimit'))} as time_limit_s,
         try_cast(split_part(${at('exitcode')}, ':', 1) as integer) as exit_code,
         null::varchar as diagnostics,
         null::varchar[] as tags,
         -- json_merge_patch onto {} drops the null (empty) fields
         json_merge_patch('{}', to_json(map($extra_names, [${extraNames.map(({ i }) => `f[${i + 1}]`).join(', ')}]::varchar[] || [cast(steps as varchar)])))::json as extra,
         line as _line
       from k`,
      },
    };
  },
};
