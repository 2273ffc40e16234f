/**
 * The job key groups the runs of a recurring job. It is the job's name with run-specific
 * parts replaced by placeholders, plus user and queue:
 *
 *   coredata.CreateUserMapping_2016_11_04T08  (alice, etl)  →  coredata.CreateUserMapping_<date> [alice@etl]
 *
 * or, where a scheduler tagged the run with a workflow id (YARN applicationTags such as
 * `airflow_dag_id:daily_load`), `wf:` and that id. The rules are RE2 regular expressions
 * applied in order by DuckDB's regexp_replace (global), so keys are computed in SQL at
 * load time; they are configurable in gazette.yaml (job_key.rules / extra_rules /
 * workflow_tags) and documented in the README.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { UsageError } from '../errors.js';
import type { JobKeyRule, Settings } from '../settings.js';

const DAY = '(?:0[1-9]|[12][0-9]|3[01])';
const MONTH = '(?:0[1-9]|1[0-2])';
const YEAR = '(?:19|20)[0-9]{2}';
const TIME = '(?:[T _-]?(?:[01][0-9]|2[0-3])(?:[:_.-]?[0-5][0-9]){0,2}(?:[.][0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?';

/**
 * A built-in rule may say what a name must contain for it to match: one of `requires`, and one of
 * `requiresToo` as well where it has that, checked on the name as given (in each case the pattern
 * allows: `q` and `Q`). Most names lack most of them, and a check costs a tenth of a
 * regexp_replace (1M YARN apps: the key took ~5 CPU-s). A check on the name as given holds for
 * the name as the rules before have changed it, because every built-in replacement puts a
 * `<placeholder>` where the match was and keeps its neighbours apart: no digit, no `19`, no
 * `-oozie-`, no `job_`, no `q` is ever made by one (`<app-id>` holds `app-`, but never followed by
 * digits, as rule 3 needs; `<quarter>` holds a `q`, but is made by the one rule that needs it).
 * (The bench's names: the quarter rule's check now passes 183 of 418,213, and the key's steps take
 * 7% less. The same for `try`/`attempt` on a lower-cased name saved nothing more: lower() cost
 * what the skipped rule did.)
 * Rules from the settings have no `requires`: they always run.
 */
export interface BuiltInRule extends JobKeyRule {
  requires?: readonly string[];
  requiresToo?: readonly string[];
}
const DIGITS = [...'0123456789'];
/** Every date rule has a year: 19xx or 20xx. */
const YEARS = ['19', '20'];

/** The built-in rules, in the order they apply. */
export const DEFAULT_JOB_KEY_RULES: BuiltInRule[] = [
  // 123e4567-e89b-12d3-a456-426614174000
  { pattern: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}', replace: '<uuid>', requires: ['-'] },
  // application_1479206441898_30784, job_1326381300833_2_2, container_e11_1479206441898_30784_01_000001
  {
    pattern: '(?:application|appattempt|job|task|attempt|container)_(?:e[0-9]+_)?[0-9]{10,13}_[0-9]+(?:_[mr])?(?:_[0-9]+)*',
    replace: '<app-id>',
    requires: ['application_', 'attempt_', 'job_', 'task_', 'container_'],
  },
  // Spark application ids: app-20161115172038-0000, local-1422981759269
  { pattern: '(?:app-[0-9]{14}-[0-9]{4}|local-[0-9]{13})', replace: '<app-id>', requires: ['app-', 'local-'] },
  // Oozie job ids: 0002383-161115184801730-oozie-oozi-W (and coordinator actions …-C@12)
  { pattern: '[0-9]{7}-[0-9]{15}-oozie-[a-z]+-[WCB](?:@[0-9]+)?', replace: '<oozie-id>', requires: ['-oozie-'] },
  // epoch seconds or milliseconds (2001–2033), before dates so their digits are not read as one
  { pattern: '(^|[^0-9])1[0-9]{9}(?:[0-9]{3})?([^0-9]|$)', replace: '\\1<epoch>\\2', requires: DIGITS },
  // 2016_11_04T08, 2026-10-04 08:00:00, 20261004, 2026/10/04, 2026100408
  { pattern: `${YEAR}[-_./]?${MONTH}[-_./]?${DAY}${TIME}`, replace: '<date>', requires: YEARS },
  // 04.10.2026, 04-10-2026, 04/10/2026
  { pattern: `${DAY}[-./]${MONTH}[-./]${YEAR}`, replace: '<date>', requires: YEARS },
  // 2026-Q3, 2026Q3
  { pattern: `${YEAR}[-_]?[Qq][1-4]`, replace: '<quarter>', requires: YEARS, requiresToo: ['q', 'Q'] },
  // 2026-10, 2026_10 (a month) — after full dates
  { pattern: `${YEAR}[-_]${MONTH}([^0-9]|$)`, replace: '<month>\\1', requires: YEARS },
  // hour=08, hr_08, h08
  { pattern: '(?i)(^|[^a-z])(hour|hr|h)([=_-]?)(?:[01][0-9]|2[0-3])([^0-9]|$)', replace: '\\1\\2\\3<hour>\\4', requires: DIGITS },
  // attempt numbers: attempt_2, retry-3, (try 2)
  { pattern: '(?i)(attempt|retry|try)([ _#=-]?)[0-9]+', replace: '\\1\\2<n>', requires: DIGITS },
  // any other long run of digits (sequence numbers, ids)
  { pattern: '[0-9]{6,}', replace: '<n>', requires: DIGITS },
];

