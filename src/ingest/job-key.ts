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

/** The built-in rules, in the order they apply. */
export const DEFAULT_JOB_KEY_RULES: JobKeyRule[] = [
  // 123e4567-e89b-12d3-a456-426614174000
  { pattern: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}', replace: '<uuid>' },
  // application_1479206441898_30784, job_1326381300833_2_2, container_e11_1479206441898_30784_01_000001
  {
    pattern: '(?:application|appattempt|job|task|attempt|container)_(?:e[0-9]+_)?[0-9]{10,13}_[0-9]+(?:_[mr])?(?:_[0-9]+)*',
    replace: '<app-id>',
  },
  // Spark application ids: app-20161115172038-0000, local-1422981759269
  { pattern: '(?:app-[0-9]{14}-[0-9]{4}|local-[0-9]{13})', replace: '<app-id>' },
  // Oozie job ids: 0002383-161115184801730-oozie-oozi-W (and coordinator actions …-C@12)
  { pattern: '[0-9]{7}-[0-9]{15}-oozie-[a-z]+-[WCB](?:@[0-9]+)?', replace: '<oozie-id>' },
  // epoch seconds or milliseconds (2001–2033), before dates so their digits are not read as one
  { pattern: '(^|[^0-9])1[0-9]{9}(?:[0-9]{3})?([^0-9]|$)', replace: '\\1<epoch>\\2' },
  // 2016_11_04T08, 2026-10-04 08:00:00, 20261004, 2026/10/04, 2026100408
  { pattern: `${YEAR}[-_./]?${MONTH}[-_./]?${DAY}${TIME}`, replace: '<date>' },
  // 04.10.2026, 04-10-2026, 04/10/2026
  { pattern: `${DAY}[-./]${MONTH}[-./]${YEAR}`, replace: '<date>' },
  // 2026-Q3, 2026Q3
  { pattern: `${YEAR}[-_]?[Qq][1-4]`, replace: '<quarter>' },
  // 2026-10, 2026_10 (a month) — after full dates
  { pattern: `${YEAR}[-_]${MONTH}([^0-9]|$)`, replace: '<month>\\1' },
  // hour=08, hr_08, h08
  { pattern: '(?i)(^|[^a-z])(hour|hr|h)([=_-]?)(?:[01][0-9]|2[0-3])([^0-9]|$)', replace: '\\1\\2\\3<hour>\\4' },
  // attempt numbers: attempt_2, retry-3, (try 2)
  { pattern: '(?i)(attempt|retry|try)([ _#=-]?)[0-9]+', replace: '\\1\\2<n>' },
  // any other long run of digits (sequence numbers, ids)
  { pattern: '[0-9]{6,}', replace: '<n>' },
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
  /** A SQL expression over the columns name, user, queue, tags of the relation it is used in. */
  expr: string;
  /** The named parameters it uses. */
  params: Record<string, DuckDBValue>;
  rules: JobKeyRule[];
}

export function jobKeyRules(settings: Settings): JobKeyRule[] {
  return [...(settings.jobKey.rules ?? DEFAULT_JOB_KEY_RULES), ...settings.jobKey.extraRules];
}

export function buildJobKeySql(settings: Settings): JobKeySql {
  const rules = jobKeyRules(settings);
  const params: Record<string, DuckDBValue> = {};
  let name = `coalesce(name, '')`;
  rules.forEach((r, i) => {
    params[`jk_p${i}`] = r.pattern;
    params[`jk_r${i}`] = r.replace;
    name = `regexp_replace(${name}, $jk_p${i}, $jk_r${i}, 'g')`;
  });
  // Workflow tags, by a regular expression over the tags joined with ',' (RE2 is far faster here
  // than list lambdas): every workflow value, in the order of the tags. No CASE around it (a CASE
  // costs DuckDB more than the extraction it would save on untagged apps).
  const wfKeys = (settings.jobKey.workflowTags ?? DEFAULT_WORKFLOW_TAGS).map((t) => t.toLowerCase());
  const esc = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let workflow = 'null::varchar';
  if (wfKeys.length) {
    params.jk_wf = `(?i)(?:^|,)\\s*(?:${wfKeys.map(esc).join('|')})\\s*[:=]\\s*([^,]*[^,\\s])`;
    // list_aggr(…, 'string_agg', …) rather than array_to_string: the same text (null for none), but
    // array_to_string is a macro with a CASE, whose binding costs ~1.5 ms a statement (a file).
    workflow = `list_aggr(regexp_extract_all(list_aggr(tags, 'string_agg', ','), $jk_wf, 1), 'string_agg', '/')`;
  }
  const expr = `coalesce('wf:' || (${workflow}),
    ${name} || ' [' || coalesce("user", '?') || '@' || coalesce(queue, '?') || ']')`;
  return { expr, params, rules };
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
