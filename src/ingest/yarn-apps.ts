/**
 * YARN ResourceManager `/ws/v1/cluster/apps` responses (and a single `/apps/{id}` response),
 * plain or gzipped. DuckDB reads the file and parses it once, straight into typed rows; each
 * app is mapped in SQL.
 *
 * Times are epoch milliseconds (UTC); running apps report finishedTime 0; finished apps may
 * report allocatedMB/allocatedVCores -1 (that is "not allocated now", not a size).
 * vcoreSeconds / memorySeconds are the aggregate resource use. FINISHED+FAILED is a failure,
 * KILLED is killed. Every other field is kept in `extra`.
 */
import { readHead } from './read-head.js';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { FileFormatError, noRows, type GroupFile, type Select, type Source, type StageContext, type Staged } from './source.js';
import { JOBS } from './targets.js';

/** App fields read into columns (as text, so a bad value is a reject, not a failed file). */
const FIELDS = [
  'id', 'name', 'user', 'queue', 'applicationType', 'state', 'finalStatus', 'startedTime', 'launchTime',
  'finishedTime', 'elapsedTime', 'allocatedMB', 'allocatedVCores', 'vcoreSeconds', 'memorySeconds',
  'diagnostics', 'applicationTags',
];
/** Of those, the ones that must be numbers when present. */
const NUMERIC = ['startedTime', 'launchTime', 'finishedTime', 'elapsedTime', 'allocatedMB', 'allocatedVCores', 'vcoreSeconds', 'memorySeconds'];
/**
 * Fields kept in `extra` although read for a column: allocatedMB/allocatedVCores are the app's
 * allocation *now*, a column only while it runs (finished apps report -1, 0 or a stale value).
 */
const ALSO_EXTRA = ['allocatedMB', 'allocatedVCores'];

/** A numeric field as a number: cast once per app, in the SELECT under the mapping (`n_<field>`). */
const ms = (f: string) => `n_${f}`;
const ts = (f: string) => `case when ${ms(f)} > 0 then make_timestamp(try_cast(${ms(f)} * 1000 as bigint)) end`;
const q = (k: string) => `"${k.replace(/"/g, '""')}"`;
/**
 * The app's state (`st`, computed once under the mapping). A CASE of single values: DuckDB turns an
 * IN list of five into a join.
 */
const STATE = `case a.state
           when 'FINISHED' then case a.finalStatus when 'SUCCEEDED' then 'SUCCEEDED' when 'FAILED' then 'FAILED' when 'KILLED' then 'KILLED' else 'UNKNOWN' end
           when 'FAILED' then 'FAILED'
           when 'KILLED' then 'KILLED'
           when 'RUNNING' then 'RUNNING'
           when 'NEW' then 'PENDING' when 'NEW_SAVING' then 'PENDING' when 'SUBMITTED' then 'PENDING' when 'ACCEPTED' then 'PENDING'
           else 'UNKNOWN'
         end`;
/** Running or waiting to: its allocation is a size (RUNNING, NEW, NEW_SAVING, SUBMITTED, ACCEPTED). */
const UNFINISHED = `st in ('RUNNING', 'PENDING')`;

/** How much of the (decompressed) response is looked at to learn its shape and its apps' fields. */
const PEEK_BYTES = 1 << 20;

export type Shape = 'list' | 'one-in-apps' | 'one' | 'empty';

/**
 * The response's shape and the fields its apps have, from its first megabyte: `{"apps":{"app":[…]}}`,
 * Jettison's single-element `{"apps":{"app":{…}}}`, `{"app":{…}}`, or `{"apps":null}`.
 */
export async function peekResponse(file: string): Promise<{ shape: Shape | undefined; keys: string[] }> {
  return responseShape(await readHead(file, PEEK_BYTES));
}

