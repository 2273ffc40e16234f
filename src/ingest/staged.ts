/**
 * Staged files waiting for the merger (pipeline.ts), and where their rows and rejects wait: each
 * file or group in an in-memory database of its own, attached for it and detached once merged.
 *
 *   a file staged alone      stg_<run>.rows and stg_<run>.rej
 *   a group staged together  (Source.stageMany) stg_g<run>.rows and stg_g<run>.rej (after the run
 *                            of its first file), shared by its files, each row tagged with its
 *                            file's ingest_run_id
 *
 * A database of its own, rather than tables in one shared staging database, because a merge
 * transaction sees a table only if it was there when the transaction first read its database: a
 * transaction that stays open while files are staged (pipeline.ts, the last batch of a load) reads
 * each later file's database for the first time after that file was staged, and so sees it.
 *
 * The merger reads either kind the same way (stagedSelect): a whole group's tables as they are, a
 * part of a group (a file merged on its own after its batch failed) by its run ids. So a grouped
 * file is merged, counted, recorded and, if it breaks the merge, rolled back alone, exactly like a
 * file staged alone, without its rows being copied out of its group's tables first (789 Spark
 * logs: 1,578 statements, 4.6 s). A group's database is detached with its last file.
 */
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { StagedGroup } from './source.js';

export interface FileMeta {
  /** Where to read it. */
  path: string;
  /** What to call it in ingest_runs, rejected_rows and messages. */
  file: string;
  size: number;
  mtimeMs: number;
  sha256?: string;
  /** Source.variant: what the load depends on besides the content. */
  variant?: string;
}

/** A file a staging worker took, not skipped. */
export interface Claimed {
  index: number;
  runId: number;
  meta: FileMeta;
  started: Date;
  t0: number;
  /** Its SHA-256 into meta.sha256 (done before staging unless the file is large). */
  hashing: Promise<unknown>;
}

/** A staged file waiting for the merger. */
export interface StagedFile {
  index: number;
  runId: number;
  meta: FileMeta;
  started: Date;
  t0: number;
  rows: number;
  /** Source records read (more than `rows` where the format aggregates them). */
  read: number;
  rejects: number;
  tables: StagedTables;
}

/** The staging tables a file's rows and rejects are in. */
export interface StagedTables {
  /** The in-memory database they are in. */
  db: string;
  rows: string;
  rej: string;
  /** A group's tables: how many files they hold, and how many of those are not merged (or failed) yet. */
  shared?: { files: number; left: number };
}

/** The tables of a file staged alone (in a database not attached yet: attachStaging). */
export const ownTables = (runId: number): StagedTables => inDb(`stg_${runId}`);
const inDb = (db: string): StagedTables => ({ db, rows: `${db}.rows`, rej: `${db}.rej` });

/** Attach the in-memory database a file's or group's tables are staged in. */
export const attachStaging = (conn: DuckDBConnection, t: StagedTables) => conn.run(`attach ':memory:' as ${t.db}`);
/** SQL that detaches a staging database, and so drops its tables. */
export const detachStagingSql = (t: StagedTables) => `detach database if exists ${t.db};`;

/** SQL: the staged rows (or rejects) of a batch's files, one SELECT per table (a group's filtered to its files in the batch unless all are). */
export function stagedSelect(batch: StagedFile[], what: 'rows' | 'rej', columns = '*'): string {
  const byTable = new Map<string, StagedFile[]>();
  for (const s of batch) byTable.set(s.tables[what], [...(byTable.get(s.tables[what]) ?? []), s]);
  return [...byTable]
    .map(([table, files]) => {
      const shared = files[0].tables.shared;
      const some = shared && files.length < shared.files ? ` where ingest_run_id in (${files.map((s) => s.runId).join(', ')})` : '';
      return `select ${columns} from ${table}${some}`;
    })
    .join(' union all ');
}

