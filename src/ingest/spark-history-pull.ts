/**
 * Pull completed applications live from a Spark History Server's REST API, incrementally.
 *
 * The warehouse remembers, per server (`ingest_marks`, keyed by its …/api/v1/applications URL), the
 * latest end time loaded (the mark). A pull asks for `/api/v1/applications?status=completed` with
 * `minEndDate` an hour before the mark — the server lists an application only once it has read its
 * log, which can lag the application's end — and leaves out the applications the warehouse already
 * holds with that end and their figures. For each new one it asks for the attempt's allexecutors,
 * jobs, stages and environment, saves them in a temporary directory in the layout a user's files
 * would have (spark-history-layout.ts), and loads the list through the same pipeline and reader as
 * files, up to APPS_PER_LOAD applications a load, oldest end first; the mark advances after each
 * load. If the server fails midway, the loads done stay and the next pull resumes from there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listValue } from '@duckdb/node-api';
import { FailureError, UsageError } from '../errors.js';
import type { Settings } from '../settings.js';
import type { Warehouse } from '../warehouse/open.js';
import { ingestFiles, type FileResult } from './pipeline.js';
import { sparkHistory } from './spark-history.js';

export interface HistoryPullOptions {
  url: string;
  cluster: string;
  timezone: string;
  settings: Settings;
  /** Applications per load (default APPS_PER_LOAD). */
  appsPerLoad?: number;
  onFile?(r: FileResult): void;
  warn?(message: string): void;
}

export const APPS_PER_LOAD = 100;
/** Applications whose responses are asked for at once. */
const FETCHING_AT_ONCE = 4;
/** How far before the mark each pull asks again: applications listed late, once their log is read. */
export const REPLAY_MS = 3_600_000;
const TIMEOUT_MS = 120_000;

/** The per-attempt responses fetched, as the files the list's reader looks for. */
const PARTS: { endpoint: string; file: string; fallback?: string; optional?: boolean }[] = [
  // allexecutors counts dead executors too; servers before Spark 2.0 have only executors.
  { endpoint: 'allexecutors', file: 'allexecutors.json', fallback: 'executors' },
  { endpoint: 'jobs', file: 'jobs.json' },
  { endpoint: 'stages', file: 'stages.json' },
  // Spark ≥ 2.3.
  { endpoint: 'environment', file: 'environment.json', optional: true },
];

interface Attempt {
  attemptId?: string;
  completed?: boolean;
  endTimeEpoch?: number;
  endTime?: string;
  startTimeEpoch?: number;
  startTime?: string;
}
interface AppRecord {
  id?: string;
  attempts?: Attempt[];
}

