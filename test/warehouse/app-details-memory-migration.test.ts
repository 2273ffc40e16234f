/** Schema version 6: app_details gains the Spark executor memory columns; an older file keeps its rows. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { openWarehouse } from '../../src/warehouse/open.js';
import { APP_DETAIL_COLUMNS, APP_DETAIL_MEMORY_COLUMNS, MIGRATIONS } from '../../src/warehouse/schema.js';
import { query, tmpDir } from '../helpers.js';

describe('warehouse: app_details memory columns (version 6)', () => {
  it('migrates a version 4 file: the row stays, the new columns are null, in the order a fresh file has them', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const inst = await DuckDBInstance.create(db);
    const conn = await inst.connect();
    await conn.run(`create table gazette_meta (key varchar primary key, value varchar); insert into gazette_meta values ('schema_version', '4')`);
    for (const m of MIGRATIONS.filter((x) => x.version <= 4)) for (const st of m.statements) await conn.run(st);
    await conn.run(`insert into app_details (cluster, job_id, source, framework, outcome, executor_memory_mb, ingest_run_id)
                    values ('prod', 'application_1_0001', 'spark-events', 'SPARK', 'SUCCEEDED', 4096, 1)`);
    conn.closeSync();
    inst.closeSync();

    (await openWarehouse(db)).close();
    const [row] = await query(db, `select * from app_details`);
    assert.equal(row.executor_memory_mb, 4096);
    for (const [c] of APP_DETAIL_MEMORY_COLUMNS) assert.equal(row[c], null, c);

    const fresh = path.join(tmpDir(), 'fresh.duckdb');
    (await openWarehouse(fresh)).close();
    const cols = async (file: string) =>
      (await query<{ column_name: string }>(file, `select column_name from information_schema.columns where table_name = 'app_details' order by ordinal_position`)).map((c) => c.column_name);
    assert.deepEqual(await cols(db), await cols(fresh));
    assert.deepEqual((await cols(fresh)).filter((c) => c !== 'ingest_run_id'), APP_DETAIL_COLUMNS.map(([n]) => n));
  });
});
