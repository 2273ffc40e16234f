/** Job keys: the rules applied by DuckDB, on real-looking names. */
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { DuckDBInstance, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { buildJobKeySql, checkJobKeyRules, DEFAULT_JOB_KEY_RULES } from '../../src/ingest/job-key.js';
import { defaultSettings, type Settings } from '../../src/settings.js';

const defaults: Settings = defaultSettings();

describe('job_key', () => {
  let inst: DuckDBInstance;
  let conn: DuckDBConnection;
  before(async () => {
    inst = await DuckDBInstance.create(':memory:');
    conn = await inst.connect();
  });
  after(() => {
    conn.closeSync();
    inst.closeSync();
  });

  async function key(name: string, opts: { user?: string | null; queue?: string | null; tags?: string[]; settings?: Settings } = {}): Promise<string> {
    const k = buildJobKeySql(opts.settings ?? defaults);
    const r = await conn.runAndReadAll(
      `select job_key as k from (${k.wrap(`select $name::varchar as name, $user::varchar as "user", $queue::varchar as queue, $tags::varchar[] as tags, null::varchar as job_key`)})`,
      { ...k.params, name, user: opts.user === undefined ? 'alice' : opts.user, queue: opts.queue === undefined ? 'etl' : opts.queue, tags: opts.tags ? listValue(opts.tags) : null },
    );
    return String(r.getRows()[0][0]);
  }

  const cases: [string, string][] = [
    ['coredata.CreateUserMapping_2016_11_04T08', 'coredata.CreateUserMapping_<date>'],
    ['etl_daily_20261004', 'etl_daily_<date>'],
    ['QuasiMonteCarlo', 'QuasiMonteCarlo'],
    ['Spark shell', 'Spark shell'],
    ['PigLatin:DefaultJobName', 'PigLatin:DefaultJobName'],
    ['insert overwrite table xx.yy...end(Stage-1)', 'insert overwrite table xx.yy...end(Stage-1)'],
    ['report 2026-10-04 08:00:00', 'report <date>'],
    ['hourly_clicks_2026100408', 'hourly_clicks_<date>'],
    ['backfill/2026/10/04', 'backfill/<date>'],
    ['export_04.10.2026', 'export_<date>'],
    ['monthly_billing_2026-09', 'monthly_billing_<month>'],
    ['finance_close_2026-Q3', 'finance_close_<quarter>'],
    ['load_hour=07', 'load_hour=<hour>'],
    ['ingest_1730419200', 'ingest_<epoch>'],
    ['snapshot-1730419200123-final', 'snapshot-<epoch>-final'],
    ['score_5f0e1c9a-3b7d-4c2e-9a1f-0b2c3d4e5f60', 'score_<uuid>'],
    ['distcp application_1479206441898_30784', 'distcp <app-id>'],
    ['oozie:launcher:T=shell:W=wf_co_v3:A=extract:ID=0002383-161115184801730-oozie-oozi-W', 'oozie:launcher:T=shell:W=wf_co_v3:A=extract:ID=<oozie-id>'],
    ['sqoop import (attempt 3)', 'sqoop import (attempt <n>)'],
    ['dedupe_retry_2', 'dedupe_retry_<n>'],
    ['sim_run_000123456', 'sim_run_<n>'],
    ['resnet50_v2', 'resnet50_v2'],
  ];
  for (const [name, normalised] of cases) {
    it(`${name} → ${normalised}`, async () => {
      assert.equal(await key(name), `${normalised} [alice@etl]`);
    });
  }

  it('adds user and queue, so two teams running the same name are two jobs', async () => {
    assert.equal(await key('etl_daily_20261004', { user: 'bob', queue: 'bi' }), 'etl_daily_<date> [bob@bi]');
    assert.equal(await key('x', { user: null, queue: null }), 'x [?@?]');
  });

  it('prefers a workflow id from applicationTags (key:value or key=value, any case)', async () => {
    assert.equal(await key('load_2026-10-04', { tags: ['team:sales', 'airflow_dag_id:daily_orders', 'airflow_task_id:load'] }), 'wf:daily_orders/load');
    assert.equal(await key('x', { tags: ['Workflow_ID=nightly-etl'] }), 'wf:nightly-etl');
    assert.equal(await key('x', { tags: ['team:sales'] }), 'x [alice@etl]');
  });

  it('takes rules and workflow tags from the settings', async () => {
    const settings: Settings = {
      ...defaultSettings(),
      jobKey: { extraRules: [{ pattern: '_part[0-9]+$', replace: '_part<n>' }], workflowTags: ['dag'] },
    };
    assert.equal(await key('etl_daily_20261004_part7', { settings }), 'etl_daily_<date>_part<n> [alice@etl]');
    assert.equal(await key('x', { settings, tags: ['dag:abc'] }), 'wf:abc');
    const replaced: Settings = { ...defaultSettings(), jobKey: { rules: [{ pattern: '[0-9]+', replace: '#' }], extraRules: [] } };
    assert.equal(await key('run_2026_10', { settings: replaced }), 'run_#_# [alice@etl]');
  });

  it('gives the same keys with the built-in rules\' checks as without them (20,000 names made of the rules\' parts)', async () => {
    // A check skips a rule when the name lacks what the rule needs: it must never skip one that
    // would have matched, here or after the rules before it changed the name.
    const parts = [
      'etl', '_', '-', '.', '/', ':', ' ', '=', '#', '<', '>', 'x', 'T08', '08', '10', '04', '2026', '1999', '2019', '20', '19', '0', '9',
      'Q3', 'q1', '-Q', 'app-', '20161115172038', '-0000', 'local-', '1422981759269', 'application_', 'appattempt_', 'job_', 'task_',
      'attempt_', 'container_e11_', '1479206441898', '_30784', '_m', '_000001', '0002383', '-161115184801730', '-oozie-', 'oozi-W',
      '@12', 'hour', 'hr', 'h', 'H', 'retry', 'try', 'Attempt', 'TRY', 'ReTrY', 'ATTEMPT', 'aTTempt#', '2026Q4', '2026-q2', 'Q', '123e4567-e89b-12d3-a456-426614174000', 'deadbeef-abcd-abcd-abcd-abcdefabcdef',
      'DEADBEEF', '-abcd', '1700000000', '1700000000123', '987654', '12345', '2026-10', '2026_10_04',
      // whole ids, which the parts above rarely make by chance
      'application_1479206441898_30784', 'appattempt_1479206441898_30784_000002', 'job_1326381300833_2_2', 'task_1326381300833_2_m_3',
      'attempt_1326381300833_2_m_3_0', 'container_e11_1479206441898_30784_01_000001', 'app-20161115172038-0000', 'local-1422981759269',
      '0002383-161115184801730-oozie-oozi-W', '0002383-161115184801730-oozie-hue-C@12', '5f0e1c9a-3b7d-4c2e-9f1f-0b2c3d4e5f60', '2026-10-04 08:00:00', '04.10.2026', 'hour=07',
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const names = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => parts[Math.floor(next() * parts.length)]).join(''));
    const checked = buildJobKeySql(defaults);
    const unchecked = buildJobKeySql({ ...defaults, jobKey: { extraRules: [], rules: DEFAULT_JOB_KEY_RULES.map(({ pattern, replace }) => ({ pattern, replace })) } });
    const keysOf = async (k: typeof checked) => (await conn.runAndReadAll(
      `select job_key from (${k.wrap(`select unnest($names::varchar[]) as name, 'a' as "user", 'q' as queue, null::varchar[] as tags, null::varchar as job_key`)})`,
      { ...k.params, names: listValue(names) },
    )).getRows().map((r) => String(r[0]));
    const [a, b] = [await keysOf(checked), await keysOf(unchecked)];
    assert.equal(a.length, names.length);
    const differ = names.filter((_, i) => a[i] !== b[i]);
    assert.deepEqual(differ.slice(0, 5), []);
    // the corpus does exercise the rules: most names are changed by them
    assert.ok(b.filter((k, i) => k !== `${names[i]} [a@q]`).length > names.length / 2);
  });

  it('fill (an UPDATE, each distinct name keyed once) gives the keys wrap gives each row', async () => {
    // Names repeated (as recurring jobs' are), null names, users and queues, workflow tags, a key
    // given by the file, a name shared by a tagged and an untagged row, and tags with no workflow.
    const names = ['etl_daily_20261004', 'etl_daily_20261004', 'etl_daily_20261005', null, '', 'Spark shell', 'application_1479206441898_30784 run', 'etl_daily_20261004', 'QuasiMonteCarlo', 'etl_daily_20261006'];
    const users = ['alice', 'bob', 'alice', 'carol', null, 'dave', 'erin', 'alice', null, 'frank'];
    const queues = ['etl', 'etl', null, 'adhoc', 'q', 'q', 'q', 'etl', 'default', 'etl'];
    const tags = [null, null, null, null, null, null, null, ['airflow_dag_id:daily_load', 'x'], ['workflow_id:w1'], ['team:data', 'airflow_run_id:r1']];
    const given = [null, null, null, null, null, 'own key', null, null, null, null];
    const settings = { ...defaults, jobKey: { ...defaults.jobKey, extraRules: [{ pattern: 'Monte', replace: '<m>' }] } };
    const k = buildJobKeySql(settings);
    const lit = (v: string | null) => (v === null ? 'null' : `'${v.replace(/'/g, "''")}'`);
    const values = names.map((n, i) =>
      `(${i}, ${lit(n)}, ${lit(users[i])}, ${lit(queues[i])}, ${tags[i] ? `[${tags[i]!.map(lit).join(', ')}]` : 'null'}::varchar[], ${lit(given[i])})`);
    const rows = `select * from (values ${values.join(', ')}) v(i, name, "user", queue, tags, job_key)`;
    const wrapped = (await conn.runAndReadAll(`select job_key from (${k.wrap(rows)}) order by i`, k.params)).getRows().map((r) => r[0]);
    await conn.run(`create or replace temp table staged as ${rows}`);
    await k.fill(conn, 'staged');
    const filled = (await conn.runAndReadAll(`select job_key from staged order by i`)).getRows().map((r) => r[0]);
    assert.deepEqual(filled, wrapped);
    assert.deepEqual(filled, [
      'etl_daily_<date> [alice@etl]', 'etl_daily_<date> [bob@etl]', 'etl_daily_<date> [alice@?]', ' [carol@adhoc]', ' [?@q]',
      'own key', '<app-id> run [erin@q]', 'wf:daily_load', 'wf:w1', 'etl_daily_<date> [frank@etl]',
    ]);
  });

  it('names a rule that is not valid RE2', async () => {
    await assert.rejects(
      checkJobKeyRules(conn, [{ pattern: '(unclosed', replace: '' }], 'gazette.yaml'),
      /gazette\.yaml: job_key rule 1 \(\(unclosed\) is not a valid RE2 regular expression: .*missing \)/,
    );
  });
});
