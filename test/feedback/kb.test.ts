/**
 * The knowledge base: each built-in entry on the real text it matches and a real text it must
 * not (test/fixtures/kb/texts.json, with provenance), the same answers from DuckDB's RE2 as from
 * JavaScript, precedence, team overrides, and file:line errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { UsageError } from '../../src/errors.js';
import { loadKnowledgeBase, rankEntries, type KbEntry, type KnowledgeBase } from '../../src/feedback/kb.js';
import { checkRe2 } from '../../src/feedback/kb-re2.js';
import { knownErrorMatcher, kbText, matchKnownErrors, type KbJob } from '../../src/feedback/kb-match.js';
import { fixture, tmpDir } from '../helpers.js';

type Text = Partial<KbJob> & { text?: string; provenance: string };
const TEXTS = JSON.parse(fs.readFileSync(fixture('kb', 'texts.json'), 'utf8')) as Record<string, Text>;
const jobOf = (key: string): KbJob => {
  const { text, provenance: _p, ...rest } = TEXTS[key];
  assert.ok(TEXTS[key], `no text ${key} in texts.json`);
  return { job_id: key, state: 'FAILED', diagnostics: text ?? null, ...rest };
};

/** Each built-in entry: the real texts it is the known error of, and a real text it must not match. */
const CASES: Record<string, { matches: string[]; not: string }> = {
  'yarn-container-physical-memory': { matches: ['yarn-pmem-source', 'yarn-pmem-hadoop2'], not: 'yarn-vmem-source' },
  'yarn-container-virtual-memory': { matches: ['yarn-vmem-source'], not: 'yarn-pmem-hadoop2' },
  'yarn-container-preempted': { matches: ['yarn-preempted-source'], not: 'spark-executor-removed-explicit-termination' },
  'spark-executor-memory-overhead': { matches: ['spark-memory-overhead-log'], not: 'yarn-pmem-source' },
  'spark-executor-lost': { matches: ['spark-heartbeat-timeout'], not: 'spark-executor-removed-explicit-termination' },
  'jvm-gc-overhead-limit': { matches: ['jvm-gc-overhead'], not: 'jvm-heap-space-hadoop1' },
  'jvm-heap-space': { matches: ['jvm-heap-space-hadoop1'], not: 'jvm-gc-overhead' },
  'jvm-dependency-clash': { matches: ['jvm-class-not-found'], not: 'jhist-intentional-map-failure' },
  'hdfs-permission-denied': { matches: ['hdfs-permission-denied-source'], not: 'spark-job-aborted-got-a-3' },
  'hdfs-input-missing': { matches: ['hdfs-input-path-source'], not: 'jhist-job-failed-as-tasks-failed' },
  'hdfs-quota-exceeded': { matches: ['hdfs-dsquota-doc', 'hdfs-nsquota-source'], not: 'hdfs-permission-denied-source' },
  'mapreduce-task-timeout': { matches: ['jhist-task-timeout', 'mr1-task-timeout-log'], not: 'jhist-intentional-map-failure' },
  'shuffle-fetch-failures': { matches: ['mr2-too-many-fetch-failures'], not: 'jhist-job-failed-as-tasks-failed' },
  'slurm-timeout': { matches: ['slurm-timeout'], not: 'slurm-failed' },
  'slurm-out-of-memory': { matches: ['slurm-oom'], not: 'slurm-failed' },
  'slurm-node-fail': { matches: ['slurm-node-fail'], not: 'slurm-failed' },
  'slurm-cancelled-by-admin': { matches: ['slurm-cancelled-by-root'], not: 'slurm-cancelled-by-owner' },
};

const kb = loadKnowledgeBase();
const only = (e: KbEntry): KnowledgeBase => ({ ...kb, entries: [e] });

test('every built-in entry has a case, and the built-ins pass the RE2 check', async () => {
  assert.deepEqual(kb.entries.map((e) => e.id).sort(), Object.keys(CASES).sort());
  await checkRe2(kb);
});

for (const [id, c] of Object.entries(CASES)) {
  test(`${id}: the known error of its real text, and not of another real one`, () => {
    const entry = kb.entries.find((e) => e.id === id)!;
    const match = knownErrorMatcher(kb);
    for (const key of c.matches) {
      const job = jobOf(key);
      if (id === 'spark-executor-memory-overhead') job.app_type = 'SPARK';
      assert.equal(match(job)?.id, id, `${key}: ${kbText(job)}`);
    }
    assert.equal(knownErrorMatcher(only(entry))(jobOf(c.not)), undefined, `${id} must not match ${c.not}`);
  });
}

test('the real failures no built-in entry knows match nothing', () => {
  const match = knownErrorMatcher(kb);
  for (const key of ['jhist-intentional-map-failure', 'spark-job-aborted-got-a-3', 'jhist-job-failed-as-tasks-failed', 'slurm-failed', 'slurm-cancelled-by-owner']) {
    assert.equal(match(jobOf(key))?.id, undefined, key);
  }
});

