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
 * Rolling up is two steps. `partialRollupSql` groups entries by directory, owner, group and a
 * `kind` (directory, symlink, or file by small/not and age bucket) with only five aggregates:
 * far cheaper per entry than computing every figure per row (each figure an aggregate of its
 * own), and a reader may roll up its entries in parts (the Delimited reader: the lines DuckDB
 * read, then the lines it put back together). `finishRollupSql` merges parts into the target's
 * rows, each figure from the kinds it counts.
 */

/** The kind of an entry in a partial rollup: a file's is FILE + bucket (+ SMALL). */
const SYMLINK = 0;
const DIR = 1;
const FILE = 10;
const SMALL = 10;
/** Age buckets, in days since the last access: [0, 30) is FILE + 0 … [365, ∞) is FILE + 4. */
const AGE_BUCKETS = [30, 90, 180, 365];
const NO_ATIME = 5;

/** SQL: one part's partial rollup (a grouped SELECT over `entries`, a relation or subquery). Parameters: $small, $as_of. */
export function partialRollupSql(entries: string, depth: number): string {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`rollup depth ${depth}: a whole number from 1`);
  // The key: the first `depth` components of a directory's path, or of a file's parent, with a
  // '/' after them. A greedy {0,depth} that must end before a '/' stops at a file's parent, and
  // with a '/' appended, at a directory's own path. The whole match (no capture group) lets RE2
  // use its fast matcher; the pattern is a literal (depth is a whole number), compiled once.
  const cut = `regexp_extract(case when is_dir then path || '/' else path end, '^(?:/[^/]+){0,${depth}}/')`;
  const bucket = `case when atime_date is null then ${NO_ATIME} ${AGE_BUCKETS.map((d, i) => `when $as_of::date - atime_date < ${d} then ${i}`).join(' ')} else ${AGE_BUCKETS.length} end`;
  // A symlink: not a directory, replication 0 and nothing in it (an erasure-coded file has
  // replication 0 too, and its size).
  const kind = `case when is_dir then ${DIR} when replication > 0 or size > 0 then ${FILE} + (size < $small)::int * ${SMALL} + ${bucket} else ${SYMLINK} end`;
  return `select ${cut} as dir, owner, grp, ${kind} as kind,
      count(*) as n, sum(size) as bytes, sum(size * replication) as disk_bytes, max(atime) as last_access, max(mtime) as last_modified
    from ${entries}
    group by all`;
}

/**
 * SQL: the target's rows (STORAGE_ROLLUP_COLUMNS and `_line`) from partial rollups (`parts`, a
 * relation or subquery). `toUtc(x)` turns an aggregated time of the reader's clock into UTC.
 * Parameters: $cluster, $as_of, $depth.
 */
export function finishRollupSql(parts: string, toUtc: (x: string) => string): string {
  const files = `kind >= ${FILE}`;
  const small = `kind >= ${FILE + SMALL}`;
  const sum = (x: string, where: string) => `sum(case when ${where} then ${x} else 0 end)::bigint`;
  const aged = (b: number) => sum('bytes', `${files} and kind % ${SMALL} = ${b}`);
  // Grouped by the partial's own key ('' for the root, else the cut path and a '/'), then named.
  return `select $cluster as cluster, $as_of::date as as_of, coalesce(nullif(rtrim(dir, '/'), ''), '/') as dir, $depth::integer as depth,
      owner, grp as group_name, files, dirs, bytes, disk_bytes, small_files, small_file_bytes,
      bytes_read_0_30d, bytes_read_30_90d, bytes_read_90_180d, bytes_read_180_365d, bytes_read_365d_plus, bytes_no_atime,
      ${toUtc('last_access')} as last_access, ${toUtc('last_modified')} as last_modified,
      null::bigint as _line -- a row rolls up many lines
    from (
      select dir, owner, grp,
        ${sum('n', files)} as files,
        ${sum('n', `kind = ${DIR}`)} as dirs,
        ${sum('bytes', files)} as bytes,
        ${sum('disk_bytes', files)} as disk_bytes,
        ${sum('n', small)} as small_files,
        ${sum('bytes', small)} as small_file_bytes,
        ${aged(0)} as bytes_read_0_30d, ${aged(1)} as bytes_read_30_90d, ${aged(2)} as bytes_read_90_180d,
        ${aged(3)} as bytes_read_180_365d, ${aged(4)} as bytes_read_365d_plus, ${aged(NO_ATIME)} as bytes_no_atime,
        max(case when ${files} then last_access end) as last_access,
        max(case when kind <> ${SYMLINK} then last_modified end) as last_modified
      from ${parts}
      group by dir, owner, grp
      having max(kind) > ${SYMLINK}
    )`;
}

/** The parameters `sql` names ($name), of `params`: DuckDB refuses a value for a parameter a statement does not have. */
export function paramsOf<T>(sql: string, params: Record<string, T>): Record<string, T> {
  const named = new Set([...sql.matchAll(/\$([A-Za-z_]\w*)/g)].map((m) => m[1]));
  return Object.fromEntries(Object.entries(params).filter(([k]) => named.has(k)));
}
