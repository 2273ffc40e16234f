/**
 * The figures benchmark's warehouse: two years of a 1,700-node Hadoop cluster and a 540-node
 * Slurm cluster, made by DuckDB SQL from row numbers (every "random" value is hash(i, salt)),
 * so the same --jobs gives the same warehouse on every machine with the same DuckDB.
 *
 *   hadoop  YARN (source 'yarn'), 90% of the jobs: ~45,000 job keys (Airflow, dated Spark
 *           names, Hive INSERTs, Oozie launchers, shells) of ~3,000 users in 40 teams plus the
 *           platform's service accounts; failure rates per key from 0.5% to always; a few dozen
 *           diagnostics templates with ids, hosts, paths and numbers in them; ResourceManager
 *           metrics snapshots daily for a year, then hourly; NameNode storage snapshots daily;
 *           du listings of ~300 directories daily; fsimage rollups (a few thousand rows);
 *           Spark/MapReduce history (app_details) for ~1% of its jobs.
 *   hpc     Slurm (source 'slurm'), 10%: ~5,000 keys, requested memory and MaxRSS, time limits,
 *           TIMEOUT / OUT_OF_MEMORY / NODE_FAIL / PREEMPTED; dated capacity in the settings.
 *
 * History runs from 2024-09-30 to 2026-10-01 12:00 UTC (the moment it was "loaded": later runs
 * are RUNNING), with the job rate growing by 80% over it: 2026-Q3 and the seven quarters before
 * it are covered in the clusters' zone (America/Chicago). The settings (teams, capacity, prices)
 * are written beside the warehouse as gazette.yaml.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BIGINT, DOUBLE, LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { openWarehouse } from '../src/warehouse/open.js';
import { duckdbVersion, fmtInt, log, rmDb } from './phases.js';
import { SERVICES, SERVICE_QUEUES, TEAMS, people, settingsYaml } from './figures-people.js';
import {
  APP_DETAILS_SQL, CAPACITY_SQL, DBS, FAILURES, INCIDENTS_SQL, INCIDENT_TITLES, KILLS, MACROS, SEED, SLURM_JOBS_SQL, SLURM_KEYS_SQL, SLURM_NAMES,
  STORAGE_ROLLUPS_SQL, STORAGE_SNAPSHOTS_SQL, STORAGE_USAGE_SQL, TABLES, YARN_JOBS_SQL, YARN_KEYS_SQL,
} from './figures-sql.js';

export { BIG_CLUSTER } from './figures-people.js';

/** Bump when the generated content changes, so an old warehouse is made again. */
export const GENERATOR_VERSION = 2;
const YARN_SHARE = 0.9;
/** Inserts per cluster (each a stretch of time, as loads would come). */
const CHUNKS = 24;

// ---------------------------------------------------------------------------------------------
// Making it

export interface Manifest {
  generator: number;
  seed: number;
  duckdb: string;
  jobs: number;
  bytes: number;
  counts: Record<string, number>;
  seconds: number;
}

export const dataDir = (dir: string, jobs: number) => path.join(dir, 'data', `figures-${jobs}`);
export const warehouseFile = (dir: string, jobs: number) => path.join(dataDir(dir, jobs), 'warehouse.duckdb');
export const settingsFile = (dir: string, jobs: number) => path.join(dataDir(dir, jobs), 'gazette.yaml');

/** The manifest of a warehouse made with these parameters by this generator and DuckDB, or undefined. */
export function readManifest(dir: string, jobs: number): Manifest | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dataDir(dir, jobs), 'manifest.json'), 'utf8')) as Manifest;
    const ok = m.generator === GENERATOR_VERSION && m.seed === SEED && m.jobs === jobs && m.duckdb === duckdbVersion()
      && fs.statSync(warehouseFile(dir, jobs)).size === m.bytes && fs.existsSync(settingsFile(dir, jobs));
    return ok ? m : undefined;
  } catch {
    return undefined;
  }
}

