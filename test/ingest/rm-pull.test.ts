/** gazette ingest --rm-url: a live, incremental pull, against a ResourceManager stand-in on loopback serving real captures. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it, before, after } from 'node:test';
import { fixture, query, runCli, tmpDir } from '../helpers.js';

interface Seen {
  path: string;
  begin: number;
  end: number;
}

describe('ingest --rm-url', () => {
  const seen: Seen[] = [];
  // Real capture apps, each served when its finishedTime falls in the requested window.
  const apps = ['eagle__mrcompleteapp.json', 'eagle__sparkcompleteapp.json'].flatMap(
    (f) => JSON.parse(fs.readFileSync(fixture('yarn', f), 'utf8')).apps.app as { finishedTime: number }[],
  );
  let server: http.Server;
  let url = '';
  let failNext = false;
  before(async () => {
    server = http.createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      const begin = Number(u.searchParams.get('finishedTimeBegin'));
      const end = Number(u.searchParams.get('finishedTimeEnd'));
      seen.push({ path: u.pathname, begin, end });
      if (failNext) {
        failNext = false;
        res.writeHead(503, 'Service Unavailable').end('standby RM');
        return;
      }
      const inWindow = apps.filter((a) => a.finishedTime >= begin && a.finishedTime <= end);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(inWindow.length ? { apps: { app: inWindow } } : { apps: null }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('pulls everything the RM keeps the first time, then only from the remembered mark', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    const first = await runCli(['ingest', '--db', db, '--cluster', 'prod', '--rm-url', url]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].path, '/ws/v1/cluster/apps');
    assert.equal(seen[0].begin, 1);
    // eagle MR 0001 and 0002, Spark 1041 and 74912: four distinct apps.
    assert.match(first.stdout, /1 loaded.*4 jobs read, 4 new or newer/);
    const [{ n }] = await query<{ n: bigint }>(db, `select count(*) as n from jobs where cluster = 'prod'`);
    assert.equal(Number(n), 4);
    const [mark] = await query<{ source: string; mark_ms: bigint }>(db, `select source, mark_ms from ingest_marks`);
    assert.equal(mark.source, url);
    assert.equal(Number(mark.mark_ms), seen[0].end);
    const runs = await query<{ file: string }>(db, `select file from ingest_runs`);
    assert.match(runs[0].file, new RegExp(`^${url}/ws/v1/cluster/apps\\?finishedTimeBegin=1&finishedTimeEnd=\\d+$`));

    seen.length = 0;
    const second = await runCli(['ingest', '--db', db, '--cluster', 'prod', '--rm-url', url + '/']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(seen.length, 1, 'a pull within one page-hours window makes one request');
    assert.equal(seen[0].begin, Number(mark.mark_ms), 'the second pull starts at the mark');
  });

  it('pages the time since the mark in --page-hours windows, and keeps the windows that loaded when the RM fails', async () => {
    const db = path.join(tmpDir(), 'w.duckdb');
    assert.equal((await runCli(['ingest', '--db', db, '--rm-url', url])).code, 0);
    // Move the mark back 3 hours and pull in 1-hour pages: 3 windows (the last up to a minute ago).
    const [m] = await query<{ mark_ms: bigint }>(db, `select mark_ms from ingest_marks`);
    const back = Number(m.mark_ms) - 3 * 3_600_000;
    assert.equal((await runCli(['sql', '--db', db, '--write', `update ingest_marks set mark_ms = ${back}`])).code, 0);
    seen.length = 0;
    const r = await runCli(['ingest', '--db', db, '--rm-url', url, '--page-hours', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(seen.length >= 3 && seen.length <= 4, `3 or 4 windows, got ${seen.length}`);
    for (let i = 1; i < seen.length; i++) assert.equal(seen[i].begin, seen[i - 1].end, 'windows are contiguous');
    assert.equal(seen[0].end - seen[0].begin, 3_600_000);

    assert.equal((await runCli(['sql', '--db', db, '--write', `update ingest_marks set mark_ms = ${back}`])).code, 0);
    failNext = true;
    const failed = await runCli(['ingest', '--db', db, '--rm-url', url, '--page-hours', '1']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /answered HTTP 503 Service Unavailable/);
    const [after] = await query<{ mark_ms: bigint }>(db, `select mark_ms from ingest_marks`);
    assert.equal(Number(after.mark_ms), back, 'a failed first window leaves the mark where it was');
  });

  it('says clearly when the RM cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const r = await runCli(['ingest', '--db', path.join(tmpDir(), 'w.duckdb'), '--rm-url', `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /could not reach the ResourceManager \(ECONNREFUSED\)/);
  });
});
