/**
 * One knowledge-base file: a YAML list of entries.
 *
 *   - id: hdfs-permission-denied            # lowercase letters, digits, . _ -
 *     title: HDFS refused access to a path
 *     severity: moderate                    # none | low | moderate | severe | critical
 *     match:                                # at least one; every one given must hold
 *       diagnostics: 'AccessControlException: Permission denied'   # regex
 *       exit_code: [-104, 143]              # a number or a list
 *       raw_state: '^CANCELLED by 0$'       # regex
 *       state: [FAILED]                     # a state or a list
 *       source: yarn                        # a source or a list
 *       app_type: [MAPREDUCE, SPARK]        # a type or a list
 *     ticket: https://…                     # optional
 *     workaround: |                         # optional, Markdown
 *       …
 *
 * Regexes are matched in DuckDB (RE2) and in JavaScript, so a pattern must mean the same in
 * both: the syntax they share, plus a leading `(?i)` to ignore case. JavaScript is checked here;
 * RE2 when the entries are registered with DuckDB (kb-sql.ts), with the same file:line.
 */
import YAML, { LineCounter, isMap, isSeq, type Document } from 'yaml';
import { UsageError } from '../errors.js';
import { SEVERITIES, type Severity } from '../settings.js';
import type { KbEntry, KbMatch } from './kb.js';

const ENTRY_KEYS = ['id', 'title', 'severity', 'match', 'ticket', 'workaround'];
const MATCH_KEYS = ['diagnostics', 'exit_code', 'raw_state', 'state', 'source', 'app_type'];
const ID = /^[a-z0-9][a-z0-9._-]*$/;

/** A knowledge-base regex as JavaScript runs it: a leading `(?i)` becomes the i flag. */
export function jsRegExp(pattern: string): RegExp {
  const ci = pattern.startsWith('(?i)');
  return new RegExp(ci ? pattern.slice(4) : pattern, ci ? 'i' : '');
}

/** The line of a node, or of the nearest enclosing one. */
function lineFinder(doc: Document, lc: LineCounter) {
  return (keys: (string | number)[]): number => {
    for (let n = keys.length; n >= 0; n--) {
      const node = (n ? doc.getIn(keys.slice(0, n), true) : doc.contents) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lc.linePos(node.range[0]).line;
    }
    return 1;
  };
}

export function parseKbFile(text: string, file: string, origin: KbEntry['origin']): KbEntry[] {
  const lc = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    throw new UsageError(`${file}:${err.linePos?.[0]?.line ?? 1}: not valid YAML: ${err.message.split('\n')[0]}`);
  }
  const lineOf = lineFinder(doc, lc);
  const bad = (keys: (string | number)[], what: string): never => {
    throw new UsageError(`${file}:${lineOf(keys)}: ${what}. See the README's "Known errors: the knowledge base".`);
  };
  if (doc.contents === null) return [];
  if (!isSeq(doc.contents)) bad([], 'a knowledge-base file is a list of entries (each starting "- id: …")');

  return (doc.contents as { items: unknown[] }).items.map((_, i): KbEntry => {
    const at = (...k: (string | number)[]) => [i, ...k];
    const node = doc.getIn([i], true);
    if (!isMap(node)) return bad(at(), `entry ${i + 1} must be a mapping (id, title, severity, match, ticket, workaround)`);
    const raw = node.toJSON() as Record<string, unknown>;
    for (const k of Object.keys(raw)) {
      if (!ENTRY_KEYS.includes(k)) bad(at(k), `${k} is not a key of an entry (known: ${ENTRY_KEYS.join(', ')})`);
    }
    const text = (k: string, required = true): string | undefined => {
      const v = raw[k];
      if (v === undefined || v === null) return required ? bad(at(), `${k} is missing`) : undefined;
      if (typeof v !== 'string' || !v.trim()) return bad(at(k), `${k} must be a non-empty string (got ${JSON.stringify(v)})`);
      return v.trim();
    };
    const id = text('id')!;
    if (!ID.test(id)) bad(at('id'), `id must be lowercase letters, digits, ".", "_" or "-" (got "${id}")`);
    const severity = text('severity')! as Severity;
    if (!SEVERITIES.includes(severity)) bad(at('severity'), `severity must be one of ${SEVERITIES.join(', ')} (got "${severity}")`);
    const ticket = text('ticket', false);
    if (ticket !== undefined && !/^https?:\/\/\S+$/.test(ticket)) bad(at('ticket'), `ticket must be an http(s) link (got "${ticket}")`);
    return {
      id,
      title: text('title')!,
      severity,
      match: parseMatch(raw.match, (keys, what) => bad(at('match', ...keys), what)),
      ticket,
      workaround: text('workaround', false),
      origin,
      file,
      line: lineOf(at()),
    };
  });
}

type Bad = (keys: (string | number)[], what: string) => never;

function parseMatch(v: unknown, bad: Bad): KbMatch {
  if (v === undefined || v === null) return bad([], 'match is missing: say what a job must show (diagnostics, exit_code, raw_state, state, source, app_type)');
  if (typeof v !== 'object' || Array.isArray(v)) return bad([], 'match must be a mapping (diagnostics, exit_code, raw_state, state, source, app_type)');
  const m = v as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!MATCH_KEYS.includes(k)) bad([k], `match.${k} is not a condition gazette knows (known: ${MATCH_KEYS.join(', ')})`);
  const regex = (k: string): string | undefined => {
    const p = m[k];
    if (p === undefined || p === null) return undefined;
    if (typeof p !== 'string' || !p) return bad([k], `match.${k} must be a regex in quotes (got ${JSON.stringify(p)})`);
    try {
      jsRegExp(p);
    } catch (e) {
      bad([k], `match.${k} is not a valid regex: ${(e as Error).message}`);
    }
    return p;
  };
  const list = <T>(k: string, ok: (x: unknown) => x is T, what: string, norm: (x: T) => T = (x) => x): T[] | undefined => {
    const x = m[k];
    if (x === undefined || x === null) return undefined;
    const items = Array.isArray(x) ? x : [x];
    if (!items.length) return bad([k], `match.${k} is an empty list: leave it out to match any`);
    return items.map((y, j) => (ok(y) ? norm(y) : bad(Array.isArray(x) ? [k, j] : [k], `match.${k} must be ${what} or a list of them (got ${JSON.stringify(y)})`)));
  };
  const isInt = (x: unknown): x is number => Number.isInteger(x);
  const isWord = (x: unknown): x is string => typeof x === 'string' && /^[A-Za-z0-9_.-]+$/.test(x);
  const match: KbMatch = {
    diagnostics: regex('diagnostics'),
    exitCodes: list('exit_code', isInt, 'a whole number'),
    rawState: regex('raw_state'),
    states: list('state', isWord, 'a state such as FAILED', (s) => s.toUpperCase()),
    sources: list('source', isWord, 'a source such as yarn or slurm', (s) => s.toLowerCase()),
    appTypes: list('app_type', isWord, 'an application type such as SPARK', (s) => s.toUpperCase()),
  };
  for (const k of Object.keys(match) as (keyof KbMatch)[]) if (match[k] === undefined) delete match[k];
  if (!Object.keys(match).length) bad([], 'match gives no condition: add diagnostics, exit_code, raw_state, state, source or app_type');
  return match;
}
