/**
 * What the feedback emails say, to whom: the findings on the jobs selected (a window of ended jobs
 * on each cluster, or one job) — the heuristics' at or above feedback.email.min_severity, and the
 * known error of each failed job at or above known_error_min_severity — reduced to one per
 * (cluster, job key, finding, owner): the latest job that shows it, with how many runs did. Those
 * already delivered within repeat_after_days (feedback_sent) are left out, and what is left is
 * grouped into one email per owner, listing the findings by job.
 *
 * Everything here is data; rendering is render/feedback-email.ts, delivery commands/feedback.ts.
 */
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { computeUnit } from '../analyze/figures.js';
import { HEURISTICS, SEVERITIES, type Settings, type Severity } from '../settings.js';
import { runSqlFile } from '../warehouse/run-sql-file.js';
import { findingsFor, type Finding } from './heuristics.js';
import { findJob, jobsById, prepareJobQueries, recentRuns, type JobRecord, type RunRecord } from './jobs.js';
import type { KbEntry, KnowledgeBase } from './kb.js';
import { knownErrorMatcher, type KbJob } from './kb-match.js';

/** One finding on one job, to tell its owner. */
export interface FeedbackItem {
  cluster: string;
  /** The job's job_key, or its id where it has none: what "the same job" means for repeats. */
  jobKey: string;
  owner: string;
  /** A heuristic's name, or known_error:<knowledge-base id>. */
  finding: string;
  severity: Severity;
  /** The latest job of the key (in the selection) that shows the finding. */
  jobId: string;
  heuristic?: Finding;
  knownError?: KbEntry;
  /** Jobs of the key in the selection that show it, the latest included. */
  runs: number;
  /** The end of the earliest of them (ISO 8601, UTC). */
  firstEnd: string | null;
}

/** Which jobs: those that ended in [since, until) on the clusters, or one job (on a cluster, or any). */
export type FeedbackSelection = { clusters: string[]; since: Date; until: Date } | { cluster: string | null; jobId: string };

/** The states a job's known error is looked for in (kb_check_failures.sql's). */
const FAILED_STATES = ['FAILED', 'KILLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED'];

const severityRank = (s: Severity) => SEVERITIES.indexOf(s);
const atLeast = (s: Severity, min: Severity) => severityRank(s) >= severityRank(min);
const jobRef = (cluster: string, jobId: string) => `${cluster}\u0000${jobId}`;

export interface Collected {
  items: FeedbackItem[];
  /** The jobs the items name, by jobRef(cluster, job id). */
  jobs: Map<string, JobRecord>;
  /** Findings on jobs with no user: nobody to tell. */
  ownerless: number;
}

