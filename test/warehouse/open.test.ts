/** The warehouse file: created and versioned, older files migrated, newer or foreign ones refused. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { openWarehouse } from '../../src/warehouse/open.js';
import { MIGRATIONS, SCHEMA_VERSION, JOB_COLUMN_NAMES } from '../../src/warehouse/schema.js';
import { query, runCli, tmpDir } from '../helpers.js';

async function raw(db: string, sql: string): Promise<void> {
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  await conn.run(sql);
  conn.closeSync();
  inst.closeSync();
}

describe('warehouse', () => {
  it('creates the schema with the canonical job columns, in order', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    (await openWarehouse(db)).close();
    const cols = await query<{ column_name: string }>(db, `select column_name from information_schema.columns where table_name = 'jobs' order by ordinal_position`);
    assert.deepEqual(cols.map((c) => c.column_name), [
      'cluster', 'job_id', 'source', 'name', 'job_key', 'user', 'queue', 'account', 'app_type', 'state', 'raw_state',
      'submit_time', 'start_time', 'end_time', 'wait_s', 'elapsed_s', 'alloc_cpus', 'alloc_memory_mb', 'alloc_gpus',
      'vcore_seconds', 'memory_mb_seconds', 'gpu_seconds', 'req_memory_mb', 'max_rss_mb', 'total_cpu_s', 'time_limit_s',
      'exit_code', 'diagnostics', 'tags', 'extra', 'ingest_run_id',
    ]);
    assert.deepEqual(JOB_COLUMN_NAMES, cols.map((c) => c.column_name).slice(0, -1));
    const [v] = await query<{ value: string }>(db, `select value from gazette_meta where key = 'schema_version'`);
    assert.equal(Number(v.value), SCHEMA_VERSION);
  });

  it('migrates a file left at an older schema version', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    await raw(db, `create table gazette_meta (key varchar primary key, value varchar); insert into gazette_meta values ('schema_version', '0')`);
    (await openWarehouse(db)).close();
    const [v] = await query<{ value: string }>(db, `select value from gazette_meta where key = 'schema_version'`);
    assert.equal(Number(v.value), SCHEMA_VERSION);
    assert.equal((await query(db, `select * from jobs`)).length, 0);
  });

  it('migrates a version 1 warehouse to the current version, keeping what it holds', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const v1 = MIGRATIONS.find((m) => m.version === 1)!;
    await raw(
      db,
      [
        `create table gazette_meta (key varchar primary key, value varchar)`,
        `insert into gazette_meta values ('schema_version', '1')`,
        ...v1.statements,
        `insert into jobs (cluster, job_id, source, state, ingest_run_id) values ('prod', 'application_1_0001', 'yarn', 'SUCCEEDED', 1)`,
        `insert into ingest_runs (id, cluster, format, file, sha256, status, started_at) values (1, 'prod', 'yarn-apps', '/a.json', 'abc', 'loaded', '2026-01-01')`,
      ].join(';\n'),
    );
    (await openWarehouse(db)).close();
    const [v] = await query<{ value: string }>(db, `select value from gazette_meta where key = 'schema_version'`);
    assert.equal(v.value, String(SCHEMA_VERSION));
    const tables = await query<{ table_name: string }>(db, `select table_name from information_schema.tables where table_schema = 'main' order by 1`);
    assert.deepEqual(tables.map((t) => t.table_name), [
      'app_details', 'business_series', 'capacity_snapshots', 'feedback_sent', 'gazette_meta', 'incidents', 'ingest_marks', 'ingest_runs', 'jobs', 'rejected_rows', 'storage_rollups', 'storage_snapshots', 'storage_usage',
    ]);
    const cols = async (t: string) =>
      (await query<{ column_name: string }>(db, `select column_name from information_schema.columns where table_name = $t order by ordinal_position`, { t })).map((c) => c.column_name);
    assert.deepEqual(await cols('capacity_snapshots'), [
      'cluster', 'taken_at', 'total_vcores', 'total_memory_mb', 'total_gpus', 'total_nodes', 'active_nodes', 'lost_nodes', 'unhealthy_nodes',
      'decommissioned_nodes', 'rebooted_nodes', 'apps_running', 'apps_pending', 'allocated_vcores', 'allocated_memory_mb', 'extra', 'ingest_run_id',
    ]);
    assert.deepEqual(await cols('incidents'), ['cluster', 'start_time', 'end_time', 'severity', 'title', 'extra', 'ingest_run_id', 'line']);
    assert.equal((await cols('ingest_runs')).at(-1), 'variant');
    assert.deepEqual(await cols('storage_snapshots'), [
      'cluster', 'taken_at', 'capacity_bytes', 'used_bytes', 'remaining_bytes', 'non_dfs_used_bytes', 'files', 'blocks', 'missing_blocks',
      'under_replicated_blocks', 'corrupt_blocks', 'live_datanodes', 'dead_datanodes', 'decommissioning_datanodes', 'extra', 'ingest_run_id',
    ]);
    assert.deepEqual(await cols('storage_usage'), [
      'cluster', 'as_of', 'source', 'filesystem', 'path', 'owner', 'group_name', 'bytes', 'disk_bytes', 'files', 'dirs', 'name_quota',
      'name_quota_remaining', 'space_quota_bytes', 'space_quota_remaining_bytes', 'soft_limit_bytes', 'hard_limit_bytes', 'extra', 'ingest_run_id',
    ]);
    assert.equal((await cols('storage_rollups')).length, 21);
    assert.deepEqual(await cols('business_series'), ['cluster', 'series', 'day', 'granularity', 'kind', 'value', 'unit', 'extra', 'ingest_run_id']);
    const [j] = await query<{ n: bigint }>(db, `select count(*) as n from jobs where job_id = 'application_1_0001'`);
    assert.equal(Number(j.n), 1);
    const [r] = await query<{ sha256: string; variant: string | null }>(db, `select sha256, variant from ingest_runs`);
    assert.deepEqual([r.sha256, r.variant], ['abc', null]);
  });

  it('refuses a file written by a newer gazette, saying what to do', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    await raw(db, `create table gazette_meta (key varchar primary key, value varchar); insert into gazette_meta values ('schema_version', '${SCHEMA_VERSION + 1}')`);
    const r = await runCli(['status', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`written by a newer gazette \\(schema version ${SCHEMA_VERSION + 1}; this gazette knows up to ${SCHEMA_VERSION}\\)\\. Upgrade gazette`));
  });

  it('refuses a DuckDB file that is not a gazette warehouse', async () => {
    const db = path.join(tmpDir(), 'other.duckdb');
    await raw(db, `create table sales (x int)`);
    const r = await runCli(['ingest', '--db', db, '--format', 'sacct', path.join(tmpDir(), '.')]);
    assert.equal(r.code, 2);
    const r2 = await runCli(['status', '--db', db]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /not a gazette warehouse/);
  });
});
