/**
 * The settings an analyst joins in SQL, as TEMP tables of the connection (they live as long as
 * it does, and work on a read-only warehouse: DuckDB keeps temp tables in memory):
 *
 *   teams(team, mailing_list)            team_users("user", team)
 *   team_queues(queue, team)             team_accounts(account, team)
 *   team_paths(path, team)               a directory and everything below it
 *   cluster_capacity(cluster, since, nodes, cpus, memory_gb, gpus)
 *       since: midnight of the entry's date in the cluster's time zone, as UTC
 *   prices(currency, vcore_hour, memory_gb_hour, gpu_hour, storage_tb_month): one row, or none
 *   superusers("user")
 *
 * and the macro team_of("user", queue, account): the team of a job — its user's team, else its
 * queue's, else its account's, else 'unassigned' (never null: a job with no team is not dropped);
 * and team_of_path(dir): the team whose settings path is the longest that is the directory itself
 * or above it, else 'unassigned'.
 *
 * Values are bound as parameters (lists unnested by DuckDB), never pasted into SQL.
 */
import { BOOLEAN, DOUBLE, LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { resolveTimeZone, type Settings } from '../settings.js';

export const SETTINGS_TABLES = ['teams', 'team_users', 'team_queues', 'team_accounts', 'team_paths', 'cluster_capacity', 'prices', 'superusers'];

/** A parameter and its DuckDB type (given, so that an empty list or a null binds too). */
type Param = [DuckDBValue, DuckDBType];
const texts = (xs: (string | undefined)[]): Param => [listValue(xs.map((x) => x ?? null)), LIST(VARCHAR)];
const numbers = (xs: (number | undefined)[]): Param => [listValue(xs.map((x) => x ?? null)), LIST(DOUBLE)];
const text = (x: string | undefined): Param => [x ?? null, VARCHAR];
const number = (x: number | undefined): Param => [x ?? null, DOUBLE];

export async function registerSettingsTables(conn: DuckDBConnection, settings: Settings): Promise<void> {
  const teams = Object.entries(settings.teams);
  const members = (kind: 'users' | 'queues' | 'accounts' | 'paths') => {
    const pairs = teams.flatMap(([team, t]) => t[kind].map((m) => [m, team]));
    return { members: texts(pairs.map((p) => p[0])), teams: texts(pairs.map((p) => p[1])) };
  };
  const capacity = Object.entries(settings.clusters).flatMap(([cluster, c]) =>
    c.capacity.map((e) => ({ cluster, zone: resolveTimeZone(undefined, cluster, settings), ...e })),
  );
  const p = settings.prices;
  const tables: [string, string, Record<string, Param>][] = [
    [
      `teams (team varchar, mailing_list varchar)`,
      `select unnest($names), unnest($lists)`,
      { names: texts(teams.map(([n]) => n)), lists: texts(teams.map(([, t]) => t.mailingList)) },
    ],
    [`team_users ("user" varchar, team varchar)`, `select unnest($members), unnest($teams)`, members('users')],
    [`team_queues (queue varchar, team varchar)`, `select unnest($members), unnest($teams)`, members('queues')],
    [`team_accounts (account varchar, team varchar)`, `select unnest($members), unnest($teams)`, members('accounts')],
    [`team_paths (path varchar, team varchar)`, `select unnest($members), unnest($teams)`, members('paths')],
    [
      `cluster_capacity (cluster varchar, since timestamp, nodes bigint, cpus bigint, memory_gb double, gpus bigint)`,
      `select c, cast(timezone(z, cast(d as date)::timestamp) as timestamp), n, cpu, mem, g
       from (select unnest($clusters) as c, unnest($zones) as z, unnest($dates) as d, unnest($nodes) as n,
                    unnest($cpus) as cpu, unnest($memory) as mem, unnest($gpus) as g)`,
      {
        clusters: texts(capacity.map((e) => e.cluster)),
        zones: texts(capacity.map((e) => e.zone)),
        dates: texts(capacity.map((e) => e.since)),
        nodes: numbers(capacity.map((e) => e.nodes)),
        cpus: numbers(capacity.map((e) => e.cpus)),
        memory: numbers(capacity.map((e) => e.memoryGb)),
        gpus: numbers(capacity.map((e) => e.gpus)),
      },
    ],
    [
      `prices (currency varchar, vcore_hour double, memory_gb_hour double, gpu_hour double, storage_tb_month double)`,
      `select * from (select $currency, $vcore, $memory, $gpu, $storage) where $given`,
      {
        given: [p !== undefined, BOOLEAN],
        currency: text(p?.currency),
        vcore: number(p?.vcoreHour),
        memory: number(p?.memoryGbHour),
        gpu: number(p?.gpuHour),
        storage: number(p?.storageTbMonth),
      },
    ],
    [`superusers ("user" varchar)`, `select unnest($users)`, { users: texts(settings.superusers) }],
  ];
  for (const [decl, select, params] of tables) {
    const name = decl.split(' ')[0];
    await conn.run(`create or replace temp table ${decl}`);
    const entries = Object.entries(params);
    await conn.run(
      `insert into temp.main.${name} ${select}`,
      Object.fromEntries(entries.map(([k, [v]]) => [k, v])),
      Object.fromEntries(entries.map(([k, [, t]]) => [k, t])),
    );
  }
  await conn.run(
    `create or replace temp macro team_of(u, q, a) as coalesce(
       (select any_value(team) from temp.main.team_users t where t."user" = u),
       (select any_value(team) from temp.main.team_queues t where t.queue = q),
       (select any_value(team) from temp.main.team_accounts t where t.account = a),
       'unassigned')`,
  );
  await conn.run(
    `create or replace temp macro team_of_path(d) as coalesce(
       (select p.team
        from (select case when path = '/' then '/' else rtrim(path, '/') end as path, team from temp.main.team_paths where path like '/%') p
        where d = p.path or starts_with(d, case when p.path = '/' then '/' else p.path || '/' end)
        order by length(p.path) desc, p.team
        limit 1),
       'unassigned')`,
  );
}
