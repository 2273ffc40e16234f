/**
 * Pull finished MapReduce jobs live from a JobHistory server's REST API (--jhs-url), incrementally,
 * the way rm-pull.ts pulls a ResourceManager.
 *
 * The warehouse remembers, per server, the finishTime up to which it has loaded (the mark, in
 * ingest_marks under the server's jobs URL). A pull asks once for
 * `/ws/v1/history/mapreduce/jobs?finishedTimeBegin=<mark>&finishedTimeEnd=<a minute ago>` (the
 * first pull: everything the server keeps) and splits the stretch into windows at most
 * --page-hours wide, each starting at the mark or at the next job (a stretch with no job is not
 * asked for); a window that is the whole stretch is not asked for twice. For each job in a
 * window's list it fetches `/jobs/{id}`, `/counters`, `/conf` (cut to the container sizes),
 * `/tasks` and `/jobattempts`, and the attempts of up to ATTEMPTS_PER_JOB failed tasks (their
 * errors). The responses are written into one temporary directory per window (jobs.json,
 * job_….json, job_…_counters.json…) and the window is loaded as one mr-history file, its jobs
 * list (recorded under its URL): each job's row is built from its responses beside the list
 * (mr-history.ts). The mark advances after each window that loads.
 *
 * A server that cannot be reached, or a jobs list it refuses, stops the pull (exit 1): the
 * windows already loaded stay, the next pull resumes from the mark. A job whose own responses
 * the server refuses (HTTP 404 or 500: a job purged meanwhile, a history file it cannot read) is
 * loaded from its list entry alone, and named at the end (exit 1), so that one bad job does not
 * hold the pull back for ever.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Warehouse } from '../warehouse/open.js';
import { MAP_MEMORY, REDUCE_MEMORY } from './jhist-conf.js';
import { mrHistory } from './mr-history.js';
import { ingestFiles, type FileResult } from './pipeline.js';
import { fetchText, HttpStatusError, readMark, saveMark, type PullOptions } from './rm-pull.js';

/** What a pull from the JobHistory server takes: what a pull from the ResourceManager takes. */
export type JhsPullOptions = PullOptions;

export interface JhsPullResult {
  results: FileResult[];
  /** Responses of single jobs the server refused: "URL: HTTP 500 …". Their jobs loaded from the list alone. */
  refused: string[];
}

/** Jobs finishing this close to now are left for the next pull (tolerates small clock skew). */
const SETTLE_MS = 60_000;
/** Requests in flight at once. */
const CONCURRENCY = 4;
/** Failed tasks per job whose attempts (and so their errors) are fetched. */
export const ATTEMPTS_PER_JOB = 10;
const SERVER = 'the JobHistory server';

