/**
 * The known-error knowledge base: YAML files of entries, each naming a failure by what the
 * warehouse records of a job (diagnostics text, exit code, state, source, application type)
 * and saying what it is and what to do. The built-in entries ship in `knowledge-base/` at the
 * package's top; a team's own directory adds to them, and a team entry replaces the built-in
 * one with the same id. Every problem is a UsageError naming the file and line (exit 2).
 *
 * The file format, its checks and the regex dialect are in kb-file.ts; matching in kb-match.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { SEVERITIES, type Settings, type Severity } from '../settings.js';
import { parseKbFile } from './kb-file.js';

export { SEVERITIES, type Severity };

/** What a job must show for an entry to match it: every condition given must hold. */
export interface KbMatch {
  /** A regex (RE2 and JavaScript alike; a leading `(?i)` ignores case) searched in the job's diagnostics and failure reasons. */
  diagnostics?: string;
  /** One of these exit codes. */
  exitCodes?: number[];
  /** A regex searched in what the scheduler said of the end (`raw_state`: `CANCELLED by 0`, `FINISHED/FAILED`…). */
  rawState?: string;
  /** One of these canonical states (FAILED, KILLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL…). */
  states?: string[];
  /** One of these sources of the job record (yarn, slurm, swf, spark, mapreduce, canonical), lowercase. */
  sources?: string[];
  /** One of these application types (MAPREDUCE, SPARK, SLURM…), uppercase. */
  appTypes?: string[];
}

export interface KbEntry {
  id: string;
  title: string;
  severity: Severity;
  match: KbMatch;
  /** A link to the ticket or documentation that explains the error. */
  ticket?: string;
  /** What to change, Markdown. */
  workaround?: string;
  origin: 'built-in' | 'team';
  file: string;
  line: number;
}

export interface KnowledgeBase {
  /** In precedence order: the first entry that matches a job is its known error (rankEntries). */
  entries: KbEntry[];
  /** Built-in entries a team entry of the same id replaced. */
  overridden: { builtIn: KbEntry; by: KbEntry }[];
  builtInDir: string;
  teamDir?: string;
}

/** The built-in entries, beside the compiled code's package root (dist/src/feedback → knowledge-base/). */
export const BUILTIN_KB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../knowledge-base');

/**
 * The team's knowledge base: --kb (or a command's DIR), else the settings' feedback.knowledge_base,
 * which is relative to the settings file's directory.
 */
export function resolveKbDir(flag: string | undefined, settings: Settings): string | undefined {
  const dir = settings.feedback.knowledgeBase;
  return flag ?? (dir === undefined ? undefined : path.resolve(settings.file ? path.dirname(settings.file) : '.', dir));
}

/** The YAML files of a knowledge-base directory, sorted by name. */
function kbFiles(dir: string, what: string): string[] {
  let names: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new UsageError(`${dir}: ${what} must be a directory of .yaml files.`);
    names = fs.readdirSync(dir);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${dir}: cannot read ${what} (${(e as NodeJS.ErrnoException).code}). Check the path.`);
  }
  return names.filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith('.')).sort().map((n) => path.join(dir, n));
}

function loadDir(dir: string, origin: KbEntry['origin']): KbEntry[] {
  const what = origin === 'team' ? 'the knowledge base' : 'the built-in knowledge base';
  const entries = kbFiles(dir, what).flatMap((f) => parseKbFile(fs.readFileSync(f, 'utf8'), f, origin));
  const seen = new Map<string, KbEntry>();
  for (const e of entries) {
    const first = seen.get(e.id);
    if (first) throw new UsageError(`${e.file}:${e.line}: id ${e.id} is already used at ${first.file}:${first.line}; give each entry its own id.`);
    seen.set(e.id, e);
  }
  return entries;
}

/** The built-in entries plus a team directory's (a team entry replaces the built-in one of its id). */
export function loadKnowledgeBase(teamDir?: string, builtInDir = BUILTIN_KB_DIR): KnowledgeBase {
  const builtIn = loadDir(builtInDir, 'built-in');
  const team = teamDir ? loadDir(teamDir, 'team') : [];
  const teamById = new Map(team.map((e) => [e.id, e]));
  const overridden = builtIn.filter((e) => teamById.has(e.id)).map((e) => ({ builtIn: e, by: teamById.get(e.id)! }));
  const entries = rankEntries([...builtIn.filter((e) => !teamById.has(e.id)), ...team]);
  return { entries, overridden, builtInDir, teamDir };
}

/** How many conditions an entry sets: the more, the more specific. */
export function specificity(m: KbMatch): number {
  return [m.diagnostics, m.exitCodes, m.rawState, m.states, m.sources, m.appTypes].filter((c) => c !== undefined).length;
}

/**
 * Precedence: when several entries match a job, the one first in this order is its known error —
 * the most specific (most conditions), then the most severe, then the smallest id.
 */
export function rankEntries(entries: KbEntry[]): KbEntry[] {
  return [...entries].sort(
    (a, b) =>
      specificity(b.match) - specificity(a.match) ||
      SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
