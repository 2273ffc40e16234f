/**
 * YARN ResourceManager `/ws/v1/cluster/metrics` responses (`{"clusterMetrics": {…}}`), plain
 * or gzipped: one capacity snapshot per file, into `capacity_snapshots`.
 *
 * The response carries no timestamp. The moment it was taken comes from `--as-of`, else from the
 * first date (and time) in the file's name, `rm-metrics-2026-01-15T0600.json`, in the cluster's
 * time zone (snapshotTimeFromName). Counts are mapped in SQL; every field with no column
 * (availableMB, containersAllocated, Hadoop 3's shutdownNodes, utilizedMBPercent,
 * totalClusterResourcesAcrossPartition…) is kept in `extra`. GPUs come from Hadoop 3's resource
 * types: the `yarn.io/gpu` entry of totalClusterResourcesAcrossPartition.
 */
import { FileFormatError, type Source, type StageContext, type Staged } from './source.js';
import { CAPACITY_SNAPSHOTS } from './targets.js';
import { isoTimeSql } from './iso-time.js';
import { stageJsonDocument } from './json-document.js';
import { snapshotTime, snapshotTimeFromName, snapshotVariant } from './snapshot-time.js';

export { snapshotTimeFromName };

/** Response field → column. Each is a count; a value that is not a number is a rejected row. */
const FIELDS: [string, string][] = [
  ['totalVirtualCores', 'total_vcores'],
  ['totalMB', 'total_memory_mb'],
  ['totalNodes', 'total_nodes'],
  ['activeNodes', 'active_nodes'],
  ['lostNodes', 'lost_nodes'],
  ['unhealthyNodes', 'unhealthy_nodes'],
  ['decommissionedNodes', 'decommissioned_nodes'],
  ['rebootedNodes', 'rebooted_nodes'],
  ['appsRunning', 'apps_running'],
  ['appsPending', 'apps_pending'],
  ['allocatedVirtualCores', 'allocated_vcores'],
  ['allocatedMB', 'allocated_memory_mb'],
];
/** Without these a snapshot says nothing about capacity. */
const REQUIRED = ['totalVirtualCores', 'totalMB'];

export const yarnMetrics: Source = {
  format: 'yarn-metrics',
  target: CAPACITY_SNAPSHOTS,
  extensions: ['.json', '.json.gz'],
  /** The same response dated another moment (an idle cluster's metrics repeat) is another snapshot. */
  variant: snapshotVariant,
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    const when = snapshotTime(ctx, 'a cluster metrics response', 'rm-metrics-2026-01-15T0600.json');
    await stageJsonDocument(ctx, 'stg_metrics', "a snapshot file holds one /ws/v1/cluster/metrics response (its time comes from the file's name)");
    const isMetrics = (await conn.runAndReadAll(`select json_type(json -> 'clusterMetrics') = 'OBJECT' from stg_metrics`)).getRows()[0][0];
    if (!isMetrics) {
      throw new FileFormatError(
        `not a ResourceManager cluster metrics response (no "clusterMetrics": {…}). Check the file came from /ws/v1/cluster/metrics, or pass the right --format.`,
      );
    }
    // Each field's text read once (s[i]) and as a whole number (n[i]), in FIELDS order.
    const at = (f: string) => FIELDS.findIndex(([x]) => x === f) + 1;
    const reason = `nullif(concat_ws('; ',
        ${REQUIRED.map((f) => `case when s[${at(f)}] is null then '${f} is missing' end`).join(',\n        ')},
        ${FIELDS.map(([f], i) => `case when s[${i + 1}] is not null and n[${i + 1}] is null then '${f} is not a number (got ' || (m -> '${f}')::varchar || ')' end`).join(',\n        ')},
        case when t is null then 'the snapshot time "' || $when || '" is not an ISO 8601 time' end), '')`;
    // `resourceInformation` is a list, or (Jettison, one resource type) a single object.
    const resources = `m -> 'totalClusterResourcesAcrossPartition' -> 'resourceInformations' -> 'resourceInformation'`;
    const gpus = `cast(round(try_cast(list_filter(from_json(case json_type(${resources}) when 'ARRAY' then ${resources} when 'OBJECT' then json_array(${resources}) end,
        '[{"name": "VARCHAR", "value": "VARCHAR"}]'), lambda r: r.name = 'yarn.io/gpu')[1].value as double)) as bigint)`;
    const paths = `[${FIELDS.map(([f]) => `'$.${f}'`).join(', ')}]`;
    const dropMapped = JSON.stringify(Object.fromEntries(FIELDS.map(([f]) => [f, null])));
    await conn.run(
      `create temp table stg_metrics_checked as
       select *, ${reason} as reason from (
         select *, list_transform(s, lambda x: cast(round(try_cast(x as double)) as bigint)) as n from (
           select rec, m, t, json_extract_string(m, ${paths}) as s from (
             select 1 as rec, json -> 'clusterMetrics' as m, ${isoTimeSql('trim($when)')} as t from stg_metrics)))`,
      { when, tz: ctx.timezone },
    );
    return {
      rejects: { sql: `select rec as line, reason, m::varchar as raw from stg_metrics_checked where reason is not null` },
      rows: {
        params: { cluster: ctx.cluster, drop_mapped: dropMapped },
        sql: `select
         $cluster as cluster,
         t as taken_at,
         ${FIELDS.map(([, c], i) => `n[${i + 1}] as ${c}`).join(',\n         ')},
         ${gpus} as total_gpus,
         nullif(json_merge_patch(m, $drop_mapped::json), '{}')::json as extra,
         rec as _line
       from stg_metrics_checked where reason is null`,
      },
    };
  },
};
