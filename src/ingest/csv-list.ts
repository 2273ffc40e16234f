/**
 * A small CSV file kept by hand (incidents, a business series): read whole into a temp table with
 * its line numbers, its header checked for the columns the format needs, and SQL for a column's
 * trimmed text and for the other columns kept in `extra`.
 */
import { ident } from '../warehouse/schema.js';
import { FileFormatError, type StageContext } from './source.js';

export interface CsvList {
  /** The header's columns as written. */
  columns: string[];
  /** Whether the header has a column (by its lowercase name). */
  has(name: string): boolean;
  /** SQL: the column's text, trimmed, empty as null (null when the header lacks it). */
  text(name: string): string;
  /** SQL: the columns other than `own` as a JSON object of their non-empty values, or null. */
  extra(own: string[]): string;
}

/**
 * Read `ctx.file` into temp table `table` (`_line`: its line number, the header being line 1);
 * `read` adds read_csv options. Throws FileFormatError naming the missing columns, then `hint`.
 */
export async function stageCsvList(ctx: StageContext, table: string, required: string[], hint: string, read = ''): Promise<CsvList> {
  await ctx.conn.run(
    `create temp table ${table} as
     select row_number() over () + 1 as _line, * from read_csv($file, header = true, all_varchar = true, auto_detect = true${read})`,
    { file: ctx.file },
  );
  const columns = (await ctx.conn.runAndReadAll(`describe ${table}`)).getRows().map((r) => String(r[0])).slice(1);
  const have = new Map(columns.map((c) => [c.trim().toLowerCase(), c]));
  const missing = required.filter((c) => !have.has(c));
  if (missing.length) throw new FileFormatError(`the header has no ${missing.join(', ')} column (found: ${columns.join(', ') || 'none'}). ${hint}`);
  return {
    columns,
    has: (name) => have.has(name),
    text: (name) => (have.has(name) ? `nullif(trim(${ident(have.get(name)!)}), '')` : 'null::varchar'),
    extra(own) {
      const others = columns.filter((c) => !own.includes(c.trim().toLowerCase()));
      return others.length
        ? `nullif(json_merge_patch('{}', to_json(struct_pack(${others.map((c) => `${ident(c)} := nullif(trim(${ident(c)}), '')`).join(', ')}))), '{}')::json`
        : 'null::json';
    },
  };
}