/** peekResponse on the first part of a response, as text. */
export function responseShape(text: string): { shape: Shape | undefined; keys: string[] } {
  if (/^\s*\{\s*"apps"\s*:\s*null\s*\}/.test(text)) return { shape: 'empty', keys: [] };
  const m = /"(apps?)"\s*:\s*([[{])/.exec(text);
  if (!m) return { shape: undefined, keys: [] };
  let shape: Shape;
  let at = m.index + m[0].length - 1;
  if (m[1] === 'apps') {
    const inner = /^\{\s*"app"\s*:\s*([[{])/.exec(text.slice(at));
    if (!inner) return { shape: /^\{\s*\}/.test(text.slice(at)) ? 'empty' : undefined, keys: [] };
    shape = inner[1] === '[' ? 'list' : 'one-in-apps';
    at += inner[0].length - 1;
  } else {
    if (m[2] !== '{') return { shape: undefined, keys: [] };
    shape = 'one';
  }
  const keys = new Set<string>();
  let from = shape === 'list' ? at + 1 : at;
  if (shape === 'list') {
    const upTo = completeAppsEnd(text, from);
    // The apps before upTo, parsed at once: JSON.parse is far faster than finding each app's end
    // a character at a time (a megabyte: ~7 against ~15 ms). It fails if upTo is inside an app.
    let apps: unknown[] | undefined;
    try {
      apps = upTo ? (JSON.parse(`[${text.slice(from, upTo)}]`) as unknown[]) : undefined;
    } catch {
      apps = undefined;
    }
    if (upTo && apps?.every((a) => typeof a === 'object' && a !== null && !Array.isArray(a))) {
      for (const app of apps) for (const k of Object.keys(app as object)) keys.add(k);
      from = upTo; // the apps after it one by one, as below
    }
  }
  for (const obj of topLevelObjects(text, from, shape === 'list')) {
    try {
      for (const k of Object.keys(JSON.parse(obj))) keys.add(k);
    } catch {
      break;
    }
  }
  return { shape, keys: [...keys] };
}

/**
 * Where the last app in `text` that starts as the first one does (`},{"id":`: the RM writes an
 * app's fields in one order) begins, if anywhere: every app before it is complete. A nested
 * object starting so makes the apps before it fail to parse, and the caller reads them one by one.
 */
function completeAppsEnd(text: string, from: number): number | undefined {
  const first = /^\s*\{\s*("[^"\\]*(?:\\[\s\S][^"\\]*)*")\s*:/.exec(text.slice(from, from + 4096));
  if (!first) return undefined;
  const next = new RegExp(`\\}\\s*,\\s*\\{\\s*${first[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`, 'g');
  next.lastIndex = from;
  let upTo: number | undefined;
  for (let m = next.exec(text); m; m = next.exec(text)) upTo = m.index + 1;
  return upTo;
}

/** The JSON objects of an array starting at `from` (or the one object there), as long as they are complete in `text`. */
function* topLevelObjects(text: string, from: number, many: boolean): Generator<string> {
  let i = from;
  while (i < text.length) {
    while (i < text.length && /[\s,]/.test(text[i])) i++;
    if (text[i] !== '{') return;
    let depth = 0;
    let inString = false;
    const start = i;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if ((c === '}' || c === ']') && --depth === 0) break;
    }
    if (i >= text.length) return;
    yield text.slice(start, ++i);
    if (!many) return;
  }
}

export const yarnApps: Source = {
  format: 'yarn-apps',
  target: JOBS,
  extensions: ['.json', '.json.gz'],
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    const { shape, keys } = await peekResponse(ctx.file);
    if (!shape) throw new FileFormatError(NOT_APPS);
    if (shape === 'empty') {
      await conn.run(`select count(*) from read_json_objects($file, format = 'auto')`, { file: ctx.file }); // still must be whole JSON
      return noRows(JOBS);
    }
    return { rejects: 'in-rows', rows: appsMapping([ctx], { shape, keys }, ctx.cluster, '', false) };
  },
  // Groups of three or four responses of 10,000 apps (five or six make a merge batch): larger ones saved
  // little more CPU and took more memory (1M apps, peak RSS: 1.24–1.37 GB in groups of 40 MB,
  // 1.31–1.44 in groups of 64 MB, 1.6–1.7 in groups of 256 MB).
  maxGroupBytes: 40 << 20,
  /**
   * Responses staged together: one statement for them all costs far less than one each (1M apps in
   * 100 responses: about a fifth less CPU), planning aside — each statement compiles its regular
   * expressions and warms their automata again. Files are read in sets of the same shape and fields,
   * each set mapped exactly as a file alone would be, so a file's rows do not depend on its group.
   * A response that is empty or not one is left to `stage` (the group is staged file by file).
   */
  async stageMany(ctx, files) {
    const sets = new Map<string, { peek: { shape: Shape; keys: string[] }; files: (GroupFile & { input: number })[] }>();
    if (new Set(files.map((f) => f.file)).size < files.length) throw new FileFormatError('the same file twice in one group');
    for (const [input, f] of files.entries()) {
      const { shape, keys } = await peekResponse(f.file);
      if (!shape || shape === 'empty') throw new FileFormatError(NOT_APPS);
      const sig = JSON.stringify([shape, keys, f.file.endsWith('.gz')]);
      const set = sets.get(sig) ?? sets.set(sig, { peek: { shape, keys }, files: [] }).get(sig)!;
      set.files.push({ ...f, input });
    }
    const parts = [...sets.values()].map((set, i) => appsMapping(set.files, set.peek, ctx.cluster, `s${i}_`, true));
    return {
      rejects: 'in-rows',
      rows: { sql: parts.map((x) => x.sql).join('\n union all \n'), params: Object.assign({}, ...parts.map((x) => x.params)) },
    };
  },
};

const NOT_APPS =
  'not a ResourceManager apps response (no "apps": {"app": [...]} or "app": {...} at its start). Check the file came from /ws/v1/cluster/apps, or pass the right --format.';

/**
 * SQL: a comma-separated tag list (applicationTags) as a list of tags, each without the spaces
 * around it, empty ones left out; null for a blank list. A list with no space and no empty tag,
 * which is what YARN writes, is split as it is: the same tags as the regular expression's, for a
 * quarter of its cost (1M bench apps: 0.38 against 0.10 CPU-s).
 */
export const splitTags = (t: string) =>
  `case when ltrim(${t}) <> '' then
     case when contains(${t}, ' ') or contains(${t}, ',,') or starts_with(${t}, ',') or ends_with(${t}, ',')
          then regexp_extract_all(${t}, '[^, ][^,]*[^, ]|[^, ]') else string_split(${t}, ',') end end`;

/**
 * The SELECT mapping responses of one shape and set of fields (as peeked) to job rows, rejects in
 * them (`_reason`, `_raw`); with `grouped`, each row tagged with its file's `input`. Its parameters
 * are named with `p` before them, so that several can be joined in one statement.
 */
function appsMapping(
  files: { file: string; size: number; input?: number }[],
  { shape, keys }: { shape: Shape; keys: string[] },
  cluster: string,
  p: string,
  grouped: boolean,
): Select {
  const extraKeys = [...keys.filter((k) => !FIELDS.includes(k)), ...ALSO_EXTRA.filter((k) => keys.includes(k))];
  // DuckDB struct fields are case-insensitive, JSON keys are not (the Hadoop docs' example has both
  // amNodeLabelExpression and amnodeLabelExpression): keys that differ only in case go to a second
  // parse, `b`. Almost every file needs only the one parse, `a`.
  const groups: Record<string, string>[] = [];
  const where = new Map<string, number>();
  for (const [k, type] of [...FIELDS.map((f) => [f, 'VARCHAR']), ...keys.filter((k) => !FIELDS.includes(k)).map((k) => [k, 'JSON'])]) {
    const g = groups.findIndex((grp) => !Object.keys(grp).some((x) => x.toLowerCase() === k.toLowerCase()));
    const gi = g < 0 ? groups.push({}) - 1 : g;
    groups[gi][k] = type;
    where.set(k, gi);
  }
  if (groups.length > 2) throw new FileFormatError(`its apps have a field spelt three ways in different case (${keys.join(', ')}); gazette reads at most two.`);
  const col = (k: string) => `${where.get(k) === 0 ? 'a' : 'b'}.${q(k)}`;
  const docShape = (app: Record<string, string>) => JSON.stringify(shape === 'list' ? { apps: { app: [app] } } : shape === 'one-in-apps' ? { apps: { app } } : { app });
  // One parse of the whole response, straight into typed apps with their index. A plain file is
  // read as one string (read_text) and parsed once; a gzipped one needs read_json_objects, which
  // decompresses but parses twice, and whose buffer must hold the largest object: the whole response.
  const gz = files[0].file.endsWith('.gz');
  const maxObject = Math.max(16 << 20, 30 * Math.max(...files.map((f) => f.size)) + (1 << 20));
  // Grouped: which file a response came from, by its place in the group.
  const input = grouped ? `, $${p}inputs[list_position($${p}files, filename)] as _input` : '';
  const doc = gz
    ? `select json as doc${input} from read_json_objects($${p}files, format = 'auto', maximum_object_size = $${p}max${grouped ? ', filename = true' : ''})`
    : `select content as doc${input} from read_text($${p}files)`;
  const passInput = grouped ? ', _input' : '';
  const two = groups.length > 1;
  const app = (d: string) => (shape === 'one' ? `${d}.app` : `${d}.apps.app`);
  const appsSql = `select ${shape === 'list'
    ? `unnest(d.apps.app) as a, generate_subscripts(d.apps.app, 1) as rec${two ? ', unnest(d2.apps.app) as b' : ''}`
    : `${app('d')} as a, 1::bigint as rec${two ? `, ${app('d2')} as b` : ''}`}${passInput} from (
         select from_json(doc, $${p}shape) as d${two ? `, from_json(doc, $${p}shape2) as d2` : ''}${passInput} from (${doc}))`;
  const docParams: Record<string, DuckDBValue> = {
    [`${p}files`]: listValue(files.map((f) => f.file)),
    [`${p}shape`]: docShape(groups[0]),
    ...(grouped ? { [`${p}inputs`]: listValue(files.map((f) => f.input ?? 0)) } : {}),
    ...(gz ? { [`${p}max`]: Math.min(maxObject, 2 ** 31 - 1) } : {}),
    ...(groups.length > 1 ? { [`${p}shape2`]: docShape(groups[1]) } : {}),
  };
  // Why an app is rejected: spelt out only for the (rare) app that is, behind one cheap test.
  // DuckDB's trim() walks the whole string through utf8proc; these tests are the same and cheap:
  // a string trims to '' exactly when ltrim does, and only one starting or ending with a space
  // (Unicode Zs, which is what trim removes) is changed by trimming.
  const missingId = `a.id is null or ltrim(a.id) = ''`;
  const notNumber = (f: string) => `a.${f} is not null and not coalesce(isfinite(${ms(f)}), false)`;
  const reason = `case when ${missingId} or ${NUMERIC.map((f) => `(${notNumber(f)})`).join(' or ')} then concat_ws('; ',
      case when ${missingId} then 'id is missing' end,
      ${NUMERIC.map((f) => `case when ${notNumber(f)} then '${f} is not a number (got ' || to_json(a.${f}) || ')' end`).join(',\n        ')}) end`;
  const extraValue = (k: string) =>
    ALSO_EXTRA.includes(k) ? `coalesce(to_json(try_cast(${col(k)} as bigint)), to_json(${col(k)}))` : col(k);
  // `extra` is spliced together as text: every value is JSON already (the fields are read as
  // JSON), and json_object would parse each one again — twice the cost, for the same text.
  const keyParams = Object.fromEntries(extraKeys.map((k, i) => [`${p}xk${i}`, `${i ? ',' : ''}${JSON.stringify(k)}:`]));
  const extra = extraKeys.length
    ? `concat('{', ${extraKeys.map((k, i) => `$${p}xk${i}, coalesce(${extraValue(k)}::varchar, 'null')`).join(', ')}, '}')::json`
    : 'null::json';
  return {
      params: { [`${p}cluster`]: cluster, ...keyParams, ...docParams },
      sql: `select
       $${p}cluster as cluster,
       a.id as job_id,
       'yarn' as source,
       a.name,
       null::varchar as job_key,
       a.user as "user",
       a.queue,
       null::varchar as account,
       a.applicationType as app_type,
       st as state,
       concat_ws('/', a.state, a.finalStatus) as raw_state,
       ${ts('startedTime')} as submit_time,
       coalesce(${ts('launchTime')}, ${ts('startedTime')}) as start_time,
       ${ts('finishedTime')} as end_time,
       case when ${ms('launchTime')} > 0 and ${ms('startedTime')} > 0 then (${ms('launchTime')} - ${ms('startedTime')}) / 1000 end as wait_s,
       ${ms('elapsedTime')} / 1000 as elapsed_s,
       case when ${UNFINISHED} and ${ms('allocatedVCores')} > 0 then ${ms('allocatedVCores')} end as alloc_cpus,
       case when ${UNFINISHED} and ${ms('allocatedMB')} > 0 then ${ms('allocatedMB')} end as alloc_memory_mb,
       null::double as alloc_gpus,
       ${ms('vcoreSeconds')} as vcore_seconds,
       ${ms('memorySeconds')} as memory_mb_seconds,
       ${keys.includes('resourceSecondsMap') ? `-- Jettison writes the map as duplicate "entry" keys ({"entry":{…},"entry":{…}}), or an array:
       -- scan the entries' text for the yarn.io/gpu one rather than trusting a JSON path (only where
       -- the text has it: most apps have no GPUs, and contains() is far cheaper than a regexp).
       case when contains(a.resourceSecondsMap::varchar, '"yarn.io/gpu"') then
       try_cast(regexp_extract(regexp_extract(a.resourceSecondsMap::varchar, '[{][^{}]*"key" *: *"yarn[.]io/gpu"[^{}]*[}]'),
                               '"value" *: *"?([0-9.]+)', 1) as double) end` : 'null::double'} as gpu_seconds,
       null::double as req_memory_mb,
       null::double as max_rss_mb,
       null::double as total_cpu_s,
       null::double as time_limit_s,
       null::integer as exit_code,
       nullif(case when regexp_matches(a.diagnostics, '^\\p{Zs}|\\p{Zs}$') then trim(a.diagnostics) else a.diagnostics end, '') as diagnostics,
       ${splitTags('a.applicationTags')} as tags,
       ${extra} as extra,
       rec as _line,
       reason as _reason,
       case when reason is not null then to_json(a)::varchar end as _raw${passInput}
     from (select *, ${reason} as reason from (select *, ${NUMERIC.map((f) => `try_cast(a.${f} as double) as ${ms(f)}`).join(', ')}, ${STATE} as st from (${appsSql})))`,
  };
}
