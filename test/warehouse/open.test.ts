/** The warehouse file: created and versioned, older files migrated, newer or foreign ones refused. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { openWarehouse } from '../../src/warehouse/open.js';
import { SCHEMA_VERSION, JOB_COLUMN_NAMES } from '../../src/warehouse/schema.js';
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
