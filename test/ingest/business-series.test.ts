/** Business series files: the documented CSV, told from its content, hand-made defects kept as rejected rows, a bad file rolled back alone, a later load replacing a value. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixture, query, runCli, tmpDir } from '../helpers.js';

const biz = (f: string) => fixture('business-series', f);

function setup(): { dir: string; db: string; config: string } {
  const dir = tmpDir();
  const config = path.join(dir, 'gazette.yaml');
  fs.writeFileSync(config, 'cluster: demo-hadoop\nclusters:\n  demo-hadoop:\n    timezone: Europe/Amsterdam\n  demo-hpc:\n    timezone: America/New_York\n');
  return { dir, db: path.join(dir, 'w.duckdb'), config };
}

const ingest = (s: { db: string; config: string }, ...args: string[]) => runCli(['ingest', '--db', s.db, '--config', s.config, ...args]);

async function values(db: string): Promise<Record<string, unknown>[]> {
  return (
    await query<Record<string, unknown>>(db, `select cluster, series, strftime("day", '%Y-%m-%d') as day, granularity, kind, value, unit, extra::varchar as extra from business_series order by cluster, series, "day"`)
  ).map((r) => ({ ...r, extra: r.extra === null ? null : JSON.parse(String(r.extra)) }));
}

describe('business-series', () => {
  it('reads the documented CSV, told from its content: monthly and daily values, a row\'s own cluster, other columns in extra', async () => {
    const s = setup();
    const r = await ingest(s, biz('business-series.csv'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /demo-hadoop \(business-series\): 1 file\(s\): 1 loaded.*5 values read, 5 new or replacing, 0 rows rejected/);
    assert.deepEqual(await values(s.db), [
      { cluster: 'demo-hadoop', series: 'active customers', day: '2026-09-30', granularity: 'day', kind: 'stock', value: 18200, unit: 'customers', extra: { source: 'CRM' } },
      // a monthly value is dated by its month's first day
      { cluster: 'demo-hadoop', series: 'orders', day: '2026-07-01', granularity: 'month', kind: 'flow', value: 41250, unit: 'orders', extra: { source: 'shop database' } },
      { cluster: 'demo-hadoop', series: 'orders', day: '2026-08-01', granularity: 'month', kind: 'flow', value: 43980.5, unit: 'orders', extra: null },
      { cluster: 'demo-hadoop', series: 'orders', day: '2026-09-01', granularity: 'month', kind: 'flow', value: 47100, unit: 'orders', extra: null },
      // the row names its cluster
      { cluster: 'demo-hpc', series: 'active customers', day: '2026-09-30', granularity: 'day', kind: 'stock', value: 4100, unit: 'customers', extra: { source: 'CRM' } },
    ]);
  });

  it('keeps bad rows in rejected_rows with file:line and reason, and loads the rest', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'business-series', biz('business-series-bad-rows.csv'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 values read, 2 new or replacing, 10 rows rejected/);
    assert.match(r.stderr, /business-series-bad-rows\.csv:3: value "1,200" is not a number; kept in rejected_rows/);
    const rejected = (await query<{ line: bigint; reason: string }>(s.db, `select line, reason from rejected_rows order by line`)).map((x) => [Number(x.line), x.reason]);
    assert.deepEqual(rejected, [
      [3, 'value "1,200" is not a number'],
      [4, 'date "2026-13" is not a month YYYY-MM or a day YYYY-MM-DD'],
      [5, 'series is missing'],
      [6, 'value is missing'],
      [7, 'kind "weekly" is not stock or flow'],
      // a line short of fields: the missing kind is empty
      [8, 'kind is missing (stock: a period takes its last value; flow: the sum of its values)'],
      // against the good rows of the series before it: line 2 (flow, monthly) and line 9 (2026-09)
      [10, 'a second value of orders for 2026-09 (line 9 has one)'],
      [11, 'a daily value of orders, whose values are monthly (line 2); keep a series to one of monthly or daily'],
      [12, 'kind stock differs from the kind flow of orders on line 2'],
      [13, 'date "2026-09-31" is not a month YYYY-MM or a day YYYY-MM-DD'],
    ]);
    assert.deepEqual((await values(s.db)).map((v) => [v.day, v.value]), [['2026-07-01', 1000], ['2026-09-01', 900]]);
  });

  it('a file without a kind column rolls back alone, naming the file and what to add; the others load (exit 1)', async () => {
    const s = setup();
    const r = await ingest(s, '--format', 'business-series', biz('business-series-no-kind-column.csv'), biz('business-series.csv'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /business-series-no-kind-column\.csv: cannot be read as business-series: the header has no kind column \(found: date, series, value, unit\)\..*kind is stock/);
    assert.equal((await values(s.db)).length, 5);
    const runs = await query<{ status: string }>(s.db, `select status from ingest_runs order by id`);
    assert.deepEqual(runs.map((x) => x.status).sort(), ['failed', 'loaded']);
  });

  it('a later load of the same series and date replaces the value; loading the same file again changes nothing', async () => {
    const s = setup();
    assert.equal((await ingest(s, biz('business-series.csv'))).code, 0);
    const again = await ingest(s, biz('business-series.csv'));
    assert.match(again.stdout, /1 skipped/);
    const fix = path.join(s.dir, 'orders-fix.csv');
    fs.writeFileSync(fix, 'date,series,value,kind\n2026-08,orders,44000,flow\n');
    assert.equal((await ingest(s, fix)).code, 0);
    const v = await values(s.db);
    assert.equal(v.length, 5);
    assert.deepEqual(v.filter((x) => x.series === 'orders').map((x) => x.value), [41250, 44000, 47100]);
  });
});