/** SQL that detaches the staging databases of merged (or failed) files, where no other file still needs them; undefined if none. */
export function dropStagedSql(done: StagedFile[]): string | undefined {
  const drop: string[] = [];
  for (const s of done) {
    const shared = s.tables.shared;
    if (shared && --shared.left > 0) continue;
    drop.push(detachStagingSql(s.tables));
  }
  return drop.length ? drop.join(' ') : undefined;
}

/**
 * Stage a group's two SELECTs (Source.stageMany, `_input` the file's place in the group) into the
 * group's tables, the rows completed by `finishing` (the target's: Finish.fill); each file as
 * staged. On failure the tables are dropped and the error thrown.
 */
export async function stageGroupTables(
  conn: DuckDBConnection,
  sel: StagedGroup,
  group: Claimed[],
  finishing?: { fill(conn: DuckDBConnection, staged: string): Promise<void> },
): Promise<StagedFile[]> {
  const tables: StagedTables = { ...inDb(`stg_g${group[0].runId}`), shared: { files: group.length, left: group.length } };
  const runs = listValue(group.map((c) => c.runId));
  const files = listValue(group.map((c) => c.meta.file));
  try {
    await attachStaging(conn, tables);
    await conn.run(
      `create table ${tables.rows} as select * exclude (_input), cast($runs[_input + 1] as bigint) as ingest_run_id${sel.rejects === 'in-rows' ? ', _input' : ''} from (${sel.rows.sql})`,
      { ...sel.rows.params, runs },
    );
    if (sel.rejects === 'in-rows') {
      await splitRejects(conn, tables.rows, tables.rej, { run: 'ingest_run_id', file: '$files[_input + 1]', params: { files }, drop: ['_input'] });
    } else {
      await conn.run(
        `create table ${tables.rej} as select cast($runs[_input + 1] as bigint) as ingest_run_id, $files[_input + 1] as file, line, reason, raw from (${sel.rejects.sql})`,
        { ...sel.rejects.params, runs, files },
      );
    }
    await finishing?.fill(conn, tables.rows);
    const perFile = async (table: string) =>
      new Map((await conn.runAndReadAll(`select ingest_run_id, count(*) from ${table} group by 1`)).getRows().map(([k, n]) => [Number(k), Number(n)]));
    const [rows, rejects] = [await perFile(tables.rows), await perFile(tables.rej)];
    return group.map((c) => {
      const n = rows.get(c.runId) ?? 0;
      return { index: c.index, runId: c.runId, meta: c.meta, started: c.started, t0: c.t0, rows: n, read: n, rejects: rejects.get(c.runId) ?? 0, tables };
    });
  } catch (e) {
    await conn.run(detachStagingSql(tables));
    throw e;
  }
}

/**
 * Rejects staged among the rows (Staged and StagedGroup's `'in-rows'`): copied out into `rej`, with
 * their ingest run and file as `at` says (SQL over the rows' columns and `at.params`), then dropped
 * from `rows` with the columns that carried them (`_reason`, `_raw`, and `at.drop`). Returns how
 * many there were.
 */
export async function splitRejects(
  conn: DuckDBConnection,
  rows: string,
  rej: string,
  at: { run: string; file: string; params: Record<string, DuckDBValue>; drop?: string[] },
): Promise<number> {
  await conn.run(
    `create table ${rej} as select ${at.run} as ingest_run_id, ${at.file} as file, _line as line, _reason as reason, _raw as raw from ${rows} where _reason is not null`,
    at.params,
  );
  const n = Number((await conn.runAndReadAll(`select count(*) from ${rej}`)).getRows()[0][0]);
  if (n) await conn.run(`delete from ${rows} where _reason is not null`);
  await conn.run(['_reason', '_raw', ...(at.drop ?? [])].map((c) => `alter table ${rows} drop column ${c};`).join(' '));
  return n;
}

/** A staged file's rows alone, as a table expression (for a look at them: Finish.check). */
export const ownRows = (s: StagedFile) => (s.tables.shared ? `(select * from ${s.tables.rows} where ingest_run_id = ${s.runId})` : s.tables.rows);
