/**
 * Write a query result as an aligned table, CSV or JSON lines, streaming chunk by chunk.
 * Values arrive as DuckDB's JSON conversion: strings, numbers, booleans, null, lists and
 * objects (timestamps, big integers and decimals as strings).
 */
import type { DuckDBResult, Json } from '@duckdb/node-api';
import stringWidth from 'string-width';

export type TextFormat = 'table' | 'csv' | 'json';

export interface Sink {
  write(s: string): void | Promise<void>;
}

/** The most rows an aligned table shows; past that it says how to get them all. */
export const TABLE_ROW_LIMIT = 1000;

export async function writeResult(result: DuckDBResult, format: TextFormat, out: Sink): Promise<number> {
  const names = result.columnNames();
  let rows = 0;
  if (format === 'table') {
    const shown: string[][] = [];
    for await (const chunk of result.yieldRowsJson()) {
      for (const row of chunk) {
        if (shown.length < TABLE_ROW_LIMIT) shown.push(row.map(cell));
        rows++;
      }
    }
    await out.write(alignTable(names, shown));
    await out.write(
      rows > shown.length
        ? `(${rows.toLocaleString('en-US')} rows; showing the first ${shown.length.toLocaleString('en-US')}: use --format csv for all)\n`
        : `(${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'})\n`,
    );
    return rows;
  }
  if (format === 'csv') await out.write(names.map(csvField).join(',') + '\n');
  for await (const chunk of result.yieldRowsJson()) {
    const lines: string[] = [];
    for (const row of chunk) {
      lines.push(
        format === 'csv'
          ? row.map((v) => csvField(v === null ? '' : cell(v))).join(',')
          : JSON.stringify(Object.fromEntries(names.map((n, i) => [n, row[i]]))),
      );
    }
    rows += chunk.length;
    if (lines.length) await out.write(lines.join('\n') + '\n');
  }
  return rows;
}

function cell(v: Json): string {
  if (v === null) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double its quotes. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const NUMERIC = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

export function alignTable(names: string[], rows: string[][]): string {
  const oneLine = (s: string) => s.replace(/\r?\n/g, '↵');
  const body = rows.map((r) => r.map(oneLine));
  // Display width, so CJK and emoji job names (two columns each) keep the table aligned.
  const widths = names.map((n, i) => Math.max(stringWidth(n), ...body.map((r) => stringWidth(r[i]))));
  const right = names.map((_, i) => body.length > 0 && body.every((r) => r[i] === 'NULL' || NUMERIC.test(r[i])));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(widths[i] - stringWidth(s));
    return right[i] ? fill + s : s + fill;
  };
  const line = (cells: string[]) => cells.map(pad).join(' │ ').trimEnd();
  return [line(names), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...body.map(line)].join('\n') + '\n';
}