export async function pullJobHistory(wh: Warehouse, opts: JhsPullOptions): Promise<JhsPullResult> {
  let base: URL;
  try {
    base = new URL(opts.url);
  } catch {
    throw new UsageError(`--jhs-url ${opts.url}: not a URL. Give the JobHistory server's web address, e.g. http://jhs.example.com:19888`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError(`--jhs-url ${opts.url}: must be http:// or https://`);
  const api = base.origin + base.pathname.replace(/\/+$/, '') + '/ws/v1/history/mapreduce';
  const source = `${api}/jobs`;
  const listUrl = (from: number, to: number) => `${source}?finishedTimeBegin=${Math.max(from, 1)}&finishedTimeEnd=${to}`;
  const end = (opts.now ?? Date.now()) - SETTLE_MS;
  const mark = await readMark(wh, source);
  const refused: string[] = [];
  const results: FileResult[] = [];
  if (mark !== undefined && mark >= end) return { results, refused };
  // The whole stretch since the mark, once: it plans the windows (and is the only one when it fits in one).
  const whole = await fetchText(listUrl(mark ?? 0, end), SERVER);
  const windows = planWindows(finishTimes(whole), mark ?? 0, end, opts.pageHours * 3_600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gazette-jhs-'));
  try {
    for (const [i, [from, to]] of windows.entries()) {
      const url = listUrl(from, to);
      const window = path.join(dir, `${from}-${to}`);
      fs.mkdirSync(window);
      const list = url === listUrl(mark ?? 0, end) ? whole : await fetchText(url, SERVER);
      const listFile = path.join(window, 'jobs.json');
      fs.writeFileSync(listFile, list);
      await fetchJobs(api, jobIdsOf(list), window, refused);
      const [r] = await ingestFiles(wh, [{ path: listFile, label: url }], {
        source: mrHistory, cluster: opts.cluster, timezone: opts.timezone, settings: opts.settings, onFile: opts.onFile, warn: opts.warn,
      });
      fs.rmSync(window, { recursive: true, force: true });
      results.push(r);
      if (r.status === 'failed') break;
      // Between this window and the next the list had no job: the mark moves to the next window (or to the end).
      await saveMark(wh, source, opts.cluster, i === windows.length - 1 ? end : to);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { results, refused };
}

/**
 * The windows to ask for, from `from` to `end`, at most `page` wide, each starting at the mark or
 * at the first job after the previous one (the stretches with no job are not asked for). With no
 * job, one window, the whole stretch (its empty list is loaded, as a pull that found nothing).
 */
export function planWindows(times: number[], from: number, end: number, page: number): [number, number][] {
  const sorted = times.filter((t) => t >= from && t <= end).sort((a, b) => a - b);
  if (!sorted.length) return [[from, end]];
  const windows: [number, number][] = [];
  let start = from > 0 ? from : sorted[0];
  for (;;) {
    const to = Math.min(start + page, end);
    windows.push([start, to]);
    const next = sorted.find((t) => t > to);
    if (next === undefined || to >= end) return windows;
    start = next;
  }
}

/** The finishTimes of a jobs list (none when it does not parse: its load reports that). */
function finishTimes(text: string): number[] {
  return jobsOf(text)
    .map((j) => Number(j.finishTime))
    .filter((t) => Number.isFinite(t) && t > 0);
}

function jobsOf(text: string): Record<string, unknown>[] {
  try {
    const job = (JSON.parse(text) as { jobs?: { job?: unknown } | null }).jobs?.job;
    return Array.isArray(job) ? job.filter((j): j is Record<string, unknown> => !!j && typeof j === 'object') : [];
  } catch {
    return [];
  }
}

/** The job ids of a jobs list, as safe path parts (a list that does not parse has none: its load reports it). */
function jobIdsOf(text: string): string[] {
  const ids = jobsOf(text).map((j) => j.id).filter((id): id is string => typeof id === 'string' && /^job_[0-9]+(?:_[0-9]+)+$/.test(id));
  return [...new Set(ids)];
}

/** Fetch each job's responses into `dir`, CONCURRENCY at a time. A refused one is noted; one that cannot be reached stops the pull. */
async function fetchJobs(api: string, ids: string[], dir: string, refused: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) await fetchJob(api, ids[i], dir, refused);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
}

async function fetchJob(api: string, id: string, dir: string, refused: string[]): Promise<void> {
  const get = async (suffix: string, file: string, keep: (body: string) => string = (b) => b): Promise<string | undefined> => {
    const url = `${api}/jobs/${id}${suffix}`;
    try {
      const body = await fetchText(url, SERVER);
      fs.writeFileSync(path.join(dir, file), keep(body));
      return body;
    } catch (e) {
      if (!(e instanceof HttpStatusError)) throw e;
      refused.push(`${url}: HTTP ${e.status}`);
      return undefined;
    }
  };
  if ((await get('', `${id}.json`)) === undefined) return;
  await get('/counters', `${id}_counters.json`);
  await get('/conf', `${id}_conf.json`, confSizes);
  await get('/jobattempts', `${id}_jobattempts.json`);
  const tasks = await get('/tasks', `${id}_tasks.json`);
  for (const task of failedTasks(tasks).slice(0, ATTEMPTS_PER_JOB)) {
    await get(`/tasks/${task}/attempts`, `${id}_tasks_${task}_attempts.json`);
  }
}

/**
 * A conf response cut to what gazette reads of it, the container sizes: it holds every property of
 * the job (hundreds of kilobytes), a window's worth would fill the temporary directory.
 */
function confSizes(text: string): string {
  try {
    const doc = JSON.parse(text) as { conf?: { path?: unknown; property?: { name?: unknown }[] } };
    const props = doc.conf?.property;
    if (!doc.conf || !Array.isArray(props)) return text;
    const wanted = new Set<unknown>([...MAP_MEMORY, ...REDUCE_MEMORY]);
    return JSON.stringify({ conf: { ...doc.conf, property: props.filter((p) => p && wanted.has(p.name)) } });
  } catch {
    return text;
  }
}

function failedTasks(text: string | undefined): string[] {
  if (!text) return [];
  try {
    const tasks = (JSON.parse(text) as { tasks?: { task?: { id?: unknown; state?: unknown }[] } | null }).tasks?.task;
    return (Array.isArray(tasks) ? tasks : [])
      .filter((t) => t && t.state === 'FAILED' && typeof t.id === 'string' && /^task_[0-9_]+_[mr]_[0-9]+$/.test(t.id))
      .map((t) => t.id as string);
  } catch {
    return [];
  }
}
