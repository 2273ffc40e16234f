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

export async function runSqlFile<T = Record<string, unknown>>(
  conn: DuckDBConnection,
  name: string,
  params: Record<string, DuckDBValue> = {},
  dir = QUERIES_DIR,
): Promise<T[]> {
  const f = loadSqlFile(name, dir);
  const given = Object.keys(params);
  const missing = f.params.filter((p) => !given.includes(p));
  const unknown = given.filter((p) => !f.params.includes(p));
  if (missing.length || unknown.length) {
    throw new UsageError(
      `queries/${name}.sql: parameters do not match its header` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (unknown.length ? `; not declared: ${unknown.join(', ')}` : ''),
    );
  }
  const r = await conn.runAndReadAll(f.sql, f.params.length ? params : undefined);
  return r.getRowObjectsJS() as T[];
}
