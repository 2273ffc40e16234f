/**
 * The tool's own canonical job format, for schedulers gazette does not read natively:
 * CSV (header row), Parquet, or JSON Lines, with the `jobs` columns of schema.ts (any
 * subset but job_id). Timestamps are ISO 8601; without an offset they are taken as UTC.
 * `tags` is a list (Parquet/JSON) or a comma-separated string (CSV); columns that are not
 * job columns are kept in `extra`. A missing cluster comes from --cluster.
 */
import { JOB_COLUMNS, JOB_STATES, ident } from '../warehouse/schema.js';
import { listValue } from '@duckdb/node-api';
import { FileFormatError, type Source, type StageContext, type Staged } from './source.js';
import { JOBS } from './targets.js';

type Kind = 'csv' | 'parquet' | 'jsonl';

function kindOf(file: string): Kind {
  const f = file.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (f.endsWith('.parquet')) return 'parquet';
  if (f.endsWith('.csv') || f.endsWith('.tsv')) return 'csv';
  if (f.endsWith('.jsonl') || f.endsWith('.ndjson') || f.endsWith('.json')) return 'jsonl';
  throw new FileFormatError(`the canonical format is read from .csv, .parquet or .jsonl files; rename the file to say which it is.`);
}

export const canonical: Source = {
  format: 'canonical',
  target: JOBS,
  extensions: ['.csv', '.csv.gz', '.parquet', '.jsonl', '.jsonl.gz', '.ndjson', '.ndjson.gz'],
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    const kind = kindOf(ctx.file);
    const reader =
      kind === 'parquet'
        ? `read_parquet($file)`
        : kind === 'csv'
          ? `read_csv($file, header = true, all_varchar = true, auto_detect = true)`
          : `read_json($file, format = 'newline_delimited', records = true, sample_size = -1)`;
    // CSV line numbers count the header line.
    await conn.run(
      `create temp table stg_canonical as select row_number() over () + ${kind === 'csv' ? 1 : 0} as _line, * from ${reader}`,
      { file: ctx.file },
    );
    const columns = (await conn.runAndReadAll(`describe stg_canonical`)).getRowObjectsJS().map((r) => ({
      name: String(r.column_name),
      type: String(r.column_type),
    }));
    const have = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
    if (!have.has('job_id')) {
      throw new FileFormatError(
        `there is no job_id column (found: ${columns.slice(1).map((c) => c.name).join(', ') || 'none'}). A canonical jobs file needs job_id, and uses the column names in the README.`,
      );
    }
    const reasons: string[] = [`case when nullif(trim(cast(${ident(have.get('job_id')!.name)} as varchar)), '') is null then 'job_id is missing' end`];
    const select: string[] = [];
    for (const [name, decl] of JOB_COLUMNS) {
      const col = have.get(name);
      const type = decl.replace(' not null', '');
      if (name === 'job_key' && !col) {
        select.push(`null::varchar as job_key`);
        continue;
      }
      if (!col) {
        select.push(
          name === 'cluster' ? `$cluster as cluster` : name === 'source' ? `'canonical' as source` : name === 'state' ? `'UNKNOWN' as state` : `null::${type} as ${ident(name)}`,
        );
        continue;
      }
      const c = ident(col.name);
      // A JSON Lines key holding both numbers and strings arrives as DuckDB's JSON type: unwrap scalars.
      const asText = col.type === 'JSON' ? `nullif(trim(${c} ->> '$'), '')` : `nullif(trim(cast(${c} as varchar)), '')`;
      let expr: string;
      if (type === 'timestamp') {
        expr = col.type.startsWith('TIMESTAMP') ? `cast(${c} as timestamp)` : `cast(try_cast(${asText} as timestamptz) as timestamp)`;
        reasons.push(`case when ${asText} is not null and ${expr} is null then '${name} is not an ISO 8601 time (got "' || ${asText} || '")' end`);
      } else if (type === 'double' || type === 'integer') {
        expr = `try_cast(${asText} as ${type})`;
        reasons.push(`case when ${asText} is not null and ${expr} is null then '${name} is not a number (got "' || ${asText} || '")' end`);
      } else if (type === 'varchar[]') {
        expr = col.type.endsWith('[]')
          ? `cast(${c} as varchar[])`
          : `case when starts_with(${asText}, '[') then try_cast(${asText} as varchar[]) else list_filter(list_transform(string_split(${asText}, ','), lambda t: trim(t)), lambda t: t <> '') end`;
      } else if (type === 'json') {
        expr = col.type === 'JSON' ? c : `try_cast(nullif(trim(cast(${c} as varchar)), '') as json)`;
        reasons.push(`case when ${asText} is not null and ${expr} is null then 'extra is not valid JSON' end`);
      } else if (name === 'state') {
        expr = `upper(${asText})`;
        reasons.push(
          `case when ${asText} is null then 'state is missing' when not list_contains($states, upper(${asText})) then 'state "' || ${asText} || '" is not one of ' || array_to_string($states, ', ') end`,
        );
      } else {
        expr = name === 'cluster' ? `coalesce(${asText}, $cluster)` : name === 'source' ? `coalesce(${asText}, 'canonical')` : asText;
      }
      select.push(`${expr} as ${ident(name)}`);
    }
    const known = new Set(JOB_COLUMNS.map(([n]) => n as string));
    const others = columns.slice(1).filter((c) => !known.has(c.name.toLowerCase()));
    const extraIdx = select.findIndex((s) => s.endsWith(' as "extra"'));
    if (others.length) {
      const pack = `to_json(struct_pack(${others.map((c) => `${ident(c.name)} := ${ident(c.name)}`).join(', ')}))`;
      const base = select[extraIdx].replace(/ as "extra"$/, '');
      select[extraIdx] = `nullif(json_merge_patch(coalesce(${base}, '{}'), json_merge_patch('{}', ${pack})), '{}')::json as "extra"`;
    }
    await conn.run(
      `create temp table stg_canonical_checked as
       select *, nullif(concat_ws('; ', ${reasons.join(', ')}), '') as _reason from stg_canonical t`,
      { states: listValue([...JOB_STATES]) },
    );
    return {
      rejects: {
        sql: `select _line as line, _reason as reason, json_merge_patch(to_json(t), '{"_line": null, "_reason": null}')::varchar as raw
              from stg_canonical_checked t where _reason is not null`,
      },
      rows: {
        sql: `select ${select.join(',\n         ')}, _line from stg_canonical_checked where _reason is null`,
        params: { cluster: ctx.cluster },
      },
    };
  },
};
