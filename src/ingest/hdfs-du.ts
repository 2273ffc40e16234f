/**
 * `hdfs dfs -du [-s] [-x] [-v]` output: one row per path into `storage_usage` (source
 * 'hdfs-du'), dated by `--as-of` or the date in the file's name (`du-2026-10-05.txt`), in the
 * cluster's time zone.
 *
 * Hadoop 2.7+ prints `size  disk_space_consumed  path` (bytes; disk space counts every
 * replica), left-aligned columns padded with spaces; older releases print `size  path`
 * (disk_bytes is then null). `-v` adds the header SIZE DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS
 * FULL_PATH_NAME, skipped. `-h` output (`1.2 G`) is refused: its sizes are rounded.
 */
import { listingSource } from './hdfs-shell.js';

export const hdfsDu = listingSource({
  format: 'hdfs-du',
  extensions: ['.txt', '.du', '.out', '.gz'],
  command: 'hdfs dfs -du',
  what: 'an `hdfs dfs -du` listing',
  example: 'du-2026-10-05.txt',
  layouts: [
    { values: [{ name: 'SIZE' }, { name: 'DISK_SPACE_CONSUMED' }], header: '^\\s*SIZE\\s+DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS\\s+FULL_PATH_NAME\\s*$' },
    { values: [{ name: 'SIZE' }] },
  ],
  // Hadoop 1's `hadoop fs -du` said how many entries followed.
  skip: '^Found [0-9]+ items\\s*$',
  columns: (value) => ({ bytes: value('SIZE'), disk_bytes: value('DISK_SPACE_CONSUMED') }),
});
