/**
 * Open XDMoD's storage input (ubccr/xdmod docs/storage.md): a JSON array of usage records,
 * one per user and file system on a date, plain or gzipped, into `storage_usage` (source
 * 'xdmod-storage'):
 *
 *   {"resource": "nfs", "mountpoint": "/home", "user": "jdoe", "pi": "pi_username",
 *    "dt": "2017-01-01T00:00:00", "soft_threshold": 1000000, "hard_threshold": 1200000,
 *    "file_count": 10000, "logical_usage": 100000, "physical_usage": 100000}
 *
 * resource → filesystem, mountpoint → path, user → owner, pi → group_name, logical_usage →
 * bytes, physical_usage → disk_bytes, file_count → files, soft/hard_threshold →
 * soft/hard_limit_bytes (all in bytes); other fields are kept in `extra`. as_of is the
 * cluster-local date of `dt`: a dt without an offset is the cluster's local time (XDMoD's
 * early examples), one with an offset (`Z`, as its current docs ask) is converted.
 *
 * A record without resource, mountpoint, user or dt, with a dt that is not a time, or with a
 * number field that is not a whole number ≥ 0, is rejected (line: its 1-based index in the array).
 * Two records of the same user, file system and date in one file: the later one wins.
 */
import { isoTimeSql } from './iso-time.js';
import { stageJsonDocument } from './json-document.js';
import { FileFormatError, type Source, type StageContext, type Staged } from './source.js';
import { STORAGE_USAGE } from './targets.js';

/** Text fields → column; a record without one of the REQUIRED is rejected. */
const TEXT: [string, string][] = [
  ['resource', 'filesystem'],
  ['mountpoint', 'path'],
  ['user', 'owner'],
  ['pi', 'group_name'],
];
const REQUIRED = ['resource', 'mountpoint', 'user', 'dt'];
/** Number fields → column: bytes or counts, whole numbers ≥ 0. */
const NUMBERS: [string, string][] = [
  ['logical_usage', 'bytes'],
  ['physical_usage', 'disk_bytes'],
  ['file_count', 'files'],
  ['soft_threshold', 'soft_limit_bytes'],
  ['hard_threshold', 'hard_limit_bytes'],
];

export const xdmodStorage: Source = {
  format: 'xdmod-storage',
  target: STORAGE_USAGE,
  extensions: ['.json', '.json.gz'],
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    const usage = `an XDMoD storage file is one JSON array of usage records ({"resource": …, "mountpoint": …, "user": …, "dt": …, "logical_usage": …})`;
    await stageJsonDocument(ctx, 'stg_xdmod_docs', usage);
    const type = String((await conn.runAndReadAll(`select json_type(json) from stg_xdmod_docs`)).getRows()[0][0]);
    if (type !== 'ARRAY') throw new FileFormatError(`it is a JSON ${type.toLowerCase()}, not an array; ${usage}.`);
    await conn.run(
      `create temp table stg_xdmod as
       select generate_subscripts(l, 1) as rec, unnest(l) as r from (select from_json(json, '["JSON"]') as l from stg_xdmod_docs)`,
    );
    const [records, objects] = (
      await conn.runAndReadAll(`select count(*), count(*) filter (where json_type(r) = 'OBJECT') from stg_xdmod`)
    ).getRows()[0].map(Number);
    if (records > 0 && objects === 0) throw new FileFormatError(`none of its ${records} elements is a JSON object; ${usage}.`);

    const fields = [...TEXT.map(([f]) => f), 'dt', ...NUMBERS.map(([f]) => f)];
    const at = (f: string) => `s[${fields.indexOf(f) + 1}]`;
    // A whole number ≥ 0, also written as a string or as 1.0e5.
    const count = (x: string) =>
      `case when regexp_full_match(${x}, '[0-9]+') then try_cast(${x} as bigint)
            when try_cast(${x} as double) >= 0 and try_cast(${x} as double) = floor(try_cast(${x} as double)) then try_cast(try_cast(${x} as double) as bigint) end`;
    // A JSON null element unnests as SQL null.
    const reason = `case when coalesce(json_type(r), 'NULL') <> 'OBJECT' then 'not a JSON object (got ' || coalesce(left(r::varchar, 80), 'null') || ')' else nullif(concat_ws('; ',
        ${REQUIRED.map((f) => `case when nullif(trim(${at(f)}), '') is null then '${f} is missing' end`).join(',\n        ')},
        case when nullif(trim(${at('dt')}), '') is not null and t is null then 'dt is not an ISO 8601 time (got "' || ${at('dt')} || '")' end,
        ${NUMBERS.map(([f]) => `case when ${at(f)} is not null and ${count(at(f))} is null then '${f} is not a whole number ≥ 0 (got ' || (r -> '${f}')::varchar || ')' end`).join(',\n        ')}), '') end`;
    const paths = `[${fields.map((f) => `'$.${f}'`).join(', ')}]`;
    await conn.run(
      `create temp table stg_xdmod_checked as
       select *, ${reason} as reason from (
         select *, ${isoTimeSql(`trim(${at('dt')})`)} as t from (
           select rec, r, case when json_type(r) = 'OBJECT' then json_extract_string(r, ${paths}) end as s from stg_xdmod))`,
      { tz: ctx.timezone },
    );
    const dropMapped = JSON.stringify(Object.fromEntries(fields.map((f) => [f, null])));
    return {
      rejects: { sql: `select rec as line, reason, coalesce(r::varchar, 'null') as raw from stg_xdmod_checked where reason is not null` },
      rows: {
        params: { cluster: ctx.cluster, tz: ctx.timezone, drop_mapped: dropMapped },
        sql: `select
         $cluster as cluster,
         -- the cluster-local date of the UTC moment
         cast(timezone($tz, timezone('UTC', t)) as date) as as_of,
         'xdmod-storage' as source,
         ${TEXT.map(([f, c]) => `${at(f)} as ${c}`).join(',\n         ')},
         ${NUMBERS.map(([f, c]) => `${count(at(f))} as ${c}`).join(',\n         ')},
         null::bigint as dirs,
         null::bigint as name_quota,
         null::bigint as name_quota_remaining,
         null::bigint as space_quota_bytes,
         null::bigint as space_quota_remaining_bytes,
         nullif(json_merge_patch(r, $drop_mapped::json), '{}')::json as extra,
         rec as _line
       from stg_xdmod_checked where reason is null`,
      },
    };
  },
};
