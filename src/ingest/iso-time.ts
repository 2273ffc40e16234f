/**
 * ISO 8601 times as people write them in hand-kept files and options — `2026-08-12T03:40:00+02:00`,
 * `2026-08-12 03:40`, `2026-08-12` — to UTC timestamps, in SQL. A time with its own offset (`Z`,
 * `+02:00`, `-0500`) is absolute; one without is local to the cluster's time zone.
 */

/** An offset after a time of day (a bare date's `-12` is not one). */
const OFFSET = '[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.][0-9]+)?)? ?(?:Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)$';

/** The shape accepted: a date, optionally a time (minutes or seconds), optionally an offset. */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)? ?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * SQL: the UTC timestamp of text `x` (an expression), local times read in zone `tz` (an
 * expression, usually a parameter). Null when `x` is not such a time.
 */
export function isoTimeSql(x: string, tz = '$tz'): string {
  // DuckDB reads an offset only after seconds: 03:40Z → 03:40:00Z.
  const withSeconds = `regexp_replace(${x}, '^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2})( ?[Zz+-])', '\\1:00\\2')`;
  return `(case when regexp_matches(${x}, '${OFFSET}') then cast(try_cast(${withSeconds} as timestamptz) as timestamp)
    else cast(timezone(${tz}, try_cast(${x} as timestamp)) as timestamp) end)`;
}
