/**
 * Load files into the warehouse. Each file is all-or-nothing: it is read and validated on its
 * own (staging), and a file that cannot be read is rolled back alone — nothing of it reaches
 * the warehouse — while the others load.
 *
 * Staging runs on two connections at once (one file's JSON parse is single-threaded), each file
 * or group into an in-memory database of its own (staged.ts), finished there as the target asks
 * (jobs: the job key). One merger then commits staged files together, about BATCH_ROWS records a
 * transaction (nextBatch): few large commits, which DuckDB writes as whole row groups of its own.
 * In the load's last stretch the merger keeps its transaction open and writes each file into it
 * as it is staged (flush), so that little is left to merge once the last file is staged. Each
 * file's rows, rejected rows and its ingest_runs record go in the same transaction. If writing a
 * file fails, the transaction is rolled back, what was written before is written again, and the
 * failing part by halves down to the single file that broke it, which alone fails (streamPart).
 *
 * A source whose statement costs much more per file than per record (Spark event logs: ~150 ms of
 * binding and optimizing per log; YARN responses: plans, and regular expressions compiled and
 * warmed again each statement) can stage many files in one statement (Source.stageMany). Each
 * staging connection then takes small files (hashed before staging) in groups of up to
 * GROUP_FILES files and GROUP_BYTES (or the source's maxGroupBytes), stages each group in one go into the group's
 * staging tables, each row and reject tagged with its file's run (staged.ts). The merger reads a
 * grouped file's rows there, so from there on a grouped file is merged, counted, recorded in
 * ingest_runs and skipped on reload exactly like a file staged alone, and a file that breaks the
 * merge is rolled back alone. If a group fails to stage, its files are staged again one by one:
 * only a bad file fails, with the message it gets alone.
 *
 * The pipeline is the same for every format; the source's target (targets.ts) names the table
 * and how a loaded row replaces stored ones: by key (jobs, capacity and storage snapshots), by
 * file (incidents: a new version of a file replaces what its earlier versions loaded) or by
 * group (an fsimage rollup replaces the stored rollup of its date).
 *
 * A file whose content was already loaded (same cluster, format and SHA-256; loaded.ts) is
 * skipped unless `reload`. For by-file targets only the content of the file's latest load counts: a
 * file edited and then put back as it was loads again. Skipped files are recorded in
 * ingest_runs BATCH_MAX_FILES at a time, in one statement (a reload skips everything).
 */
import fs from 'node:fs';
import { LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Warehouse } from '../warehouse/open.js';
import { ident } from '../warehouse/schema.js';
import { FileFormatError, duckdbReason, type ClusterZones, type Source } from './source.js';
import { attachStaging, detachStagingSql, dropStagedSql, ownRows, ownTables, splitRejects, stageGroupTables, stagedSelect, type Claimed, type FileMeta, type StagedFile } from './staged.js';
import { fileMeta, loadedRuns, sha256, shaKey, statKey, type LoadedRun } from './loaded.js';
import type { Settings } from '../settings.js';

export interface IngestOptions {
  source: Source;
  cluster: string;
  timezone: string;
  /** `--at`: when snapshots without a timestamp of their own were taken (ISO 8601). */
  at?: string;
  /** Time zones of the clusters rows may name (incidents). */
  zones?: ClusterZones;
  settings: Settings;
  reload?: boolean;
  /** Staging connections working at once (default 2, the machine's cores). */
  concurrency?: number;
  /** Records per merge transaction (default BATCH_ROWS). */
  batchRows?: number;
  /** Records still to come below which the merger writes each staged file as it comes (default two row groups: flush). */
  streamRows?: number;
  /** Files at least this large are hashed while staged (default HASH_WHILE_STAGING_BYTES). */
  hashWhileStagingBytes?: number;
  onFile?(result: FileResult): void;
  warn?(message: string): void;
}

export interface FileResult {
  file: string;
  status: 'loaded' | 'skipped' | 'failed';
  runId?: number;
  rowsRead: number;
  rowsWritten: number;
  rejects: number;
  message?: string;
  seconds: number;
}

/** A file to load: its path, and optionally the name to record it under (a URL for pulled data). */
export type FileInput = string | { path: string; label: string };

