/**
 * Pull finished applications live from a YARN ResourceManager's REST API, incrementally.
 *
 * The warehouse remembers, per RM URL, the finishedTime up to which it has loaded (the
 * mark). A pull asks `/ws/v1/cluster/apps?finishedTimeBegin=…&finishedTimeEnd=…` window by
 * window (--page-hours wide) from the mark to a minute ago, and loads each response exactly
 * as a yarn-apps file (same reader, same per-file transaction); the mark advances after each
 * window that loads. The first pull, with no mark, asks for every finished app the RM keeps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FailureError, UsageError } from '../errors.js';
import type { Settings } from '../settings.js';
import type { Warehouse } from '../warehouse/open.js';
import { ingestFiles, type FileResult } from './pipeline.js';
import { yarnApps } from './yarn-apps.js';

export interface PullOptions {
  url: string;
  cluster: string;
  timezone: string;
  settings: Settings;
  pageHours: number;
  /** Epoch ms "now" (tests pin it). */
  now?: number;
  onFile?(r: FileResult): void;
  warn?(message: string): void;
}

/** Apps finishing this close to now are left for the next pull (tolerates small clock skew). */
const SETTLE_MS = 60_000;
const TIMEOUT_MS = 120_000;

export async function pullResourceManager(wh: Warehouse, opts: PullOptions): Promise<FileResult[]> {
  let base: URL;
  try {
    base = new URL(opts.url);
  } catch {
    throw new UsageError(`--rm-url ${opts.url}: not a URL. Give the ResourceManager's web address, e.g. http://rm.example.com:8088`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError(`--rm-url ${opts.url}: must be http:// or https://`);
  const source = base.origin + base.pathname.replace(/\/+$/, '');
  const end = (opts.now ?? Date.now()) - SETTLE_MS;
  let begin = (await readMark(wh, source)) ?? 0;
  const page = opts.pageHours * 3_600_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gazette-rm-'));
  const results: FileResult[] = [];
  try {
    while (begin < end) {
      const to = begin === 0 ? end : Math.min(begin + page, end);
      const url = `${source}/ws/v1/cluster/apps?finishedTimeBegin=${Math.max(begin, 1)}&finishedTimeEnd=${to}`;
      const body = await fetchText(url);
      const file = path.join(dir, `apps-${begin}-${to}.json`);
      fs.writeFileSync(file, body);
      const [r] = await ingestFiles(wh, [{ path: file, label: url }], {
        source: yarnApps, cluster: opts.cluster, timezone: opts.timezone, settings: opts.settings, onFile: opts.onFile, warn: opts.warn,
      });
      fs.rmSync(file);
      results.push(r);
      if (r.status === 'failed') break;
      await saveMark(wh, source, opts.cluster, to);
      begin = to;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (!results.length) opts.warn?.(`${source}: nothing new since the last pull (mark ${new Date(begin).toISOString()}).`);
  return results;
}

/** The finishedTime (epoch ms) loaded up to from a pulled source (a URL), if it was pulled before. */
export async function readMark(wh: Warehouse, source: string): Promise<number | undefined> {
  const rows = (await wh.conn.runAndReadAll(`select mark_ms from ingest_marks where source = $s`, { s: source })).getRows();
  return rows.length ? Number(rows[0][0]) : undefined;
}

export async function saveMark(wh: Warehouse, source: string, cluster: string, markMs: number): Promise<void> {
  await wh.conn.run(
    `insert into ingest_marks values ($s, $c, $m, now()::timestamp)
     on conflict (source) do update set mark_ms = excluded.mark_ms, cluster = excluded.cluster, updated_at = excluded.updated_at`,
    { s: source, c: cluster, m: markMs },
  );
}

/** A GET of JSON; a server that cannot be reached or answers with an error is a FailureError naming `server` and the URL. */
export async function fetchText(url: string, server = 'the ResourceManager'): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new FailureError(
      `${url}: could not reach ${server} (${cause?.code ?? cause?.message ?? (e as Error).message}). Check the address and that this machine can reach it; windows already loaded are kept, the next pull resumes from there.`,
    );
  }
  if (!res.ok) {
    throw new HttpStatusError(url, res.status, `${url}: ${server} answered HTTP ${res.status} ${res.statusText}. Windows already loaded are kept; the next pull resumes from there.`);
  }
  return res.text();
}

/** The server answered, with an error status. */
export class HttpStatusError extends FailureError {
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
