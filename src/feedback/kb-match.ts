/**
 * Matching jobs against the knowledge base in JavaScript, for one job (`gazette explain`, a
 * completion hook's `gazette feedback --job`) and a day's batch alike: the entries in precedence
 * order, the first that matches is the job's known error.
 */
import type { KbEntry, KnowledgeBase } from './kb.js';
import { jsRegExp } from './kb-file.js';

/** The columns of a `jobs` row (and its app_details failure_reason) that entries match on. */
export interface KbJob {
  job_id: string;
  source?: string | null;
  app_type?: string | null;
  state?: string | null;
  raw_state?: string | null;
  exit_code?: number | null;
  diagnostics?: string | null;
  /** app_details.failure_reason: the failed tasks' and stages' messages, where the detail landed. */
  failure_reason?: string | null;
}

/** The text an entry's diagnostics regex searches: the diagnostics, then the failure reasons. */
export function kbText(job: KbJob): string {
  return [job.diagnostics, job.failure_reason].filter((t) => t).join('\n');
}

type Test = (job: KbJob, text: string) => boolean;

function compile(e: KbEntry): Test {
  const m = e.match;
  const tests: Test[] = [];
  if (m.diagnostics !== undefined) {
    const re = jsRegExp(m.diagnostics);
    tests.push((_, text) => re.test(text));
  }
  if (m.rawState !== undefined) {
    const re = jsRegExp(m.rawState);
    tests.push((j) => j.raw_state != null && re.test(j.raw_state));
  }
  if (m.exitCodes) tests.push((j) => j.exit_code != null && m.exitCodes!.includes(Number(j.exit_code)));
  if (m.states) tests.push((j) => j.state != null && m.states!.includes(j.state.toUpperCase()));
  if (m.sources) tests.push((j) => j.source != null && m.sources!.includes(j.source.toLowerCase()));
  if (m.appTypes) tests.push((j) => j.app_type != null && m.appTypes!.includes(j.app_type.toUpperCase()));
  return (job, text) => tests.every((t) => t(job, text));
}

/** A matcher over a knowledge base: each job's known error (the first entry in precedence order that matches), or undefined. */
export function knownErrorMatcher(kb: KnowledgeBase): (job: KbJob) => KbEntry | undefined {
  const compiled = kb.entries.map((e) => [e, compile(e)] as const);
  return (job) => {
    const text = kbText(job);
    return compiled.find(([, test]) => test(job, text))?.[0];
  };
}

/** Each job's known error, by job id (jobs that match none are left out). */
export function matchKnownErrors(kb: KnowledgeBase, jobs: Iterable<KbJob>): Map<string, KbEntry> {
  const match = knownErrorMatcher(kb);
  const out = new Map<string, KbEntry>();
  for (const j of jobs) {
    const e = match(j);
    if (e) out.set(j.job_id, e);
  }
  return out;
}
