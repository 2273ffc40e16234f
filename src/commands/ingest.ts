/** gazette ingest: load files, or pull a live ResourceManager, into the warehouse. */
import { FailureError, UsageError } from '../errors.js';
import { loadSettings, resolveCluster, resolveTimeZone } from '../settings.js';
import { openWarehouse, resolveDbPath, type Warehouse } from '../warehouse/open.js';
import { expandPaths } from '../ingest/files.js';
import { ingestFiles, type FileResult } from '../ingest/pipeline.js';
import { jobSource } from '../ingest/sources.js';

export interface IngestFlags {
  db?: string;
  config?: string;
  format?: string;
  cluster?: string;
  timezone?: string;
  rmUrl?: string;
  pageHours: string;
  reload?: boolean;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export async function runIngest(paths: string[], flags: IngestFlags): Promise<void> {
  const settings = loadSettings(flags.config);
  const cluster = resolveCluster(flags.cluster, settings);
  const timezone = resolveTimeZone(flags.timezone, cluster, settings);
  if (flags.rmUrl) {
    if (paths.length) throw new UsageError('give either --rm-url or files to load, not both.');
    if (flags.format && flags.format !== 'yarn-apps') throw new UsageError('--rm-url reads yarn-apps; drop --format or set it to yarn-apps.');
  } else {
    if (!paths.length) throw new UsageError('name the files or directories to load (or --rm-url URL). See gazette ingest --help.');
    if (!flags.format) throw new UsageError(`--format is required: one of yarn-apps, sacct, canonical.`);
  }
  const source = await jobSource(flags.format ?? 'yarn-apps');
  const files = flags.rmUrl ? [] : expandPaths(paths, source.extensions);
  const wh = await openWarehouse(resolveDbPath(flags.db));
  try {
    const results = flags.rmUrl
      ? await pullRm(wh, flags, cluster, timezone, settings)
      : await ingestFiles(wh, files, { source, cluster, timezone, settings, reload: flags.reload, onFile: printFile, warn });
    await summarize(results, cluster, wh);
  } finally {
    wh.close();
  }
}

async function pullRm(wh: Warehouse, flags: IngestFlags, cluster: string, timezone: string, settings: ReturnType<typeof loadSettings>) {
  const hours = Number(flags.pageHours);
  if (!(hours > 0)) throw new UsageError(`--page-hours ${flags.pageHours}: must be a positive number of hours.`);
  const { pullResourceManager } = await import('../ingest/rm-pull.js');
  return pullResourceManager(wh, { url: flags.rmUrl!, cluster, timezone, settings, pageHours: hours, onFile: printFile, warn });
}

function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

function printFile(r: FileResult): void {
  {
    const what =
      r.status === 'loaded'
        ? `${fmt(r.rowsRead)} jobs read, ${fmt(r.rowsWritten)} new or newer` + (r.rejects ? `, ${fmt(r.rejects)} rejected` : '')
        : r.message;
    process.stderr.write(`${r.status.padEnd(7)} ${r.file}: ${what} (${r.seconds.toFixed(2)} s)\n`);
  }
}

async function summarize(results: FileResult[], cluster: string, wh: Warehouse): Promise<void> {
  const by = (s: FileResult['status']) => results.filter((r) => r.status === s);
  const loaded = by('loaded');
  const failed = by('failed');
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
    `${cluster}: ${results.length} file(s): ${loaded.length} loaded, ${by('skipped').length} skipped (already loaded), ${failed.length} failed; ` +
      `${fmt(loaded.reduce((a, r) => a + r.rowsRead, 0))} jobs read, ${fmt(loaded.reduce((a, r) => a + r.rowsWritten, 0))} new or newer, ${fmt(rejects)} rows rejected.\n`,
  );
  if (failed.length) {
    throw new FailureError(
      `${failed.length} file(s) did not load and were rolled back (the others loaded):\n` +
        failed.map((r) => `  ${r.file}: ${r.message}`).join('\n') +
        `\nFix or replace them and run the same command again; files already loaded are skipped.`,
    );
  }
}
