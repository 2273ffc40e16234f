/**
 * `hdfs dfs -count -q [-v]` and `hdfs dfs -count [-v]` output: one row per path into
 * `storage_usage` (source 'hdfs-count'), dated by `--as-of` or the date in the file's name
 * (`count-2026-10-05.txt`), in the cluster's time zone.
 *
 * With -q: QUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME,
 * right-aligned in fixed widths that a large value overflows; `none` (no quota) and `inf` (no
 * limit, so nothing remaining to count) are null; a remaining quota may be negative (the quota
 * was set below what is already used). Without -q: DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME.
 * `-v` headers are skipped; `-h` output is refused (rounded); the -u, -t, -e and -s variants
 * (other columns) are refused when their header says so.
 */
import { listingSource, type ShellValue } from './hdfs-shell.js';

const quota = (name: string, negative = false): ShellValue => ({ name, negative, nulls: ['none', 'inf'] });
const COUNTS: ShellValue[] = [{ name: 'DIR_COUNT' }, { name: 'FILE_COUNT' }, { name: 'CONTENT_SIZE' }];
const QUOTAS: ShellValue[] = [quota('QUOTA'), quota('REM_QUOTA', true), quota('SPACE_QUOTA'), quota('REM_SPACE_QUOTA', true)];

export const hdfsCount = listingSource({
  format: 'hdfs-count',
  extensions: ['.txt', '.count', '.out', '.gz'],
  command: 'hdfs dfs -count -q',
  what: 'an `hdfs dfs -count` listing',
  example: 'count-2026-10-05.txt',
  layouts: [[...QUOTAS, ...COUNTS], COUNTS],
  header: '^\\s*(?:QUOTA\\s+REM_QUOTA\\s+SPACE_QUOTA\\s+REM_SPACE_QUOTA\\s+)?DIR_COUNT\\s+FILE_COUNT\\s+CONTENT_SIZE\\s+PATHNAME\\s*$',
  unsupported: {
    header: '^\\s*[A-Z_]+(?:\\s+[A-Z_]+)*\\s+PATHNAME\\s*$',
    what: 'an `hdfs dfs -count` variant with other columns (-u, -t, -e or -s)',
    advice: 'Run `hdfs dfs -count -q` (or `-count`), with or without -v.',
  },
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
