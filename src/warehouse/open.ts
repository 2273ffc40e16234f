/**
 * Open the warehouse file, migrate it to the current schema, refuse a newer one.
 */
import fs from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FailureError, UsageError } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export const DEFAULT_DB = './gazette.duckdb';

export interface Warehouse {
  readonly path: string;
  readonly instance: DuckDBInstance;
  readonly conn: DuckDBConnection;
  readonly readOnly: boolean;
  /** A further connection to the same database (for work done in parallel). */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
}

/** The warehouse path from --db, else GAZETTE_DB, else ./gazette.duckdb. */
export function resolveDbPath(flag: string | undefined): string {
  return flag ?? process.env.GAZETTE_DB ?? DEFAULT_DB;
}

export async function openWarehouse(path: string, opts: OpenOptions = {}): Promise<Warehouse> {
  const readOnly = opts.readOnly ?? false;
  const inMemory = path === ':memory:';
  if (readOnly && !inMemory && !fs.existsSync(path)) {
    throw new UsageError(
      `${path}: no warehouse here yet. Load some history first (gazette ingest …), or point --db / GAZETTE_DB at an existing file.`,
    );
  }
  let version = inMemory ? 0 : undefined;
  if (readOnly) {
    // A read-only open cannot migrate: migrate with a short read-write open first if needed.
    version = await withInstance(path, true, (conn) => schemaVersion(conn));
    if (version < SCHEMA_VERSION) {
      await withInstance(path, false, (conn) => migrate(path, conn));
    }
  }
  const instance = await createInstance(path, readOnly);
  const conn = await configure(await instance.connect());
  try {
    if (!readOnly) await migrate(path, conn);
    else await checkVersion(path, await schemaVersion(conn));
  } catch (e) {
    conn.closeSync();
    instance.closeSync();
    throw e;
  }
  return {
    path,
    instance,
    conn,
    readOnly,
    connect: async () => configure(await instance.connect()),
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

async function createInstance(path: string, readOnly: boolean): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(path, {
      access_mode: readOnly ? 'READ_ONLY' : 'READ_WRITE',
      // Extensions we need (json, parquet, icu) are built in; never reach the network for others.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      // A merge transaction's rows are written as row groups while it runs (pipeline.ts
      // nextBatch); by default DuckDB holds five of them in memory before writing them out.
      // One at a time: 1M YARN apps peaked 100-200 MB lower, no slower.
      write_buffer_row_group_count: '1',
    });
  } catch (e) {
    const msg = (e as Error).message;
    if (/lock/i.test(msg)) {
      throw new FailureError(`${path}: the warehouse is in use by another process (${msg}). Wait for it to finish and try again.`);
    }
    throw new FailureError(`${path}: cannot open the warehouse: ${msg}`);
  }
}

async function configure(conn: DuckDBConnection): Promise<DuckDBConnection> {
  // Times are stored as UTC; make every timestamptz conversion happen in UTC.
  await conn.run(`set TimeZone = 'UTC'`);
  return conn;
}

async function withInstance<T>(path: string, readOnly: boolean, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await createInstance(path, readOnly);
  const conn = await configure(await instance.connect());
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function schemaVersion(conn: DuckDBConnection): Promise<number> {
  const t = await conn.runAndReadAll(
    `select count(*) as n from information_schema.tables where table_name = 'gazette_meta' and table_schema = 'main'`,
  );
  if (Number(t.getRowObjects()[0].n) === 0) {
    const other = await conn.runAndReadAll(
      `select count(*) as n from information_schema.tables where table_schema = 'main'`,
    );
    if (Number(other.getRowObjects()[0].n) > 0) return -1; // some other DuckDB file
    return 0;
  }
  const r = await conn.runAndReadAll(`select value from gazette_meta where key = 'schema_version'`);
  const rows = r.getRowObjects();
  return rows.length ? Number(rows[0].value) : 0;
}

async function checkVersion(path: string, version: number): Promise<void> {
  if (version === -1) {
    throw new UsageError(
      `${path}: this DuckDB file is not a gazette warehouse (it has tables but no gazette_meta). Use another --db path.`,
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new UsageError(
      `${path}: written by a newer gazette (schema version ${version}; this gazette knows up to ${SCHEMA_VERSION}). Upgrade gazette to open it.`,
    );
  }
}

async function migrate(path: string, conn: DuckDBConnection): Promise<void> {
  const version = await schemaVersion(conn);
  await checkVersion(path, version);
  if (version === SCHEMA_VERSION) return;
  await conn.run('begin transaction');
  try {
    await conn.run(`create table if not exists gazette_meta (key varchar primary key, value varchar)`);
    await conn.run(`insert into gazette_meta values ('schema_version', '0') on conflict do nothing`);
    for (const m of MIGRATIONS.filter((m) => m.version > version)) {
      for (const sql of m.statements) await conn.run(sql);
    }
    await conn.run(`update gazette_meta set value = $v where key = 'schema_version'`, { v: String(SCHEMA_VERSION) });
    await conn.run('commit');
  } catch (e) {
    await conn.run('rollback');
    throw new FailureError(`${path}: migrating the warehouse to schema ${SCHEMA_VERSION} failed: ${(e as Error).message}`);
  }
}
