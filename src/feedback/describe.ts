/**
 * Findings in words, for `gazette explain` and the feedback emails alike: each heuristic's title,
 * the numbers its finding rests on as one sentence, and what the owner can do about it — with a
 * figure to ask for where the finding gives one (a memory size, a time limit).
 */
import type { HeuristicName } from '../settings.js';
import type { Finding } from './heuristics.js';

/** One formatter per number of digits: toLocaleString builds a new one each call, a hundred times slower. */
const FORMATS = new Map<number, Intl.NumberFormat>();
export function n(v: number | null | undefined, digits = 0): string {
  if (v == null) return '?';
  let f = FORMATS.get(digits);
  if (!f) FORMATS.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(v);
}
export const pct = (v: number | null | undefined, digits = 1) => (v == null ? '?' : `${n(100 * v, digits)}%`);
/** An ISO instant as "YYYY-MM-DD HH:MM UTC". */
export const when = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'unknown');
/** A duration in minutes under an hour, else hours. */
export const hours = (s: number | null | undefined) => (s == null ? '?' : s < 3600 ? `${n(s / 60, 1)} min` : `${n(s / 3600, 1)} h`);
/** An amount of money as the newsletter writes it ("EUR 12.34"), to the cent: a job's cost can be small. */
export const money = (v: number | null | undefined, currency: string | null | undefined) => (v == null || !currency ? undefined : `${currency} ${n(v, 2)}`);

/** Each heuristic's finding, as a heading. */
export const HEURISTIC_TITLES: Record<HeuristicName, string> = {
  chronic_failure: 'Fails run after run',
  failure_burn_share: 'Its failed runs burn cluster capacity',
  memory_over_request: 'Asks for far more memory than it uses',
  time_limit_over_request: 'Time limit far above the run time',
  queue_wait: 'Long wait in the queue',
  superuser: 'Runs as a superuser account',
  gc_share: 'Heavy garbage collection',
  task_failure_rate: 'Many failed tasks',
  task_skew: 'Skewed tasks: one runs far longer than the rest',
  spill: 'Heavy spill to disk',
};

/** One sentence of the numbers a heuristic's finding rests on; `unit` names the compute (vcore-hours, CPU-hours). */
export function describeFinding(f: Finding, unit = 'vcore-hours'): string {
  switch (f.heuristic) {
    case 'chronic_failure':
      return `${n(f.numbers.streak)} failed runs in a row since ${when(f.numbers.streak_since)}, burning ${n(f.numbers.vcore_hours, 1)} ${unit}`;
    case 'failure_burn_share':
      return `its failed runs since ${when(f.numbers.window_start)} (${n(f.numbers.failed_runs)} of ${n(f.numbers.runs)}) burned ${n(f.numbers.failed_vcore_hours, 1)} ${unit}, ${pct(f.numbers.share_of_capacity, 2)} of the cluster`;
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

/** A memory size to ask for: what was used and a quarter more, up to a whole 512 MB. */
export function suggestedMemoryMb(usedMb: number): number {
  return Math.ceil((usedMb * 1.25) / 512) * 512;
}

/** A time limit to ask for: the run time and half again, up to a whole quarter hour; as Slurm's [D-]HH:MM:SS. */
export function suggestedTimeLimit(elapsedHours: number): string {
  const quarters = Math.max(1, Math.ceil(elapsedHours * 1.5 * 4));
  const days = Math.floor(quarters / 96);
  const h = Math.floor((quarters % 96) / 4);
  const m = (quarters % 4) * 15;
  const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
  return days ? `${days}-${hhmm}` : hhmm;
}

/** What the owner can do about a finding. */
export function adviceFor(f: Finding): string {
  switch (f.heuristic) {
    case 'chronic_failure':
      return `Pause its schedule until the cause is fixed: every failed run burns capacity and fixes nothing. Start from the first failure of the streak (${when(f.numbers.streak_since)}): what changed then?`;
    case 'failure_burn_share':
      return 'Fix or stop the failing runs: retrying a failure that repeats takes capacity from every other team.';
    case 'memory_over_request': {
      const mb = suggestedMemoryMb(f.numbers.used_mb);
      if (f.numbers.basis.startsWith('MapReduce')) {
        return `Set mapreduce.map.memory.mb and mapreduce.reduce.memory.mb to about ${n(mb)} MB (its tasks used ${n(f.numbers.used_mb)} MB), with -Xmx in mapreduce.map.java.opts and mapreduce.reduce.java.opts at about 80% of that.`;
      }
      if (f.numbers.basis.startsWith('Spark')) {
        return `Ask for executors of about ${n(mb)} MB in all — spark.executor.memory plus spark.executor.memoryOverhead — as its executors peaked at ${n(f.numbers.used_mb)} MB.`;
      }
      return `Ask for about ${n(Math.ceil(mb / 1024))} GB (sbatch --mem=${Math.ceil(mb / 1024)}G): its largest step used ${n(f.numbers.used_mb)} MB. Memory asked for and not used is kept from other jobs, and yours wait longer to start.`;
    }
    case 'time_limit_over_request':
      return `Set the time limit to about ${suggestedTimeLimit(f.numbers.elapsed_hours)} (sbatch --time): a limit near the run time lets the scheduler backfill the job into gaps, so it starts sooner.`;
    case 'queue_wait':
      return 'Smaller requests start sooner (the scheduler backfills them). If the wait recurs, ask the platform team about the queue\'s limits or a better-suited queue.';
    case 'superuser':
      return `Run it under its team's own service account: ${f.numbers.user} bypasses permission and quota checks, so one mistake can damage other teams' data, and its use is charged to no team.`;
    case 'gc_share':
      return 'Give each executor (or task) more heap, or run fewer tasks at once in it (spark.executor.cores); cache less, or cache serialized. Over a tenth of task time in GC means the heap is too small for what it holds.';
    case 'task_failure_rate':
      return `Read the failed tasks' errors (gazette explain ${f.jobId}, or the application's history page): retries hide the failures, but each one runs the work again.`;
    case 'task_skew':
      return 'Spread the data evenly over the tasks: repartition on a better-spread key, salt the hot keys, or let Spark split skewed joins (spark.sql.adaptive.skewJoin.enabled).';
    case 'spill':
      return 'Give the map-side sort more room (mapreduce.task.io.sort.mb), add a combiner, or compress map output (mapreduce.map.output.compress): every spill writes the records to disk again.';
  }
}
