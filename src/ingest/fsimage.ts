/**
 * fsimage listings from the HDFS Offline Image Viewer (`hdfs oiv`), plain or gzipped, rolled up
 * at load time into `storage_rollups`: one row per directory (cut to the rollup depth), owner and
 * group, dated by the image's date. The rollup and its semantics are in fsimage-rollup.ts; the
 * same one serves both processors' output, told apart by the file's first bytes:
 *
 * - Delimited (`-p Delimited`, the one used at scale): a header line `Path Replication
 *   ModificationTime AccessTime PreferredBlockSize BlocksCount FileSize NSQUOTA DSQUOTA Permission
 *   UserName GroupName` (newer viewers may add StoragePolicyId and ErasureCodingPolicy), fields
 *   separated by a tab or whatever `-delimiter` said: the text between `Path` and `Replication`.
 *   Times are `yyyy-MM-dd HH:mm` in the viewer's JVM zone, read in the cluster's time zone.
 *   A directory's permission starts with `d`. DuckDB reads the file and rolls it up in one pass.
 *   A path holding the delimiter makes a line with more fields than the header: the path is the
 *   first (fields − header fields + 1) fields joined by the delimiter, since no other column can
 *   hold it — except user and group names, which HDFS does not restrict: a line whose fields do
 *   not fit that way (a name holding the delimiter) is rejected, never guessed.
 * - XML (`-p XML`): see fsimage-xml.ts.
 *
 * The image's date (`as_of`) comes from --as-of, else the file's name (fsimage-2026-09-30.tsv.gz).
 * A newer load of an image of the same date replaces every row of that date (STORAGE_ROLLUPS).
 * A line that cannot be read (a size that is not a number, a bad time, too few fields) is a
 * rejected row with its line number; the rest loads.
 */
import { FileFormatError, type Source, type StageContext, type Staged } from './source.js';
import { STORAGE_ROLLUPS } from './targets.js';
import { isGzip, readHeadBytes } from './read-head.js';
import { snapshotDate, snapshotVariant } from './snapshot-time.js';
import { finishRollupSql, paramsOf, partialRollupSql } from './fsimage-rollup.js';
import { stageFsimageXml } from './fsimage-xml.js';

/** The Delimited processor's columns and the types DuckDB reads them as. */
export const DELIMITED_COLUMNS = [
  ['Path', 'VARCHAR'],
  ['Replication', 'INTEGER'],
  ['ModificationTime', 'TIMESTAMP'],
  ['AccessTime', 'TIMESTAMP'],
  ['PreferredBlockSize', 'BIGINT'],
  ['BlocksCount', 'BIGINT'],
  ['FileSize', 'BIGINT'],
  ['NSQUOTA', 'BIGINT'],
  ['DSQUOTA', 'BIGINT'],
  ['Permission', 'VARCHAR'],
  ['UserName', 'VARCHAR'],
  ['GroupName', 'VARCHAR'],
] as const;
/** Written after GroupName by viewers run with -sp and -ec (Hadoop 3.3+), in this order. */
const OPTIONAL_COLUMNS = [['StoragePolicyId', 'INTEGER'], ['ErasureCodingPolicy', 'VARCHAR']] as const;
/** SimpleDateFormat `yyyy-MM-dd HH:mm`, as DuckDB spells it. */
export const DELIMITED_TIME_FORMAT = '%Y-%m-%d %H:%M';
const EXAMPLE_NAME = 'fsimage-2026-09-30.tsv.gz';

type Layout = { kind: 'xml' } | { kind: 'delimited'; delim: string; columns: (readonly [string, string])[] };

export const fsimage: Source = {
  format: 'fsimage',
  target: STORAGE_ROLLUPS,
  extensions: ['.tsv', '.txt', '.csv', '.xml', '.out', '.gz'],
  /** The same image dated otherwise or rolled up another way (depth, small-file size) is another load. */
  variant(file, at, storage) {
    return `${snapshotVariant(file, at) ?? ''};depth=${storage.rollupDepth};small=${storage.smallFileBytes}`;
  },
  async stage(ctx: StageContext): Promise<Staged> {
    const asOf = snapshotDate(ctx, 'an fsimage listing', EXAMPLE_NAME);
    const gzip = await isGzip(ctx.file);
    const layout = await sniff(ctx.file, gzip);
    const params = { cluster: ctx.cluster, as_of: asOf, depth: ctx.storage.rollupDepth, small: ctx.storage.smallFileBytes };
    if (layout.kind === 'xml') return stageFsimageXml(ctx, gzip, params);
    return stageDelimited(ctx, gzip, layout.delim, layout.columns, params);
  },
};

