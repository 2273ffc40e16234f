/** gazette figures: every figure set of a period, per cluster, as JSON. */
import { UsageError } from '../errors.js';
import { loadSettings, type Settings } from '../settings.js';
import { openWarehouse, resolveDbPath } from '../warehouse/open.js';
import { clustersWithJobs, computeFigures, type Figures } from '../analyze/figures.js';
import { parsePeriod, type Period } from '../analyze/period.js';
import { writeFileAtomic } from '../deliver/atomic-write.js';

export interface FiguresFlags {
  db?: string;
  config?: string;
  quarter?: string;
  month?: string;
  cluster?: string;
  out?: string;
  /** DuckDB threads (default: DuckDB's, one per core). */
  threads?: string;
}

/** What a command that shows a period's figures needs from its flags. */
export type PeriodFlags = Pick<FiguresFlags, 'db' | 'config' | 'quarter' | 'month' | 'cluster' | 'threads'>;

export interface PeriodFigures {
  settings: Settings;
  period: Period;
  figures: Figures;
}

/**
 * The figures of the period and cluster(s) the flags name, from the warehouse (read-only): the
 * one path from flags to the figures object, shared by `gazette figures` and `gazette report`.
 */
export async function periodFigures(flags: PeriodFlags): Promise<PeriodFigures> {
  if (!flags.quarter === !flags.month) throw new UsageError('name the period: --quarter 2026-Q3 or --month 2026-09 (one of them).');
  const settings = loadSettings(flags.config);
  const period = flags.quarter
    ? parsePeriod(flags.quarter, settings.fiscalYearStartMonth)
    : parsePeriod(flags.month!, settings.fiscalYearStartMonth);
  if ((flags.quarter && period.kind !== 'quarter') || (flags.month && period.kind !== 'month')) {
    throw new UsageError(`${flags.quarter ? `--quarter ${flags.quarter}: not a quarter; write it like 2026-Q3` : `--month ${flags.month}: not a month; write it like 2026-09`}.`);
  }
  const threads = flags.threads === undefined ? undefined : Number(flags.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 1024)) {
    throw new UsageError(`--threads ${flags.threads}: must be a whole number from 1 to 1024.`);
  }
  const wh = await openWarehouse(resolveDbPath(flags.db), { readOnly: true });
  try {
    if (threads !== undefined) await wh.conn.run(`set threads = ${threads}`);
    const known = await clustersWithJobs(wh.conn);
    if (flags.cluster && !known.includes(flags.cluster)) {
      throw new UsageError(`--cluster ${flags.cluster}: the warehouse has no jobs of it${known.length ? ` (it has: ${known.join(', ')})` : ''}.`);
    }
    if (!known.length) throw new UsageError('the warehouse has no jobs yet: load some history first (gazette ingest …).');
    const figures = await computeFigures(wh.conn, settings, period, flags.cluster ? [flags.cluster] : known);
    return { settings, period, figures };
  } finally {
    wh.close();
  }
}

/** The figures as `gazette figures` prints them and `figures.json` holds them. */
export const figuresJson = (figures: Figures) => `${JSON.stringify(figures, null, 2)}\n`;

export async function runFigures(flags: FiguresFlags): Promise<void> {
  const { figures } = await periodFigures(flags);
  const json = figuresJson(figures);
  if (flags.out) writeFileAtomic(flags.out, json);
  else process.stdout.write(json);
}