export async function pullHistoryServer(wh: Warehouse, opts: HistoryPullOptions): Promise<FileResult[]> {
  const base = serverBase(opts.url);
  const source = `${base}/api/v1/applications`;
  const markRows = (await wh.conn.runAndReadAll(`select mark_ms from ingest_marks where source = $s`, { s: source })).getRows();
  let mark = markRows.length ? Number(markRows[0][0]) : undefined;
  const listUrl = `${source}?status=completed` + (mark !== undefined ? `&minEndDate=${encodeURIComponent(hsDate(mark - REPLAY_MS))}` : '');
  const listed = await fetchJson(listUrl, 'the application list');
  if (!Array.isArray(listed)) {
    throw new FailureError(`${listUrl}: the answer is not an application list (a JSON array). Check that ${opts.url} is a Spark History Server.`);
  }
  const apps = (listed as AppRecord[])
    .filter((a) => a && typeof a === 'object' && typeof a.id === 'string' && a.id !== '')
    .map((a) => ({ record: a, attempt: latestAttempt(a.attempts ?? []) }))
    .filter((a): a is { record: AppRecord & { id: string }; attempt: Attempt & { end: number } } => a.attempt?.end !== undefined);
  const fresh = await notYetLoaded(wh, opts.cluster, apps);
  fresh.sort((a, b) => a.attempt.end - b.attempt.end);

  const per = opts.appsPerLoad ?? APPS_PER_LOAD;
  const results: FileResult[] = [];
  const gone: string[] = [];
  for (let i = 0; i < fresh.length; i += per) {
    const chunk = fresh.slice(i, i + per);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gazette-hs-'));
    try {
      const list = path.join(dir, 'applications.json');
      fs.writeFileSync(list, JSON.stringify(chunk.map((a) => a.record)));
      await eachAtMost(FETCHING_AT_ONCE, chunk, async ({ record, attempt }) => {
        const appPath = [record.id, attempt.attemptId].filter((x): x is string => !!x);
        const appDir = path.join(dir, ...appPath.map(safeName));
        fs.mkdirSync(appDir, { recursive: true });
        const appUrl = `${source}/${appPath.map(encodeURIComponent).join('/')}`;
        for (const part of PARTS) {
          let body = await fetchJson(`${appUrl}/${part.endpoint}`, `${record.id}'s ${part.endpoint}`, true);
          if (body === NOT_FOUND && part.fallback) body = await fetchJson(`${appUrl}/${part.fallback}`, `${record.id}'s ${part.fallback}`, true);
          if (body === NOT_FOUND) {
            if (!part.optional) gone.push(`${record.id} ${part.endpoint}`);
            continue;
          }
          fs.writeFileSync(path.join(appDir, part.file), JSON.stringify(body));
        }
      });
      const [r] = await ingestFiles(wh, [{ path: list, label: listUrl }], {
        source: sparkHistory, cluster: opts.cluster, timezone: opts.timezone, settings: opts.settings, onFile: opts.onFile, warn: opts.warn,
      });
      results.push(r);
      if (r.status === 'failed') break;
      const to = Math.max(mark ?? 0, ...chunk.map((a) => a.attempt.end));
      await wh.conn.run(
        `insert into ingest_marks values ($s, $c, $m, now()::timestamp)
         on conflict (source) do update set mark_ms = excluded.mark_ms, cluster = excluded.cluster, updated_at = excluded.updated_at`,
        { s: source, c: opts.cluster, m: to },
      );
      mark = to;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (gone.length) {
    opts.warn?.(
      `${base}: ${gone.length} response(s) not found (HTTP 404: ${gone.slice(0, 3).join(', ')}${gone.length > 3 ? ', …' : ''}) — the server no longer has those applications' event logs? They were loaded with the figures the server still gave.`,
    );
  }
  if (!fresh.length) {
    opts.warn?.(`${source}: nothing new since the last pull${mark !== undefined ? ` (mark ${new Date(mark).toISOString()})` : ''}.`);
  }
  return results;
}

/** The server's address without a trailing `/api/v1[/applications]`. */
function serverBase(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--history-url ${url}: not a URL. Give the Spark History Server's web address, e.g. http://spark-history.example.com:18080`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--history-url ${url}: must be http:// or https://`);
  return u.origin + u.pathname.replace(/\/+$/, '').replace(/\/api\/v1(\/applications)?$/, '');
}

/** The attempt a row describes, as spark-history-sql.ts picks it: ended first, then the later end, then the first listed. */
function latestAttempt(attempts: Attempt[]): (Attempt & { end?: number }) | undefined {
  const timed = attempts
    .filter((a) => a && typeof a === 'object')
    .map((a, i) => ({ ...a, i, end: a.completed ? endOf(a) : undefined }));
  timed.sort((x, y) => Number(!!y.completed) - Number(!!x.completed) || (y.end ?? -Infinity) - (x.end ?? -Infinity) || x.i - y.i);
  return timed[0];
}

function endOf(a: Attempt): number | undefined {
  if (typeof a.endTimeEpoch === 'number' && a.endTimeEpoch > 0) return a.endTimeEpoch;
  const t = typeof a.endTime === 'string' ? Date.parse(a.endTime.replace(/GMT$/, 'Z')) : NaN;
  return t > 0 ? t : undefined;
}

/** The applications the warehouse does not hold yet with this end and its figures (a job count). */
async function notYetLoaded<T extends { record: { id: string }; attempt: { end: number } }>(wh: Warehouse, cluster: string, apps: T[]): Promise<T[]> {
  if (!apps.length) return apps;
  const held = new Set(
    (
      await wh.conn.runAndReadAll(
        `select job_id || '@' || epoch_ms(end_time) from app_details
         where cluster = $c and list_contains($ids, job_id) and end_time is not null and jobs is not null`,
        { c: cluster, ids: listValue(apps.map((a) => a.record.id)) },
      )
    ).getRows().map((r) => String(r[0])),
  );
  return apps.filter((a) => !held.has(`${a.record.id}@${a.attempt.end}`));
}

/**
 * `work` on each item, at most `n` at a time; all of them settle before the first failure is
 * thrown (so none is still writing when the caller cleans up).
 */
async function eachAtMost<T>(n: number, items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  if (failed) throw failed.error;
}

/** Spark's minEndDate format: 2015-02-03T16:42:40.000GMT. */
const hsDate = (ms: number) => new Date(Math.max(ms, 0)).toISOString().replace(/Z$/, 'GMT');
/** An id as a directory name. */
const safeName = (s: string) => s.replace(/[\\/]/g, '_').replace(/^\.\.?$/, '_');

const NOT_FOUND = Symbol('not found');

async function fetchJson(url: string, what: string, notFoundOk = false): Promise<unknown> {
  const next = 'Loads already done are kept; the next pull resumes from there.';
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new FailureError(
      `${url}: could not reach the Spark History Server for ${what} (${cause?.code ?? cause?.message ?? (e as Error).message}). Check the address and that this machine can reach it. ${next}`,
    );
  }
  if (res.status === 404 && notFoundOk) return NOT_FOUND;
  if (!res.ok) {
    throw new FailureError(`${url}: the Spark History Server answered HTTP ${res.status} ${res.statusText} for ${what}. ${next}`);
  }
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FailureError(
      `${url}: the answer for ${what} is not JSON (${(e as Error).message}; it begins "${text.slice(0, 60).replace(/\s+/g, ' ')}"). Check that the address is the History Server itself, not a login page or proxy. ${next}`,
    );
  }
}
