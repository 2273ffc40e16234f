/**
 * `hdfs dfs` shell listings (`-du`, `-count`) read as text lines: a few whitespace-separated
 * value columns, then the path, which may hold spaces. What differs between the commands is
 * their layouts (hdfs-du.ts, hdfs-count.ts); reading the lines is the same:
 *
 * - a file in human-readable units (`-h`: `1.2 G`, `512 M`) is refused as a whole, since its
 *   sizes are rounded: run the command again without -h;
 * - the layout of the file (du's 3 or 2 columns; count's 8 with -q, 5 with -u or 4) is the one
 *   its `-v` header names, else that of its first line that fits one exactly; a line that does
 *   not fit it is rejected with its reason; header lines are skipped wherever they are (outputs
 *   appended one after another);
 * - values are whole numbers (count's `none` and `inf` are no quota: null).
 *
 * The moment a listing was taken is not in it: `--as-of`, else the date in the file's name.
 */
import { STORAGE_USAGE_COLUMNS, ident } from '../warehouse/schema.js';
import { FileFormatError, noRows, type Source, type StageContext, type Staged } from './source.js';
import { snapshotDate, snapshotVariant } from './snapshot-time.js';
import { STORAGE_USAGE } from './targets.js';
import { textLines } from './text-lines.js';

/** One value column of a layout. */
export interface ShellValue {
  /** Its name in the command's own header (`SIZE`, `QUOTA`). */
  name: string;
  /** May be negative (a remaining quota already exceeded). */
  negative?: boolean;
  /** Words standing for no value (count: `none`, `inf`). */
  nulls?: readonly string[];
}

/** One shape of a command's output: its value columns (the path follows) and its `-v` header. */
export interface ShellLayout {
  values: readonly ShellValue[];
  /** RE2: the header line `-v` prints for this layout. */
  header?: string;
}

export interface ShellCommand {
  /** How the user ran it, for messages: `hdfs dfs -du`. */
  command: string;
  /**
   * Its layouts, most columns first. A file's layout is the one its header names, else the
   * first that its first fitting line fits.
   */
  layouts: readonly ShellLayout[];
  /** RE2: other lines the command prints that are not rows (Hadoop 1's `Found 3 items`). */
  skip?: string;
  /** Lines (RE2) of variants of the command gazette does not read, what they are and what to run instead. */
  unsupported?: readonly { line: string; what: string; advice: string }[];
}

/** A token that is a number as `-h` prints it: with decimals (`1.2`, `1,2` in some locales) or a unit (`512 M`). */
const HUMAN_TOKEN = '-?[0-9]+(?:[.,][0-9]+)?(?: [KMGTPE])?';
/** Leading value tokens, one of which only `-h` writes. */
const HUMAN = `^\\s*(?:(?:none|inf|${HUMAN_TOKEN})\\s+)*?-?[0-9]+(?:[.,][0-9]+ [KMGTPE]|[.,][0-9]+| [KMGTPE])\\s`;

const token = (v: ShellValue) => [...(v.nulls ?? []), v.negative ? '-?[0-9]+' : '[0-9]+'].join('|');
/** RE2: a line of this layout whose values are all well-formed (to tell the layout). */
const strict = (layout: readonly ShellValue[]) => `^\\s*${layout.map((v) => `(?:${token(v)})\\s+`).join('')}\\S`;
/** RE2: a line split into this layout's value tokens and the path. */
const loose = (layout: readonly ShellValue[]) => `^\\s*${layout.map(() => '(\\S+)\\s+').join('')}(\\S.*?)\\s*$`;

/** RE2: a well-formed value. */
const valueRe = (v: ShellValue) => `^(?:${token(v)})$`;

/** A value's SQL check: null when `x` is well-formed, else the reason. */
const badValue = (v: ShellValue, x: string) =>
  `case when not regexp_matches(${x}, '${valueRe(v)}')
      then '${v.name} is not ${v.nulls?.length ? `${v.nulls.join(', ')} or ` : ''}a whole number (got "' || ${x} || '")'
    when ${v.nulls?.length ? `${x} not in (${v.nulls.map((w) => `'${w}'`).join(', ')}) and ` : ''}try_cast(${x} as bigint) is null
      then '${v.name} is too large (got ' || ${x} || ')' end`;

/**
 * Read a listing into temp table `table`: (line, text, n bigint[] the values in layout order,
 * path, reason) for every line that is neither blank nor a header; `reason` is null for a good
 * row. Returns the file's layout, or undefined when it has no rows.
 */
