/**
 * When a snapshot was taken, for formats that do not say so themselves (RM cluster metrics,
 * `hdfs dfs -du`/`-count` output, fsimage listings, a NameNode `/jmx` without a timestamp):
 * `--as-of`, else the first date (and time) in the file's name, read in the cluster's time zone.
 */
import path from 'node:path';
import { FileFormatError, type StageContext } from './source.js';

/**
 * The local date-time in a file's base name: the first YYYY-MM-DD, optionally followed by
 * `T`, `_`, `-` or a space and HHMM, HH-MM or HH:MM, optionally with seconds in the same style.
 * Returns `YYYY-MM-DD HH:MM:SS`, or undefined when the name has no date.
 */
export function snapshotTimeFromName(file: string): string | undefined {
  const name = path.basename(file);
  const re = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T_ -](\d{2})([:-]?)(\d{2})(?:\5(\d{2}))?)?(?!\d)/g;
  for (const m of name.matchAll(re)) {
    const [, y, mo, d, h = '00', , mi = '00', s = '00'] = m;
    const date = new Date(Date.UTC(+y, +mo - 1, +d));
    const valid = date.getUTCMonth() === +mo - 1 && date.getUTCDate() === +d && +h < 24 && +mi < 60 && +s < 60;
    if (!valid) throw new FileFormatError(`its name has "${m[0]}", which is not a date and time. Fix the name, or pass --as-of.`);
    return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
  }
  return undefined;
}

/**
 * The moment a snapshot was taken, as ISO 8601 text (local to the cluster unless it carries an
 * offset): `--as-of`, else the file's name. Throws, saying what to do, when neither gives one.
 * `what` names the file's kind ("a cluster metrics response"), `example` a well-named file.
 */
export function snapshotTime(ctx: Pick<StageContext, 'at' | 'file'>, what: string, example: string): string {
  const when = ctx.at ?? snapshotTimeFromName(ctx.file);
  if (when === undefined) {
    throw new FileFormatError(
      `${what} carries no date of its own, and the file's name has none. Name it with the date it was taken, in the cluster's time zone (${example}), or pass --as-of 2026-10-01.`,
    );
  }
  return when;
}

/**
 * The cluster-local date (YYYY-MM-DD) of a snapshot time as snapshotTime returns it: the date
 * written, or for a time with its own offset, that moment's date in `timezone`.
 */
export function localDate(when: string, timezone: string): string {
  const t = when.trim();
  if (!/\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)? ?(?:Z|z|[+-]\d{2}(?::?\d{2})?)$/.test(t)) return t.slice(0, 10);
  const iso = t.replace(' ', 'T').replace(/ ?([Zz]|[+-]\d{2})(:?)(\d{2})?$/, (_m, z: string, _c, mm?: string) => (/[Zz]/.test(z) ? 'Z' : `${z}:${mm ?? '00'}`));
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new FileFormatError(`--as-of ${when}: not a time.`);
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** The cluster-local date a dated snapshot (du, count, fsimage) is of. */
export function snapshotDate(ctx: Pick<StageContext, 'at' | 'file' | 'timezone'>, what: string, example: string): string {
  return localDate(snapshotTime(ctx, what, example), ctx.timezone);
}

/**
 * Source.variant for snapshots dated from outside their content (`--as-of`, else the date in the
 * file's name): the moment they are dated with. The same content dated another moment (an idle
 * cluster's numbers repeat) is another load, not a repeat of the first.
 */
export function snapshotVariant(file: string, at: string | undefined): string | undefined {
  try {
    return at ?? snapshotTimeFromName(file);
  } catch {
    return undefined; // a name with a bad date: stage() says so
  }
}
