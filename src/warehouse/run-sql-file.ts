/**
 * Run a SQL file from queries/ with named parameters, checked against the parameters the
 * file declares in its header (`-- @param name  description`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { UsageError } from '../errors.js';

export const QUERIES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../queries');

export interface SqlFile {
  name: string;
  sql: string;
  params: string[];
}

export function loadSqlFile(name: string, dir = QUERIES_DIR): SqlFile {
  const file = path.join(dir, `${name}.sql`);
  const sql = fs.readFileSync(file, 'utf8');
  const declared = [...sql.matchAll(/^--\s*@param\s+([a-z_][a-z0-9_]*)/gim)].map((m) => m[1]);
  const body = sql.replace(/--.*$/gm, '').replace(/'(?:[^']|'')*'/g, "''");
  const used = new Set([...body.matchAll(/\$([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]));
  for (const u of used) {
    if (!declared.includes(u)) throw new Error(`${file}: uses $${u} but does not declare it (-- @param ${u} …)`);
  }
  return { name, sql, params: declared };
}

/** Check the parameters given against those the file declares. */
function checkParams(f: SqlFile, params: Record<string, DuckDBValue>): void {
  const given = Object.keys(params);
  const missing = f.params.filter((p) => !given.includes(p));
  const unknown = given.filter((p) => !f.params.includes(p));
  if (missing.length || unknown.length) {
    throw new UsageError(
      `queries/${f.name}.sql: parameters do not match its header` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (unknown.length ? `; not declared: ${unknown.join(', ')}` : ''),
    );
  }
}

/**
 * Run a SQL file; its rows as JavaScript objects. Numbers come back as numbers (DuckDB's
 * integers too, where they fit), timestamps as ISO 8601 strings in UTC (`…Z`), lists and
 * structs as arrays and objects of the same: rows ready to print as JSON.
 */
export async function runSqlFile<T = Record<string, unknown>>(
  conn: DuckDBConnection,
  name: string,
  params: Record<string, DuckDBValue> = {},
  dir = QUERIES_DIR,
): Promise<T[]> {
  const f = loadSqlFile(name, dir);
  checkParams(f, params);
  const r = await conn.runAndReadAll(f.sql, f.params.length ? params : undefined);
  return r.getRowObjectsJS().map((row) => plain(row)) as T[];
}

/** Run a SQL file into a temporary table of the connection (replacing one of that name). */
export async function materializeSqlFile(
  conn: DuckDBConnection,
  name: string,
  table: string,
  params: Record<string, DuckDBValue> = {},
  dir = QUERIES_DIR,
): Promise<void> {
  const f = loadSqlFile(name, dir);
  checkParams(f, params);
  await conn.run(`create or replace temp table ${table} as ${f.sql.replace(/;\s*$/, '')}`, f.params.length ? params : undefined);
}

/** Run a SQL file of statements that return nothing (macros, views); it declares no parameters. */
export async function executeSqlFile(conn: DuckDBConnection, name: string, dir = QUERIES_DIR): Promise<void> {
  const f = loadSqlFile(name, dir);
  checkParams(f, {});
  await conn.run(f.sql);
}

/**
 * A value from getRowObjectsJS, as plain JSON-ready JavaScript. The rows and lists it made are
 * fresh, so they are changed in place (a copy of every row of a big result cost more than the query).
 */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = plain(v[i]);
    return v;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = plain(o[k]);
    return o;
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
}
