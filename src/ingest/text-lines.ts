/**
 * A text file's lines, read by DuckDB (plain or compressed) as one value each — no field
 * splitting, quoting or type detection by the reader — with their line numbers from 1 and a
 * trailing `\r` dropped. The line formats (sacct, swf, du/count, Spark event logs) split and
 * check the fields themselves, so that a bad line becomes a rejected row with its number
 * instead of a reader error.
 *
 * Use `sql` as a query (`create temp table t as ${sql}` or a subquery) with `params` among the
 * statement's parameters. Given a list of files, it reads them in one go, one after another, with
 * a `filename` column: `line` then numbers on across them (a file's own line is `line` less its
 * first line's, plus 1).
 */
import { listValue, type DuckDBValue } from '@duckdb/node-api';

export interface TextLinesOptions {
  /** DuckDB's compression name (`gzip`, `zstd`); default told from the file's name. */
  compression?: string;
  /** The longest line to read (default DuckDB's 2 MB; a Spark event can be far longer). */
  maxLineBytes?: number;
}

export function textLines(file: string | string[], opts: TextLinesOptions = {}): { sql: string; params: Record<string, DuckDBValue> } {
  const params: Record<string, DuckDBValue> = { file: typeof file === 'string' ? file : listValue(file), line_delim: '\x1f' };
  let more = typeof file === 'string' ? '' : ', filename = true';
  if (opts.compression) {
    more += ', compression = $line_compression';
    params.line_compression = opts.compression;
  }
  if (opts.maxLineBytes) {
    more += ', max_line_size = $line_max, buffer_size = $line_buffer';
    params.line_max = opts.maxLineBytes;
    params.line_buffer = 2 * opts.maxLineBytes;
  }
  // The delimiter is a control character no text line holds.
  // A trailing \r: told by its last byte (a regexp looks for it along the whole line).
  const sql = `select row_number() over () as line, case when suffix(column0, chr(13)) then left(column0, -1) else column0 end as text${typeof file === 'string' ? '' : ', filename'}
  from read_csv($file, columns = {'column0': 'VARCHAR'}, header = false, delim = $line_delim, quote = '', escape = '',
                auto_detect = false, strict_mode = false, null_padding = false, all_varchar = true${more})`;
  return { sql, params };
}
