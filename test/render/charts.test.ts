/**
 * The newsletter's charts (src/render/charts.ts): each chart's rows and alt text from a hand-made
 * cluster's figures, worked out by hand in the comments; every built-in spec rendered to SVG and
 * PNG; the same bytes twice; the --templates override; a broken spec named by its file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ClusterFigures } from '../../src/analyze/figures.js';
import { UsageError } from '../../src/errors.js';
import { textWidth } from '../../src/render/chart-font.js';
import { availabilityRows, computeDemandRows, storageRows, teamRows, throughputRows, topFailingRows, TB } from '../../src/render/chart-data.js';
import { NEUTRAL_COLOURS } from '../../src/render/chart-theme.js';
import { CHART_NAMES, chartContent, renderChart, renderCharts } from '../../src/render/charts.js';
import { tmpDir } from '../helpers.js';

const DAY = 86_400_000;
const epochDays = (iso: string) => Date.parse(iso) / DAY;

/** Three quarters of a small YARN cluster; the two before it are before its history (no jobs). */
function figures(): ClusterFigures {
  const quarter = (period: string, vcore_hours: number, jobs: number, active_users: number) => ({ period, vcore_hours, jobs, active_users });
  const reliability = (period: string, availability: number, down_minutes: number) => ({ period, availability, down_minutes });
  return {
    cluster: 'c', timezone: 'UTC', compute_unit: 'vcore-hours',
    period: { label: '2026-Q3', kind: 'quarter', start: '2026-07-01', end: '2026-10-01', start_utc: '2026-07-01 00:00:00', end_utc: '2026-10-01 00:00:00' },
    compute_demand: {
      by_period: [quarter('2026-Q3', 1500, 30, 12), quarter('2026-Q2', 1000, 20, 10), quarter('2026-Q1', 800, 16, 9), quarter('2025-Q4', 0, 0, 0), quarter('2025-Q3', 0, 0, 0)],
      growth_over_previous: 0.5, growth_over_year_ago: null, by_team: [], by_queue: [], business_series: [],
    },
    reliability: { by_period: [reliability('2026-Q3', 0.9975, 330), reliability('2026-Q2', 1, 0), reliability('2026-Q1', 0.9995, 65)], incidents: [] },
    top_failing_jobs: [
      { job_key: 'etl.Daily_<date> [ann@root.etl]', owner: 'ann', team: 'etl', runs: 10, failures: 10, failed_vcore_hours: 400, share_of_capacity: 0.04 },
      { job_key: 'report_<date> [bob@root.bi]', owner: 'bob', team: 'bi', runs: 20, failures: 5, failed_vcore_hours: 100, share_of_capacity: 0.01 },
      { job_key: 'report_<date> [bob@root.adhoc]', owner: 'bob', team: 'bi', runs: 4, failures: 3, failed_vcore_hours: 50, share_of_capacity: 0.005 },
    ],
    wasteful: { failed_burn_by_user: [], memory_over_request: [], mapreduce_memory_over_request: [], spark_memory_over_request: [], time_limit_over_request: [], retries: [], superuser_jobs: [] },
    top_consumers: {
      users: [],
      teams: [{ name: 'etl', vcore_hours: 600, share_of_capacity: 0.06 }, { name: 'bi', vcore_hours: 300, share_of_capacity: 0.03 }],
      queues: [{ name: 'root.etl', vcore_hours: 600, share_of_capacity: 0.06 }],
      dominant_jobs: [],
    },
    storage: {
      by_period: [
        { period: '2026-Q3', snapshot_at: '2026-09-28T00:00:00.000Z', used_bytes: 60 * TB, capacity_bytes: 100 * TB },
        { period: '2026-Q2', snapshot_at: '2026-06-28T00:00:00.000Z', used_bytes: 50 * TB, capacity_bytes: 100 * TB },
        { period: '2026-Q1', snapshot_at: null, used_bytes: null, capacity_bytes: null },
      ],
      // 0.1 TB a day through 61 TB on 2026-09-30: 80 TB 190 days on (2027-04-08), 90 TB 290 days on (2027-07-17)
      trend: {
        slope_bytes_per_day: 0.1 * TB, intercept_bytes: 61 * TB - 0.1 * TB * epochDays('2026-09-30T00:00:00.000Z'),
        window_from: '2026-07-01T00:00:00.000Z', window_to: '2026-09-30T00:00:00.000Z',
        last_used_bytes: 61 * TB, last_capacity_bytes: 100 * TB,
        crossing_80_at: '2027-04-08T00:00:00.000Z', crossing_90_at: '2027-07-17T00:00:00.000Z',
      },
      growth_by_directory: [], growth_by_team: [], cold_data_by_team: [], cold_data_by_owner: [], small_files_by_team: [],
    },
    throughput_by_framework: [
      { framework: 'MAPREDUCE', jobs: 4, p25_mb_per_s: 1, median_mb_per_s: 2, p75_mb_per_s: 3, max_mb_per_s: 8 },
      { framework: 'SPARK', jobs: 6, p25_mb_per_s: 5, median_mb_per_s: 10, p75_mb_per_s: 20, max_mb_per_s: 40 },
    ],
    highlights: [],
  };
}

