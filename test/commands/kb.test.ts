/** gazette kb check: a small warehouse with the demo's failing pipeline's error, a team base, bad entries. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tmpDir, ROOT } from '../helpers.js';

const dir = tmpDir('gazette-kb-check-');
const db = path.join(dir, 'w.duckdb');
const answers = JSON.parse(fs.readFileSync(path.join(ROOT, 'sample-data/ANSWERS.json'), 'utf8'));
const pipeline = answers.stories.failing_pipeline;

const job = (job_id: string, state: string, end: string, diagnostics?: string) =>
  JSON.stringify({ cluster: 'demo-hadoop', job_id, user: 'u', state, start_time: `${end}T00:00:00Z`, end_time: `${end}T01:00:00Z`, diagnostics });

before(async () => {
  const lines = [
    job(pipeline.example_job_id, 'FAILED', '2026-09-30', `${pipeline.diagnostics_starts}: user=${pipeline.user}, access=WRITE, inode="/data/clickstream/sessions/dt=2026-09-30":clickstream_etl:hadoop:drwxr-xr-x`),
    job('application_1_0002', 'FAILED', '2026-09-29', 'Error: java.lang.RuntimeException: Intentional map failure\n\tat org.apache.hadoop.mapreduce.FailJob$FailMapper.map(FailJob.java:55)'),
    job('application_1_0003', 'FAILED', '2026-09-28', 'Error: java.lang.RuntimeException: Intentional map failure\n\tat org.apache.hadoop.mapreduce.FailJob$FailMapper.map(FailJob.java:55)'),
    job('application_1_0004', 'SUCCEEDED', '2026-09-30'),
    job('application_1_0005', 'FAILED', '2026-06-01', `${pipeline.diagnostics_starts}: user=x`),
  ];
  fs.writeFileSync(path.join(dir, 'jobs.jsonl'), lines.join('\n') + '\n');
  const r = await runCli(['ingest', '--db', db, '--format', 'canonical', path.join(dir, 'jobs.jsonl')]);
  assert.equal(r.code, 0, r.stderr);
});

const row = (out: string, id: string) => out.split('\n').find((l) => l.includes(` ${id} `))?.trim().split(/\s+/).slice(0, 3);

test('the demo pipeline\'s AccessControlException matches hdfs-permission-denied; the unmatched failure is listed', async () => {
  const r = await runCli(['kb', 'check', '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Knowledge base: 17 entries, all valid: 17 built-in \(knowledge-base\/\)/);
  assert.match(r.stdout, /Failed and killed jobs that ended from 2026-08-31 01:00 to 2026-09-30 01:00 UTC, every cluster: 3; 1 \(33%\) match a known error\./);
  assert.deepEqual(row(r.stdout, 'hdfs-permission-denied'), ['1', 'moderate', 'hdfs-permission-denied']);
  assert.deepEqual(row(r.stdout, 'jvm-heap-space'), ['0', 'severe', 'jvm-heap-space']);
  assert.match(r.stdout, /\n +2 +FAILED +Error: java\.lang\.RuntimeException: Intentional map failure +\(demo-hadoop application_1_000[23]\)\n/);
  const wide = await runCli(['kb', 'check', '--db', db, '--since', '2026-05-01']);
  assert.deepEqual(row(wide.stdout, 'hdfs-permission-denied'), ['2', 'moderate', 'hdfs-permission-denied']);
});

test('a team base from the settings replaces a built-in entry and adds its own', async () => {
  const team = path.join(dir, 'team-kb');
  fs.mkdirSync(team, { recursive: true });
  fs.writeFileSync(
    path.join(team, 'ours.yaml'),
    [
      '- id: hdfs-permission-denied',
      '  title: "No write access to a clickstream path: ask #clickstream"',
      '  severity: severe',
      '  match: {diagnostics: "AccessControlException: Permission denied.*clickstream"}',
      '- id: intentional-failure',
      '  title: The FailJob test job',
      '  severity: none',
      '  match: {diagnostics: "Intentional map failure"}',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(path.join(dir, 'gazette.yaml'), 'feedback:\n  knowledge_base: team-kb\n');
  const r = await runCli(['kb', 'check', '--db', db, '--config', path.join(dir, 'gazette.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /18 entries, all valid: 17 built-in \(knowledge-base\/\), 2 from .*team-kb\//);
  assert.match(r.stdout, /hdfs-permission-denied: .*team-kb\/ours\.yaml:1 replaces the built-in entry/);
  assert.deepEqual(row(r.stdout, 'hdfs-permission-denied'), ['1', 'severe', 'hdfs-permission-denied']);
  assert.deepEqual(row(r.stdout, 'intentional-failure'), ['2', 'none', 'intentional-failure']);
  assert.match(r.stdout, /Every failed or killed job in the window matches an entry\./);
});

test('an invalid entry exits 2 naming its file and line; without a warehouse the base is still checked', async () => {
  const bad = path.join(dir, 'bad-kb');
  fs.mkdirSync(bad, { recursive: true });
  fs.writeFileSync(path.join(bad, 'x.yaml'), '- id: x\n  title: X\n  severity: urgent\n  match: {state: FAILED}\n');
  const r = await runCli(['kb', 'check', bad, '--db', db]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad-kb\/x\.yaml:3: severity must be one of none, low, moderate, severe, critical \(got "urgent"\)/);
  const none = await runCli(['kb', 'check', '--db', path.join(dir, 'none.duckdb')]);
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stdout, /No warehouse at .*none\.duckdb: the entries are valid/);
  const since = await runCli(['kb', 'check', '--db', db, '--since', 'last week']);
  assert.equal(since.code, 2);
  assert.match(since.stderr, /--since last week: not a duration or a date/);
});