test('DuckDB (RE2) and JavaScript agree on every built-in regex over every fixture text', async () => {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    for (const e of kb.entries) {
      for (const key of Object.keys(TEXTS)) {
        const job = jobOf(key);
        for (const [pattern, value] of [[e.match.diagnostics, kbText(job)], [e.match.rawState, job.raw_state ?? '']] as const) {
          if (pattern === undefined) continue;
          const r = await conn.runAndReadAll('select regexp_matches($v, $p)', { v: value, p: pattern });
          const js = knownErrorMatcher(only({ ...e, match: pattern === e.match.diagnostics ? { diagnostics: pattern } : { rawState: pattern } }))(job) !== undefined;
          assert.equal(r.getRows()[0][0], js, `${e.id} on ${key}`);
        }
      }
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});

test('diagnostics search the application detail\'s failure reasons too', () => {
  const job: KbJob = { job_id: 'j', state: 'FAILED', diagnostics: TEXTS['jhist-job-failed-as-tasks-failed'].text, failure_reason: TEXTS['jhist-task-timeout'].text };
  assert.equal(matchKnownErrors(kb, [job]).get('j')?.id, 'mapreduce-task-timeout');
});

function writeKb(files: Record<string, string>): string {
  const dir = tmpDir('gazette-kb-');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const ENTRY = (id: string, extra = '') => `- id: ${id}\n  title: T\n  severity: low\n  match:\n    diagnostics: "Boom"\n${extra}`;

test('precedence: most conditions, then most severe, then smallest id', () => {
  const dir = writeKb({
    'a.yaml': [
      '- {id: b-one, title: T, severity: critical, match: {diagnostics: "Boom"}}',
      '- {id: a-two, title: T, severity: low, match: {diagnostics: "Boom", state: FAILED}}',
      '- {id: c-sev, title: T, severity: severe, match: {diagnostics: "Boom"}}',
      '- {id: a-sev, title: T, severity: severe, match: {diagnostics: "oom"}}',
    ].join('\n'),
  });
  const team = loadKnowledgeBase(dir, writeKb({}));
  assert.deepEqual(rankEntries(team.entries).map((e) => e.id), ['a-two', 'b-one', 'a-sev', 'c-sev']);
  const match = knownErrorMatcher(team);
  assert.equal(match({ job_id: '1', state: 'FAILED', diagnostics: 'Boom' })?.id, 'a-two');
  assert.equal(match({ job_id: '2', state: 'KILLED', diagnostics: 'Boom' })?.id, 'b-one');
  assert.equal(match({ job_id: '3', state: 'KILLED', diagnostics: 'BOOM' }), undefined, 'case counts without (?i)');
});

test('a team entry replaces the built-in one of its id; (?i) ignores case', () => {
  const dir = writeKb({ 'ours.yaml': '- id: hdfs-permission-denied\n  title: \"Ask #data-platform for access\"\n  severity: low\n  match:\n    diagnostics: "(?i)permission DENIED"\n  ticket: https://jira.example.org/browse/DP-12\n' });
  const team = loadKnowledgeBase(dir);
  assert.equal(team.entries.filter((e) => e.id === 'hdfs-permission-denied').length, 1);
  assert.equal(team.overridden[0].by.origin, 'team');
  const e = knownErrorMatcher(team)(jobOf('hdfs-permission-denied-source'));
  assert.equal(e?.title, 'Ask #data-platform for access');
  assert.equal(e?.ticket, 'https://jira.example.org/browse/DP-12');
});

const errorOf = async (files: Record<string, string>): Promise<string> => {
  const dir = writeKb(files);
  try {
    await checkRe2(loadKnowledgeBase(dir));
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    assert.equal(e.exitCode, 2);
    return e.message.replace(dir + path.sep, '');
  }
  return assert.fail('no error');
};

test('a bad entry is named with its file and line', async () => {
  assert.match(await errorOf({ 'x.yaml': ENTRY('ok') + '- id: [unclosed\n' }), /^x\.yaml:7: not valid YAML/);
  assert.match(await errorOf({ 'x.yaml': ENTRY('ok') + ENTRY('two', '  tickets: https://x.org\n') }), /^x\.yaml:11: tickets is not a key of an entry \(known: id, title, severity, match, ticket, workaround\)/);
  assert.match(await errorOf({ 'x.yaml': ENTRY('ok').replace('severity: low', 'severity: high') }), /^x\.yaml:3: severity must be one of none, low, moderate, severe, critical \(got "high"\)/);
  assert.match(await errorOf({ 'x.yaml': ENTRY('ok').replace('"Boom"', '"Boom("') }), /^x\.yaml:5: match\.diagnostics is not a valid regex/);
  assert.match(await errorOf({ 'x.yaml': '\n' + ENTRY('ok').replace('"Boom"', '"(?<=x)Boom"') }), /^x\.yaml:2: ok: match\.diagnostics is not a regex DuckDB \(RE2\) accepts/);
  assert.match(await errorOf({ 'x.yaml': ENTRY('ok').replace('diagnostics', 'diagnostic') }), /^x\.yaml:5: match\.diagnostic is not a condition gazette knows/);
  assert.match(await errorOf({ 'x.yaml': ENTRY('ok').replace('    diagnostics: "Boom"\n', '    exit_code: [143, "-104"]\n') }), /^x\.yaml:5: match\.exit_code must be a whole number or a list of them \(got "-104"\)/);
  assert.match(await errorOf({ 'a.yaml': ENTRY('same'), 'b.yaml': ENTRY('same') }), /^b\.yaml:1: id same is already used at .*a\.yaml:1/);
  assert.match(await errorOf({ 'x.yaml': 'id: not-a-list\n' }), /^x\.yaml:1: a knowledge-base file is a list of entries/);
});