/** Whether the file is an XML or a Delimited listing, and the Delimited one's delimiter and columns. */
async function sniff(file: string, gzip: boolean): Promise<Layout> {
  const head = (await readHeadBytes(file, 64 * 1024, gzip)).toString('utf8').replace(/^\uFEFF/, '');
  if (!head.trim()) throw new FileFormatError(`the file is empty; an fsimage listing starts with the Delimited header line or <fsimage>.`);
  if (head.trimStart().startsWith('<')) {
    if (!/<fsimage[\s>]/.test(head)) {
      const root = /<([A-Za-z_][\w.-]*)[\s>]/.exec(head.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, ''));
      throw new FileFormatError(
        `an XML file${root ? ` whose root element is <${root[1]}>` : ''}, not an Offline Image Viewer XML listing (<fsimage>). Write one with hdfs oiv -p XML, or pass the right --format.`,
      );
    }
    return { kind: 'xml' };
  }
  const first = head.split('\n', 1)[0].replace(/\r$/, '');
  const at = first.indexOf('Replication');
  const delim = first.startsWith('Path') && at > 4 ? first.slice(4, at) : '';
  const names = delim ? first.split(delim) : [];
  const expected = DELIMITED_COLUMNS.map(([n]) => n);
  const optional = names.slice(expected.length);
  const columns = [...DELIMITED_COLUMNS, ...OPTIONAL_COLUMNS.filter(([n]) => optional.includes(n))];
  if (!delim || names.length !== columns.length || names.some((n, i) => n !== columns[i][0])) {
    throw new FileFormatError(
      `not an fsimage listing: its first line is "${first.slice(0, 100)}${first.length > 100 ? '…' : ''}". The Offline Image Viewer's Delimited processor ` +
        `starts with the header ${expected.join(', ')} (separated by a tab, or by its -delimiter) and its XML processor with <fsimage>. ` +
        `Write the listing with hdfs oiv -p Delimited (or -p XML), or pass the right --format.`,
    );
  }
  if (Buffer.byteLength(delim) > 4) {
    throw new FileFormatError(`the delimiter "${delim}" is longer than the 4 bytes gazette can read. Write the listing again with a shorter hdfs oiv -delimiter (the default, a tab, is best).`);
  }
  return { kind: 'delimited', delim, columns };
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function stageDelimited(
  ctx: StageContext,
  gzip: boolean,
  delim: string,
  columns: (readonly [string, string])[],
  params: Record<string, string | number>,
): Promise<Staged> {
  const { conn } = ctx;
  const types = columns.map(([n, t]) => `${quote(n)}: ${quote(t)}`).join(', ');
  // One pass: DuckDB reads the typed columns (lines it cannot read go to stg_fsimage_errors with
  // their line numbers) and rolls them up as it reads.
  const scan = `create temp table stg_fsimage_parts as ${partialRollupSql(
      `(select "Path" as path, starts_with("Permission", 'd') as is_dir, "Replication" as replication, "FileSize" as size, coalesce("UserName", '') as owner, coalesce("GroupName", '') as grp, "ModificationTime" as mtime,
               case when "AccessTime" >= timestamp '1971-01-01' then "AccessTime" end as atime,
               case when "AccessTime" >= timestamp '1971-01-01' then "AccessTime"::date end as atime_date
        from read_csv($file, delim = $delim, header = true, quote = '', escape = '', auto_detect = false, compression = $compression,
                      columns = {${types}}, timestampformat = '${DELIMITED_TIME_FORMAT}',
                      store_rejects = true, rejects_table = 'stg_fsimage_errors', rejects_scan = 'stg_fsimage_scans'))`,
      ctx.storage.rollupDepth,
    )}`;
  await conn.run(scan, paramsOf(scan, { ...params, file: ctx.file, delim, compression: gzip ? 'gzip' : 'none' }));
  await stageBadLines(ctx, delim, columns, params);
  const [read, rejected] = (
    await conn.runAndReadAll(`select (select coalesce(sum(n), 0) from stg_fsimage_parts), (select count(*) from stg_fsimage_rejects)`)
  ).getRows()[0].map(Number);
  if (read + rejected === 0) {
    throw new FileFormatError(`the listing has its header but no entries, not even the root directory: cut short? Write it again with hdfs oiv -p Delimited.`);
  }
  const rows = finishRollupSql('stg_fsimage_parts', (x) => `cast(timezone($tz, ${x}) as timestamp)`);
  return {
    read,
    rows: { sql: rows, params: paramsOf(rows, { ...params, tz: ctx.timezone }) },
    rejects: { sql: `select line, reason, raw from stg_fsimage_rejects` },
  };
}

