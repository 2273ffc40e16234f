/**
 * Spark 3's rolling event logs (`spark.eventLog.rolling.enabled`): one application over the
 * files of a directory, as Spark's RollingEventLogFilesWriter lays it out:
 *
 *   eventlog_v2_<app id>[_<attempt id>]/
 *     appstatus_<app id>[_<attempt id>][.inprogress]   empty; `.inprogress` until the app stops
 *     events_<index>_<app id>[_<attempt id>][.<codec>]  the events, rolled over by size, index 1, 2, …
 *     events_<index>_<app id>[…][.<codec>].compact      the History Server's compaction of the files
 *                                                       up to <index> (which it then deletes)
 *
 * The directory is read as one log: the event files in index order (numeric: events_10 after
 * events_9), from the last compact file on, as Spark's RollingEventLogFilesFileReader reads them.
 * Like Spark's reader it refuses a gap in the indexes; and a log whose first file is neither
 * index 1 nor a compact file has lost its beginning (the application's start), so it is refused
 * too, naming the missing index.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileFormatError } from './source.js';

export const ROLLING_DIR_PREFIX = 'eventlog_v2_';
const EVENTS_FILE = /^events_(\d+)_/;
const COMPACT = '.compact';
const IN_PROGRESS = '.inprogress';

export interface RollingPart {
  /** Absolute path. */
  file: string;
  name: string;
  index: number;
  compact: boolean;
}

export interface RollingLog {
  dir: string;
  /** The event files to read, in order. */
  parts: RollingPart[];
  /** The app status file says the application has not stopped (`appstatus_….inprogress`); without one, not. */
  inProgress: boolean;
}

/** A directory named as Spark names a rolling log's (the name alone; see isRollingLogDir for the check). */
export function isRollingLogDirName(name: string): boolean {
  return name.startsWith(ROLLING_DIR_PREFIX);
}

/** An existing directory named `eventlog_v2_…`. */
export function isRollingLogDir(p: string): boolean {
  if (!isRollingLogDirName(path.basename(p))) return false;
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A file inside a rolling log's directory (an `events_N_…` part or its appstatus file). */
export function isRollingLogPart(file: string): boolean {
  return isRollingLogDirName(path.basename(path.dirname(file)));
}

/** The event file's name without `.compact`, and whether it had it. */
const stripCompact = (name: string) => (name.endsWith(COMPACT) ? { base: name.slice(0, -COMPACT.length), compact: true } : { base: name, compact: false });

/** The name of an event file as a single log's would be, for telling its codec (`.compact` dropped). */
export function partCodecName(part: RollingPart): string {
  return stripCompact(part.name).base;
}

/** Read a rolling log's directory: which files to read, in which order, and whether the app is still running. */
export function rollingLog(dir: string): RollingLog {
  const names = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
  const status = names.filter((n) => n.startsWith('appstatus_'));
  const all: RollingPart[] = [];
  for (const name of names) {
    const m = EVENTS_FILE.exec(name);
    if (m) all.push({ file: path.join(dir, name), name, index: Number(m[1]), compact: stripCompact(name).compact });
  }
  const shown = `${path.basename(dir)}/`;
  if (!all.length) {
    throw new FileFormatError(`a Spark rolling event log directory (${shown}) with no events_<index>_… file in it. Check that the copy is complete.`);
  }
  // Spark's order: by index, a compact file after the plain file of the same index; then from the last compact file on.
  all.sort((a, b) => a.index - b.index || Number(a.compact) - Number(b.compact));
  let from = 0;
  all.forEach((p, i) => {
    if (p.compact) from = i;
  });
  const parts = all.slice(from);
  if (!parts[0].compact && parts[0].index !== 1) {
    throw new FileFormatError(
      `the rolling event log ${shown} starts at ${parts[0].name}: events_1 (the application's start) is missing, and no .compact file stands for it. Copy the whole directory again.`,
    );
  }
  for (let i = 1; i < parts.length; i++) {
    const want = parts[i - 1].index + 1;
    if (parts[i].index !== want) {
      const missing = parts[i].index === parts[i - 1].index ? `two event files with index ${want - 1}` : `the event file with index ${want} is missing (${parts[i - 1].name} is followed by ${parts[i].name})`;
      throw new FileFormatError(`the rolling event log ${shown} is not whole: ${missing}. Copy the whole directory again; a log with a gap is not read (the History Server refuses it too).`);
    }
  }
  return { dir, parts, inProgress: status.some((n) => n.endsWith(IN_PROGRESS)) };
}

