/** gazette.yaml: every key read as documented, and each mistake a clear configuration error (file:line, key, what is wrong). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../src/errors.js';
import { loadSettings } from '../src/settings.js';
import { runCli, tmpDir } from './helpers.js';

/** Settings from YAML text, via a file (as gazette reads them). */
function settingsFrom(yaml: string) {
  const file = path.join(tmpDir(), 'gazette.yaml');
  fs.writeFileSync(file, yaml);
  return { file, load: () => loadSettings(file) };
}

/** The configuration error loading `yaml` gives. */
function errorOf(yaml: string): string {
  const { file, load } = settingsFrom(yaml);
  try {
    load();
  } catch (e) {
    assert.ok(e instanceof UsageError, `a UsageError (exit 2), got ${e}`);
    return (e as Error).message.replace(file, 'gazette.yaml');
  }
  assert.fail(`no error for:\n${yaml}`);
}

const FULL = `cluster: demo-hadoop
timezone: UTC
fiscal_year_start_month: 4
superusers: [hdfs, yarn, svc_etl]
email_domain: example.org
prices:
  currency: EUR
  vcore_hour: 0.04
  memory_gb_hour: 0.005
  gpu_hour: 2.5
  storage_tb_month: 20
clusters:
  demo-hadoop:
    timezone: Europe/Amsterdam
  demo-hpc:
    timezone: America/New_York
    capacity:
      - since: 2026-01-01
        cpus: 2400
      - since: 2025-04-01
        nodes: 40
        cpus: 1920
        memory_gb: 15360
        gpus: 32
teams:
  genomics:
    mailing_list: genomics-users@example.org
    users: [adeyemi, bkowalski]
    queues: [root.genomics]
    accounts: [genomics]
  physics:
    users: [okafor]
    paths: [/data/physics/, /project/physics]
storage:
  rollup_depth: 4
  small_file_mb: 0.5
figures:
  top: 20
  min_failures: 5
  over_request_ratio: 1.5
  min_run_seconds: 300
  retry_window_hours: 0.5
`;

