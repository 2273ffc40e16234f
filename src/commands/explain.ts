/**
 * gazette explain JOB-ID: the diagnosis of one job in the terminal — how it ended, the known error
 * its diagnostics match (ticket and workaround), every heuristic's finding with its numbers, and
 * the recent runs of its recurring job. The same findings the feedback emails carry.
 */
import { computeUnit } from '../analyze/figures.js';
import { UsageError } from '../errors.js';
import { knownErrorMatcher } from '../feedback/kb-match.js';
import { loadKnowledgeBase, resolveKbDir } from '../feedback/kb.js';
import { describeFinding, hours, money, n, when } from '../feedback/describe.js';
import { findingsFor } from '../feedback/heuristics.js';
import { findJob, prepareJobQueries, recentRuns } from '../feedback/jobs.js';
import { loadSettings } from '../settings.js';
import { openWarehouse, resolveDbPath } from '../warehouse/open.js';

export interface ExplainFlags {
  db?: string;
  config?: string;
  cluster?: string;
  kb?: string;
  runs?: string;
}

export async function runExplain(jobId: string, flags: ExplainFlags): Promise<void> {
  const settings = loadSettings(flags.config);
  const kb = loadKnowledgeBase(resolveKbDir(flags.kb, settings));
  const runs = Number(flags.runs ?? 10);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs ${flags.runs}: a positive whole number of runs.`);
  const wh = await openWarehouse(resolveDbPath(flags.db), { readOnly: true });
  try {
    await prepareJobQueries(wh.conn, settings);
    const job = await findJob(wh.conn, jobId, flags.cluster ?? null);
    const unit = computeUnit(job.source);
    const findings = await findingsFor(wh.conn, settings, { cluster: job.cluster, jobId: job.job_id });
    const known = knownErrorMatcher(kb)(job);
    const history = job.job_key ? (await recentRuns(wh.conn, job.cluster, [job.job_key], runs)).get(job.job_key) ?? [] : [];

    const out: string[] = [
      `${job.job_id} on ${job.cluster}: ${job.state}${job.raw_state ? ` (${job.raw_state})` : ''}${job.exit_code != null ? `, exit code ${job.exit_code}` : ''}`,
      `  ${job.name ?? '(no name)'} — ${job.user ?? '?'}, queue ${job.queue ?? '?'}, team ${job.team}`,
      `  ran ${when(job.start_time)} to ${when(job.end_time)} (${hours(job.elapsed_s)}), ${n(job.vcore_hours, 1)} ${unit}${job.cost != null ? `, ${money(job.cost, job.currency)}` : ''}`,
    ];
    const text = [job.diagnostics, job.failure_reason].filter((t) => t).join('\n').trim();
    if (text) out.push('', 'What it said:', ...text.split('\n').slice(0, 6).map((l) => `  ${l.length > 200 ? `${l.slice(0, 200)}…` : l}`));
    out.push('');
    if (known) {
      out.push(`Known error: ${known.title} [${known.id}, ${known.severity}]`);
      if (known.ticket) out.push(`  ticket: ${known.ticket}`);
      if (known.workaround) out.push('  what to do:', ...known.workaround.trim().split('\n').map((l) => `    ${l}`));
    } else if (/FAILED|KILLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL/.test(job.state)) {
      out.push('Known error: none of the knowledge base matches. `gazette kb check` lists the commonest unmatched failures; add an entry for this one.');
    }
    out.push('', findings.length ? 'Findings:' : 'Findings: none — no heuristic flags this job.');
    for (const f of findings) out.push(`  ${f.severity.padEnd(8)}  ${f.heuristic}: ${describeFinding(f, unit)}`);
    if (history.length) {
      out.push('', `Recent runs of ${job.job_key}:`);
      for (const r of history) {
        out.push(`  ${when(r.start_time).padEnd(20)}  ${r.state.padEnd(9)}  ${hours(r.elapsed_s).padStart(8)}  ${n(r.vcore_hours, 1).padStart(10)} ${unit}  ${r.job_id}`);
      }
    }
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    wh.close();
  }
}
