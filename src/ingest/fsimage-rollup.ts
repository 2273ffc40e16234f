/**
 * The one rollup of an fsimage's entries, whichever Offline Image Viewer processor wrote them
 * (Delimited or XML): per directory cut to the rollup depth, owner and group.
 *
 * A reader gives its entries as a relation with these columns:
 *
 *   path         the entry's absolute path (`/` for the root)
 *   is_dir       a directory
 *   replication  the file's replication (0 for directories, symlinks and erasure-coded files)
 *   size         its size in bytes (0 for directories and symlinks)
 *   owner, grp   user and group names
 *   mtime        modification time, in the reader's own clock (see `toUtc`)
 *   atime        access time in the reader's clock; null when not recorded (epoch 0)
 *   atime_date   the cluster-local date of the access time; null when not recorded
 *
 * The semantics, in one place:
 *   - dir: a directory counts in its own path cut to `depth` components, a file in its parent's
 *     (cut the same way); the root and files directly in it count in `/`. An empty directory
 *     counts (dirs = 1, files = 0).
 *   - A symlink (not a directory, replication 0, size 0: no blocks) is neither a file nor a
 *     directory: it is read, not counted. (An empty erasure-coded file looks the same in a
 *     listing and is left out with them; an erasure-coded file with data counts as a file.)
 *   - bytes: the sum of file sizes; disk_bytes: of size × replication (an erasure-coded file's
 *     replication is 0 in a listing, so its disk bytes are not known and add 0).
 *   - small files: files under the small-file size (a 0-byte file is a small file).
 *   - age: the as-of date minus the access time's local date, in days; buckets are half-open,
 *     [0, 30), [30, 90), [90, 180), [180, 365), [365, ∞). An access after the as-of date is in
 *     the first. A file whose access time is not recorded adds to bytes_no_atime instead.
 *   - last_access: the newest file access time; last_modified: the newest modification time of
 *     any entry counted (a directory's changes when entries are added to or removed from it).
 *
 * Rolling up is two steps so that a reader may roll up its entries in parts (the Delimited
 * reader: the lines DuckDB read, then the lines it put back together) and merge the parts:
 * `partialRollupSql` groups one part, `finishRollupSql` merges parts and makes the target's rows.
 */

/** SQL: one part's partial rollup (a grouped SELECT over `entries`, a relation or subquery). */
export function partialRollupSql(entries: string, depth: number): string {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`rollup depth ${depth}: a whole number from 1`);
  // The key: the first `depth` components of a directory's path, or of a file's parent, with a
  // '/' after them. A greedy {0,depth} that must end before a '/' stops at a file's parent, and
  // with a '/' appended, at a directory's own path. The whole match (no capture group) lets RE2
  // use its fast matcher; the pattern is a literal (depth is a whole number), compiled once.
  const cut = `regexp_extract(case when is_dir then path || '/' else path end, '^(?:/[^/]+){0,${depth}}/')`;
  // Sums of 0/1 and of CASEs: cheaper per entry than FILTER clauses.
  const aged = (from: number, to?: number) =>
    `sum(case when age >= ${from}${to ? ` and age < ${to}` : ''} then file_bytes else 0 end)`;
  return `select ${cut} as dir, owner, grp,
      count(*) as entries,
      sum(is_file::int) as files,
      sum(is_dir::int) as dirs,
      sum(file_bytes) as bytes,
      sum(file_bytes * replication) as disk_bytes,
      sum(small::int) as small_files,
      sum(case when small then file_bytes else 0 end) as small_file_bytes,
      sum(case when age < 30 then file_bytes else 0 end) as b0,
      ${aged(30, 90)} as b1,
      ${aged(90, 180)} as b2,
      ${aged(180, 365)} as b3,
      ${aged(365)} as b4,
      sum(case when age is null then file_bytes else 0 end) as b_none,
      max(case when is_file then atime end) as last_access,
      max(case when is_file or is_dir then mtime end) as last_modified
    from (
      select *, case when is_file then size else 0 end as file_bytes, is_file and size < $small as small
      from (
        -- A symlink: not a directory, replication 0 and nothing in it (an erasure-coded file has
        -- replication 0 too, and its size).
        select path, is_dir, not is_dir and (replication > 0 or size > 0) as is_file, size, replication, owner, grp, mtime, atime,
               $as_of::date - atime_date as age
        from ${entries}
      )
    )
    group by all`;
}

/**
 * SQL: the target's rows (STORAGE_ROLLUP_COLUMNS and `_line`) from partial rollups (`parts`, a
 * relation or subquery). `toUtc(x)` turns an aggregated time of the reader's clock into UTC.
 * Parameters: $cluster, $as_of, $depth (and the partial's $small, $as_of).
 */
export function finishRollupSql(parts: string, toUtc: (x: string) => string): string {
  return `select $cluster as cluster, $as_of::date as as_of, coalesce(nullif(rtrim(dir, '/'), ''), '/') as dir, $depth::integer as depth,
      owner, grp as group_name,
      sum(files)::bigint as files, sum(dirs)::bigint as dirs, sum(bytes)::bigint as bytes, sum(disk_bytes)::bigint as disk_bytes,
      sum(small_files)::bigint as small_files, sum(small_file_bytes)::bigint as small_file_bytes,
      sum(b0)::bigint as bytes_read_0_30d, sum(b1)::bigint as bytes_read_30_90d, sum(b2)::bigint as bytes_read_90_180d,
      sum(b3)::bigint as bytes_read_180_365d, sum(b4)::bigint as bytes_read_365d_plus, sum(b_none)::bigint as bytes_no_atime,
      ${toUtc('max(last_access)')} as last_access, ${toUtc('max(last_modified)')} as last_modified,
      null::bigint as _line -- a row rolls up many lines
    from ${parts}
    group by all
    having sum(files) + sum(dirs) > 0`;
}

/** The parameters `sql` names ($name), of `params`: DuckDB refuses a value for a parameter a statement does not have. */
export function paramsOf<T>(sql: string, params: Record<string, T>): Record<string, T> {
  const named = new Set([...sql.matchAll(/\$([A-Za-z_]\w*)/g)].map((m) => m[1]));
  return Object.fromEntries(Object.entries(params).filter(([k]) => named.has(k)));
}
