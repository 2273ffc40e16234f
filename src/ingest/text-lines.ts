/**
 * A text file's lines, read by DuckDB (plain or gzipped) as one value each — no field splitting,
 * quoting or type detection by the reader — with their line numbers from 1 and a trailing `\r`
 * dropped. The line formats (sacct, swf, du/count) split and check the fields themselves, so
 * that a bad line becomes a rejected row with its number instead of a reader error.
 *
 * Use TEXT_LINES as a subquery with textLinesParams(file) among the statement's parameters.
 */
export const TEXT_LINES = `select row_number() over () as line, regexp_replace(column0, '\\r$', '') as text
  from read_csv($file, columns = {'column0': 'VARCHAR'}, header = false, delim = $line_delim, quote = '', escape = '',
                auto_detect = false, strict_mode = false, null_padding = false, all_varchar = true)`;

/** The parameters TEXT_LINES needs. The delimiter is a control character no text line holds. */
export function textLinesParams(file: string): { file: string; line_delim: string } {
  return { file, line_delim: '\x1f' };
}
