/**
 * How the newsletter prints a number, a share, a size, a date: once, here, so the web page, the
 * email and its plain text say the same thing the same way. en-US grouping ("499,744"), shares to
 * one decimal ("10.0%"), dates in the cluster's time zone ("2 Mar 2027"). A missing value is "–".
 */

export const DASH = '–';

type Maybe = number | null | undefined;
const ok = (x: Maybe): x is number => typeof x === 'number' && Number.isFinite(x);

/** A whole number with thousands separators: 499744 → "499,744". */
export function int(x: Maybe): string {
  if (!ok(x)) return DASH;
  const r = Math.round(x);
  return (Object.is(r, -0) ? 0 : r).toLocaleString('en-US');
}

/** A number with `digits` decimals and thousands separators: 23.44 → "23.4". */
export function dec(x: Maybe, digits = 1): string {
  return ok(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : DASH;
}

/** A share as a percentage: 0.100032 → "10.0%". */
export function pct(x: Maybe, digits = 1): string {
  return ok(x) ? `${dec(x * 100, digits)}%` : DASH;
}

/** A change as a signed percentage: 0.312 → "+31.2%", -0.05 → "−5.0%". */
export function change(x: Maybe, digits = 1): string {
  if (!ok(x)) return DASH;
  const text = pct(Math.abs(x), digits);
  return x > 0 ? `+${text}` : x < 0 ? `−${text}` : text;
}

/** A share close to 1 with enough digits to differ from the target it is compared to: 0.99896 vs 0.999 → "99.896%". */
export function pctNear(x: Maybe, target: number): string {
  if (!ok(x)) return DASH;
  let digits = 2;
  while (digits < 6 && x !== target && (x * 100).toFixed(digits) === (target * 100).toFixed(digits)) digits++;
  return pct(x, digits);
}

/** Hours of a unit: 499744.2 → "499,744 vcore-hours". */
export const hours = (x: Maybe, unit: string) => (ok(x) ? `${int(x)} ${unit}` : DASH);

/** A ratio asked ÷ used: 4.04 → "4.0×", 109.3 → "109×". */
export const times = (x: Maybe) => (!ok(x) ? DASH : x >= 100 ? `${int(x)}×` : `${dec(x, 1)}×`);

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
/** Bytes in decimal units (a TB is 10^12 bytes, as the highlights and the answer key count), three significant digits: 6.6e13 → "66.0 TB". */
export function bytes(x: Maybe): string {
  if (!ok(x)) return DASH;
  let v = Math.abs(x);
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  const sign = x < 0 ? '−' : '';
  return u === 0 ? `${sign}${int(v)} bytes` : `${sign}${v >= 100 ? int(v) : dec(v, v >= 10 ? 1 : 2)} ${UNITS[u]}`;
}

/** Money in the settings' currency: 19989.8, "EUR" → "EUR 19,990". */
export const money = (x: Maybe, currency: string | undefined) => (ok(x) ? `${currency ?? ''} ${int(x)}`.trim() : DASH);

/** An instant (ISO text, UTC when it has no zone) as a date in `zone`: "2 Mar 2027". */
export function day(iso: unknown, zone: string): string {
  const d = instant(iso);
  return d ? new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short', year: 'numeric' }).format(d) : DASH;
}

/** An instant as date and time in `zone`: "14 Aug 2026, 03:10". */
export function dayTime(iso: unknown, zone: string): string {
  const d = instant(iso);
  if (!d) return DASH;
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

/** A local calendar day `YYYY-MM-DD` (no zone: it is already local) as "1 Jul 2026". */
export function localDay(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return DASH;
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(Date.UTC(+m[1], +m[2] - 1, +m[3]));
}

/** The day before a local day: a period's last day from its (exclusive) end. */
export function dayBefore(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

/** ISO text as DuckDB or JSON gives it ("2026-09-30 22:00:00", "…Z"); a string without a zone is UTC. */
function instant(iso: unknown): Date | undefined {
  if (typeof iso !== 'string' || !iso) return undefined;
  const t = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso.replace(' ', 'T')}Z`;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** "1 job", "3 jobs". */
export const count = (n: number, one: string, many = `${one}s`) => `${int(n)} ${n === 1 ? one : many}`;