/**
 * DuckDB's row group. A transaction that appends at least this many rows to a table has them
 * written as row groups while it runs ("optimistically"), and its commit only links them in;
 * a smaller one goes through the commit's checkpoint, which compresses its rows into the file
 * and compresses again the part-full row group the transaction before left (1M YARN apps in
 * batches of 120,000: 6.0 s of merging on one thread, against 3.6 s in batches of 190,000).
 * But a row group left part-full by a large transaction stays so, and every checkpoint merges
 * neighbours that fit in fewer row groups, rewriting them all: a table of full row groups
 * between tails of t rows is rewritten at each checkpoint when 2t ≤ ROW_GROUP_ROWS (batches of
 * 122,881: 13.3 s and a 576 MB file; of 130,000: 8.7 s; of 250,000: 5.3 s). Hence nextBatch.
 */
export const ROW_GROUP_ROWS = 122_880;
/** Records a merge transaction aims at: over one and a half row groups (nextBatch). */
export const BATCH_ROWS = (3 * ROW_GROUP_ROWS) / 2 + 1;
/** Files at least this large are hashed while staged rather than before. */
export const HASH_WHILE_STAGING_BYTES = 64 << 20;
/** At most this many staging databases (a file's own, or a group's: staged.ts) wait for a merge: many small files would otherwise pile up databases and tables, and every catalog operation slows with their number. */
export const BATCH_FILES = 48;
/** At most this many files merge together (files are reported loaded as their batch commits: a group's files in one or two batches). */
export const BATCH_MAX_FILES = 4 * BATCH_FILES;
/**
 * A source that stages many files in one statement (Source.stageMany) gets groups of up to this
 * many files and bytes: planning once per group (a group of Spark logs costs ~0.2 s whatever its
 * size: 11 ms/MB in groups of 64 MB, 8 in groups of 128 MB or more), while a group's parsed lines
 * stay well within memory on each staging connection.
 */
export const GROUP_FILES = 256;
export const GROUP_BYTES = 256 << 20;
/**
 * A connection's first group is this large, and each next one twice the last, up to GROUP_BYTES:
 * staging starts once the first files are hashed, not once 256 MB are (1 GB of Spark logs: ~1.2 s
 * of hashing with nothing staged; first groups of 16 MB cost more in plans than they saved).
 */
export const GROUP_FIRST_BYTES = 64 << 20;
/**
 * Groups shrink as the files left to claim run out, down to this (a group is at most a share of
 * what is left per connection): the connections finish together instead of one staging a large
 * last group alone.
 */
export const GROUP_MIN_BYTES = 16 << 20;
/** Files looked at (and, if small, hashed) ahead of the last claimed: the next group of each staging connection. */
const LOOK_AHEAD = 2 * GROUP_FILES;

/** Whether DuckDB leaves a transaction's rows as they are written: under a row group, or whole row groups and a last one over half full (ROW_GROUP_ROWS). */
const settles = (rows: number) => rows < ROW_GROUP_ROWS || rows % ROW_GROUP_ROWS === 0 || 2 * (rows % ROW_GROUP_ROWS) > ROW_GROUP_ROWS;

/**
 * How many of the staged files waiting (their row counts, in the order given) the next merge
 * transaction takes. It takes files in order until `target` rows (always at least one file, and
 * at most BATCH_MAX_FILES files and two row groups of rows unless one file is larger), then
 * drops files from the end until the batch is one DuckDB leaves alone (ROW_GROUP_ROWS): under a
 * row group (written through the checkpoint), or whole row groups plus a last one over half
 * full, which no later checkpoint merges with its neighbours.
 */
export function nextBatch(rows: readonly number[], target: number): number {
  const sums = [rows[0]];
  for (let k = 1; k < Math.min(rows.length, BATCH_MAX_FILES) && sums[k - 1] < target && sums[k - 1] + rows[k] <= 2 * ROW_GROUP_ROWS; k++) {
    sums.push(sums[k - 1] + rows[k]);
  }
  for (let k = sums.length; k > 1; k--) if (settles(sums[k - 1])) return k;
  return 1;
}

/** A file looked at before it is claimed (claim). */
interface Look {
  meta: FileMeta;
  /** A loaded run with the same path, size and modification time. */
  byStat?: LoadedRun;
  /** A small file's hash, into meta.sha256. */
  hashing?: Promise<unknown>;
}

