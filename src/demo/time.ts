/** Wall-clock helpers for the demo generator: local times in a cluster's zone, from UTC instants. */

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

/** The zone's offset from UTC at an instant, cached by UTC hour (zones here change offset on the hour). */
const offsets = new Map<string, number>();
function offsetMs(ms: number, tz: string): number {
  const hour = Math.floor(ms / 3600_000);
  const key = `${tz}@${hour}`;
  let off = offsets.get(key);
  if (off === undefined) {
    const p: Record<string, string> = {};
    for (const x of formatter(tz).formatToParts(new Date(hour * 3600_000))) p[x.type] = x.value;
    off = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - hour * 3600_000;
    offsets.set(key, off);
  }
  return off;
}

export function localTime(ms: number, tz: string): LocalTime {
  const d = new Date(ms + offsetMs(ms, tz));
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(),
    minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay(),
  };
}

export const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-07-01T13:05:09`, the local wall time as sacct prints it. */
export function localStamp(ms: number, tz: string): string {
  const t = localTime(ms, tz);
  return `${t.year}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
}

/** `2026-07-01`, the local date. */
export function localDate(ms: number, tz: string, sep = '-'): string {
  const t = localTime(ms, tz);
  return `${t.year}${sep}${pad(t.month)}${sep}${pad(t.day)}`;
}

/** The UTC instant of a local wall time (the earlier one where the wall time repeats). */
export function zonedInstant(tz: string, y: number, m: number, d: number, h = 0, mi = 0, s = 0): number {
  const want = Date.UTC(y, m - 1, d, h, mi, s);
  let guess = want;
  for (let i = 0; i < 3; i++) {
    const t = localTime(guess, tz);
    const got = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
    if (got === want) break;
    guess += want - got;
  }
  // Prefer the earlier instant when the wall time happens twice (autumn).
  const earlier = guess - 3600_000;
  const e = localTime(earlier, tz);
  if (Date.UTC(e.year, e.month - 1, e.day, e.hour, e.minute, e.second) === want) return earlier;
  return guess;
}

/**
 * Whether a local wall time printed for this instant means two instants (the repeated hour when
 * clocks go back). sacct prints such times without an offset, so no reader can tell them apart; the
 * generator moves events out of that hour so the answer key is exact.
 */
export function ambiguousLocal(ms: number, tz: string): boolean {
  const a = localStamp(ms, tz);
  return a === localStamp(ms + 3600_000, tz) || a === localStamp(ms - 3600_000, tz);
}

export const DAY_MS = 86_400_000;
