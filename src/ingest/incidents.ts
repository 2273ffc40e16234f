/**
 * An incidents/outages file, kept by hand: CSV with a header row `start,end,severity,title`,
 * optionally `cluster`, and any other columns (ticket, description…), which are kept in
 * `extra`. Times are ISO 8601; without an offset they are local to the row's cluster's time
 * zone. Severity is critical, major, minor or maintenance, in any case.
 *
 * A file is a list: loading a new version of it replaces every incident its earlier versions
 * loaded (the INCIDENTS target's identity is the file). Rows that are not incidents (no end,
 * an end before the start, an unknown severity) are rejected with their reason.
 */
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import { INCIDENT_SEVERITIES } from '../warehouse/schema.js';
import { stageCsvList } from './csv-list.js';
import { isoTimeSql } from './iso-time.js';
import type { Source, StageContext, Staged } from './source.js';
import { INCIDENTS } from './targets.js';

const REQUIRED = ['start', 'end', 'severity', 'title'];

export const incidents: Source = {
  format: 'incidents',
  target: INCIDENTS,
  extensions: ['.csv', '.csv.gz', '.tsv'],
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    const csv = await stageCsvList(
      ctx, 'stg_incidents', REQUIRED,
      'An incidents file is CSV with the header start,end,severity,title (and optionally cluster, ticket, …).',
    );
    const { text } = csv;
    const zones = ctx.zones ?? { byCluster: {}, other: ctx.timezone };
    // A row's cluster: its own `cluster`, else the file's. Its local times are in that cluster's zone.
    const cluster = csv.has('cluster') ? `coalesce(${text('cluster')}, $cluster)` : '$cluster';
    const zone = csv.has('cluster')
      ? `case when ${text('cluster')} is null then $tz else coalesce(list_extract($zone_values, list_position($zone_names, ${text('cluster')})), $other_tz) end`
      : '$tz';
    const extra = csv.extra([...REQUIRED, 'cluster']);
    const time = (name: string) =>
      `case when ${text(name)} is not null and t_${name} is null then '${name} is not an ISO 8601 time (got "' || ${text(name)} || '")' end`;
    await conn.run(
      `create temp table stg_incidents_checked as
       select *, nullif(concat_ws('; ',
           case when ${text('start')} is null then 'start is missing' end,
           ${time('start')},
           case when ${text('end')} is null then 'end is missing (an incident needs its end time)' end,
           ${time('end')},
           case when t_end < t_start then 'end (' || ${text('end')} || ') is before start (' || ${text('start')} || ')' end,
           case when ${text('severity')} is null then 'severity is missing'
                when not list_contains($severities, lower(${text('severity')}))
                then 'severity "' || ${text('severity')} || '" is not one of ' || array_to_string($severities, ', ') end,
           case when ${text('title')} is null then 'title is missing' end), '') as _reason
       from (select *, ${isoTimeSql(text('start'), '_zone')} as t_start, ${isoTimeSql(text('end'), '_zone')} as t_end
             from (select *, ${zone} as _zone from stg_incidents))`,
      {
        severities: listValue([...INCIDENT_SEVERITIES]),
        tz: ctx.timezone,
        ...(csv.has('cluster')
          ? { zone_names: listValue(Object.keys(zones.byCluster)), zone_values: listValue(Object.values(zones.byCluster)), other_tz: zones.other }
          : {}),
      },
      // typed, so that an empty list (no clusters in the settings) binds too
      csv.has('cluster') ? { zone_names: LIST(VARCHAR), zone_values: LIST(VARCHAR) } : undefined,
    );
    const raw = `json_merge_patch(to_json(t), '{"_line": null, "_zone": null, "t_start": null, "t_end": null, "_reason": null}')::varchar`;
    return {
      rejects: { sql: `select _line as line, _reason as reason, ${raw} as raw from stg_incidents_checked t where _reason is not null` },
      rows: {
        params: { cluster: ctx.cluster },
        sql: `select
         ${cluster} as cluster,
         t_start as start_time,
         t_end as end_time,
         lower(${text('severity')}) as severity,
         ${text('title')} as title,
         ${extra} as extra,
         _line as line,
         _line
       from stg_incidents_checked where _reason is null`,
      },
    };
  },
};