const close = (got: unknown, want: number, what: string) =>
  assert.ok(typeof got === 'number' && Math.abs(got - want) < 1e-3, `${what}: got ${String(got)}, want ${want}`);

describe('chart rows and alt text', () => {
  it('compute demand: the periods since the first job, oldest first; active users beside it, or the business series', () => {
    const f = figures();
    const rows = computeDemandRows(f);
    // 2025-Q3 and 2025-Q4 had no job: before the history, left out
    assert.deepEqual(rows.map((r) => `${r.period} ${r.kind} ${r.measure} ${r.value}`), [
      '2026-Q1 compute vcore-hours 800', '2026-Q1 companion active users 9',
      '2026-Q2 compute vcore-hours 1000', '2026-Q2 companion active users 10',
      '2026-Q3 compute vcore-hours 1500', '2026-Q3 companion active users 12',
    ]);
    assert.deepEqual(rows.filter((r) => r.current).map((r) => r.period), ['2026-Q3', '2026-Q3']);
    // 1,500 against 1,000: up 50%
    assert.equal(chartContent('compute-demand', f).alt, 'Compute demand by quarter: 1,500 vcore-hours in 2026-Q3, up 50% from 1,000 in 2026-Q2; active users: 12.');

    const series = { kind: 'flow', growth_over_previous: null, growth_over_year_ago: null, compute_hours_per_1000: null };
    f.compute_demand.business_series = [
      { ...series, series: 'customers', unit: 'customers', by_period: [{ period: '2026-Q3', value: 90 }] },
      { ...series, series: 'orders', unit: 'orders', by_period: [{ period: '2026-Q3', value: 300 }, { period: '2026-Q2', value: 250 }, { period: '2026-Q1', value: 40, complete: false }] },
    ];
    // 2026-Q1's 40 orders cover part of it only: not drawn
    const orders = computeDemandRows(f, { series: 'orders' }).filter((r) => r.kind === 'companion');
    assert.deepEqual(orders.map((r) => [r.period, r.measure, r.value]), [['2026-Q1', 'orders', null], ['2026-Q2', 'orders', 250], ['2026-Q3', 'orders', 300]]);
    assert.equal(computeDemandRows(f).find((r) => r.kind === 'companion')!.measure, 'customers', 'the first series by default');
    assert.match(chartContent('compute-demand', f, { businessSeries: 'orders' }).alt, /; orders: 300\.$/);
  });

  it('storage: used and capacity at each snapshot, zones, the trend to the later crossing, a marker a crossing', () => {
    const f = figures();
    const rows = storageRows(f);
    const of = (series: string) => rows.filter((r) => r.series === series);
    // Q2 and Q3 ends, and the newest snapshot (09-30, after Q3's 09-28)
    assert.deepEqual(of('used').map((r) => [String(r.date).slice(0, 10), r.tb]), [['2026-06-28', 50], ['2026-09-28', 60], ['2026-09-30', 61]]);
    // capacity and zones also at the last crossing, so the shading reaches it
    assert.deepEqual(of('capacity').map((r) => String(r.date).slice(0, 10)), ['2026-06-28', '2026-09-28', '2026-09-30', '2027-07-17']);
    assert.deepEqual(of('zone 80–90%').map((r) => [r.tb, r.tb2]), [[80, 90], [80, 90], [80, 90], [80, 90]]);
    assert.deepEqual(of('zone 90–100%')[0], { date: '2026-06-28T00:00:00.000Z', series: 'zone 90–100%', tb: 90, tb2: 100 });
    // the line at 2026-07-01 is 91 days before 61 TB: 61 − 9.1 = 51.9; at 2027-07-17, 290 days on: 61 + 29 = 90
    const trend = of('trend');
    assert.deepEqual(trend.map((r) => r.date), ['2026-07-01T00:00:00.000Z', '2027-07-17T00:00:00.000Z']);
    close(trend[0].tb, 51.9, 'trend at window_from');
    close(trend[1].tb, 90, 'trend at the 90% crossing');
    assert.deepEqual(of('crossing').map((r) => [r.label, r.tb]), [['80% on 2027-04-08', 80], ['90% on 2027-07-17', 90]]);
    assert.equal(rows.length, 19);
    assert.equal(chartContent('storage', f).alt, 'Storage: 61 TB used of 100 TB (61%) on 2026-09-30; at the recent trend it reaches 80% on 2027-04-08 and 90% on 2027-07-17.');

    // a crossing past a year is not drawn
    f.storage.trend!.crossing_90_at = '2028-01-01T00:00:00.000Z';
    assert.deepEqual(storageRows(f).filter((r) => r.series === 'crossing').map((r) => r.label), ['80% on 2027-04-08']);
    // no snapshot at all: no rows, and the alt text says so
    const none = figures();
    none.storage.by_period = [];
    none.storage.trend = null;
    assert.deepEqual(storageRows(none), []);
    assert.equal(chartContent('storage', none).alt, 'Storage: no snapshots of used and capacity.');
  });

  it('availability: percent by period, oldest first, below the 99.9% target marked', () => {
    const f = figures();
    assert.deepEqual(availabilityRows(f).map((r) => [r.period, r.availability_pct, r.below, r.down_minutes]), [
      ['2026-Q1', 99.95, false, 65], ['2026-Q2', 100, false, 0], ['2026-Q3', 99.75, true, 330],
    ]);
    assert.equal(availabilityRows(f)[0].target_pct, 99.9);
    assert.equal(chartContent('availability', f).alt, 'Availability was 99.75% in 2026-Q3 (330 minutes down), below the 99.9% target; 2 of 3 quarters met it.');
  });

  it('top failing: name and owner, burn and share; the same name and owner twice told apart by rank', () => {
    const f = figures();
    const rows = topFailingRows(f);
    assert.deepEqual(rows.map((r) => [r.job, r.hours, r.share_pct, r.note]), [
      ['etl.Daily_<date> (ann)', 400, 4, '4.0% · 10/10 failed'],
      ['2. report_<date> (bob)', 100, 1, '1.0% · 5/20 failed'],
      ['3. report_<date> (bob)', 50, 0.5, '0.5% · 3/4 failed'],
    ]);
    assert.equal(chartContent('top-failing', f).alt, 'The failing job that burned the most in 2026-Q3 is etl.Daily_<date> (ann): 10 of 10 runs failed, 400 vcore-hours, 4.0% of the cluster.');
  });

  it('teams: a panel of teams and one of queues, by share', () => {
    const f = figures();
    assert.deepEqual(teamRows(f).map((r) => [r.dimension, r.rank, r.name, r.share_pct, r.note]), [
      ['Teams', 1, 'etl', 6, '6.0%'], ['Teams', 2, 'bi', 3, '3.0%'], ['Queues', 1, 'root.etl', 6, '6.0%'],
    ]);
    // 6% + 3%
    assert.equal(chartContent('teams', f).alt, 'etl used the largest share of the cluster in 2026-Q3: 6.0% (600 vcore-hours); the top 2 teams together 9.0%.');
  });

  it('throughput: quartiles, median and fastest per framework; the alt text ranks by median', () => {
    const f = figures();
    assert.deepEqual(throughputRows(f).map((r) => [r.framework, r.p25, r.median, r.p75, r.max, r.note]), [
      ['MAPREDUCE', 1, 2, 3, 8, '2.0 MB/s median · 4 jobs'], ['SPARK', 5, 10, 20, 40, '10.0 MB/s median · 6 jobs'],
    ]);
    assert.equal(chartContent('throughput', f).alt, 'Median throughput per job in 2026-Q3: SPARK 10.0 MB/s over 6 jobs; MAPREDUCE 2.0 MB/s over 4 jobs.');
  });
});

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe('rendering', () => {
  it('every built-in spec renders to SVG (viewBox, title) and PNG (2× its size) without a warning', async () => {
    const charts = await renderCharts(figures());
    assert.deepEqual(charts.map((c) => c.name), [...CHART_NAMES]);
    for (const c of charts) {
      assert.ok(c.rows.length > 0 && !c.empty, c.name);
      assert.match(c.svg, /^<svg [^>]*viewBox="0 0 [\d.]+ [\d.]+"[^>]*role="img"[^>]*style="max-width:100%;height:auto"><title>/, c.name);
      assert.ok(c.svg.includes(`<title>${c.alt.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</title>`), c.name);
      assert.ok(c.width > 500 && c.width <= 600, `${c.name} is ${c.width} px wide`);
      assert.ok(c.png.subarray(0, 8).equals(PNG_MAGIC), c.name);
      assert.deepEqual(pngSize(c.png), { width: Math.round(c.width * 2), height: Math.round(c.height * 2) }, c.name);
    }
    // the labels are in the SVG as text
    const byName = Object.fromEntries(charts.map((c) => [c.name, c]));
    assert.ok(byName['top-failing'].svg.includes('4.0% · 10/10 failed'));
    assert.ok(byName['top-failing'].svg.includes('Top failing jobs: vcore-hours burned by failed runs'));
    assert.ok(byName.storage.svg.includes('90% on 2027-07-17'));
    assert.ok(byName.availability.svg.includes('Availability by quarter, against the target'));
  });

  it('the same figures give the same bytes, whatever was rendered in between', async () => {
    const first = await renderChart('storage', figures());
    await renderChart('teams', figures());
    const again = await renderChart('storage', figures());
    assert.equal(again.svg, first.svg);
    assert.ok(again.png.equals(first.png));
  });

  it('charts inlined in one page share no id: each refers only to its own clip paths', async () => {
    // Vega numbers clip paths clip1, clip2… in every chart; inline on one page, the second chart
    // clipped to the first one's paths (the demo's Slurm bars floated, failing-job labels were cut).
    const a = figures();
    const b = { ...figures(), cluster: 'other cluster' };
    const svgs = [...(await renderCharts(a)), ...(await renderCharts(b))].map((c) => c.svg);
    const ids = svgs.flatMap((svg) => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    assert.ok(ids.some((id) => /clip/.test(id)), 'the charts have clip paths');
    assert.equal(new Set(ids).size, ids.length, 'no id twice on the page');
    for (const svg of svgs) {
      const own = new Set([...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
      for (const m of svg.matchAll(/url\(#([^)]+)\)/g)) assert.ok(own.has(m[1]), `url(#${m[1]}) is defined in the same chart`);
    }
  });

  it('the PNG draws its text: a chart with other labels gives other pixels', async () => {
    const f = figures();
    const a = await renderChart('teams', f);
    f.top_consumers.teams[0].name = 'xyz';
    f.top_consumers.teams[1].name = 'abc';
    const b = await renderChart('teams', f);
    assert.ok(!a.png.equals(b.png));
  });

  it('colours come from the look, the neutral palette by default; the unit from the figures', async () => {
    const neutral = await renderChart('availability', figures());
    assert.ok(neutral.svg.includes(NEUTRAL_COLOURS.primary));
    const styled = await renderChart('availability', figures(), { look: { name: 'Gazette', colours: { primary: '#123456' } } });
    assert.ok(styled.svg.includes('#123456') && !styled.svg.includes(NEUTRAL_COLOURS.primary));
    const listed = await renderChart('availability', figures(), { look: { colours: ['#abcdef'] } });
    assert.ok(listed.svg.includes('#abcdef'));
    const hpc = { ...figures(), compute_unit: 'CPU-hours' as const };
    assert.ok((await renderChart('top-failing', hpc)).svg.includes('Top failing jobs: CPU-hours burned by failed runs'));
  });

  it('a chart with no rows renders its title and a line saying so, marked empty', async () => {
    const f = figures();
    f.throughput_by_framework = [];
    const c = await renderChart('throughput', f);
    assert.equal(c.empty, true);
    assert.ok(c.svg.includes('Throughput per job by framework, MB/s'));
    assert.ok(c.svg.includes('no job of 2026-Q3 has its bytes read and written'));
    assert.ok(c.png.subarray(0, 8).equals(PNG_MAGIC));
  });

  it('a layer filtered to nothing (no quarter below target, no crossing) is no error', async () => {
    const f = figures();
    f.reliability.by_period = f.reliability.by_period.map((r) => ({ ...r, availability: 1, down_minutes: 0 }));
    f.storage.trend = { ...f.storage.trend, crossing_80_at: null, crossing_90_at: null };
    const availability = await renderChart('availability', f);
    assert.match(availability.alt, /meeting the 99\.9% target; 3 of 3 quarters met it\.$/);
    assert.ok(!availability.svg.includes('min down'));
    assert.ok(!(await renderChart('storage', f)).svg.includes('% on '));
  });

  it('text is laid out with the font\'s own widths', () => {
    assert.ok(textWidth('iiii', 12) < textWidth('MMMM', 12) / 2);
    assert.ok(textWidth('clickstream', 12, true) > textWidth('clickstream', 12));
    // Source Sans 3 is narrow: far under Vega's 0.8 em a character
    assert.ok(textWidth('root.content_moderation', 12) < 0.55 * 12 * 'root.content_moderation'.length);
  });
});

describe('--templates override', () => {
  const spec = (title: string) => JSON.stringify({ data: { name: 'values' }, width: 600, height: 100, title, mark: 'point', encoding: { x: { field: 'availability_pct', type: 'quantitative' } } });

  it('a spec in DIR/charts/ (or DIR/) wins over the built-in one; the other charts stay built in', async () => {
    const dir = tmpDir('gazette-charts-');
    fs.mkdirSync(path.join(dir, 'charts'));
    fs.writeFileSync(path.join(dir, 'charts', 'availability.vl.json'), spec('Our uptime'));
    const c = await renderChart('availability', figures(), { templatesDir: dir });
    assert.equal(c.specPath, path.join(dir, 'charts', 'availability.vl.json'));
    assert.ok(c.svg.includes('Our uptime'));
    const other = await renderChart('teams', figures(), { templatesDir: dir });
    assert.match(other.specPath, /templates\/charts\/teams\.vl\.json$/);

    const flat = tmpDir('gazette-charts-');
    fs.writeFileSync(path.join(flat, 'availability.vl.json'), spec('Flat uptime'));
    assert.ok((await renderChart('availability', figures(), { templatesDir: flat })).svg.includes('Flat uptime'));
  });

  it('a spec that is not JSON, or does not compile, is a usage error naming its file', async () => {
    const dir = tmpDir('gazette-charts-');
    const file = path.join(dir, 'storage.vl.json');
    fs.writeFileSync(file, '{"mark": "line",');
    await assert.rejects(renderChart('storage', figures(), { templatesDir: dir }), (e: Error) =>
      e instanceof UsageError && e.message.startsWith(`${file}: the spec of chart "storage" is not valid JSON`));
    fs.writeFileSync(file, '[1, 2]');
    await assert.rejects(renderChart('storage', figures(), { templatesDir: dir }), (e: Error) => e instanceof UsageError && e.message.startsWith(`${file}:`));
    fs.writeFileSync(file, JSON.stringify({ data: { name: 'values' }, mark: 'point', encoding: { x: { field: 'tb', type: 'no-such-type' } } }));
    await assert.rejects(renderChart('storage', figures(), { templatesDir: dir }), (e: Error) =>
      e instanceof UsageError && e.message.startsWith(`${file}: the spec of chart "storage" does not render`));
    fs.writeFileSync(file, JSON.stringify({ data: { values: [] }, mark: 'point' }));
    await assert.rejects(renderChart('storage', figures(), { templatesDir: dir }), /no data source named "values"/);
  });
});
