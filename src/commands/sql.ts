/** gazette sql: ad-hoc SQL over the warehouse. Read-only unless --write. */
import fs from 'node:fs';
import readline from 'node:readline';
import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { FailureError, UsageError } from '../errors.js';
import { loadSettings } from '../settings.js';
import { openWarehouse, resolveDbPath } from '../warehouse/open.js';
import { registerSettingsTables } from '../warehouse/settings-tables.js';
import { writeResult, type Sink, type TextFormat } from '../render/sql-result.js';

export interface SqlFlags {
  db?: string;
  config?: string;
  file?: string;
  format?: 'table' | 'csv' | 'json' | 'parquet';
  out?: string;
  write?: boolean;
}

export async function runSql(query: string | undefined, flags: SqlFlags): Promise<void> {
  if (query !== undefined && flags.file) throw new UsageError('give the query as an argument or with -f FILE, not both.');
  if (flags.format === 'parquet' && !flags.out) throw new UsageError('--format parquet writes a file: add --out FILE.parquet.');
  let sql = query;
  if (flags.file) {
    try {
      sql = fs.readFileSync(flags.file, 'utf8');
    } catch (e) {
      throw new UsageError(`${flags.file}: cannot read the query file (${(e as NodeJS.ErrnoException).code}).`);
    }
  } else if (sql === undefined && !process.stdin.isTTY) {
    sql = fs.readFileSync(0, 'utf8');
  }
  const settings = loadSettings(flags.config);
  const wh = await openWarehouse(resolveDbPath(flags.db), { readOnly: !flags.write });
  try {
    // The team mapping, capacity and prices of the settings, to join in ad-hoc SQL (temp tables).
    await registerSettingsTables(wh.conn, settings);
    if (sql === undefined) return await interactive(wh.conn, flags);
    const format = flags.format ?? (flags.out || !process.stdout.isTTY ? 'csv' : 'table');
    await execute(wh.conn, sql, format, flags);
  } finally {
    wh.close();
  }
}

/** Run every statement; the last one's result is the output. */
async function execute(conn: DuckDBConnection, sql: string, format: NonNullable<SqlFlags['format']>, flags: SqlFlags): Promise<void> {
  if (!sql.trim()) throw new UsageError('the query is empty.');
  try {
    const statements = await conn.extractStatements(sql);
    if (statements.count === 0) throw new UsageError('the query has no SQL statement in it.');
    for (let i = 0; i < statements.count - 1; i++) await (await statements.prepare(i)).run();
    if (format === 'parquet') {
      if (statements.count > 1) throw new UsageError('--format parquet takes a single query.');
      await conn.run(`copy (${stripTerminator(sql)}) to $out (format parquet)`, { out: flags.out! });
      process.stderr.write(`wrote ${flags.out}\n`);
      return;
    }
    const last = await statements.prepare(statements.count - 1);
    const result = await last.stream();
    if (result.statementType !== StatementType.SELECT && result.columnCount === 1 && result.columnNames()[0] === 'Count') {
      const changed = (await result.getRowsJson())[0]?.[0];
      process.stderr.write(`ok: ${changed} row(s) changed\n`);
      return;
    }
    const sink = flags.out ? fileSink(flags.out) : stdoutSink;
    const rows = await writeResult(result, format as TextFormat, sink);
    if ('close' in sink) await (sink as ReturnType<typeof fileSink>).close();
    if (flags.out) process.stderr.write(`wrote ${rows.toLocaleString('en-US')} rows to ${flags.out}\n`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const msg = (e as Error).message;
    if (/read-only|read only/i.test(msg) && !flags.write) {
      throw new FailureError(`${msg}\nThe warehouse is opened read-only; add --write to change it.`);
    }
    throw new FailureError(msg);
  }
}

function stripTerminator(sql: string): string {
  return sql.replace(/(--[^\n]*\s*|\s|;)+$/g, '');
}

const stdoutSink: Sink = {
  write: (s) =>
    new Promise<void>((resolve, reject) => {
      process.stdout.write(s, (err) => (err ? reject(err) : resolve()));
    }),
};

function fileSink(path: string) {
  const fd = fs.openSync(path, 'w');
  return {
    write: (s: string) => void fs.writeSync(fd, s),
    close: async () => fs.closeSync(fd),
  };
}

/** A prompt on a terminal: statements end with `;`; .quit or Ctrl-D leaves. */
async function interactive(conn: DuckDBConnection, flags: SqlFlags): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, prompt: 'gazette> ' });
  process.stderr.write('Ad-hoc SQL over the warehouse (tables: jobs, capacity_snapshots, incidents, ingest_runs, rejected_rows; from the settings: teams, team_users, team_queues, team_accounts, cluster_capacity, prices, superusers). End a statement with ;  .quit to leave.\n');
  let buffer = '';
  rl.prompt();
  for await (const line of rl) {
    if (!buffer && /^\s*(\.quit|\.exit|\\q|quit|exit)\s*;?\s*$/i.test(line)) break;
    buffer += line + '\n';
    if (/;\s*$/.test(line)) {
      try {
        await execute(conn, buffer, flags.format === 'parquet' ? 'table' : (flags.format ?? 'table'), { ...flags, out: undefined });
      } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
      }
      buffer = '';
      rl.setPrompt('gazette> ');
    } else {
      rl.setPrompt('     ...> ');
    }
    rl.prompt();
  }
  rl.close();
}
