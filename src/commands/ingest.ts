/** gazette ingest: load files, or pull a live ResourceManager, into the warehouse. */
import { FailureError, UsageError } from '../errors.js';
import { clusterZones, loadSettings, resolveCluster, resolveTimeZone, type Settings } from '../settings.js';
import { openWarehouse, resolveDbPath, type Warehouse } from '../warehouse/open.js';
import { ISO_TIME } from '../ingest/iso-time.js';
import { ingestFiles, type FileResult } from '../ingest/pipeline.js';
import { planIngest, type Group, type Plan } from '../ingest/plan.js';
import { FORMATS, sourceFor } from '../ingest/sources.js';
import type { Target } from '../ingest/targets.js';

export interface IngestFlags {
  db?: string;
  config?: string;
  format?: string;
  cluster?: string;
  timezone?: string;
  asOf?: string;
  /** The old name of --as-of. */
  at?: string;
  rmUrl?: string;
  /** --jhs-url: a MapReduce JobHistory server to pull. */
  jhsUrl?: string;
  pageHours: string;
  /** --history-url: a Spark History Server to pull. */
  historyUrl?: string;
  reload?: boolean;
}

/** Formats whose files may carry no date of their own, so --as-of dates them. */
const AS_OF_FORMATS = ['yarn-metrics', 'jmx', 'hdfs-du', 'hdfs-count', 'fsimage'];

const fmt = (n: number) => n.toLocaleString('en-US');

export async function runIngest(paths: string[], flags: IngestFlags): Promise<void> {
  const settings = loadSettings(flags.config);
  const asOf = (flags.asOf ?? flags.at)?.trim();
  if (asOf !== undefined && !ISO_TIME.test(asOf)) {
    throw new UsageError(
      `--as-of ${asOf}: not an ISO 8601 date or time. Write it like 2026-10-01, 2026-01-15T06:00 (in the cluster's time zone) or 2026-01-15T06:00Z (UTC).`,
    );
  }
  if (flags.jhsUrl) {
    if (paths.length || flags.rmUrl || flags.historyUrl) throw new UsageError('give --jhs-url alone: not with files to load, nor with --rm-url or --history-url.');
    if (flags.format && flags.format !== 'mr-history') throw new UsageError('--jhs-url reads mr-history; drop --format or set it to mr-history.');
    const hours = Number(flags.pageHours);
    if (!(hours > 0)) throw new UsageError(`--page-hours ${flags.pageHours}: must be a positive number of hours.`);
    const cluster = resolveCluster(flags.cluster, settings);
    const wh = await openWarehouse(resolveDbPath(flags.db));
    try {
      const source = await sourceFor('mr-history');
      const { pullJobHistory } = await import('../ingest/mr-history-pull.js');
      const { results, refused } = await pullJobHistory(wh, {
        url: flags.jhsUrl, cluster, timezone: resolveTimeZone(flags.timezone, cluster, settings), settings, pageHours: hours,
        onFile: (r) => printFile(r, source.target), warn,
      });
      const failed = await summarize(results, { format: 'mr-history', cluster, files: [] }, source.target, wh);
      if (failed.length) throw failure(failed);
      if (refused.length) {
        throw new FailureError(
          `the JobHistory server refused ${refused.length} response(s) of single jobs; those jobs were loaded from the jobs list alone:\n` +
            refused.map((r) => `  ${r}`).join('\n') +
            `\nFetch them again into one directory (e.g. curl -s URL > job_ID_counters.json) with the job's other responses, and load it with gazette ingest: the job's row is rebuilt from them.`,
        );
      }
    } finally {
      wh.close();
    }
    return;
  }
  if (flags.historyUrl) {
    if (paths.length || flags.rmUrl) throw new UsageError('give --history-url alone: not with files to load, nor with --rm-url.');
    if (flags.format && flags.format !== 'spark-history') throw new UsageError('--history-url reads spark-history; drop --format or set it to spark-history.');
    const cluster = resolveCluster(flags.cluster, settings);
    const wh = await openWarehouse(resolveDbPath(flags.db));
    try {
      const source = await sourceFor('spark-history');
      const { pullHistoryServer } = await import('../ingest/spark-history-pull.js');
      const results = await pullHistoryServer(wh, {
        url: flags.historyUrl, cluster, timezone: resolveTimeZone(flags.timezone, cluster, settings), settings, onFile: (r) => printFile(r, source.target), warn,
      });
      const failed = await summarize(results, { format: 'spark-history', cluster, files: [] }, source.target, wh);
      if (failed.length) throw failure(failed);
    } finally {
      wh.close();
    }
    return;
  }
  if (flags.rmUrl) {
    if (paths.length) throw new UsageError('give either --rm-url or files to load, not both.');
    if (flags.format && flags.format !== 'yarn-apps') throw new UsageError('--rm-url reads yarn-apps; drop --format or set it to yarn-apps.');
    const cluster = resolveCluster(flags.cluster, settings);
    const wh = await openWarehouse(resolveDbPath(flags.db));
    try {
      const source = await sourceFor('yarn-apps');
      const results = await pullRm(wh, flags, cluster, resolveTimeZone(flags.timezone, cluster, settings), settings, source.target);
      const failed = await summarize(results, { format: 'yarn-apps', cluster, files: [] }, source.target, wh);
      if (failed.length) throw failure(failed);
    } finally {
      wh.close();
    }
    return;
  }
  if (!paths.length) throw new UsageError('name the files or directories to load (or --rm-url URL, --jhs-url URL). See gazette ingest --help.');
  const plan = await planIngest(paths, { format: flags.format, cluster: flags.cluster, settings });
  for (const u of plan.unplaced) {
    process.stderr.write(`${u.path}: skipped, cannot tell its format (${u.looked}); pass --format to load it as one\n`);
  }
  if (!plan.groups.length) {
    throw new UsageError(
      `nothing to load: no file here is in a format gazette can tell` +
        (plan.ignored.length ? ` (${plan.ignored.length} ignored as not data: ${plan.ignored.slice(0, 3).join(', ')}${plan.ignored.length > 3 ? ', …' : ''})` : '') +
        `. Name the files, or pass --format.`,
    );
  }
  if (asOf !== undefined && !plan.groups.some((g) => AS_OF_FORMATS.includes(g.format))) {
    warn(`--as-of dates snapshots (${AS_OF_FORMATS.join(', ')}), and no file here is one; it was not used.`);
  }
  const failed: FileResult[] = [];
  const wh = await openWarehouse(resolveDbPath(flags.db));
  try {
    for (const group of plan.groups) {
      const source = await sourceFor(group.format);
      const results = await ingestFiles(wh, group.files, {
        source,
        cluster: group.cluster,
        timezone: resolveTimeZone(flags.timezone, group.cluster, settings),
        zones: clusterZones(flags.timezone, settings),
        at: asOf,
        settings,
        reload: flags.reload,
        onFile: (r) => printFile(r, source.target),
        warn,
      });
      failed.push(...(await summarize(results, group, source.target, wh)));
    }
  } finally {
    wh.close();
  }
  reportNotLoaded(plan);
  const explicit = plan.unplaced.filter((u) => u.explicit);
  if (explicit.length) {
    throw new UsageError(
      (failed.length ? `${failure(failed).message}\n` : '') +
        `${explicit.length} file(s) named on the command line were not loaded: gazette cannot tell their format (see above). ` +
        `Load them with --format FORMAT (one of ${FORMATS.join(', ')}), or leave them out.`,
    );
  }
  if (failed.length) throw failure(failed);
}