/** Tag keys whose values name a scheduler's workflow (YARN lower-cases tags). */
export const DEFAULT_WORKFLOW_TAGS = [
  'workflow_id',
  'airflow_dag_id',
  'airflow_task_id',
  'azkaban.flow.projectname',
  'azkaban.flow.flowid',
  'azkaban.job.jobid',
];

export interface JobKeySql {
  /**
   * A SELECT of every column of `inner` (which has name, user, queue, tags and job_key), with
   * job_key computed where it is null.
   */
  wrap(inner: string): string;
  /**
   * Compute job_key in `table` (with those columns) where it is null: the same keys as `wrap`, by
   * two UPDATEs. First the workflow keys of tagged rows; then the others from their names, the
   * name's steps run once per distinct name rather than once per row (1M YARN apps in the benchmark
   * have 418,213 names, 311,138 of them on rows without a workflow tag; the steps were ~2 µs a row).
   * A plain UPDATE for the first: a join on rowid to set only the rows with a workflow cost more
   * than the steps it saved.
   */
  fill(conn: DuckDBConnection, table: string): Promise<void>;
  /** The named parameters `wrap` uses. */
  params: Record<string, DuckDBValue>;
  rules: JobKeyRule[];
}

export function jobKeyRules(settings: Settings): BuiltInRule[] {
  return [...(settings.jobKey.rules ?? DEFAULT_JOB_KEY_RULES), ...settings.jobKey.extraRules];
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function buildJobKeySql(settings: Settings): JobKeySql {
  const rules = jobKeyRules(settings);
  const params: Record<string, DuckDBValue> = {};
  // Each rule is a step over the one before, one SELECT each (_jk1, _jk2, …), so that a step
  // skipped by its check (a CASE: the name, or the rule applied) does not repeat the steps below.
  // The checks are computed once, on the name as given (_jkc0, …).
  const checks = new Map<readonly string[], string>(); // the rules share their lists (DIGITS, YEARS)
  const checkCol = (list: readonly string[]) => {
    if (!checks.has(list)) checks.set(list, `_jkc${checks.size}`);
    return checks.get(list)!;
  };
  const checkOf = (r: BuiltInRule) => {
    const cols = [r.requires, r.requiresToo].filter((l) => l?.length).map((l) => checkCol(l!));
    return cols.length ? cols.join(' and ') : undefined;
  };
  const steps = rules.map((r, i) => {
    params[`jk_p${i}`] = r.pattern;
    params[`jk_r${i}`] = r.replace;
    const replaced = `regexp_replace(_jk${i}, $jk_p${i}, $jk_r${i}, 'g')`;
    const check = checkOf(r);
    return `${check ? `case when ${check} then ${replaced} else _jk${i} end` : replaced} as _jk${i + 1}`;
  });
  const checkCols = [...checks].map(([list, col]) => `${list.map((x) => `contains(_jk0, ${lit(x)})`).join(' or ')} as ${col}`);
  // Workflow tags, by a regular expression over the tags joined with ',' (RE2 is far faster here
  // than list lambdas): every workflow value, in the order of the tags. No CASE around it (a CASE
  // costs DuckDB more than the extraction it would save on untagged apps).
  const wfKeys = (settings.jobKey.workflowTags ?? DEFAULT_WORKFLOW_TAGS).map((t) => t.toLowerCase());
  const esc = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let workflow = (_tags: string) => 'null::varchar';
  if (wfKeys.length) {
    params.jk_wf = `(?i)(?:^|,)\\s*(?:${wfKeys.map(esc).join('|')})\\s*[:=]\\s*([^,]*[^,\\s])`;
    // list_aggr(…, 'string_agg', …) rather than array_to_string: the same text (null for none), but
    // array_to_string is a macro with a CASE, whose binding costs ~1.5 ms a statement (a file).
    workflow = (tags) => `list_aggr(regexp_extract_all(list_aggr(${tags}, 'string_agg', ','), $jk_wf, 1), 'string_agg', '/')`;
  }
  const last = `_jk${rules.length}`;
  /** The key from the name's last step, user and queue. */
  const nameKey = (t: string) => `${last} || ' [' || coalesce(${t}"user", '?') || '@' || coalesce(${t}queue, '?') || ']'`;
  /** The key from the workflow, else from the name. */
  const key = (wf: string, t: string) => `coalesce('wf:' || ${wf}, ${nameKey(t)})`;
  /** `sql` (which has the name to key as _jk0) with the checks (_jkc…) and every step (_jk1 … _jkN) as columns. */
  const nameSteps = (sql: string) => {
    if (checkCols.length) sql = `select *, ${checkCols.join(', ')} from (${sql})`;
    for (const step of steps) sql = `select *, ${step} from (${sql})`;
    return sql;
  };
  const internal = ['_jkwf', ...Array.from({ length: rules.length + 1 }, (_, i) => `_jk${i}`), ...checks.values()];
  const wrap = (inner: string) => {
    // The name's steps only for rows without a key (a canonical file may bring its own) or a workflow.
    const sql = nameSteps(`select *, case when job_key is null and _jkwf is null then coalesce(name, '') end as _jk0 from (
      select *, ${workflow('tags')} as _jkwf from (${inner}))`);
    return `select * exclude (${internal.join(', ')}) replace (coalesce(job_key, ${key('_jkwf', '')}) as job_key) from (${sql})`;
  };
  const { jk_wf: wfPattern, ...stepParams } = params;
  const fill = async (conn: DuckDBConnection, table: string) => {
    if (wfPattern !== undefined) {
      await conn.run(`update ${table} set job_key = 'wf:' || ${workflow('tags')} where job_key is null and tags is not null`, { jk_wf: wfPattern });
    }
    await conn.run(
      `update ${table} as _jkt set job_key = ${nameKey('_jkt.')}
       from (${nameSteps(`select distinct coalesce(name, '') as _jk0 from ${table} where job_key is null`)}) _jkn
       where _jkt.job_key is null and coalesce(_jkt.name, '') = _jkn._jk0`,
      stepParams,
    );
  };
  return { wrap, fill, params, rules };
}

/** Check every rule compiles in DuckDB's RE2 before a load starts. */
export async function checkJobKeyRules(conn: DuckDBConnection, rules: JobKeyRule[], where: string): Promise<void> {
  for (const [i, r] of rules.entries()) {
    try {
      await conn.run(`select regexp_replace('x', $p, $r, 'g')`, { p: r.pattern, r: r.replace });
    } catch (e) {
      throw new UsageError(`${where}: job_key rule ${i + 1} (${r.pattern}) is not a valid RE2 regular expression: ${(e as Error).message}`);
    }
  }
}
