/**
 * The MapReduce JobHistory server's REST responses (/ws/v1/history/…) as files: which response a
 * file holds, told from its first key, and the other responses of the same job beside it.
 *
 *   {"jobs": {"job": [...]}}                    /mapreduce/jobs               the jobs list
 *   {"job": {...}}                              /mapreduce/jobs/{jobid}       one job
 *   {"jobCounters": {...}}                      …/{jobid}/counters            its counters
 *   {"tasks": {"task": [...]}} / {"task": {...}} …/{jobid}/tasks[/{taskid}]   its tasks
 *   {"taskAttempts": {...}} / {"taskAttempt": {...}}  …/tasks/{taskid}/attempts[/{attemptid}]
 *   {"jobTaskCounters": …} / {"jobTaskAttemptCounters": …}  a task's or an attempt's counters
 *   {"jobAttempts": {"jobAttempt": [...]}}      …/{jobid}/jobattempts         its ApplicationMaster attempts
 *   {"conf": {"path": …, "property": [...]}}     …/{jobid}/conf                its configuration (container sizes)
 *   {"historyInfo": {...}}                      /ws/v1/history/info           the server itself
 */
import fs from 'node:fs';
import path from 'node:path';
import { readHead } from './read-head.js';

/** The responses gazette reads, by their first (only) key. */
export const RESPONSE_ROOTS = [
  'jobs', 'job', 'jobCounters', 'tasks', 'task', 'taskAttempts', 'taskAttempt',
  'jobTaskCounters', 'jobTaskAttemptCounters', 'jobAttempts', 'conf', 'historyInfo',
] as const;
export type ResponseRoot = (typeof RESPONSE_ROOTS)[number];

/** A MapReduce job, task or attempt id in the text (job_1326381300833_2_2, task_…_m_000000, attempt_…). */
const MR_ID = /"(?:job|task|attempt)_\d+_\d+/;
/** Roots whose names other JSON might use too: the response must also name a MapReduce id, or be empty. */
const COMMON = new Set<string>(['jobs', 'job', 'tasks', 'task']);

/**
 * Which JobHistory server response the text (a file's first 64 KiB) starts, if any. An empty
 * list (`{"jobs": null}`, `{"jobs": {}}`) counts; a `{"job": …}` naming no MapReduce id does not.
 */
export function responseRoot(head: string): ResponseRoot | undefined {
  const m = /^\s*\{\s*"([A-Za-z]+)"\s*:\s*(null|\{\s*\}|\{)/.exec(head.replace(/^\uFEFF/, ''));
  if (!m || !(RESPONSE_ROOTS as readonly string[]).includes(m[1])) return undefined;
  const root = m[1] as ResponseRoot;
  const empty = m[2] !== '{';
  if (root === 'historyInfo') return /"(?:hadoopVersion|startedOn)"/.test(head) ? root : undefined;
  // A job's conf: its path is the job's staging directory (…/.staging/job_…/job.xml).
  if (root === 'conf') return /"path"\s*:\s*"[^"]*\/job_\d+_\d+[^"]*"/.test(head) && /"property"/.test(head) ? root : undefined;
  if (COMMON.has(root) && !empty && !MR_ID.test(head)) return undefined;
  if (root === 'job' && empty) return undefined;
  return root;
}

/**
 * The job ids a file name names: each MapReduce job id in it (job_ and at least two numbers), and
 * the shorter ids it starts with (job_1326381300833_2_2_m_0 names job_1326381300833_2_2 and
 * job_1326381300833_2; the content says which it is about).
 */
export function jobIdsNamed(name: string): string[] {
  const ids = new Set<string>();
  for (const m of name.matchAll(/job_\d+(?:_\d+)+/g)) {
    const parts = m[0].split('_');
    for (let n = 3; n <= parts.length; n++) ids.add(parts.slice(0, n).join('_'));
  }
  return [...ids];
}

/**
 * The other responses of the jobs beside a file: files in its directory whose name names one
 * of the jobs and whose content starts a per-job response (not a jobs list or the server info),
 * each with the jobs it may be about, in name order. Their content is checked again when read:
 * a record about another job is not used.
 */
export async function responsesBeside(file: string, jobIds: readonly string[]): Promise<Map<string, string[]>> {
  const dir = path.dirname(file);
  const self = path.basename(file);
  const wanted = new Set(jobIds);
  const entries = (await fs.promises.readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name !== self && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const named = entries.map((name) => ({ full: path.join(dir, name), jobs: jobIdsNamed(name).filter((id) => wanted.has(id)) })).filter((e) => e.jobs.length);
  // A window pulled by --jhs-url has thousands: their heads are read a batch at a time.
  const roots: (ResponseRoot | undefined)[] = [];
  for (let i = 0; i < named.length; i += 64) {
    roots.push(...(await Promise.all(named.slice(i, i + 64).map(async (e) => responseRoot(await headOf(e.full))))));
  }
  const found = new Map<string, string[]>();
  named.forEach((e, i) => {
    const root = roots[i];
    if (root && root !== 'jobs' && root !== 'historyInfo') found.set(e.full, e.jobs);
  });
  return found;
}

/** The first 16 KiB of a file as text (gunzipped for a .gz): enough to tell the response. */
async function headOf(file: string): Promise<string> {
  if (file.endsWith('.gz')) return readHead(file, 16 << 10);
  const fd = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(16 << 10);
    const { bytesRead } = await fd.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fd.close();
  }
}