async function pullRm(wh: Warehouse, flags: IngestFlags, cluster: string, timezone: string, settings: Settings, target: Target) {
  const hours = Number(flags.pageHours);
  if (!(hours > 0)) throw new UsageError(`--page-hours ${flags.pageHours}: must be a positive number of hours.`);
  const { pullResourceManager } = await import('../ingest/rm-pull.js');
  return pullResourceManager(wh, { url: flags.rmUrl!, cluster, timezone, settings, pageHours: hours, onFile: (r) => printFile(r, target), warn });
}

function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

function printFile(r: FileResult, target: Target): void {
  const what =
    r.status === 'loaded'
      ? `${fmt(r.rowsRead)} ${target.readNoun ?? target.noun} read, ${fmt(r.rowsWritten)} ${target.written}` + (r.rejects ? `, ${fmt(r.rejects)} rejected` : '')
      : r.message;
  process.stderr.write(`${r.status.padEnd(7)} ${r.file}: ${what} (${r.seconds.toFixed(2)} s)\n`);
}

/** Print a group's summary (and its first rejected rows); returns the files that failed. */
async function summarize(results: FileResult[], group: Group, target: Target, wh: Warehouse): Promise<FileResult[]> {
  const by = (s: FileResult['status']) => results.filter((r) => r.status === s);
  const loaded = by('loaded');
  const rejects = loaded.reduce((a, r) => a + r.rejects, 0);
  for (const r of loaded.filter((r) => r.rejects)) {
    const rows = (
      await wh.conn.runAndReadAll(`select line, reason from rejected_rows where ingest_run_id = $id order by line limit 5`, { id: r.runId! })
    ).getRows();
    for (const [line, reason] of rows) process.stderr.write(`  ${r.file}:${line}: ${reason}; kept in rejected_rows\n`);
    if (r.rejects > rows.length) {
      process.stderr.write(`  … ${fmt(r.rejects - rows.length)} more: gazette sql "select * from rejected_rows where ingest_run_id = ${r.runId}"\n`);
    }
  }
  process.stdout.write(
    `${group.cluster} (${group.format}): ${results.length} file(s): ${loaded.length} loaded, ${by('skipped').length} skipped (already loaded), ${by('failed').length} failed; ` +
      `${fmt(loaded.reduce((a, r) => a + r.rowsRead, 0))} ${target.readNoun ?? target.noun} read, ${fmt(loaded.reduce((a, r) => a + r.rowsWritten, 0))} ${target.written}, ${fmt(rejects)} rows rejected.\n`,
  );
  return by('failed');
}

function reportNotLoaded(plan: Plan): void {
  if (!plan.unplaced.length && !plan.ignored.length) return;
  const parts = [];
  if (plan.unplaced.length) parts.push(`${plan.unplaced.length} file(s) whose format gazette cannot tell (named above)`);
  if (plan.ignored.length) {
    parts.push(`${plan.ignored.length} ignored as not data (${plan.ignored.slice(0, 3).map((f) => f.split(/[\\/]/).pop()).join(', ')}${plan.ignored.length > 3 ? ', …' : ''})`);
  }
  process.stdout.write(`not loaded: ${parts.join('; ')}.\n`);
}

function failure(failed: FileResult[]): FailureError {
  return new FailureError(
    `${failed.length} file(s) did not load and were rolled back (the others loaded):\n` +
      failed.map((r) => `  ${r.file}: ${r.message}`).join('\n') +
      `\nFix or replace them and run the same command again; files already loaded are skipped.`,
  );
}