/** The findings of the selection, one per (cluster, job key, finding, owner); --job's id must name one job (findJob). */
export async function collectFeedback(conn: DuckDBConnection, settings: Settings, kb: KnowledgeBase, sel: FeedbackSelection): Promise<Collected> {
  await prepareJobQueries(conn, settings);
  const email = settings.feedback.email;
  const match = knownErrorMatcher(kb);
  const raw: { job: JobRecord; finding: string; severity: Severity; heuristic?: Finding; knownError?: KbEntry }[] = [];
  const jobs = new Map<string, JobRecord>();

  /** The findings and the failed jobs (what the knowledge base matches on) of a cluster, as items. */
  const evaluate = async (cluster: string, findings: Finding[], failed: KbJob[]) => {
    const wanted = findings.filter((f) => atLeast(f.severity, email.minSeverity));
    const known = new Map<string, KbEntry>();
    for (const j of failed) {
      const e = FAILED_STATES.includes(j.state ?? '') ? match(j) : undefined;
      if (e && atLeast(e.severity, email.knownErrorMinSeverity)) known.set(j.job_id, e);
    }
    const ids = [...new Set([...wanted.map((f) => f.jobId), ...known.keys()])];
    for (const j of ids.length ? await jobsById(conn, ids, cluster) : []) jobs.set(jobRef(j.cluster, j.job_id), j);
    for (const f of wanted) raw.push({ job: jobs.get(jobRef(cluster, f.jobId))!, finding: f.heuristic, severity: f.severity, heuristic: f });
    for (const [id, e] of known) raw.push({ job: jobs.get(jobRef(cluster, id))!, finding: `known_error:${e.id}`, severity: e.severity, knownError: e });
  };

  if ('jobId' in sel) {
    const job = await findJob(conn, sel.jobId, sel.cluster);
    await evaluate(job.cluster, await findingsFor(conn, settings, { cluster: job.cluster, jobId: job.job_id }), [job]);
  } else {
    for (const cluster of sel.clusters) {
      const findings = await findingsFor(conn, settings, { cluster, since: sel.since.toISOString(), until: sel.until.toISOString() });
      const failed = await runSqlFile<KbJob>(conn, 'kb_check_failures', { since: sel.since.toISOString(), until: sel.until.toISOString(), cluster });
      await evaluate(cluster, findings, failed);
    }
  }

  // one per (cluster, key, finding, owner): the latest job (by end, then id) that shows it
  const byKey = new Map<string, FeedbackItem>();
  let ownerless = 0;
  const later = (a: JobRecord, b: JobRecord) => (a.end_time ?? '') > (b.end_time ?? '') || ((a.end_time ?? '') === (b.end_time ?? '') && a.job_id > b.job_id);
  for (const r of raw) {
    if (!r.job.user) {
      ownerless++;
      continue;
    }
    const jobKey = r.job.job_key ?? r.job.job_id;
    const k = [r.job.cluster, jobKey, r.finding, r.job.user].join('\u0000');
    const seen = byKey.get(k);
    if (!seen) {
      byKey.set(k, { cluster: r.job.cluster, jobKey, owner: r.job.user, finding: r.finding, severity: r.severity, jobId: r.job.job_id, heuristic: r.heuristic, knownError: r.knownError, runs: 1, firstEnd: r.job.end_time });
      continue;
    }
    const first = (seen.firstEnd ?? '') < (r.job.end_time ?? '') ? seen.firstEnd : r.job.end_time;
    if (later(r.job, jobs.get(jobRef(seen.cluster, seen.jobId))!)) Object.assign(seen, { severity: r.severity, jobId: r.job.job_id, heuristic: r.heuristic, knownError: r.knownError });
    seen.runs++;
    seen.firstEnd = first;
  }
  return { items: [...byKey.values()], jobs, ownerless };
}

/** The items not delivered to their owner within repeat_after_days of `now` (feedback_sent). */
export async function notSentRecently(conn: DuckDBConnection, items: FeedbackItem[], now: Date, days: number): Promise<{ fresh: FeedbackItem[]; repeats: number }> {
  const sent = new Set(
    (await runSqlFile<{ cluster: string; job_key: string; finding: string; owner: string }>(conn, 'feedback_sent_recently', { now: now.toISOString(), days }))
      .map((r) => [r.cluster, r.job_key, r.finding, r.owner].join('\u0000')),
  );
  const fresh = items.filter((i) => !sent.has([i.cluster, i.jobKey, i.finding, i.owner].join('\u0000')));
  return { fresh, repeats: items.length - fresh.length };
}

/** One job in an email: its record, its findings (worst first) and its key's recent runs. */
export interface FeedbackJob {
  job: JobRecord;
  /** vcore-hours or CPU-hours (computeUnit). */
  unit: string;
  items: FeedbackItem[];
  history: RunRecord[];
}

/** One email: to an owner, about their jobs. */
export interface FeedbackEmail {
  owner: string;
  team: string;
  to: string[];
  cc: string[];
  worst: Severity;
  /** Shown in full: worst finding first, then the latest job first (feedback.email.max_jobs of them). */
  jobs: FeedbackJob[];
  /** The next ones (up to BRIEF_JOBS), one line each. */
  brief: FeedbackJob[];
  /** The jobs after those, counted by finding only (the email stays readable). */
  rest: FeedbackJob[];
  /** Every finding the email carries, counted ones included: all are remembered as told. */
  items: FeedbackItem[];
}

/** At most this many jobs are listed one line each after those shown in full; the rest are counted by finding. */
export const BRIEF_JOBS = 40;

/** A user's address: settings addresses, else user@email_domain, else their team's list. */
export function addressOf(settings: Settings, user: string, team: string): string | undefined {
  return settings.addresses[user] ?? (settings.emailDomain ? `${user}@${settings.emailDomain}` : settings.teams[team]?.mailingList);
}

