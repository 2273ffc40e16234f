/** gazette sql: each input way and output format, read-only by default, errors with exit 1. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, before } from 'node:test';
import { spawn } from 'node:child_process';
import { MAIN, fixture, query, runCli, tmpDir } from '../helpers.js';

describe('gazette sql', () => {
  const dir = tmpDir();
  const db = path.join(dir, 'w.duckdb');
  before(async () => {
    for (const f of ['eagle__mrcompleteapp.json', 'eagle__sparkcompleteapp.json', 'eagle__mrrunningapp.json']) {
      assert.equal((await runCli(['ingest', '--db', db, '--format', 'yarn-apps', '--cluster', 'prod', fixture('yarn', f)])).code, 0);
    }
  });
  const q = `select "user", count(*) as jobs, sum(vcore_seconds) as vcore_s from jobs group by 1 order by 2 desc, 1`;

  it('prints CSV when stdout is not a terminal', async () => {
    const r = await runCli(['sql', '--db', db, q]);
    assert.equal(r.code, 0, r.stderr);
    // user1: 103 + 442; xxx: 443798 + 36318925 + 26728; yyy: 1483
    assert.equal(r.stdout, 'user,jobs,vcore_s\nxxx,3,36789451\nuser1,2,545\nyyy,1,1483\n');
  });

  it('prints an aligned table with --format table', async () => {
    const r = await runCli(['sql', '--db', db, '--format', 'table', q]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'user  │ jobs │  vcore_s',
        '──────┼──────┼─────────',
        'xxx   │    3 │ 36789451',
        'user1 │    2 │      545',
        'yyy   │    1 │     1483',
        '(3 rows)',
        '',
      ].join('\n'),
    );
  });

  it('aligns the table by display width: CJK characters take two columns', async () => {
    const r = await runCli(['sql', '--db', db, '--format', 'table', `select * from (values ('模拟_run', 1), ('ab', 22)) t(name, n)`]);
    assert.equal(r.stdout, ['name     │  n', '─────────┼───', '模拟_run │  1', 'ab       │ 22', '(2 rows)', ''].join('\n'));
  });

  it('prints JSON lines with --format json, timestamps and lists included', async () => {
    const r = await runCli(['sql', '--db', db, '--format', 'json', `select job_id, end_time, tags from jobs where job_id = 'application_1326815542473_0002'`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { job_id: 'application_1326815542473_0002', end_time: '2012-01-17 15:56:29.546', tags: null });
  });

  it('writes Parquet with --out, which DuckDB reads back', async () => {
    const out = path.join(dir, 'users.parquet');
    const r = await runCli(['sql', '--db', db, '--format', 'parquet', '--out', out, q + ';']);
    assert.equal(r.code, 0, r.stderr);
    const rows = await query<{ user: string; jobs: bigint }>(db, `select "user", jobs from read_parquet('${out}') order by jobs desc`);
    assert.deepEqual(rows.map((x) => [x.user, Number(x.jobs)]), [['xxx', 3], ['user1', 2], ['yyy', 1]]);
  });

  it('writes CSV to a file with --out', async () => {
    const out = path.join(dir, 'users.csv');
    const r = await runCli(['sql', '--db', db, '--out', out, q]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(out, 'utf8').split('\n')[1], 'xxx,3,36789451');
    assert.match(r.stderr, /wrote 3 rows/);
  });

  it('reads the query from -f FILE and from standard input; the last statement is the output', async () => {
    const f = path.join(dir, 'q.sql');
    fs.writeFileSync(f, `-- jobs per state\nselect state, count(*) as n from jobs group by 1 order by 1;\n`);
    assert.equal((await runCli(['sql', '--db', db, '-f', f])).stdout, 'state,n\nRUNNING,2\nSUCCEEDED,4\n');
    const r = await runCli(['sql', '--db', db], { input: `select 1 as a; select count(*) as n from jobs;` });
    assert.equal(r.stdout, 'n\n6\n');
  });

  it('quotes CSV fields holding commas, quotes and newlines', async () => {
    const r = await runCli(['sql', '--db', db, `select 'a,b' as x, 'say "hi"' as y, 'two' || chr(10) || 'lines' as z`]);
    assert.equal(r.stdout, 'x,y,z\n"a,b","say ""hi""","two\nlines"\n');
  });

  it('is read-only unless --write', async () => {
    const r = await runCli(['sql', '--db', db, `delete from jobs`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /read-only; add --write/);
    assert.equal((await runCli(['sql', '--db', db, 'select count(*) from jobs'])).stdout, 'count_star()\n6\n');
    const w = await runCli(['sql', '--db', db, '--write', `delete from jobs where state = 'RUNNING'`]);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /2 row\(s\) changed/);
  });

  it("shows DuckDB's message and exits 1 on a SQL error", async () => {
    const r = await runCli(['sql', '--db', db, 'select nope from jobs']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Referenced column "nope" not found/);
  });

  it('exits 2 with a clear message when the warehouse does not exist', async () => {
    const r = await runCli(['sql', '--db', path.join(dir, 'missing.duckdb'), 'select 1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no warehouse here yet/);
  });

  it('on a terminal with no query, prompts; statements may span lines; an error does not end the session', async () => {
    // util-linux `script` gives the command a pseudo-terminal, as a person at a shell has.
    // Each line is typed only once the prompt shows, as a person would: input sent before the
    // prompt can be discarded when readline switches the terminal to raw mode.
    const lines = ['select count(*) as n', 'from (values (1), (2)) t(x);', 'select nope;', 'select 41 + 1 as answer;', '.quit'];
    const r = await new Promise<{ code: number; out: string }>((resolve, reject) => {
      const child = spawn('script', ['-qec', `${process.execPath} ${MAIN} sql --db ${db}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let prompts = 0;
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.stdout.on('data', (d) => {
        out += d;
        const seen = (out.match(/(gazette|    \.\.\.)> /g) ?? []).length;
        while (prompts < seen && lines.length) {
          prompts++;
          child.stdin.write(lines.shift() + '\n');
        }
        if (!lines.length) child.stdin.end();
      });
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, out });
      });
    });
    const text = r.out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
    assert.equal(r.code, 0);
    assert.match(text, /gazette> /);
    assert.match(text, /n\n─\n2\n\(1 row\)/);
    assert.match(text, /Referenced column "nope"/);
    assert.match(text, /answer\n──────\n    42\n/);
  });

  it('exits 2 for parquet without --out', async () => {
    const r = await runCli(['sql', '--db', db, '--format', 'parquet', 'select 1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /add --out FILE\.parquet/);
  });
});
