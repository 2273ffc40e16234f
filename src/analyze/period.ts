/**
 * A reporting period: a quarter (`2026-Q3`) or a month (`2026-09`), in a cluster's time zone.
 *
 * Quarters follow the fiscal year of the settings (`fiscal_year_start_month`, 1 = calendar
 * quarters). A fiscal year is named for the calendar year it ends in: with the year starting in
 * October, 2026-Q1 is October–December 2025. Months are calendar months whatever the fiscal year.
 *
 * The calendar is date-fns on local dates; the instants (local midnight in the zone, as UTC)
 * are DuckDB's business (`timezone(zone, timestamp)`), so they agree with every other local
 * time in the warehouse.
 */
import { addMonths, differenceInCalendarDays, format, parse } from 'date-fns';
import { UsageError } from '../errors.js';

export interface Period {
  /** `2026-Q3` or `2026-09`. */
  label: string;
  kind: 'quarter' | 'month';
  /** First local day, `YYYY-MM-DD`. */
  start: string;
  /** The local day after the last, `YYYY-MM-DD`. */
  end: string;
  /** Days in the period. */
  days: number;
}

const QUARTER = /^(\d{4})-?Q([1-4])$/i;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The period a `--quarter` or `--month` value names. */
export function parsePeriod(text: string, fiscalYearStartMonth = 1): Period {
  const t = text.trim();
  const q = QUARTER.exec(t);
  if (q) return quarter(+q[1], +q[2], fiscalYearStartMonth);
  const m = MONTH.exec(t);
  if (m) return month(+m[1], +m[2]);
  throw new UsageError(`${text}: not a period. Write a quarter like 2026-Q3 or a month like 2026-09.`);
}

function quarter(fiscalYear: number, q: number, fyStart: number): Period {
  // The fiscal year `fiscalYear` starts in month fyStart of the year before it, unless it starts in January.
  const first = new Date(fyStart === 1 ? fiscalYear : fiscalYear - 1, fyStart - 1, 1);
  const start = addMonths(first, (q - 1) * 3);
  return make(`${fiscalYear}-Q${q}`, 'quarter', start, addMonths(start, 3));
}

function month(year: number, m: number): Period {
  const start = new Date(year, m - 1, 1);
  return make(`${year}-${String(m).padStart(2, '0')}`, 'month', start, addMonths(start, 1));
}

function make(label: string, kind: Period['kind'], start: Date, end: Date): Period {
  return { label, kind, start: format(start, 'yyyy-MM-dd'), end: format(end, 'yyyy-MM-dd'), days: differenceInCalendarDays(end, start) };
}

/** The period `n` periods before `p` (n = 1: the one before), of the same kind. */
export function periodBefore(p: Period, n: number, fiscalYearStartMonth = 1): Period {
  const start = addMonths(parse(p.start, 'yyyy-MM-dd', new Date(2000, 0, 1)), -n * (p.kind === 'quarter' ? 3 : 1));
  if (p.kind === 'month') return month(start.getFullYear(), start.getMonth() + 1);
  // The fiscal quarter that starts there.
  const monthsIntoYear = (start.getMonth() + 1 - fiscalYearStartMonth + 12) % 12;
  const fiscalYear = start.getFullYear() + (fiscalYearStartMonth !== 1 && start.getMonth() + 1 >= fiscalYearStartMonth ? 1 : 0);
  return quarter(fiscalYear, Math.floor(monthsIntoYear / 3) + 1, fiscalYearStartMonth);
}

/** `p` and the `n - 1` periods before it, newest first. */
export function periodsEndingWith(p: Period, n: number, fiscalYearStartMonth = 1): Period[] {
  return Array.from({ length: n }, (_, k) => (k === 0 ? p : periodBefore(p, k, fiscalYearStartMonth)));
}

/** How many periods back the same period a year earlier is. */
export const yearAgo = (p: Period) => (p.kind === 'quarter' ? 4 : 12);

const DURATION = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60e3, min: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** A moment on the command line: YYYY-MM-DD (midnight UTC) or an ISO 8601 date and time (UTC unless it says its offset). */
export function parseMoment(text: string, flag: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text.trim());
  const d = m ? new Date(`${m[1]}T${m[2] ?? '00:00'}${m[3] ?? 'Z'}`) : new Date(NaN);
  // a day that does not exist (2026-02-30) rolls over in Date: compare the day read with the day written
  const sameDay = m !== null && !Number.isNaN(d.getTime()) && new Date(`${m[1]}T00:00Z`).toISOString().slice(0, 10) === m[1];
  if (!sameDay) {
    const duration = flag === '--since' ? ', or a duration back from the window\'s end such as 24h, 7d, 90m or 2w' : '';
    throw new UsageError(`${flag} ${text}: not a ${duration ? 'duration or a ' : ''}date. Write a date YYYY-MM-DD (midnight UTC) or a date and time such as 2026-10-01T06:00Z${duration}.`);
  }
  return d;
}

/** --since: a duration back from the window's end `until` (24h, 7d, 90m, 2w) or a moment (parseMoment). */
export function parseSince(text: string, until: Date): Date {
  const m = DURATION.exec(text.trim());
  if (m) return new Date(until.getTime() - Number(m[1]) * UNIT_MS[m[2].toLowerCase()]);
  return parseMoment(text, '--since');
}
