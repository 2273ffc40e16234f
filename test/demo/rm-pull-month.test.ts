/**
 * A month of demo-hadoop pulled live with --rm-url from a loopback ResourceManager gives the same
 * warehouse as loading that month's daily files.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { ROOT, query, runCli, tmpDir } from '../helpers.js';

const MONTH = path.join(ROOT, 'sample-data/demo-hadoop/rm-apps/2026-09');
const CONFIG = path.join(ROOT, 'sample-data/gazette.yaml');

describe('a month of demo-hadoop through --rm-url', () => {
  const apps: { finishedTime: number }[] = fs.readdirSync(MONTH).sort()
    .flatMap((f) => JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(MONTH, f))).toString('utf8')).apps.app);
  const requests: string[] = [];
  let server: http.Server;
  let url = '';
  before(async () => {
    // The RM's filter: finishedTimeBegin <= finishedTime <= finishedTimeEnd.
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const u = new URL(req.url ?? '/', 'http://x');
      const b = Number(u.searchParams.get('finishedTimeBegin') ?? 0);
      const e = Number(u.searchParams.get('finishedTimeEnd') ?? Infinity);
      const hit = apps.filter((a) => a.finishedTime >= b && a.finishedTime <= e);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(hit.length ? { apps: { app: hit } } : { apps: null }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  test('holds the same jobs as loading the files', async () => {
    const dir = tmpDir();
    const pulled = path.join(dir, 'pulled.duckdb');
    const loaded = path.join(dir, 'loaded.duckdb');
    const p = await runCli(['ingest', '--db', pulled, '--config', CONFIG, '--cluster', 'demo-hadoop', '--rm-url', url]);
    assert.equal(p.code, 0, p.stderr);
    assert.ok(requests.length >= 1 && requests.every((r) => r.startsWith('/ws/v1/cluster/apps?finishedTimeBegin=')), requests.join('\n'));
    const l = await runCli(['ingest', '--db', loaded, '--config', CONFIG, MONTH]);
    assert.equal(l.code, 0, l.stderr);
    const rows = async (db: string) => (await query(db, `select * exclude (ingest_run_id) replace (extra::varchar as extra) from jobs order by job_id`))
      .map((r) => JSON.stringify({ ...r, extra: JSON.parse(String(r.extra)) }, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
    const a = await rows(pulled);
    const b = await rows(loaded);
    assert.equal(a.length, apps.length);
    assert.deepEqual(a, b);
    // A second pull finds nothing new.
    const again = await runCli(['ingest', '--db', pulled, '--config', CONFIG, '--cluster', 'demo-hadoop', '--rm-url', url]);
    assert.equal(again.code, 0, again.stderr);
    const [n] = await query<{ n: bigint }>(pulled, `select count(*) as n from jobs`);
    assert.equal(Number(n.n), apps.length);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
