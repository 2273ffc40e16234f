/**
 * The Spark History Server's `/api/v1` responses as gazette reads them, and where they sit on disk.
 *
 *   <dir>/applications.json                     GET /api/v1/applications          (or any name: told by content)
 *   <dir>/<app-id>/allexecutors.json            GET /api/v1/applications/<app-id>/allexecutors
 *                  (or executors.json)           …/executors (live executors only)
 *   <dir>/<app-id>/jobs.json                    …/jobs
 *   <dir>/<app-id>/stages.json                  …/stages
 *   <dir>/<app-id>/environment.json             …/environment
 *   <dir>/<app-id>/<attempt-id>/…               the same, for an application whose attempts have ids
 *                                                (YARN cluster mode: …/applications/<app-id>/<attempt-id>/jobs)
 *
 * What each response is, is told from its content (the keys of its first record); the name is used
 * only where the content leaves it open (an empty list `[]`).
 */
import fs from 'node:fs';
import path from 'node:path';

export type ResponseKind = 'applications' | 'executors' | 'jobs' | 'stages' | 'environment';
/** The per-application responses, read with the application list they belong to. */
export type PartKind = Exclude<ResponseKind, 'applications'>;

/**
 * Keys that mark a record of each kind (besides its id, which a bad record may lack). Checked in
 * this order: an application record has `attempts`, a job `jobId`/`stageIds`, a stage
 * `stageId`/`numCompleteTasks`, an executor `hostPort`/`totalCores`.
 */
export const ARRAY_SIGNATURES: [ResponseKind, string[]][] = [
  ['applications', ['attempts']],
  ['jobs', ['jobId', 'stageIds']],
  ['stages', ['stageId', 'numCompleteTasks']],
  ['executors', ['hostPort', 'totalCores']],
];
/** An environment response is one object; a single application (`/applications/<id>`) one object with `attempts`. */
export const OBJECT_SIGNATURES: [ResponseKind, string[]][] = [
  ['applications', ['attempts']],
  ['environment', ['sparkProperties', 'runtime']],
];

/** The file names of each per-application response, preferred first (allexecutors counts dead executors too). */
export const PART_FILES: Record<PartKind, string[]> = {
  executors: ['allexecutors.json', 'executors.json', 'allexecutors.json.gz', 'executors.json.gz'],
  jobs: ['jobs.json', 'jobs.json.gz'],
  stages: ['stages.json', 'stages.json.gz'],
  environment: ['environment.json', 'environment.json.gz'],
};
export const PART_KINDS = Object.keys(PART_FILES) as PartKind[];
/** The kind each file name says (an empty list `[]` is told by it). */
const EMPTY_BY_NAME: Record<string, ResponseKind> = {
  'applications.json': 'applications',
  ...Object.fromEntries(PART_KINDS.flatMap((k) => PART_FILES[k].map((f) => [f.replace(/\.gz$/, ''), k]))),
};

/** The response a file's name says it is (`jobs.json` → jobs), if any. */
export function responseKindByName(name: string): ResponseKind | undefined {
  return EMPTY_BY_NAME[name.toLowerCase().replace(/\.gz$/, '')];
}

/** A response's kind from the keys of its first record (array) or of itself (object). */
export function kindOfKeys(keys: readonly string[], array: boolean): ResponseKind | undefined {
  for (const [kind, marks] of array ? ARRAY_SIGNATURES : OBJECT_SIGNATURES) {
    if (marks.some((m) => keys.includes(m))) return kind;
  }
  return undefined;
}

/** The same, as SQL over a list of key names `keys` (json_keys of the first record). */
export function kindOfKeysSql(keys: string, array: boolean): string {
  const sigs = array ? ARRAY_SIGNATURES : OBJECT_SIGNATURES;
  return `case ${sigs.map(([kind, marks]) => `when list_has_any(${keys}, [${marks.map((m) => `'${m}'`).join(', ')}]) then '${kind}'`).join(' ')} end`;
}

/**
 * What a History Server response looks like from the head of its text (detect.ts): the kind, or
 * undefined when it is not one. `name` decides only for an empty list.
 */
export function sparkHistoryKind(text: string, name: string): ResponseKind | undefined {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('[')) {
    if (/^\[\s*\]\s*$/.test(t)) return responseKindByName(name);
    const open = /^\[\s*\{/.exec(t);
    return open ? kindOfKeys(topLevelKeys(t, open[0].length - 1), true) : undefined;
  }
  return t.startsWith('{') ? kindOfKeys(topLevelKeys(t, 0), false) : undefined;
}

/**
 * The keys of the JSON object that opens at `text[start]`, as far as the text goes (a head cut off
 * mid-object gives the keys before the cut). Nested values are skipped.
 */
export function topLevelKeys(text: string, start: number): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) break;
      if (depth === 1 && expectKey) {
        try {
          keys.push(JSON.parse(text.slice(i, j + 1)) as string);
        } catch {
          return keys;
        }
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) break;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

/** Attempt directories are named for the attempt id, a number (`1`, `2`); application ids never are. */
const isAttemptDir = (name: string) => /^\d+$/.test(name);

/** Where a per-application response sits: its application id, attempt id, and the directory the application list is in. */
export function partPlace(file: string): { appId: string; attemptId?: string; listDir: string } {
  const dir = path.dirname(file);
  const name = path.basename(dir);
  if (isAttemptDir(name)) {
    const appDir = path.dirname(dir);
    return { appId: path.basename(appDir), attemptId: name, listDir: path.dirname(appDir) };
  }
  return { appId: name, listDir: path.dirname(dir) };
}

/**
 * The per-application files of an application's attempt beside a list in `listDir`: those in
 * `<app-id>/<attempt-id>/` when the attempt has an id and that directory exists, else in `<app-id>/`.
 */
export function partFiles(listDir: string, appId: string, attemptId: string | null | undefined): Partial<Record<PartKind, string>> {
  const appDir = path.join(listDir, appId);
  const attemptDir = attemptId ? path.join(appDir, attemptId) : undefined;
  const dir = attemptDir && isDir(attemptDir) ? attemptDir : appDir;
  const found: Partial<Record<PartKind, string>> = {};
  if (!isDir(dir)) return found;
  const names = new Set(fs.readdirSync(dir));
  for (const kind of PART_KINDS) {
    const name = PART_FILES[kind].find((f) => names.has(f));
    if (name) found[kind] = path.join(dir, name);
  }
  return found;
}

/** Every per-application file below `listDir` (one and two levels down), for the list's load identity. */
export function allPartFiles(listDir: string): string[] {
  const names = new Set(PART_KINDS.flatMap((k) => PART_FILES[k]));
  const out: string[] = [];
  const scan = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory() && depth < 2) scan(p, depth + 1);
      else if (e.isFile() && depth > 0 && names.has(e.name)) out.push(p);
    }
  };
  scan(listDir, 0);
  return out;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
