/**
 * gazette explain JOB-ID: the diagnosis of one job in the terminal — how it ended, the known error
 * its diagnostics match (ticket and workaround), every heuristic's finding with its numbers, and
 * the recent runs of its recurring job. The same findings the feedback emails carry.
 */
import { computeUnit } from '../analyze/figures.js';
import { FailureError, UsageError } from '../errors.js';
import { knownErrorMatcher } from '../feedback/kb-match.js';
import { loadKnowledgeBase, resolveKbDir } from '../feedback/kb.js';
import { findingsFor, type Finding } from '../feedback/heuristics.js';
import { loadSettings } from '../settings.js';
import { openWarehouse, resolveDbPath } from '../warehouse/open.js';
import { runSqlFile } from '../warehouse/run-sql-file.js';
import { registerSettingsTables } from '../warehouse/settings-tables.js';

export interface ExplainFlags {
  db?: string;
  config?: string;
  cluster?: string;
  kb?: string;
  runs?: string;
}

interface JobRow {
  cluster: string; job_id: string; source: string; name: string | null; job_key: string | null; user: string | null;
  queue: string | null; account: string | null; app_type: string | null; state: string; raw_state: string | null;
  exit_code: number | null; diagnostics: string | null; failure_reason: string | null; team: string;
  submit_time: string | null; start_time: string | null; end_time: string | null; elapsed_s: number | null; vcore_hours: number | null;
}

interface RunRow {
  job_id: string; state: string; start_time: string | null; end_time: string | null; elapsed_s: number | null; vcore_hours: number | null;
}

const n = (v: number | null | undefined, digits = 0) =>
  v == null ? '?' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (v: number | null | undefined, digits = 1) => (v == null ? '?' : `${n(100 * v, digits)}%`);
const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'unknown');
const hours = (s: number | null | undefined) => (s == null ? '?' : s < 3600 ? `${n(s / 60, 1)} min` : `${n(s / 3600, 1)} h`);

/** One line of numbers a heuristic's finding rests on. */
function describeFinding(f: Finding): string {
  switch (f.heuristic) {
    case 'chronic_failure':
      return `${n(f.numbers.streak)} failed runs in a row since ${when(f.numbers.streak_since)}, burning ${n(f.numbers.vcore_hours, 1)} vcore-hours`;
    case 'failure_burn_share':
      return `its failed runs since ${when(f.numbers.window_start)} (${n(f.numbers.failed_runs)} of ${n(f.numbers.runs)}) burned ${n(f.numbers.failed_vcore_hours, 1)} vcore-hours, ${pct(f.numbers.share_of_capacity, 2)} of the cluster`;
    case 'memory_over_request':
      return `asked ${n(f.numbers.asked_mb)} MB, used ${n(f.numbers.used_mb)} MB (${n(f.numbers.ratio, 1)}×, ${f.numbers.basis}): ${n(f.numbers.unused_gb_hours, 1)} GB-hours held and not used`;
    case 'time_limit_over_request':
      return `time limit ${n(f.numbers.time_limit_hours, 1)} h for a run of ${n(f.numbers.elapsed_hours, 2)} h (${n(f.numbers.ratio, 1)}×)`;
    case 'queue_wait':
      return `waited ${n(f.numbers.wait_hours, 1)} h in the queue`;
    case 'superuser':
      return `ran as ${f.numbers.user}, a platform account that bypasses permission and quota checks`;
    case 'gc_share':
      return `garbage collection took ${pct(f.numbers.gc_share)} of task time (${n(f.numbers.gc_time_s)} of ${n(f.numbers.task_time_s)} s)`;
    case 'task_failure_rate':
      return `${n(f.numbers.failed_tasks)} of ${n(f.numbers.tasks)} tasks failed (${pct(f.numbers.task_failure_rate)})`;
    case 'task_skew':
      return `in stage ${f.numbers.stage_name ?? f.numbers.stage_id}, the longest task ran ${n(f.numbers.max_over_median, 1)}× the median (${n(f.numbers.max_task_s)} s against ${n(f.numbers.median_task_s, 1)} s)`;
    case 'spill':
      return `spilled ${n(f.numbers.spilled_per_output_record, 1)} records per map output record`;
  }
}

export async function runExplain(jobId: string, flags: ExplainFlags): Promise<void> {
  const settings = loadSettings(flags.config);
  const kb = loadKnowledgeBase(resolveKbDir(flags.kb, settings));
  const runs = Number(flags.runs ?? 10);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs ${flags.runs}: a positive whole number of runs.`);
  const wh = await openWarehouse(resolveDbPath(flags.db), { readOnly: true });
  try {
    await registerSettingsTables(wh.conn, settings);
    const found = await runSqlFile<JobRow>(wh.conn, 'job_to_explain', { job_id: jobId, cluster: flags.cluster ?? null });
    if (!found.length) {
      throw new FailureError(`${jobId}: no such job${flags.cluster ? ` on cluster ${flags.cluster}` : ''} in the warehouse. Load its history first (gazette ingest), or check the id.`);
    }
    if (found.length > 1) {
      throw new UsageError(`${jobId}: a job of this id is on ${found.map((j) => j.cluster).join(', ')}; say which with --cluster.`);
    }
    const job = found[0];
    const unit = computeUnit(job.source);
    const findings = await findingsFor(wh.conn, settings, { cluster: job.cluster, jobId: job.job_id });
    const known = knownErrorMatcher(kb)(job);
    const history = job.job_key ? await runSqlFile<RunRow>(wh.conn, 'job_key_recent_runs', { cluster: job.cluster, job_key: job.job_key, runs }) : [];

    const out: string[] = [
      `${job.job_id} on ${job.cluster}: ${job.state}${job.raw_state ? ` (${job.raw_state})` : ''}${job.exit_code != null ? `, exit code ${job.exit_code}` : ''}`,
      `  ${job.name ?? '(no name)'} — ${job.user ?? '?'}, queue ${job.queue ?? '?'}, team ${job.team}`,
      `  ran ${when(job.start_time)} to ${when(job.end_time)} (${hours(job.elapsed_s)}), ${n(job.vcore_hours, 1)} ${unit}`,
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
    for (const f of findings) out.push(`  ${f.severity.padEnd(8)}  ${f.heuristic}: ${describeFinding(f)}`);
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
