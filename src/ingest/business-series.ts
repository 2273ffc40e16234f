/**
 * A business series (active customers, orders, revenue…) to set beside compute demand: CSV with
 * a header row `date,series,value,kind`, optionally `unit` and `cluster`, and any other columns,
 * which are kept in `extra`.
 *
 *   date     `YYYY-MM` (a monthly value) or `YYYY-MM-DD` (a daily one): local calendar days, no zone
 *   series   its name, e.g. `orders`
 *   value    a number (`1234.5`; no thousands separators)
 *   kind     `stock` — a level at a moment (customers, users): a period takes its last value — or
 *            `flow` — an amount over time (orders, revenue): a period takes the sum of its values
 *   unit     optional, what a value counts (`orders`, `EUR`)
 *   cluster  optional: the row's cluster, else the file's (as for incidents)
 *
 * A row is rejected with its reason when its date, value or kind is not one of these, and when it
 * contradicts an earlier row of its series in the same file: another kind, monthly and daily values
 * mixed, or a second value for the same date. A later load of the same (cluster, series, day)
 * replaces the stored value (targets.ts).
 */
import { listValue } from '@duckdb/node-api';
import { BUSINESS_SERIES_KINDS } from '../warehouse/schema.js';
import { stageCsvList } from './csv-list.js';
import type { Source, StageContext, Staged } from './source.js';
import { BUSINESS_SERIES } from './targets.js';

/** The columns a business series file must have (detect.ts tells the format by the first three). */
export const BUSINESS_SERIES_REQUIRED = ['date', 'series', 'value', 'kind'];

export const businessSeries: Source = {
  format: 'business-series',
  target: BUSINESS_SERIES,
  extensions: ['.csv', '.csv.gz', '.tsv'],
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    // Comma-separated (tab for .tsv), so that a quoted "1,200" cannot mislead the sniffer; a line
    // short of fields has nulls for the rest (a rejected row).
    const csv = await stageCsvList(
      ctx, 'stg_business', BUSINESS_SERIES_REQUIRED,
      'A business series file is CSV with the header date,series,value,kind (and optionally unit, cluster); kind is stock (a period takes its last value: customers) or flow (a period takes the sum: orders).',
      `, null_padding = true, quote = '"', delim = '${/\.tsv(\.gz)?$/i.test(ctx.file) ? '\t' : ','}'`,
    );
    const { text } = csv;
    const extra = csv.extra(['cluster', 'unit', ...BUSINESS_SERIES_REQUIRED]);
    // Each row on its own, then against the rows of its series before it in the file.
    await conn.run(
      `create temp table stg_business_row as
       select *, nullif(concat_ws('; ',
           case when _date is null then 'date is missing'
                when _day is null then 'date "' || _date || '" is not a month YYYY-MM or a day YYYY-MM-DD' end,
           case when _series is null then 'series is missing' end,
           case when _value_text is null then 'value is missing'
                when _value is null or not isfinite(_value) then 'value "' || _value_text || '" is not a number' end,
           case when _kind is null then 'kind is missing (stock: a period takes its last value; flow: the sum of its values)'
                when not list_contains($kinds, _kind) then 'kind "' || _kind || '" is not stock or flow' end), '') as _reason
       from (
         select *,
           case when regexp_full_match(_date, '[0-9]{4}-[0-9]{2}') then try_cast(_date || '-01' as date)
                when regexp_full_match(_date, '[0-9]{4}-[0-9]{2}-[0-9]{2}') then try_cast(_date as date) end as _day,
           case when length(_date) = 7 then 'month' else 'day' end as _granularity,
           try_cast(_value_text as double) as _value
         from (
           select *, ${text('date')} as _date, ${text('series')} as _series, ${text('value')} as _value_text,
                  lower(${text('kind')}) as _kind, coalesce(${text('cluster')}, $cluster) as _cluster
           from stg_business))`,
      { kinds: listValue([...BUSINESS_SERIES_KINDS]), cluster: ctx.cluster },
    );
    const adj = (g: string) => `case ${g} when 'month' then 'monthly' else 'daily' end`;
    // A row that passed contradicts the first good row of its series (kind, monthly vs daily) or of its day.
    await conn.run(
      `create temp table stg_business_checked as
       select r.* replace (coalesce(r._reason, c._conflict) as _reason)
       from stg_business_row r
       left join (
         select _line, nullif(concat_ws('; ',
             case when _kind <> _first_kind
                  then 'kind ' || _kind || ' differs from the kind ' || _first_kind || ' of ' || _series || ' on line ' || _first_line end,
             case when _granularity <> _first_granularity
                  then 'a ' || ${adj('_granularity')} || ' value of ' || _series || ', whose values are ' || ${adj('_first_granularity')}
                       || ' (line ' || _first_line || '); keep a series to one of monthly or daily' end,
             case when _day_line <> _line then 'a second value of ' || _series || ' for ' || _date || ' (line ' || _day_line || ' has one)' end), '') as _conflict
         from (
           select *,
             first_value(_kind) over s as _first_kind,
             first_value(_granularity) over s as _first_granularity,
             first_value(_line) over s as _first_line,
             first_value(_line) over (partition by _cluster, _series, _day order by _line) as _day_line
           from stg_business_row
           where _reason is null
           window s as (partition by _cluster, _series order by _line))
       ) c using (_line)`,
    );
    const raw = `json_merge_patch(to_json(b), '{"_line": null}')::varchar`;
    return {
      rejects: { sql: `select c._line as line, c._reason as reason, ${raw} as raw from stg_business_checked c join stg_business b using (_line) where c._reason is not null` },
      rows: {
        sql: `select
         _cluster as cluster,
         _series as series,
         _day as day,
         _granularity as granularity,
         _kind as kind,
         _value as value,
         ${text('unit')} as unit,
         ${extra} as extra,
         _line
       from stg_business_checked where _reason is null`,
      },
    };
  },
};