async function stageShellLines(ctx: StageContext, cmd: ShellCommand, table: string): Promise<readonly ShellValue[] | undefined> {
  const { conn } = ctx;
  const lines = `${table}_lines`;
  const headers = cmd.layouts.flatMap((l) => (l.header ? [l.header] : []));
  // Each line as one text value (no field splitting by the reader), with its line number; the
  // header lines marked, blank lines and other non-rows left out.
  const read = textLines(ctx.file);
  await conn.run(
    `create temp table ${lines} as
     select line, text, ${headers.length ? `case ${headers.map((h, i) => `when regexp_matches(text, '${h}') then ${i + 1}`).join(' ')} end` : 'null::integer'} as header from (
       ${read.sql})
     where ltrim(text) <> '' ${cmd.skip ? 'and not regexp_matches(text, $skip)' : ''}`,
    { ...read.params, ...(cmd.skip ? { skip: cmd.skip } : {}) },
  );
  const first = async (where: string, params: Record<string, string> = {}) =>
    (await conn.runAndReadAll(`select line, text, header from ${lines} where ${where} order by line limit 1`, params)).getRows()[0];
  const human = await first(`header is null and regexp_matches(text, $re)`, { re: HUMAN });
  if (human) {
    throw new FileFormatError(
      `line ${human[0]} has sizes in human-readable units ("${String(human[1]).trim()}"), rounded: gazette needs exact numbers. Run \`${cmd.command}\` without -h.`,
    );
  }
  for (const u of cmd.unsupported ?? []) {
    const other = await first(`header is null and regexp_matches(text, $re)`, { re: u.line });
    if (other) throw new FileFormatError(`line ${other[0]} is ${u.what} ("${String(other[1]).trim()}"). ${u.advice}`);
  }
  const header = await first('header is not null');
  if (!(await first('header is null'))) return undefined;
  const describe = (l: ShellLayout) => [...l.values.map((v) => v.name), 'PATH'].join(' ');
  let layout: readonly ShellValue[];
  if (header) {
    // A header names the layout: the lines under it are read by it.
    layout = cmd.layouts.filter((l) => l.header)[Number(header[2]) - 1].values;
  } else {
    // Else the first line that fits a layout tells it (a stray warning line may come before).
    const found = await first(cmd.layouts.map((l) => `regexp_matches(text, '${strict(l.values)}')`).join(' or '));
    if (!found) {
      const sample = (await first('true'))!;
      throw new FileFormatError(
        `no line is \`${cmd.command}\` output (${cmd.layouts.map(describe).join(', or ')}); line ${sample[0]} is "${String(sample[1]).trim()}".`,
      );
    }
    // The patterns are both RE2 and JavaScript.
    layout = cmd.layouts.find((l) => new RegExp(strict(l.values)).test(String(found[1])))!.values;
  }
  const names = [...layout.map((_, i) => `v${i + 1}`), 'path'];
  const split = `regexp_extract(text, '${loose(layout)}', [${names.map((n) => `'${n}'`).join(', ')}])`;
  const v = (i: number) => `p.v${i + 1}`;
  await conn.run(
    `create temp table ${table} as
     select line, text, [${layout.map((_, i) => `try_cast(${v(i)} as bigint)`).join(', ')}] as n, nullif(p.path, '') as path,
       case when p.path = '' or not (${layout.map((x, i) => `regexp_matches(${v(i)}, '${valueRe(x)}')`).join(' or ')})
              then 'not \`${cmd.command}\` output: expected ${describe({ values: layout })} separated by spaces'
            else nullif(concat_ws('; ', ${layout.map((x, i) => badValue(x, v(i))).join(', ')}), '') end as reason
     from (select line, text, ${split} as p from ${lines} where header is null)`,
  );
  return layout;
}

type UsageColumn = (typeof STORAGE_USAGE_COLUMNS)[number][0];

/** A listing format: the command, and which storage_usage column each value goes to. */
export interface Listing extends ShellCommand {
  format: string;
  extensions: readonly string[];
  /** What a file is and a well-dated name, for the message when it has no date. */
  what: string;
  example: string;
  /** Columns (besides cluster, as_of, source, path) from the values of the file's layout: `value(name)` is its SQL, undefined when the layout lacks it. */
  columns(value: (name: string) => string | undefined): Partial<Record<UsageColumn, string>>;
}

/** The Source reading a listing into storage_usage, dated by `--as-of` or the file's name. */
export function listingSource(spec: Listing): Source {
  const table = `stg_${spec.format.replace(/-/g, '_')}`;
  return {
    format: spec.format,
    target: STORAGE_USAGE,
    extensions: spec.extensions,
    variant: snapshotVariant,
    async stage(ctx: StageContext): Promise<Staged> {
      const asOf = snapshotDate(ctx, spec.what, spec.example);
      const layout = await stageShellLines(ctx, spec, table);
      if (!layout) return noRows(STORAGE_USAGE);
      const value = (name: string) => {
        const i = layout.findIndex((v) => v.name === name);
        return i < 0 ? undefined : `n[${i + 1}]`;
      };
      const columns: Partial<Record<UsageColumn, string>> = {
        ...spec.columns(value),
        cluster: '$cluster',
        as_of: 'cast($as_of as date)',
        source: `'${spec.format}'`,
        path: 'path',
      };
      const select = STORAGE_USAGE_COLUMNS.map(([name, type]) => `${columns[name] ?? `null::${type.replace(' not null', '')}`} as ${ident(name)}`);
      return {
        rejects: { sql: `select line, reason, text as raw from ${table} where reason is not null` },
        rows: {
          params: { cluster: ctx.cluster, as_of: asOf },
          sql: `select ${select.join(', ')}, line as _line from ${table} where reason is null`,
        },
      };
    },
  };
}
