/** The settings as tables in `gazette sql` (read-only), to join teams, capacity and prices in ad-hoc SQL. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, before } from 'node:test';
import { fixture, runCli, tmpDir } from '../helpers.js';

const SETTINGS = `cluster: demo-hpc
superusers: [root]
prices:
  currency: EUR
  vcore_hour: 0.04
  gpu_hour: 2.5
clusters:
  demo-hpc:
    timezone: America/New_York
    capacity:
      - since: 2025-04-01
        nodes: 40
        cpus: 1920
        memory_gb: 15360
        gpus: 32
      - since: 2026-01-15
        cpus: 2400
teams:
  chemistry:
    mailing_list: chem@example.org
    users: [mchen]
    accounts: [chem]
  physics:
    users: [okafor, lpetrov]
    queues: [root.physics]
    paths: [/data/physics, /project/physics]
`;

describe('settings tables in gazette sql', () => {
  const dir = tmpDir();
  const db = path.join(dir, 'w.duckdb');
  const config = path.join(dir, 'gazette.yaml');
  const sql = (q: string, cfg = config) => runCli(['sql', '--db', db, '--config', cfg, '--format', 'csv', q]);
  before(async () => {
    fs.writeFileSync(config, SETTINGS);
    // sacct-with-header-steps: mchen (account chem), okafor (physics), lpetrov (astro), rgarcia (bio)
    const r = await runCli(['ingest', '--db', db, '--config', config, '--format', 'sacct', fixture('sacct', 'sacct-with-header-steps.txt')]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('joins jobs to teams by user, on a read-only warehouse', async () => {
    const r = await sql(`select t.team, count(*) as jobs from jobs j join team_users t using ("user") group by 1 order by 1`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'team,jobs\nchemistry,1\nphysics,2\n');
  });

  it('has the teams, their queues, accounts and paths, and superusers', async () => {
    const r = await sql(
      `select (select string_agg(team || '=' || coalesce(mailing_list, '-'), ' ' order by team) from teams) as teams,
              (select string_agg(queue || '>' || team, ' ') from team_queues) as queues,
              (select string_agg(account || '>' || team, ' ') from team_accounts) as accounts,
              (select string_agg("user", ' ') from superusers) as superusers,
              (select string_agg(path || '>' || team, ' ' order by path) from team_paths) as paths`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'teams,queues,accounts,superusers,paths\nchemistry=chem@example.org physics=-,root.physics>physics,chem>chemistry,root,/data/physics>physics /project/physics>physics\n');
  });

  it('dates capacity from midnight in the cluster\'s zone, as UTC', async () => {
    const r = await sql(`select cluster, since, nodes, cpus, memory_gb, gpus from cluster_capacity order by since`);
    assert.equal(r.code, 0, r.stderr);
    // New York: EDT (UTC−4) on 2025-04-01, EST (UTC−5) on 2026-01-15
    assert.equal(r.stdout, 'cluster,since,nodes,cpus,memory_gb,gpus\ndemo-hpc,2025-04-01 04:00:00,40,1920,15360,32\ndemo-hpc,2026-01-15 05:00:00,,2400,,\n');
  });

  it('has one prices row, or none without prices in the settings', async () => {
    const r = await sql(`select * from prices`);
    assert.equal(r.stdout, 'currency,vcore_hour,memory_gb_hour,gpu_hour,storage_tb_month\nEUR,0.04,,2.5,\n');
    const bare = path.join(dir, 'bare.yaml');
    fs.writeFileSync(bare, 'cluster: demo-hpc\n');
    const none = await sql(`select count(*) as n from prices, teams`, bare);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, 'n\n0\n');
  });
});
