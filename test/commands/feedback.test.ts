/**
 * gazette feedback: one email per owner, the findings by job, remembered so a finding on a job key
 * reaches its owner once per repeat_after_days; --dry-run remembers nothing; --send over a loopback
 * SMTP server, a refused message left in the outbox and not remembered.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { runCli, tmpDir } from '../helpers.js';
import { startServer } from '../smtp-server.js';

const HEADER = 'cluster,job_id,name,user,queue,app_type,state,submit_time,start_time,end_time,elapsed_s,alloc_cpus,vcore_seconds,exit_code,diagnostics';
const DENIED = 'org.apache.hadoop.security.AccessControlException: Permission denied: user=alice, access=WRITE, inode=""/data/x"":etl:hadoop:drwxr-xr-x';
const run = (id: number, day: string, user: string, name: string, state: string, diag = '', cluster = 'c1') =>
  `${cluster},${id},${name},${user},etl,MAPREDUCE,${state},2026-10-${day}T01:00:00Z,2026-10-${day}T01:00:00Z,2026-10-${day}T02:00:00Z,3600,2,7200,${state === 'FAILED' ? 1 : 0},${diag ? `"${diag}"` : ''}`;
// alice's recurring job failed its three daily runs on a permission error (2 vcore-hours each); hdfs,
// a superuser, ran a job in alice's team's queue; bob's job succeeded; 200 is on two clusters.
const ROWS = [
  run(101, '01', 'alice', 'etl_daily_2026-10-01', 'FAILED', DENIED),
  run(102, '02', 'alice', 'etl_daily_2026-10-02', 'FAILED', DENIED),
  run(103, '03', 'alice', 'etl_daily_2026-10-03', 'FAILED', DENIED),
  run(104, '03', 'hdfs', 'balancer_fix', 'SUCCEEDED'),
  run(105, '03', 'bob', 'report', 'SUCCEEDED'),
  run(200, '03', 'bob', 'adhoc', 'SUCCEEDED', '', 'c1'),
  run(200, '03', 'bob', 'adhoc', 'SUCCEEDED', '', 'c2'),
];
const SETTINGS = `
email_domain: example.org
addresses:
  hdfs: platform-oncall@example.org
prices:
  currency: EUR
  vcore_hour: 0.5
teams:
  etl:
    mailing_list: etl@example.org
    users: [alice]
    queues: [etl]
feedback:
  email:
    min_severity: moderate
`;

async function readOutbox(dir: string): Promise<Map<string, ParsedMail>> {
  const out = new Map<string, ParsedMail>();
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort()) {
    const m = await simpleParser(fs.readFileSync(path.join(dir, f)));
    out.set(String(m.headers.get('x-gazette-feedback')), m);
  }
  return out;
}
const addresses = (a: ParsedMail['to']) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

describe('gazette feedback', () => {
  let dir: string;
  let config: string;
  const freshDb = async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const r = await runCli(['ingest', '--db', db, '--format', 'canonical', path.join(dir, 'jobs.csv')]);
    assert.equal(r.code, 0, r.stderr);
    return db;
  };
  const sent = async (db: string) => {
    const r = await runCli(['sql', '--db', db, '--format', 'csv', "select owner, finding, job_key, job_id, severity, recipients, via, delivered_at from feedback_sent order by owner, finding"]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim().split('\n').slice(1);
  };
  before(() => {
    dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'jobs.csv'), [HEADER, ...ROWS].join('\n') + '\n');
    config = path.join(dir, 'gazette.yaml');
    fs.writeFileSync(config, SETTINGS);
  });

  it('writes one email per owner with the findings by job, remembers them, and a run the next day sends nothing new', async () => {
    const db = await freshDb();
    const outbox = path.join(dir, 'outbox1');
    const first = await runCli(['feedback', '--db', db, '--config', config, '--since', '7d', '--until', '2026-10-04', '--outbox', outbox]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), outbox);
    // alice: the known error (moderate) and the streak (3 failed runs: moderate), one per key, shown on
    // the latest run 103; hdfs: the superuser job (severe); bob: nothing
    assert.match(first.stderr, /: 3 findings \(one per job key, finding and owner\), 0 already sent within 7 days; 2 emails to write/);
    const mails = await readOutbox(outbox);
    assert.deepEqual([...mails.keys()].sort(), ['alice', 'hdfs']);

    const alice = mails.get('alice')!;
    assert.deepEqual(addresses(alice.to), ['alice@example.org']);
    assert.deepEqual(addresses(alice.cc), [], 'nothing severe: the team list is not copied');
    assert.equal(alice.subject, '[Cluster Gazette] Your job etl_daily_2026-10-03: known error: HDFS refused the job access to a path (Permission denied)');
    assert.equal(alice.date?.toISOString(), '2026-10-04T00:00:00.000Z');
    const text = alice.text!;
    assert.match(text, /== etl_daily_2026-10-03 ==\n103 on c1 · etl\nFAILED, exit code 1 · ended 2026-10-03 02:00 UTC · ran 1\.0 h · used 2\.0 vcore-hours, EUR 1\.00/);
    assert.match(text, /\[MODERATE\] Known error: HDFS refused the job access to a path \(Permission denied\)\nTicket: https?:\/\/\S+\nWhat to do: /);
    // streak 101–103: 3 runs × 2 vcore-hours
    assert.match(text, /\[MODERATE\] Fails run after run\n3 failed runs in a row since 2026-10-01 01:00 UTC, burning 6\.0 vcore-hours\./);
    assert.match(text, /Seen in 3 runs of this job since 2026-10-01 02:00 UTC; the latest is shown\./);
    assert.match(text, /Recent runs — Its last 3 runs: all failed\.\n  2026-10-03 01:00 UTC  FAILED  1\.0 h  2\.0 vcore-hours  \(this one\)\n  2026-10-02 01:00 UTC/);
    assert.doesNotMatch(text, /== report ==|== adhoc ==/, 'bob\'s healthy jobs are in nobody\'s email');
    assert.match(alice.html as string, /<h2 class="j">etl_daily_2026-10-03<\/h2>/);

    const hdfs = mails.get('hdfs')!;
    assert.deepEqual([addresses(hdfs.to), addresses(hdfs.cc)], [['platform-oncall@example.org'], ['etl@example.org']], 'addresses: wins; severe copies the team of the queue');
    assert.match(hdfs.text!, /\[SEVERE\] Runs as a superuser account\nRan as hdfs, a platform account/);

    assert.deepEqual(await sent(db), [
      'alice,chronic_failure,etl_daily_<date> [alice@etl],103,moderate,alice@example.org,outbox,2026-10-04 00:00:00',
      'alice,known_error:hdfs-permission-denied,etl_daily_<date> [alice@etl],103,moderate,alice@example.org,outbox,2026-10-04 00:00:00',
      'hdfs,superuser,balancer_fix [hdfs@etl],104,severe,"platform-oncall@example.org, etl@example.org",outbox,2026-10-04 00:00:00',
    ]);

    // the next day, over the same jobs: everything already told
    const outbox2 = path.join(dir, 'outbox2');
    const again = await runCli(['feedback', '--db', db, '--config', config, '--since', '2026-09-27', '--until', '2026-10-05', '--outbox', outbox2]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /: 3 findings .*, 3 already sent within 7 days; 0 emails to write/);
    assert.equal((await readOutbox(outbox2)).size, 0);
    assert.equal((await sent(db)).length, 3);

    // 7 days after the first: told again
    const later = await runCli(['feedback', '--db', db, '--config', config, '--since', '2026-09-27', '--until', '2026-10-11T00:00:01Z', '--outbox', outbox2]);
    assert.equal(later.code, 0, later.stderr);
    assert.match(later.stderr, /0 already sent within 7 days; 2 emails to write/);
    assert.equal((await sent(db)).length, 6);
  });

  it('--dry-run lists what would be sent, to whom, and remembers nothing; it writes emails only to a named --outbox', async () => {
    const db = await freshDb();
    const cwd = tmpDir();
    const dry = await runCli(['feedback', '--db', db, '--config', config, '--since', '7d', '--until', '2026-10-04', '--dry-run'], { cwd });
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(dry.stdout.trim().split('\n').map((l) => l.split('\t').slice(0, 3).join(' | ')), [
      'alice@example.org | moderate | 1 job, 2 findings',
      'platform-oncall@example.org, cc etl@example.org | severe | 1 job, 1 finding',
    ]);
    assert.match(dry.stderr, /dry run: nothing sent, nothing remembered\./);
    assert.equal(fs.existsSync(path.join(cwd, 'out')), false, 'no default outbox written');
    assert.deepEqual(await sent(db), []);
    const review = path.join(cwd, 'review');
    const named = await runCli(['feedback', '--db', db, '--config', config, '--since', '7d', '--until', '2026-10-04', '--dry-run', '--outbox', review]);
    assert.equal(named.code, 0, named.stderr);
    assert.equal((await readOutbox(review)).size, 2);
    assert.deepEqual(await sent(db), []);
  });

  it('--job: the one job\'s findings (a completion hook); an unknown id exits 1, an id on two clusters 2', async () => {
    const db = await freshDb();
    const outbox = path.join(tmpDir(), 'o');
    const r = await runCli(['feedback', '--db', db, '--config', config, '--job', '102', '--outbox', outbox]);
    assert.equal(r.code, 0, r.stderr);
    const mails = await readOutbox(outbox);
    assert.deepEqual([...mails.keys()], ['alice']);
    // at run 102 the streak is 2 (low: under min_severity moderate), so only the known error
    assert.match(mails.get('alice')!.text!, /== etl_daily_2026-10-02 ==/);
    assert.doesNotMatch(mails.get('alice')!.text!, /Fails run after run/);
    assert.equal((await runCli(['feedback', '--db', db, '--config', config, '--job', 'application_9_0001'])).code, 1);
    const two = await runCli(['feedback', '--db', db, '--config', config, '--job', '200']);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /200: a job of this id is on c1, c2; say which with --cluster/);
  });

  it('usage: one of --job or --since; a --since it cannot read names the forms it takes', async () => {
    const db = await freshDb();
    const none = await runCli(['feedback', '--db', db]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Say which jobs: --job JOB-ID .* or --since DURATION\|DATE/);
    const bad = await runCli(['feedback', '--db', db, '--since', 'last week']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since last week: not a duration or a date\. Write a date YYYY-MM-DD .* such as 24h, 7d, 90m or 2w/);
    const send = await runCli(['feedback', '--db', db, '--since', '1d', '--send', '--dry-run']);
    assert.equal(send.code, 2);
  });

  it('--send through a loopback SMTP server: what the server refuses stays in the outbox, unremembered, and goes on the next run', async () => {
    const db = await freshDb();
    const options = { reject: ['platform-oncall@example.org', 'etl@example.org'] };
    const server = await startServer(options);
    const outbox = path.join(tmpDir(), 'outbox');
    const args = ['feedback', '--db', db, '--config', config, '--since', '7d', '--until', '2026-10-04', '--outbox', outbox, '--send',
      '--smtp-host', '127.0.0.1', '--smtp-port', String(server.port), '--smtp-starttls', 'never', '--smtp-from', 'Gazette <gazette@example.org>'];
    const first = await runCli(args);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /1 of 2 emails were not sent \(hdfs: .*refused the recipients platform-oncall@example\.org, etl@example\.org/);
    assert.deepEqual(server.received.map((m) => m.rcptTo), [['alice@example.org']]);
    assert.equal(server.stats.connections, 1, 'one connection for the batch, kept after the refusal');
    const arrived = await simpleParser(server.received[0].raw);
    assert.equal(arrived.subject, '[Cluster Gazette] Your job etl_daily_2026-10-03: known error: HDFS refused the job access to a path (Permission denied)');
    assert.equal(server.received[0].mailFrom, 'gazette@example.org');
    // the delivered message moved to sent/ byte for byte; the refused one waits in the outbox
    assert.deepEqual(fs.readdirSync(path.join(outbox, 'sent')).map((f) => fs.readFileSync(path.join(outbox, 'sent', f)).equals(server.received[0].raw)), [true]);
    assert.deepEqual(fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')).map((f) => f.split('-')[2]), ['hdfs']);
    assert.deepEqual((await sent(db)).map((l) => l.split(',').slice(0, 2).concat(l.split(',').at(-2)!).join(' ')), [
      'alice chronic_failure smtp', 'alice known_error:hdfs-permission-denied smtp',
    ]);

    options.reject = [];
    const retry = await runCli(args);
    assert.equal(retry.code, 0, retry.stderr);
    assert.deepEqual(server.received.map((m) => m.rcptTo), [['alice@example.org'], ['platform-oncall@example.org', 'etl@example.org']]);
    assert.equal(fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')).length, 0);
    assert.equal((await sent(db)).length, 3);
  });
});
