import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePeriod, periodBefore, periodsEndingWith } from '../../src/analyze/period.js';
import { clusterContext, prepareConnection } from '../../src/analyze/context.js';
import { openWarehouse } from '../../src/warehouse/open.js';
import { defaultSettings } from '../../src/settings.js';

test('quarters and months: calendar quarters by default, the days they cover', () => {
  assert.deepEqual(parsePeriod('2026-Q3'), { label: '2026-Q3', kind: 'quarter', start: '2026-07-01', end: '2026-10-01', days: 92 });
  assert.deepEqual(parsePeriod('2026q1'), { label: '2026-Q1', kind: 'quarter', start: '2026-01-01', end: '2026-04-01', days: 90 });
  assert.deepEqual(parsePeriod('2024-02'), { label: '2024-02', kind: 'month', start: '2024-02-01', end: '2024-03-01', days: 29 });
  assert.throws(() => parsePeriod('2026-Q5'), /not a period\. Write a quarter like 2026-Q3 or a month like 2026-09/);
  assert.throws(() => parsePeriod('2026-13'), /not a period/);
});

test('a fiscal year starting in October is named for the year it ends in: 2026-Q1 is October–December 2025', () => {
  assert.deepEqual(parsePeriod('2026-Q1', 10), { label: '2026-Q1', kind: 'quarter', start: '2025-10-01', end: '2026-01-01', days: 92 });
  assert.deepEqual(parsePeriod('2026-Q4', 10), { label: '2026-Q4', kind: 'quarter', start: '2026-07-01', end: '2026-10-01', days: 92 });
  // The quarter before 2026-Q1 is 2025-Q4 (July–September 2025); four before 2026-Q3 is 2025-Q3.
  assert.equal(periodBefore(parsePeriod('2026-Q1', 10), 1, 10).label, '2025-Q4');
  assert.equal(periodBefore(parsePeriod('2026-Q1', 10), 1, 10).start, '2025-07-01');
  assert.equal(periodBefore(parsePeriod('2026-Q3', 10), 4, 10).label, '2025-Q3');
  // April start (the UK's): 2027-Q1 is April–June 2026.
  assert.equal(parsePeriod('2027-Q1', 4).start, '2026-04-01');
  assert.equal(periodBefore(parsePeriod('2027-Q1', 4), 1, 4).label, '2026-Q4');
});

test('the periods before a period, newest first, across a year boundary', () => {
  assert.deepEqual(periodsEndingWith(parsePeriod('2026-Q2'), 4).map((p) => p.label), ['2026-Q2', '2026-Q1', '2025-Q4', '2025-Q3']);
  assert.deepEqual(periodsEndingWith(parsePeriod('2026-02'), 3).map((p) => p.label), ['2026-02', '2026-01', '2025-12']);
});

test('a period\'s instants are local midnights in the cluster\'s zone, daylight saving included', async () => {
  const wh = await openWarehouse(':memory:');
  try {
    const s = defaultSettings();
    await prepareConnection(wh.conn, s);
    // Amsterdam is UTC+2 in summer: 2026-Q3 runs from 2026-06-30 22:00 to 2026-09-30 22:00 UTC.
    const ctx = await clusterContext(wh.conn, s, 'x', 'Europe/Amsterdam', parsePeriod('2026-Q3'));
    assert.equal(ctx.period.startUtc, '2026-06-30 22:00:00');
    assert.equal(ctx.period.endUtc, '2026-09-30 22:00:00');
    // 2025-Q4 ends in winter (UTC+1): it starts at 22:00 and ends at 23:00 UTC.
    const q4 = ctx.history.find((p) => p.label === '2025-Q4')!;
    assert.equal(q4.startUtc, '2025-09-30 22:00:00');
    assert.equal(q4.endUtc, '2025-12-31 23:00:00');
    // Eight periods for the trend (a year ago is within them for quarters).
    assert.equal(ctx.history.length, 8);
  } finally {
    wh.close();
  }
});
