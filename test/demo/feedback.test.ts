/**
 * gazette feedback over the demo clusters' last quarter finds every planted story (the answer key,
 * sample-data/ANSWERS.json) — the always-failing pipeline with its streak and known error, the
 * superuser jobs, the over-requesting users, the Spark and MapReduce inefficiencies — tells nothing
 * about the applications planted healthy, and a second run the next day sends nothing new.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { simpleParser } from 'mailparser';
import { ROOT, runCli, tmpDir } from '../helpers.js';
import { demoWarehouse } from './demo-warehouse.js';

const SAMPLE = path.join(ROOT, 'sample-data');
const CONFIG = path.join(SAMPLE, 'gazette.yaml');
const answers = JSON.parse(fs.readFileSync(path.join(SAMPLE, 'ANSWERS.json'), 'utf8'));
const st = answers.stories;
// the demo's jobs end on 2026-11-21: the quarter up to the 23rd
const WINDOW = ['--since', '13w', '--until', '2026-11-23'];

interface Sent { owner: string; finding: string; job_key: string; job_id: string; severity: string }

describe('gazette feedback on the demo clusters', () => {
  let db: string;
  let outbox: string;
  let first: Awaited<ReturnType<typeof runCli>>;
  let sent: Sent[];
  const emailOf = async (owner: string) => {
    const files = fs.readdirSync(outbox).filter((f) => f.split('-')[2] === owner);
    assert.equal(files.length, 1, `one email to ${owner}`);
    return simpleParser(fs.readFileSync(path.join(outbox, files[0])));
  };
  const told = (owner: string, finding: string) => sent.filter((s) => s.owner === owner && s.finding === finding);

  before(async () => {
    const dir = tmpDir('gazette-feedback-demo-');
    // feedback remembers what it sent: work on a copy of a warehouse loaded before
    db = path.join(dir, 'demo.duckdb');
    fs.copyFileSync(await demoWarehouse(dir), db);
    outbox = path.join(dir, 'outbox');
    first = await runCli(['feedback', '--db', db, '--config', CONFIG, ...WINDOW, '--outbox', outbox]);
    assert.equal(first.code, 0, first.stderr);
    const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
    const conn = await inst.connect();
    sent = (await conn.runAndReadAll('select owner, finding, job_key, job_id, severity from feedback_sent order by all')).getRowObjectsJS() as unknown as Sent[];
    conn.closeSync();
    inst.closeSync();
  });

  it('the always-failing pipeline: its owner hears of the streak, its burn and the known error, on its latest run', async () => {
    const want = st.failing_pipeline;
    const m = await emailOf(want.user);
    assert.deepEqual(m.cc && !Array.isArray(m.cc) ? m.cc.value.map((v) => v.address) : [], [`${want.team}@example.org`], 'critical: the team list in copy');
    const text = m.text!;
    const block = text.slice(text.indexOf('== clickstream.SessionizeDaily_'));
    assert.match(block, /^== clickstream\.SessionizeDaily_2026_11_21T01 ==\n/);
    assert.match(block, new RegExp(`\\[CRITICAL\\] Fails run after run\\n${want.failed_runs_in_a_row_at_end} failed runs in a row since ${want.streak_first_failure_start.slice(0, 16).replace('T', ' ')} UTC`));
    assert.match(block, /\[CRITICAL\] Its failed runs burn cluster capacity/);
    assert.match(block, /Known error: HDFS refused the job access to a path \(Permission denied\)/);
    assert.match(block, /Recent runs — Its last 5 runs: all failed\./);
    assert.match(block, /It said:\nUser class threw exception: org\.apache\.hadoop\.security\.AccessControlException: Permission denied/);
    assert.doesNotMatch(text, /^\s+at org\.apache\.hadoop/m, 'the messages, not the stack frames');
    assert.equal(told(want.user, 'chronic_failure').filter((s) => s.job_key.startsWith('clickstream.SessionizeDaily_')).length, 1, 'one finding per job key, not one per run');
  });

  it('the superuser jobs, tkaur\'s memory and jlindqvist\'s time limits', async () => {
    assert.ok(told(st.superuser_jobs.user, 'superuser').length > 0);
    assert.match((await emailOf(st.superuser_jobs.user)).text!, /\[SEVERE\] Runs as a superuser account/);
    assert.ok(told(st.memory_overrequest.user, 'memory_over_request').some((s) => s.severity === 'critical'));
    assert.match((await emailOf(st.memory_overrequest.user)).text!, /Asks for far more memory than it uses\nAsked [\d,]+ MB, used [\d,]+ MB .*\nWhat to do: Ask for about \d+ GB \(sbatch --mem=\d+G\)/);
    assert.ok(told(st.time_limit_overrequest.user, 'time_limit_over_request').every((s) => s.severity === 'critical'));
    assert.match((await emailOf(st.time_limit_overrequest.user)).text!, /Time limit far above the run time\n.*\nWhat to do: Set the time limit to about (\d+-)?\d\d:\d\d:00 \(sbatch --time\)/);
  });

  it('the Spark and MapReduce stories: each on the latest of its runs, with the count of runs that showed it', async () => {
    const cases = [
      [st.spark_gc, 'gc_share', 'Heavy garbage collection'],
      [st.spark_skew, 'task_skew', 'Skewed tasks: one runs far longer than the rest'],
      [st.mr_memory, 'memory_over_request', 'Asks for far more memory than it uses'],
      [st.mr_spill, 'spill', 'Heavy spill to disk'],
    ] as const;
    for (const [story, finding, title] of cases) {
      const rows = told(story.user, finding);
      assert.deepEqual(rows.map((r) => r.job_id), [story.job_ids.at(-1)], `${finding}: one finding, on the story's latest run`);
      assert.equal(rows[0].severity, finding === 'memory_over_request' ? 'severe' : 'critical');
      const text = (await emailOf(story.user)).text!;
      assert.match(text, new RegExp(`\\[(SEVERE|CRITICAL)\\] ${title.replace(/[()]/g, '\\$&')}\\n[^\\n]+\\nWhat to do: [^\\n]+\\nSeen in ${story.job_ids.length} runs of this job since`), finding);
    }
  });

  it('nothing about the applications planted healthy but that the distcp among them runs as hdfs (the superuser story)', async () => {
    const healthy = (answers.job_history.apps as { job_id: string; story: string | null }[]).filter((a) => !a.story).map((a) => a.job_id);
    assert.equal(healthy.length, answers.job_history.healthy.apps);
    const theirs = sent.filter((s) => healthy.includes(s.job_id));
    assert.deepEqual(theirs.map((s) => `${s.owner} ${s.finding}`), [`${st.superuser_jobs.user} superuser`]);
    const others = fs.readdirSync(outbox).filter((f) => f.split('-')[2] !== st.superuser_jobs.user);
    assert.ok(others.length > 100);
    for (const f of others) {
      const text = (await simpleParser(fs.readFileSync(path.join(outbox, f)))).text!;
      assert.match(text, / on demo-h(adoop|pc)/, f);
      for (const id of healthy) assert.ok(!text.includes(`${id} on demo-hadoop`) && !text.includes(`${id})`), `${id} is shown in ${f}`);
    }
  });

  it('a second run the next day sends nothing new', async () => {
    const next = path.join(path.dirname(outbox), 'next');
    const again = await runCli(['feedback', '--db', db, '--config', CONFIG, '--since', '2026-08-24', '--until', '2026-11-24', '--outbox', next]);
    assert.equal(again.code, 0, again.stderr);
    const made = /: ([\d,]+) findings .*, ([\d,]+) already sent within 7 days; 0 emails to write/.exec(again.stderr);
    assert.ok(made, again.stderr);
    assert.equal(made[1], made[2], 'every finding already sent');
    assert.equal(fs.existsSync(next) ? fs.readdirSync(next).length : 0, 0);
  });
});