export async function ingestFiles(wh: Warehouse, files: FileInput[], opts: IngestOptions): Promise<FileResult[]> {
  const target = opts.source.target;
  const format = opts.source.format;
  const finishing = await target.prepare?.(wh.conn, opts.settings);
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    opts.warn?.(message);
  };
  const main = wh.conn;
  // Run ids are handed out here: only one process can hold the warehouse open for writing.
  // Run ids follow the order the files were given (file i gets firstRunId + i), whichever worker
  // stages it first: where two records tie, the later run — the file given later — wins.
  const firstRunId = Number((await main.runAndReadAll(`select coalesce(max(id), 0) + 1 from ingest_runs`)).getRows()[0][0]);
  const loaded = opts.reload ? undefined : await loadedRuns(main, { cluster: opts.cluster, format, byFile: target.identity.by === 'file' });
  const batchRows = opts.batchRows ?? BATCH_ROWS;

  const results: FileResult[] = new Array(files.length);
  const finish = (i: number, meta: FileMeta, t0: number, r: Omit<FileResult, 'seconds' | 'file'>) => {
    results[i] = { file: meta.file, ...r, seconds: (performance.now() - t0) / 1000 };
    opts.onFile?.(results[i]);
  };

  // Everything that writes to the warehouse runs on `main`, one thing at a time.
  let chain: Promise<unknown> = Promise.resolve();
  const onMain = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn);
    chain = p.catch(() => undefined);
    return p;
  };

  type RunRecord = Pick<FileResult, 'status' | 'rowsRead' | 'rowsWritten' | 'rejects' | 'message'>;
  const sqlTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
  /** Runs into ingest_runs, in one statement. */
  const recordRuns = async (runs: { runId: number; meta: FileMeta; started: Date; r: RunRecord }[]) => {
    const col = (f: (x: (typeof runs)[number]) => DuckDBValue) => listValue(runs.map(f));
    await main.run(
      `insert into ingest_runs (id, cluster, format, file, size_bytes, mtime_ms, sha256, variant, status, rows_read, rows_written, rejects, message, started_at, finished_at)
       select unnest($id::bigint[]), $cluster, $format, unnest($file::varchar[]), unnest($size::bigint[]), unnest($mtime::bigint[]), unnest($sha::varchar[]),
              unnest($variant::varchar[]), unnest($status::varchar[]), unnest($read::bigint[]), unnest($written::bigint[]), unnest($rejects::bigint[]),
              unnest($message::varchar[]), unnest($started::varchar[])::timestamp, $finished::timestamp`,
      {
        id: col((x) => x.runId), cluster: opts.cluster, format, file: col((x) => x.meta.file), size: col((x) => x.meta.size), mtime: col((x) => x.meta.mtimeMs),
        sha: col((x) => x.meta.sha256 ?? null), variant: col((x) => x.meta.variant ?? null), status: col((x) => x.r.status), read: col((x) => x.r.rowsRead),
        written: col((x) => x.r.rowsWritten), rejects: col((x) => x.r.rejects), message: col((x) => x.r.message ?? null),
        started: col((x) => sqlTime(x.started)), finished: sqlTime(new Date()),
      },
      // Typed: a list is otherwise typed by its first item, and one that starts with a null loses the texts after it.
      { sha: LIST(VARCHAR), variant: LIST(VARCHAR), message: LIST(VARCHAR) },
    );
  };

  /** Files that failed to stage or to merge, recorded between merge transactions (never in one that may yet roll back). */
  let failedRuns: Parameters<typeof recordRuns>[0] = [];
  const recordFailed = async () => {
    if (open || !failedRuns.length) return;
    const runs = failedRuns;
    failedRuns = [];
    await recordRuns(runs);
  };

  const cols = target.columns.map(ident).join(', ');

  /** Replace and insert a batch's rows in the target table (inside mergeBatch's transaction). */
  const writeRows = async (batch: StagedFile[]) => {
    const table = ident(target.table);
    const id = target.identity;
    if (id.by === 'file') {
      // The latest version of each file in the batch replaces what earlier loads of that file wrote.
      const last = new Map(batch.map((s) => [s.meta.file, s]));
      await main.run(
        `delete from ${table} where ingest_run_id in (select id from ingest_runs where format = $f and status = 'loaded' and list_contains($files, file))`,
        { f: format, files: listValue([...last.keys()]) },
      );
      await main.run(`insert into ${table} (${cols}, ingest_run_id) select ${cols}, ingest_run_id from (${stagedSelect([...last.values()], 'rows')})`);
      return;
    }
    if (id.by === 'group') {
      // The latest staged file of each group replaces every stored row of the group.
      const groupCols = id.group.map(ident).join(', ');
      const latest = `select * from (${stagedSelect(batch, 'rows')}) s qualify ingest_run_id = max(ingest_run_id) over (partition by ${id.group.map((k) => `s.${ident(k)}`).join(', ')})`;
      const sameGroup = id.group.map((k) => `${table}.${ident(k)} = g.${ident(k)}`).join(' and ');
      await main.run(`delete from ${table} using (select distinct ${groupCols} from (${stagedSelect(batch, 'rows')})) g where ${sameGroup}`);
      await main.run(`insert into ${table} (${cols}, ingest_run_id) select ${cols}, ingest_run_id from (${latest})`);
      return;
    }
    const keyCols = id.key.map(ident).join(', ');
    const nullable = new Set(id.nullable ?? []);
    const sameKey = (a: string, b: string) =>
      id.key.map((k) => `${a}.${ident(k)} ${nullable.has(k) ? 'is not distinct from' : '='} ${b}.${ident(k)}`).join(' and ');
    // A key twice in the batch (a RUNNING then a FINISHED snapshot of a job) keeps its newest row;
    // the window that picks it is skipped when, as usual, every key is there once.
    const keys = stagedSelect(batch, 'rows', keyCols);
    const dupes = Number((await main.runAndReadAll(`select count(*) from (select ${keyCols} from (${keys}) group by all having count(*) > 1)`)).getRows()[0][0]);
    const dedup = dupes
      ? `select * from (${stagedSelect(batch, 'rows')}) s qualify row_number() over (partition by ${id.key.map((k) => `s.${ident(k)}`).join(', ')} order by ${id.newestFirst}) = 1`
      : stagedSelect(batch, 'rows');
    const insert = (where: string) =>
      main.run(
        `with d as (${dedup}) insert into ${table} (${cols}, ingest_run_id)
         select ${target.columns.map((c) => `d.${ident(c)}`).join(', ')}, d.ingest_run_id from d ${where}`,
      );
    // Usually no staged key is stored yet (a first load, a day's new apps): then the rows just go in.
    const stored = Number(
      (await main.runAndReadAll(`select count(*) from (${keys}) d where exists (select 1 from ${table} t where ${sameKey('t', 'd')})`)).getRows()[0][0],
    );
    if (!stored) return insert('');
    // Stored rows the batch's rows beat give way; a stored row that wins stays. Where each beats
    // the other (a tie), the later run wins, as within a batch: a file given later than another
    // of the same command may be merged first (the two staging connections race).
    const tie = `(not ${id.beats(table, 'd')} or d.ingest_run_id > ${table}.ingest_run_id)`;
    await main.run(`with d as (${dedup}) delete from ${table} using d where ${sameKey(table, 'd')} and ${id.beats('d', table)} and ${tie}`);
    await insert(`where not exists (select 1 from ${table} t where ${sameKey('t', 'd')})`);
  };

  /** A merge transaction on `main`, open while its files are written, part by part in the load's last stretch. */
  let open: { files: StagedFile[]; rows: number } | undefined;
  const span = (files: StagedFile[]) => ({ lo: Math.min(...files.map((s) => s.runId)), hi: Math.max(...files.map((s) => s.runId)) });
  /** Write staged files' rows into the open transaction. */
  const writePart = async (part: StagedFile[]) => {
    if (opts.reload) {
      await main.run(
        `delete from rejected_rows where ingest_run_id in (select id from ingest_runs where cluster = $c and format = $f and list_contains($shas, sha256))`,
        { c: opts.cluster, f: format, shas: listValue(part.map((s) => s.meta.sha256!)) },
      );
    }
    await writeRows(part);
    await target.afterMerge?.(main, span(part), opts.settings);
  };
  /** Complete the open transaction of `batch` (its rejects and ingest_runs records) and commit it; returns rows written per run id. */
  const commitBatch = async (batch: StagedFile[]): Promise<Map<number, number>> => {
    await main.run(
      `insert into rejected_rows select ingest_run_id, $cluster, $format, file, line, reason, raw from (${stagedSelect(batch, 'rej')}) order by ingest_run_id, line`,
      { cluster: opts.cluster, format },
    );
    const { lo, hi } = span(batch);
    const written = new Map<number, number>(
      (await main.runAndReadAll(`select ingest_run_id, count(*) from ${ident(target.table)} where ingest_run_id between $lo and $hi group by 1`, { lo, hi }))
        .getRows().map(([id, n]) => [Number(id), Number(n)]),
    );
    await recordRuns(batch.map((s) => ({ ...s, r: { status: 'loaded', rowsRead: s.read, rowsWritten: written.get(s.runId) ?? 0, rejects: s.rejects } })));
    await main.run('commit');
    return written;
  };
  /** A file that broke the merge: recorded as failed, and its staged rows let go. */
  const failed = async (s: StagedFile, e: unknown) => {
    const message = `could not be merged into the warehouse: ${duckdbReason(e)}`;
    failedRuns.push({ runId: s.runId, meta: s.meta, started: s.started, r: { status: 'failed', rowsRead: 0, rowsWritten: 0, rejects: 0, message } });
    await recordFailed();
    finish(s.index, s.meta, s.t0, { status: 'failed', runId: s.runId, rowsRead: 0, rowsWritten: 0, rejects: 0, message });
    await dropStaged([s]);
  };
  /**
   * Write staged files into the open merge transaction (begun if none is). If that fails, the
   * transaction is rolled back, the files written into it before are written again, and the part
   * by halves, down to the single file that broke it, which is recorded as failed: the others go
   * in the one transaction all the same.
   */
  const streamPart = async (part: StagedFile[]): Promise<void> => {
    if (!open) {
      await main.run('begin transaction');
      open = { files: [], rows: 0 };
    }
    const good = open.files;
    try {
      await writePart(part);
    } catch (e) {
      open = undefined;
      await main.run('rollback');
      if (good.length) await streamPart(good);
      if (part.length === 1) return failed(part[0], e);
      const half = Math.ceil(part.length / 2);
      await streamPart(part.slice(0, half));
      return streamPart(part.slice(half));
    }
    open = { files: [...good, ...part], rows: open.rows + part.reduce((n, s) => n + s.rows, 0) };
  };
  /** Commit the open merge transaction. If that fails, its files are merged again by halves, each in a transaction of its own. */
  const commitOpen = async (): Promise<void> => {
    const batch = open!.files;
    let written: Map<number, number>;
    try {
      written = await commitBatch(batch);
    } catch (e) {
      open = undefined;
      await main.run('rollback');
      if (batch.length === 1) return failed(batch[0], e);
      const half = Math.ceil(batch.length / 2);
      for (const h of [batch.slice(0, half), batch.slice(half)]) {
        await streamPart(h);
        if (open) await commitOpen();
      }
      return;
    }
    open = undefined;
    for (const s of batch) {
      finish(s.index, s.meta, s.t0, { status: 'loaded', runId: s.runId, rowsRead: s.read, rowsWritten: written.get(s.runId) ?? 0, rejects: s.rejects });
    }
    await dropStaged(batch);
    await recordFailed();
  };

  const dropStaged = async (done: StagedFile[]) => {
    const sql = dropStagedSql(done);
    if (sql) await main.run(sql);
  };

  let pending: StagedFile[] = [];
  let pendingRows = 0;
  let pendingTables = new Set<string>();
  /** A batch is due: enough rows, staging tables or files wait. */
  const due = () => pendingRows >= batchRows || pendingTables.size >= BATCH_FILES || pending.length >= BATCH_MAX_FILES;
  const takePending = (k: number) => {
    const batch = pending.slice(0, k);
    pending = pending.slice(k);
    pendingRows -= batch.reduce((n, s) => n + s.rows, 0);
    pendingTables = new Set(pending.map((s) => s.tables.rows));
    return batch;
  };
  /** Bytes of the files given; of those staged, failed or skipped; and the rows and bytes of those staged. */
  let totalBytes = 0; // set once the files are looked at (below)
  let doneBytes = 0;
  let stagedRows = 0;
  let stagedBytes = 0;
  /**
   * The load's last stretch: the rows still to come (those waiting, and the files not staged yet
   * at the rate of those staged) fit in one batch of two row groups. From there the merger keeps
   * one transaction open and writes each file into it as it is staged, and commits it once it
   * holds batchRows or the load ends. Otherwise the last batch would be merged only once its
   * files were all staged, on one thread, while the cores stood idle (~0.8 s of 1M YARN apps).
   */
  const lastStretch = () =>
    stagedBytes > 0 && pendingRows + ((totalBytes - doneBytes) * stagedRows) / stagedBytes <= (opts.streamRows ?? 2 * ROW_GROUP_ROWS);
  /**
   * Merge what is staged. Before the last stretch, in batches while one is due, the files first
   * given first (nextBatch). In it (and at the end, `all`), each file as it comes, into the open
   * transaction, which is committed when the next file would take it past two row groups, or at
   * the end. The check is made when the merger gets to it: a worker asks for a merge when its
   * file is staged, and others may queue files meanwhile.
   */
  const flush = async (all = false) => {
    for (;;) {
      pending.sort((a, b) => a.index - b.index);
      if (!open && !all && !lastStretch()) {
        if (!pending.length || !due()) return;
        await streamPart(takePending(nextBatch(pending.map((s) => s.rows), batchRows)));
        if (open) await commitOpen();
        continue;
      }
      let rows = open?.rows ?? 0;
      const files = open?.files.length ?? 0;
      let k = 0;
      while (k < pending.length && (rows === 0 || rows + pending[k].rows <= 2 * ROW_GROUP_ROWS) && files + k < BATCH_MAX_FILES) rows += pending[k++].rows;
      const full = k < pending.length; // the next file does not fit (files queued meanwhile do not count)
      if (k) await streamPart(takePending(k));
      // Committed once the next file does not fit, or at the end.
      if (open && (all || full)) await commitOpen();
      if (!pending.length) return;
    }
  };
  let next = 0;
  const workers = Math.max(1, Math.min(opts.concurrency ?? 2, files.length));
  const sizes = await Promise.all(files.map((f) => fs.promises.stat(typeof f === 'string' ? f : f.path).then((st) => st.size, () => 0)));
  /** Bytes of the files not claimed yet (a directory counts 0: groups are sized by them only roughly). */
  let unclaimed = sizes.reduce((a, b) => a + b, 0);
  totalBytes = unclaimed;
  const hashFirstBelow = opts.hashWhileStagingBytes ?? HASH_WHILE_STAGING_BYTES;
  const work = async () => {
    let group: Claimed[] = [];
    let groupBytes = 0;
    const largest = opts.source.maxGroupBytes ?? GROUP_BYTES;
    let ramp = Math.min(largest, GROUP_FIRST_BYTES);
    for (let i = next++; i < files.length; i = next++) {
      unclaimed -= sizes[i];
      const c = await claim(i);
      if (!c) continue;
      // A file hashed while staged, or large enough to be a group of its own, is staged alone.
      const bytes = opts.source.groupBytes?.(c.meta.path, c.meta.size) ?? c.meta.size;
      if (!opts.source.stageMany || c.meta.size >= hashFirstBelow || bytes >= largest) {
        await withConn((conn) => stageOne(conn, c));
        continue;
      }
      group.push(c);
      groupBytes += bytes;
      if (group.length >= GROUP_FILES || groupBytes >= Math.min(ramp, Math.max(GROUP_MIN_BYTES, unclaimed / workers))) {
        await stageGroup(group);
        group = [];
        groupBytes = 0;
        ramp = Math.min(largest, 2 * ramp);
      }
    }
    if (group.length) await stageGroup(group);
  };
  /** A fresh connection per file or group: the temp tables a format module makes go with it. */
  const withConn = async <T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> => {
    const conn = await wh.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  };
  /** Skipped files wait to be recorded together: a transaction each would cost more than the skipping (789 Spark logs: 5 s). */
  let skipped: { c: Claimed; message: string }[] = [];
  const recordSkipped = async () => {
    if (open) return; // not in a transaction that may yet roll back
    const batch = skipped;
    skipped = [];
    if (!batch.length) return;
    const r = { status: 'skipped' as const, rowsRead: 0, rowsWritten: 0, rejects: 0 };
    await recordRuns(batch.map(({ c, message }) => ({ runId: c.runId, meta: c.meta, started: c.started, r: { ...r, message } })));
    for (const { c, message } of batch) finish(c.index, c.meta, c.t0, { ...r, message, runId: c.runId });
  };
  const skip = async (c: Claimed, prior: LoadedRun) => {
    doneBytes += c.meta.size;
    c.meta.sha256 = prior.sha256;
    skipped.push({ c, message: `already loaded (run ${prior.id}); --reload loads it again` });
    if (skipped.length >= BATCH_MAX_FILES) await onMain(recordSkipped);
  };
  /**
   * What claiming a file needs first: its metadata, whether a loaded run has the same path, size
   * and modification time (then it is the same content, as make and rsync assume, so reloading a
   * large tree reads no file again), and else a small file's hash. Files are looked at up to
   * LOOK_AHEAD files beyond the last claimed (their hashes taken in order, one at a time): the
   * hashing (on Node's thread) overlaps the staging (on DuckDB's) instead of holding up a worker
   * before each group.
   */
  const looks: Promise<Look>[] = [];
  let hashed: Promise<unknown> = Promise.resolve();
  const lookUpTo = (end: number) => {
    for (let j = looks.length; j < Math.min(end, files.length); j++) {
      const l = lookAt(j, hashed);
      l.catch(() => undefined); // awaited by the claim, which says why
      looks[j] = l;
      hashed = l.then((x) => x.hashing?.catch(() => undefined), () => undefined);
    }
  };
  /** File i looked at; its hash (if it is hashed first) taken once `after`, the file before's, is done. */
  const lookAt = async (i: number, after: Promise<unknown>): Promise<Look> => {
    const meta = await fileMeta(files[i]);
    meta.variant = opts.source.variant?.(meta.path, opts.at, opts.settings.storage);
    const byStat = opts.reload ? undefined : loaded!.byStat.get(statKey(meta.file, meta.size, meta.mtimeMs, meta.variant));
    // A large file is hashed while it is staged (the hash of 1.5 GB costs a second); a small one
    // first, so that a loaded file under a new name or modification time is not staged for nothing.
    const hashing = byStat || meta.size >= hashFirstBelow ? undefined : after.then(() => sha256(meta.path)).then((h) => (meta.sha256 = h));
    hashing?.catch(() => undefined); // an unreadable file: staging says why
    return { meta, byStat, hashing };
  };
  /** File i's run, unless its content was loaded before (then it is recorded as skipped). */
  const claim = async (i: number): Promise<Claimed | undefined> => {
    const started = new Date();
    const t0 = performance.now();
    lookUpTo(i + 1 + LOOK_AHEAD);
    const { meta, byStat, hashing } = await looks[i];
    const c: Claimed = { index: i, runId: firstRunId + i, meta, started, t0, hashing: hashing ?? Promise.resolve() };
    if (byStat) return void (await skip(c, byStat));
    if (!hashing) {
      c.hashing = sha256(meta.path).then((h) => (meta.sha256 = h));
      c.hashing.catch(() => undefined);
      return c;
    }
    await hashing.catch(() => undefined);
    const prior = opts.reload || meta.sha256 === undefined ? undefined : loaded!.bySha.get(shaKey(meta.sha256, meta.variant));
    if (prior) return void (await skip(c, prior));
    return c;
  };
  const stageContext = (conn: DuckDBConnection) => ({
    conn, cluster: opts.cluster, timezone: opts.timezone, at: opts.at, zones: opts.zones, storage: opts.settings.storage, warnOnce,
  });
  /** Stage one file on its own. */
  const stageOne = async (conn: DuckDBConnection, c: Claimed) => {
    const { index: i, runId, meta, started, t0 } = c;
    let staged: StagedFile;
    const tables = ownTables(runId);
    const rowsTable = tables.rows;
    try {
      const sel = await opts.source.stage({ ...stageContext(conn), file: meta.path, size: meta.size });
      await attachStaging(conn, tables);
      await conn.run(
        `create table ${rowsTable} as select *, cast($run as bigint) as ingest_run_id from (${sel.rows.sql})`,
        { ...sel.rows.params, run: runId },
      );
      let rows: number;
      let rejects: number;
      if (sel.rejects === 'in-rows') {
        // One table holds both: the rejects are split out.
        rejects = await splitRejects(conn, rowsTable, tables.rej, { run: 'cast($run as bigint)', file: '$file', params: { run: runId, file: meta.file } });
        rows = Number((await conn.runAndReadAll(`select count(*) from ${rowsTable}`)).getRows()[0][0]);
      } else {
        await conn.run(
          `create table ${tables.rej} as select cast($run as bigint) as ingest_run_id, $file as file, line, reason, raw from (${sel.rejects.sql})`,
          { ...sel.rejects.params, run: runId, file: meta.file },
        );
        [rows, rejects] = (
          await conn.runAndReadAll(`select (select count(*) from ${rowsTable}), (select count(*) from ${tables.rej})`)
        ).getRows()[0].map(Number);
      }
      await finishing?.fill(conn, rowsTable);
      staged = { index: i, runId, meta, started, t0, rows, read: sel.read ?? rows, rejects, tables };
    } catch (e) {
      await conn.run(detachStagingSql(tables));
      const reason = e instanceof FileFormatError ? e.message : duckdbReason(e);
      const message = `cannot be read as ${format}: ${reason}`;
      doneBytes += meta.size;
      failedRuns.push({ runId, meta, started, r: { status: 'failed', rowsRead: 0, rowsWritten: 0, rejects: 0, message } });
      await onMain(recordFailed);
      finish(i, meta, t0, { status: 'failed', runId, rowsRead: 0, rowsWritten: 0, rejects: 0, message });
      return;
    }
    await c.hashing.catch(() => undefined);
    const prior = opts.reload || meta.sha256 === undefined ? undefined : loaded!.bySha.get(shaKey(meta.sha256, meta.variant));
    if (prior) {
      await conn.run(detachStagingSql(tables));
      return skip(c, prior);
    }
    await queue(conn, [staged]);
  };
  /** Staged files (one, or a group's) wait for the merger, which merges them if it is time to (flush). */
  const queue = async (conn: DuckDBConnection, staged: StagedFile[]) => {
    for (const s of staged) {
      await finishing?.check?.(conn, ownRows(s), s.meta.file, format, warnOnce);
      pending.push(s);
      pendingRows += s.rows;
      pendingTables.add(s.tables.rows);
      doneBytes += s.meta.size;
      stagedRows += s.rows;
      stagedBytes += s.meta.size;
    }
    if (open || lastStretch()) {
      // The last stretch: the merger writes the file when it can, and the worker stages on (the
      // rows to come are few). Before it, the worker that made a batch due waits for its merge:
      // staged rows do not pile up faster than they are merged.
      onMain(() => flush()).catch((e) => (streamError ??= e));
    } else if (due()) {
      await onMain(() => flush());
    }
  };
  let streamError: unknown;
  /**
   * Stage a group of files in one statement (Source.stageMany: one plan for them all) into the
   * group's staging tables (staged.ts). If the group fails, its files are staged one by one, so
   * that only a bad file fails, with its own message.
   */
  const stageGroup = async (group: Claimed[]) => {
    const staged = group.length > 1 ? await withConn(async (conn) => {
      const together = await stageTogether(conn, group).catch(() => undefined);
      if (together) await queue(conn, together);
      return together;
    }) : undefined;
    if (!staged) for (const c of group) await withConn((conn) => stageOne(conn, c));
  };
  const stageTogether = async (conn: DuckDBConnection, group: Claimed[]): Promise<StagedFile[]> => {
    const sel = await opts.source.stageMany!(stageContext(conn), group.map((c) => ({ file: c.meta.path, size: c.meta.size })));
    return stageGroupTables(conn, sel, group, finishing);
  };

  const threads = await oneThreadPerQuery(main, sizes, workers);
  let restored: Promise<void> | undefined;
  try {
    await Promise.all(Array.from({ length: workers }, work));
    // Staging is done: DuckDB's threads back while the merger finishes (on a connection of their own).
    restored = withConn((conn) => threads.restore(conn));
    await onMain(() => flush(true));
    if (streamError) throw streamError;
    await onMain(recordFailed);
    await onMain(recordSkipped);
  } finally {
    if (open) {
      open = undefined;
      await main.run('rollback').catch(() => undefined);
    }
    // Staging databases left by a load that failed part-way.
    const left = (await main.runAndReadAll(`select database_name from duckdb_databases() where starts_with(database_name, 'stg_')`)).getRows();
    for (const [db] of left) await main.run(`detach database if exists ${ident(String(db))}`);
    await (restored ?? threads.restore(main));
  }
  return results;
}

/**
 * Many files of comparable size are loaded in parallel by the staging connections, one file
 * each: then each query gets one DuckDB thread, so that the staging queries and the merger do
 * not fight DuckDB's own workers for the cores (1,000,000 YARN apps in 100 files: 76 CPU-s
 * with the default threads, 52 with one per query). A few files, or one file holding much of
 * the bytes (a month's sacct dump beside a day's), keep DuckDB's threads for parallelism
 * within a file. `threads` is a setting of the whole database instance, so it is put back after.
 */
async function oneThreadPerQuery(conn: DuckDBConnection, sizes: number[], workers: number): Promise<{ restore(on: DuckDBConnection): Promise<void> }> {
  const total = sizes.reduce((a, b) => a + b, 0);
  const largest = Math.max(0, ...sizes);
  const acrossFiles = workers > 1 && sizes.length >= 4 * workers && largest * 4 * workers <= total;
  if (!acrossFiles) return { restore: async () => undefined };
  const prior = Number((await conn.runAndReadAll(`select current_setting('threads')`)).getRows()[0][0]);
  await conn.run(`set threads = 1`);
  return { restore: (on) => on.run(`set threads = ${prior}`).then(() => undefined) };
}