/** The typed columns the rollup reads: a line is rejected when one of them cannot be read (the others are not looked at). */
const CHECKED = ['Replication', 'ModificationTime', 'AccessTime', 'FileSize'];

/**
 * The lines DuckDB could not read. One with more fields than the header is a path holding the
 * delimiter: put back together, it joins the rollup if its other fields fit; every other line is
 * a rejected row with its reasons.
 */
async function stageBadLines(ctx: StageContext, delim: string, columns: (readonly [string, string])[], params: Record<string, string | number>) {
  const { conn } = ctx;
  const n = columns.length;
  await conn.run(
    `create temp table stg_fsimage_bad as
     select line, regexp_replace(any_value(csv_line), '^[\\r\\n]+|[\\r\\n]+$', '', 'g') as raw,
            bool_or(error_type = 'TOO MANY COLUMNS') as too_many,
            string_agg(distinct case when error_type not in ('CAST', 'TOO MANY COLUMNS', 'MISSING COLUMNS') then error_message end, '; ') as other
     from stg_fsimage_errors group by line`,
  );
  // Column i (1-based) counted from the end: the same field whether or not the path held the delimiter.
  const at = (name: string) => `f[nf - ${n - 1 - columns.findIndex(([c]) => c === name)}]`;
  const problem = (name: string) => {
    const [, type] = columns.find(([c]) => c === name)!;
    const v = at(name);
    return type === 'TIMESTAMP'
      ? `case when ${v} <> '' and try_strptime(${v}, '${DELIMITED_TIME_FORMAT}') is null then '${name} is not a time yyyy-MM-dd HH:mm (got "' || ${v} || '")' end`
      : `case when ${v} <> '' and try_cast(${v} as ${type}) is null then '${name} is not a number (got "' || ${v} || '")' end`;
  };
  await conn.run(
    `create temp table stg_fsimage_split as
     select line, raw, too_many, other, f, nf, nullif(array_to_string(problems, '; '), '') as problem, problems[1] as first_problem
     from (select *, case when nf >= ${n} then list_filter([${CHECKED.map(problem).join(', ')}], lambda x: x is not null) else [] end as problems
           from (select *, len(f) as nf from (select *, string_split(raw, $delim) as f from stg_fsimage_bad)))`,
    { delim },
  );
  const ts = (name: string) => `case when ${at(name)} <> '' then strptime(${at(name)}, '${DELIMITED_TIME_FORMAT}') end`;
  const atime = ts('AccessTime');
  const repaired = `insert into stg_fsimage_parts ${partialRollupSql(
    `(select array_to_string(f[1:nf - ${n - 1}], $delim) as path, starts_with(${at('Permission')}, 'd') as is_dir,
             try_cast(${at('Replication')} as integer) as replication, try_cast(${at('FileSize')} as bigint) as size,
             ${at('UserName')} as owner, ${at('GroupName')} as grp, ${ts('ModificationTime')} as mtime,
             case when ${atime} >= timestamp '1971-01-01' then ${atime} end as atime,
             case when ${atime} >= timestamp '1971-01-01' then ${atime}::date end as atime_date
      from stg_fsimage_split where too_many and problem is null and other is null)`,
    ctx.storage.rollupDepth,
  )}`;
  await conn.run(repaired, paramsOf(repaired, { ...params, delim }));
  await conn.run(
    `create temp table stg_fsimage_rejects as
     select line, raw, case
         when other is not null then other
         when too_many then nf || ' fields separated by ' || $sep || ' where the header has ${n}, and not a path holding the delimiter (read so, ' ||
              first_problem || '): a user or group name holding it cannot be read. Write the listing again with another hdfs oiv -delimiter.'
         when nf < ${n} then 'expected ${n} fields separated by ' || $sep || ', got ' || nf
         else coalesce(problem, 'unreadable line') end as reason
     from stg_fsimage_split
     where not (too_many and problem is null and other is null)`,
    { sep: delim === '\t' ? 'tab' : `"${delim}"` },
  );
}