type Param = [DuckDBValue, DuckDBType];
const texts = (xs: string[]): Param => [listValue(xs), LIST(VARCHAR)];
const numbers = (xs: number[]): Param => [listValue(xs), LIST(DOUBLE)];

async function run(conn: DuckDBConnection, sql: string, params: Record<string, Param> = {}): Promise<void> {
  const used = Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
  await conn.run(sql, Object.fromEntries(Object.entries(used).map(([k, [v]]) => [k, v])), Object.fromEntries(Object.entries(used).map(([k, [, t]]) => [k, t])));
}

/** Make the warehouse of `jobs` jobs and its settings in the data dir; returns its manifest. */
export async function generateWarehouse(dir: string, jobs: number): Promise<Manifest> {
  const t0 = performance.now();
  const out = dataDir(dir, jobs);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const p = people();
  fs.writeFileSync(settingsFile(dir, jobs), settingsYaml(p));
  const tmp = path.join(out, 'warehouse.tmp.duckdb');
  rmDb(tmp);
  const wh = await openWarehouse(tmp);
  const conn = wh.conn;
  const params: Record<string, Param> = {
    users: texts(p.users),
    user_teams: numbers(p.teamOf),
    teams: texts(TEAMS),
    services: texts(SERVICES),
    service_queues: texts(SERVICE_QUEUES),
    tables: texts(TABLES),
    dbs: texts(DBS),
    failures: texts(FAILURES),
    kills: texts(KILLS),
    hpc_users: texts(p.hpcUsers),
    hpc_accounts: texts(p.hpcAccounts),
    slurm_names: texts(SLURM_NAMES),
    titles: texts(INCIDENT_TITLES),
  };
  await conn.run(MACROS);
  await run(conn, YARN_KEYS_SQL, params);
  await run(conn, SLURM_KEYS_SQL, params);
  const nYarn = Math.round(jobs * YARN_SHARE);
  const nSlurm = jobs - nYarn;
  for (let c = 0; c < CHUNKS; c++) {
    for (const [n, sql] of [[nYarn, YARN_JOBS_SQL], [nSlurm, SLURM_JOBS_SQL]] as const) {
      const lo = Math.floor((c * n) / CHUNKS);
      const hi = Math.floor(((c + 1) * n) / CHUNKS);
      if (hi > lo) await run(conn, sql, { ...params, n: [n, DOUBLE], lo: [BigInt(lo), BIGINT], hi: [BigInt(hi), BIGINT] });
    }
    log(`generate: ${c + 1}/${CHUNKS} of the history, ${fmtInt(Math.floor(((c + 1) * jobs) / CHUNKS))} jobs, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  for (const [what, sql] of [['capacity snapshots', CAPACITY_SQL], ['incidents', INCIDENTS_SQL], ['storage snapshots', STORAGE_SNAPSHOTS_SQL],
    ['storage usage', STORAGE_USAGE_SQL], ['storage rollups', STORAGE_ROLLUPS_SQL], ['app details', APP_DETAILS_SQL]] as const) {
    await run(conn, sql, params);
    log(`generate: ${what}`);
  }
  await conn.run('checkpoint');
  const counts: Record<string, number> = {};
  for (const t of ['jobs', 'capacity_snapshots', 'incidents', 'storage_snapshots', 'storage_usage', 'storage_rollups', 'app_details']) {
    counts[t] = Number((await conn.runAndReadAll(`select count(*) from ${t}`)).getRows()[0][0]);
  }
  wh.close();
  const file = warehouseFile(dir, jobs);
  fs.renameSync(tmp, file);
  rmDb(tmp);
  const m: Manifest = { generator: GENERATOR_VERSION, seed: SEED, duckdb: duckdbVersion(), jobs, bytes: fs.statSync(file).size, counts, seconds: (performance.now() - t0) / 1000 };
  // Written last: an interrupted generation has no manifest and is made again.
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(m, null, 1));
  return m;
}