/** A finding's place among equals: the known error first (what happened), then the heuristics in HEURISTICS order. */
const findingRank = (i: FeedbackItem) => (i.knownError ? -1 : HEURISTICS.indexOf(i.heuristic!.heuristic));
const byWorst = (a: FeedbackItem, b: FeedbackItem) =>
  severityRank(b.severity) - severityRank(a.severity) || findingRank(a) - findingRank(b) || a.finding.localeCompare(b.finding);

/**
 * The emails: one per owner with their items grouped by job, the team's mailing list in copy when
 * a finding is severe or worse; owners with no address are returned apart. Recent runs come from
 * the warehouse (settings feedback.email.recent_runs), for the jobs shown in full.
 */
export async function planEmails(conn: DuckDBConnection, settings: Settings, collected: Collected, items: FeedbackItem[]): Promise<{ emails: FeedbackEmail[]; unaddressed: { owner: string; items: number }[] }> {
  const byOwner = new Map<string, FeedbackItem[]>();
  for (const i of items) {
    const list = byOwner.get(i.owner);
    if (list) list.push(i);
    else byOwner.set(i.owner, [i]);
  }

  const emails: FeedbackEmail[] = [];
  const unaddressed: { owner: string; items: number }[] = [];
  for (const owner of [...byOwner.keys()].sort()) {
    const mine = byOwner.get(owner)!.sort(byWorst);
    const byJob = new Map<string, FeedbackJob>();
    for (const i of mine) {
      const ref = jobRef(i.cluster, i.jobId);
      const job = collected.jobs.get(ref)!;
      const entry = byJob.get(ref) ?? { job, unit: computeUnit(job.source), items: [], history: [] };
      entry.items.push(i);
      byJob.set(ref, entry);
    }
    const jobs = [...byJob.values()].sort((a, b) => byWorst(a.items[0], b.items[0]) || (b.job.end_time ?? '').localeCompare(a.job.end_time ?? '') || a.job.job_id.localeCompare(b.job.job_id));
    const team = jobs[0].job.team;
    const worst = mine[0].severity;
    const max = settings.feedback.email.maxJobs;
    const [full, brief] = [jobs.slice(0, max), jobs.slice(max, max + BRIEF_JOBS)];
    const to = addressOf(settings, owner, team);
    if (!to) {
      unaddressed.push({ owner, items: mine.length });
      continue;
    }
    const list = settings.teams[team]?.mailingList;
    const cc = list && list !== to && atLeast(worst, 'severe') ? [list] : [];
    emails.push({ owner, team, to: [to], cc, worst, jobs: full, brief, rest: jobs.slice(max + BRIEF_JOBS), items: mine });
  }
  // the recent runs of the jobs shown in full (the brief and counted ones show none)
  const shown = emails.flatMap((e) => e.jobs).filter((j) => j.job.job_key !== null);
  for (const cluster of [...new Set(shown.map((j) => j.job.cluster))].sort()) {
    const mine = shown.filter((j) => j.job.cluster === cluster);
    const history = await recentRuns(conn, cluster, [...new Set(mine.map((j) => j.job.job_key!))], settings.feedback.email.recentRuns);
    for (const j of mine) j.history = history.get(j.job.job_key!) ?? [];
  }
  return { emails, unaddressed };
}

/** An email delivered, and the Message-ID it went with. */
export interface Delivery {
  email: FeedbackEmail;
  messageId: string;
}

/** Remember what emails delivered (feedback_sent), in one statement. */
export async function recordDelivered(conn: DuckDBConnection, deliveries: Delivery[], via: 'outbox' | 'smtp', now: Date): Promise<void> {
  const rows = deliveries.flatMap(({ email, messageId }) => email.items.map((i) => ({ i, recipients: [...email.to, ...email.cc].join(', '), messageId })));
  if (!rows.length) return;
  const col = (f: (r: (typeof rows)[number]) => string) => listValue(rows.map(f));
  await runSqlFile(conn, 'feedback_record', {
    clusters: col((r) => r.i.cluster), job_keys: col((r) => r.i.jobKey), findings: col((r) => r.i.finding), owners: col((r) => r.i.owner),
    job_ids: col((r) => r.i.jobId), severities: col((r) => r.i.severity), recipients: col((r) => r.recipients), message_ids: col((r) => r.messageId),
    via, now: now.toISOString(),
  });
}
