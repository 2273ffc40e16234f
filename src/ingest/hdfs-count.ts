/**
 * `hdfs dfs -count -q [-v]`, `-count -u [-v]` and `-count [-v]` output: one row per path into
 * `storage_usage` (source 'hdfs-count'), dated by `--as-of` or the date in the file's name
 * (`count-2026-10-05.txt`), in the cluster's time zone.
 *
 * With -q: QUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME,
 * right-aligned in fixed widths that a large value overflows; `none` (no quota) and `inf` (no
 * limit, so nothing remaining to count) are null; a remaining quota may be negative (the quota
 * was set below what is already used). With -u, the quotas alone (no counts); without -q or -u:
 * DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME. A `-v` header says which; without one, the first
 * line's values do (a plain count whose path starts with a number and a space would read as -u:
 * keep -v). `-h` output is refused (rounded); the -t, -e and -s variants (other columns) are
 * refused when their header says so, -e also by its policy column (`Replicated`).
 */
import { listingSource, type ShellValue } from './hdfs-shell.js';

const quota = (name: string, negative = false): ShellValue => ({ name, negative, nulls: ['none', 'inf'] });
const COUNTS: ShellValue[] = [{ name: 'DIR_COUNT' }, { name: 'FILE_COUNT' }, { name: 'CONTENT_SIZE' }];
const QUOTAS: ShellValue[] = [quota('QUOTA'), quota('REM_QUOTA', true), quota('SPACE_QUOTA'), quota('REM_SPACE_QUOTA', true)];
const ADVICE = 'Run `hdfs dfs -count -q` (or `-count -u`, or `-count`), with or without -v.';
/** RE2: the `-v` header of these columns: their names, then PATHNAME. */
const header = (values: ShellValue[]) => `^\\s*${values.map((v) => `${v.name}\\s+`).join('')}PATHNAME\\s*$`;

export const hdfsCount = listingSource({
  format: 'hdfs-count',
  extensions: ['.txt', '.count', '.out', '.gz'],
  command: 'hdfs dfs -count',
  what: 'an `hdfs dfs -count` listing',
  example: 'count-2026-10-05.txt',
  layouts: [
    { values: [...QUOTAS, ...COUNTS], header: header([...QUOTAS, ...COUNTS]) },
    { values: QUOTAS, header: header(QUOTAS) },
    { values: COUNTS, header: header(COUNTS) },
  ],
  unsupported: [
    {
      line: '^\\s*[A-Z_]+(?:\\s+[A-Z_]+)*\\s+PATHNAME\\s*$',
      what: 'the header of an `hdfs dfs -count` variant with other columns (-t, -e or -s)',
      advice: ADVICE,
    },
    {
      // -e without -v: an erasure coding policy (`Replicated`, `RS-6-3-1024k`…) between the size and the path.
      line: '^\\s*[0-9]+\\s+[0-9]+\\s+[0-9]+\\s+(?:Replicated|[A-Z]+(?:-[A-Z]+)?-[0-9]+-[0-9]+-[0-9]+[kKmM]?)\\s+\\S',
      what: '`hdfs dfs -count -e` output (an erasure coding policy column before the path)',
      advice: ADVICE,
    },
  ],
  columns: (value) => ({
    bytes: value('CONTENT_SIZE'),
    files: value('FILE_COUNT'),
    dirs: value('DIR_COUNT'),
    name_quota: value('QUOTA'),
    name_quota_remaining: value('REM_QUOTA'),
    space_quota_bytes: value('SPACE_QUOTA'),
    space_quota_remaining_bytes: value('REM_SPACE_QUOTA'),
  }),
});
