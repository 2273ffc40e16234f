/** Shared test helpers: fixture paths, temp dirs, running the CLI, querying a warehouse. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

/** The repository root (tests run from <outDir>/test/…, where outDir is dist/ or another top folder). */
const OUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.dirname(OUT_DIR);
/** The CLI compiled beside these tests, so a build into another outDir tests its own code. */
export const MAIN = path.join(OUT_DIR, 'src/main.js');

export function fixture(...parts: string[]): string {
  return path.join(ROOT, 'test/fixtures', ...parts);
}

export function tmpDir(prefix = 'gazette-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `gazette ARGS` as a user would, in `cwd`, with no terminal. */
export function runCli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...withoutDb(process.env), ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Rows of a query against a warehouse file, as plain JS values. */
export async function query<T = Record<string, unknown>>(db: string, sql: string, params?: Record<string, string | number>): Promise<T[]> {
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  try {
    await conn.run(`set TimeZone = 'UTC'`);
    return (await conn.runAndReadAll(sql, params)).getRowObjectsJS() as T[];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

/** A job row by id, timestamps as ISO text for easy comparison. */
export async function job(db: string, jobId: string, cluster?: string): Promise<Record<string, unknown>> {
  const rows = await query(
    db,
    `select * replace (strftime(submit_time, '%Y-%m-%d %H:%M:%S.%g') as submit_time,
                       strftime(start_time, '%Y-%m-%d %H:%M:%S.%g') as start_time,
                       strftime(end_time, '%Y-%m-%d %H:%M:%S.%g') as end_time,
                       extra::varchar as extra)
     from jobs where job_id = $id ${cluster ? 'and cluster = $c' : ''}`,
    cluster ? { id: jobId, c: cluster } : { id: jobId },
  );
  if (rows.length !== 1) throw new Error(`expected one job ${jobId}, found ${rows.length}`);
  return rows[0];
}

function withoutDb(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { GAZETTE_DB: _, ...rest } = env;
  return rest;
}