describe('settings', () => {
  it('reads every documented key', () => {
    const s = settingsFrom(FULL).load();
    assert.equal(s.cluster, 'demo-hadoop');
    assert.equal(s.fiscalYearStartMonth, 4);
    assert.deepEqual(s.superusers, ['hdfs', 'yarn', 'svc_etl']);
    assert.equal(s.emailDomain, 'example.org');
    assert.deepEqual(s.prices, { currency: 'EUR', vcoreHour: 0.04, memoryGbHour: 0.005, gpuHour: 2.5, storageTbMonth: 20 });
    assert.deepEqual(s.clusters['demo-hadoop'], { timezone: 'Europe/Amsterdam', capacity: [] });
    assert.deepEqual(s.clusters['demo-hpc'].capacity, [
      { since: '2025-04-01', nodes: 40, cpus: 1920, memoryGb: 15360, gpus: 32 },
      { since: '2026-01-01', nodes: undefined, cpus: 2400, memoryGb: undefined, gpus: undefined },
    ], 'oldest first, whatever order they are written in');
    assert.deepEqual(s.teams.genomics, { mailingList: 'genomics-users@example.org', users: ['adeyemi', 'bkowalski'], queues: ['root.genomics'], accounts: ['genomics'], paths: [] });
    assert.deepEqual(s.teams.physics, { mailingList: undefined, users: ['okafor'], queues: [], accounts: [], paths: ['/data/physics', '/project/physics'] }, 'a trailing / dropped');
    assert.deepEqual(s.storage, { rollupDepth: 4, smallFileBytes: 524288 });
    assert.deepEqual(s.figures, { top: 20, minFailures: 5, overRequestRatio: 1.5, minRunSeconds: 300, retryWindowSeconds: 1800 });
  });

  it('has defaults for what is not given', () => {
    const s = settingsFrom('cluster: x\n').load();
    assert.equal(s.fiscalYearStartMonth, 1);
    assert.deepEqual(s.superusers, ['hdfs', 'yarn', 'mapred', 'root']);
    assert.equal(s.prices, undefined);
    assert.deepEqual(s.teams, {});
    assert.deepEqual(s.storage, { rollupDepth: 3, smallFileBytes: 1048576 });
    assert.deepEqual(s.figures, { top: 10, minFailures: 3, overRequestRatio: 2, minRunSeconds: 60, retryWindowSeconds: 10800 });
    assert.deepEqual(settingsFrom('figures:\n  top: 5\n').load().figures, { top: 5, minFailures: 3, overRequestRatio: 2, minRunSeconds: 60, retryWindowSeconds: 10800 });
    assert.deepEqual(settingsFrom('superusers: []\n').load().superusers, []);
  });

  it('reads the smtp section, which has no default', () => {
    const s = settingsFrom(
      'smtp:\n  host: mail.example.org\n  port: 587\n  secure: false\n  starttls: require\n  user: gazette\n  password_env: GAZETTE_SMTP_PASSWORD\n  from: Cluster Gazette <gazette@example.org>\n  timeout_s: 20\n',
    ).load();
    assert.deepEqual(s.smtp, {
      host: 'mail.example.org',
      port: 587,
      secure: false,
      starttls: 'require',
      user: 'gazette',
      passwordEnv: 'GAZETTE_SMTP_PASSWORD',
      from: 'Cluster Gazette <gazette@example.org>',
      timeoutS: 20,
    });
    assert.equal(settingsFrom('cluster: x\n').load().smtp, undefined);
  });

  it('a user, queue or account in two teams is an error naming both teams', () => {
    assert.equal(
      errorOf(FULL.replace('users: [okafor]', 'users: [okafor, bkowalski]')),
      `gazette.yaml:32: teams.physics.users has user "bkowalski", who is also in team "genomics"; a user belongs to one team only. See the README's "Settings" section.`,
    );
    assert.match(
      errorOf(FULL.replace('users: [okafor]', 'users: [okafor]\n    queues: [root.genomics]')),
      /gazette\.yaml:33: teams\.physics\.queues has queue "root\.genomics", who is also in team "genomics"/,
    );
    assert.match(
      errorOf(FULL.replace('users: [okafor]', 'accounts: [genomics]')),
      /teams\.physics\.accounts has account "genomics", who is also in team "genomics"/,
    );
    assert.match(
      errorOf(FULL.replace('queues: [root.genomics]', 'queues: [root.genomics]\n    paths: [/project/physics]')),
      /teams\.physics\.paths has path "\/project\/physics", who is also in team "genomics"/,
    );
  });

  it('names the file, line and key of each mistake, and what is wrong', () => {
    const cases: [string, string][] = [
      ['fiscal_year_start_month: 13\n', 'gazette.yaml:1: fiscal_year_start_month must be a whole number from 1 to 12 (got 13).'],
      ['fiscal_year_start_month: april\n', 'gazette.yaml:1: fiscal_year_start_month must be a whole number from 1 to 12 (got "april").'],
      ['cluster: x\nprices:\n  vcore_hours: 0.04\n', 'gazette.yaml:3: prices.vcore_hours is not a setting gazette knows (here: currency, vcore_hour, memory_gb_hour, gpu_hour, storage_tb_month).'],
      ['prices:\n  vcore_hour: -1\n', 'gazette.yaml:2: prices.vcore_hour must be a number 0 or more (got -1).'],
      ['prices:\n  currency: euro\n', 'gazette.yaml:2: prices.currency must be an ISO 4217 currency code such as EUR or USD (got "euro").'],
      ['superusers: root\n', 'gazette.yaml:1: superusers must be a list of account names, like [a, b].'],
      ['email_domain: ops@example.org\n', 'gazette.yaml:1: email_domain must be a domain such as example.org (no @) (got "ops@example.org").'],
      ['teams:\n  genomics:\n    mailing_list: genomics\n', 'gazette.yaml:3: teams.genomics.mailing_list must be an email address (got "genomics").'],
      ['teams:\n  genomics:\n    members: [a]\n', 'gazette.yaml:3: teams.genomics.members is not a setting gazette knows (here: mailing_list, users, queues, accounts, paths).'],
      ['teams:\n  genomics:\n    paths: [data/genomics]\n', 'gazette.yaml:3: teams.genomics.paths[0] must be an absolute path starting with / (got "data/genomics").'],
      ['storage:\n  rollup_depth: 0\n', 'gazette.yaml:2: storage.rollup_depth must be a whole number from 1 to 32 (got 0).'],
      ['storage:\n  depth: 2\n', 'gazette.yaml:2: storage.depth is not a setting gazette knows (here: rollup_depth, small_file_mb).'],
      ['teams: [genomics]\n', 'gazette.yaml:1: teams must be a mapping of team name to its members.'],
      ['clusters:\n  hpc:\n    capacity:\n      - since: 2025-02-30\n        cpus: 8\n', 'gazette.yaml:4: clusters.hpc.capacity[0].since must be a date YYYY-MM-DD (got "2025-02-30").'],
      ['clusters:\n  hpc:\n    capacity:\n      - cpus: 8\n', 'gazette.yaml:4: clusters.hpc.capacity[0].since is missing (the date this capacity starts, YYYY-MM-DD).'],
      ['clusters:\n  hpc:\n    capacity:\n      - since: 2025-01-01\n', 'gazette.yaml:4: clusters.hpc.capacity[0] gives no size: add nodes, cpus, memory_gb or gpus.'],
      ['clusters:\n  hpc:\n    capacity:\n      - since: 2025-01-01\n        cpus: 8.5\n', 'gazette.yaml:5: clusters.hpc.capacity[0].cpus must be a whole number 0 or more (got 8.5).'],
      [
        'clusters:\n  hpc:\n    capacity:\n      - since: 2025-01-01\n        cpus: 8\n      - since: 2025-01-01\n        cpus: 16\n',
        'gazette.yaml:6: clusters.hpc.capacity[1].since repeats 2025-01-01 (entry 0); each entry starts on its own date.',
      ],
      ['clusters:\n  hpc:\n    timezone: Mars/Olympus\n', 'gazette.yaml: clusters.hpc.timezone: unknown time zone "Mars/Olympus". Use an IANA name such as Europe/Paris or UTC.'],
      ['clusters:\n  hpc:\n    tz: UTC\n', 'gazette.yaml:3: clusters.hpc.tz is not a setting gazette knows (here: timezone, capacity).'],
      ['newsletters: yes\n', 'gazette.yaml:1: newsletters is not a setting gazette knows (at the top level: cluster, timezone, fiscal_year_start_month, superusers, email_domain, addresses, prices, clusters, teams, storage, job_key, smtp, figures, newsletter, feedback).'],
      ['newsletter: yes\n', 'gazette.yaml:1: newsletter must be a mapping (name, logo, colours).'],
      ['newsletter:\n  colours:\n    accent: "red;}body{"\n', 'gazette.yaml:3: newsletter.colours.accent must be a colour such as #35618f or teal (got "red;}body{").'],
      ['newsletter:\n  colours:\n    highlight: "#fff"\n', 'gazette.yaml:3: newsletter.colours.highlight is not a setting gazette knows (here: primary, secondary, accent, warning, danger, text, muted, grid, background).'],
      ['figures:\n  top: 5\n  min_failure: 2\n', 'gazette.yaml:3: figures.min_failure is not a setting gazette knows (here: top, min_failures, over_request_ratio, min_run_seconds, retry_window_hours).'],
      ['figures:\n  top: 0\n', 'gazette.yaml:2: figures.top must be a whole number from 1 to 1000 (got 0).'],
      ['figures:\n  min_failures: 2.5\n', 'gazette.yaml:2: figures.min_failures must be a whole number 1 or more (got 2.5).'],
      ['figures:\n  over_request_ratio: 0.5\n', 'gazette.yaml:2: figures.over_request_ratio must be a number 1 or more (got 0.5).'],
      ['figures:\n  retry_window_hours: three\n', 'gazette.yaml:2: figures.retry_window_hours must be a number from 0 to 8760 (got "three").'],
      ['figures: 10\n', 'gazette.yaml:1: figures must be a mapping (top, min_failures, over_request_ratio, min_run_seconds, retry_window_hours).'],
      ['job_key:\n  workflow_tags: dag\n', 'gazette.yaml:2: job_key.workflow_tags must be a list of tag keys, like [a, b].'],
      ['smtp:\n  host: h\n  tls: yes\n', 'gazette.yaml:3: smtp.tls is not a setting gazette knows (here: host, port, secure, starttls, user, password_env, from, timeout_s).'],
      ['smtp:\n  host: h\n  password: hunter2\n', 'gazette.yaml:3: smtp.password would keep a password in the settings file: put it in an environment variable and name that with password_env.'],
      ['smtp:\n  port: "587"\n', 'gazette.yaml:2: smtp.port must be a whole number from 1 to 65535 (got "587").'],
      ['smtp:\n  secure: "yes"\n', 'gazette.yaml:2: smtp.secure must be true or false (got "yes").'],
      ['smtp:\n  starttls: always\n', 'gazette.yaml:2: smtp.starttls must be one of require, opportunistic, never (got "always").'],
      ['smtp:\n  host: mail.example.org:587\n', 'gazette.yaml:2: smtp.host must be a host name or address, without port or scheme (got "mail.example.org:587").'],
      ['smtp:\n  password_env: $GAZETTE_PW\n', 'gazette.yaml:2: smtp.password_env must be the name of an environment variable, such as GAZETTE_SMTP_PASSWORD (got "$GAZETTE_PW").'],
      ['smtp:\n  from: gazette\n', 'gazette.yaml:2: smtp.from must be an address such as gazette@example.org or "Cluster Gazette <gazette@example.org>" (got "gazette").'],
      ['smtp:\n  timeout_s: 0\n', 'gazette.yaml:2: smtp.timeout_s must be a number from 1 to 3600 (got 0).'],
      ['addresses:\n  svc_etl: etl-team\n', 'gazette.yaml:2: addresses.svc_etl must be an email address (got "etl-team").'],
      ['feedback:\n  email:\n    min_severity: high\n', 'gazette.yaml:3: feedback.email.min_severity must be one of none, low, moderate, severe, critical (got "high").'],
      ['feedback:\n  email:\n    repeat_days: 7\n', 'gazette.yaml:3: feedback.email.repeat_days is not a setting gazette knows (here: min_severity, known_error_min_severity, repeat_after_days, recent_runs, max_jobs).'],
      ['feedback:\n  email:\n    recent_runs: 2.5\n', 'gazette.yaml:3: feedback.email.recent_runs must be a whole number from 0 to 100 (got 2.5).'],
      ['smtp: mail.example.org\n', 'gazette.yaml:1: smtp must be a mapping (host, port, secure, starttls, user, password_env, from, timeout_s).'],
    ];
    for (const [yaml, want] of cases) {
      const got = errorOf(yaml);
      assert.equal(got.replace(/ See the README's "Settings" section\.$/, ''), want, yaml);
    }
  });

  it('a configuration error stops a command with exit 2 before it touches the warehouse', async () => {
    const { file } = settingsFrom(FULL.replace('users: [okafor]', 'users: [adeyemi]'));
    const db = path.join(tmpDir(), 'w.duckdb');
    for (const args of [['ingest', '--db', db, '--config', file, '--format', 'sacct', file], ['sql', '--db', db, '--config', file, 'select 1']]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, args[0]);
      assert.match(r.stderr, /teams\.physics\.users has user "adeyemi", who is also in team "genomics"/);
    }
    assert.equal(fs.existsSync(db), false);
  });

  it('gazette figures with a threshold it does not know: exit 2 naming the file, line and key', async () => {
    const { file } = settingsFrom('cluster: c\nfigures:\n  min_failurs: 2\n');
    const r = await runCli(['figures', '--db', path.join(tmpDir(), 'w.duckdb'), '--config', file, '--quarter', '2026-Q3']);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`${file}:3: figures.min_failurs is not a setting gazette knows (here: top, min_failures,`), r.stderr);
  });
});
