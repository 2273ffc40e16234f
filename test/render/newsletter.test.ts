/**
 * The newsletter's view model and formatting, on hand-made figures worked out by hand: every
 * number as the reader sees it, dates in the cluster's zone, a section per cluster, an empty figure
 * set said in one line; the editor's note without raw HTML.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytes, change, day, dayTime, hours, int, money, pct, pctNear, times } from '../../src/render/newsletter-format.js';
import { noteFromMarkdown } from '../../src/render/newsletter-note.js';
import { newsletterView } from '../../src/render/newsletter-view.js';
import { clusterFigures, periodFigures } from './newsletter-figures.js';

describe('newsletter formatting', () => {
  it('prints numbers, shares, sizes, money and dates once, the same way', () => {
    assert.equal(int(499_744.0025), '499,744');
    assert.equal(hours(499_744.0025, 'vcore-hours'), '499,744 vcore-hours');
    assert.equal(pct(0.100032), '10.0%');
    assert.equal(change(0.30997), '+31.0%');
    assert.equal(change(-0.05), '−5.0%');
    assert.equal(pctNear(0.997509, 0.999), '99.75%');
    assert.equal(pctNear(0.99896, 0.999), '99.896%'); // not "99.90%", which would read as the target
    assert.equal(bytes(641_038_140_320_148), '641 TB');
    assert.equal(bytes(46_564_431_322_098), '46.6 TB');
    assert.equal(bytes(830_000_000_000), '830 GB');
    assert.equal(times(108.8), '109×');
    assert.equal(times(10.57), '10.6×');
    assert.equal(money(34_982.08, 'EUR'), 'EUR 34,982');
    assert.equal(day('2027-03-02T08:22:00.000Z', 'Europe/Amsterdam'), '2 Mar 2027');
    assert.equal(day('2026-09-30 23:30:00', 'Europe/Amsterdam'), '1 Oct 2026'); // no zone: UTC, then Amsterdam's day
    assert.equal(dayTime('2026-08-12T01:40:00.000Z', 'Europe/Amsterdam'), '12 Aug 2026, 03:40');
    assert.equal(int(null), '–');
  });
});

describe('newsletter view model', () => {
  it('states the period\'s figures with their numbers, section by section', () => {
    const v = newsletterView(periodFigures(), { date: '2026-10-05' });
    assert.equal(v.title, 'Cluster Gazette — 2026-Q3');
    assert.equal(v.issued, '5 Oct 2026');
    const [c] = v.clusters;
    assert.equal(c.range, '1 Jul 2026 – 30 Sept 2026, Europe/Amsterdam');
    const section = (id: string) => c.sections.find((s) => s.id === `${id}-c1`)!;
    assert.deepEqual(section('demand').lead, [
      'c1 used 1,500,000 vcore-hours in 2026-Q3, 50.0% of its capacity, in 12,345 jobs of 67 users.',
      'That is +25.0% on 2026-Q2.',
    ]);
    // the quarter with no jobs is before the history: not in the table
    assert.deepEqual(section('demand').tables[0].rows.map((r) => r[0].text), ['2026-Q3', '2026-Q2']);
    assert.equal(section('reliability').lead[0], 'Availability was 99.896%, below the 99.9% target: 138 minutes down.');
    assert.deepEqual(section('reliability').tables[0].rows[0].map((x) => x.text), ['12 Aug 2026, 03:40', 'critical', 'HDFS <down> & out', '138']);
    const failing = section('failing');
    assert.deepEqual(failing.tables[0].columns.map((x) => x.label), ['Job', 'Owner', 'Team', 'Failed', 'Streak', 'Burn', 'Share', 'Cost']);
    assert.deepEqual(failing.tables[0].rows[0].map((x) => x.text), ['etl.Daily_<date>', 'ann', 'etl', '92 / 92', '151', '150,124', '10.0%', 'EUR 6,005']);
    assert.match(failing.lead[1], /^etl\.Daily_<date> of ann \(etl\) failed all 92 runs, 151 in a row since 24 Jun 2026: 150,124 vcore-hours, 10\.0% of the cluster, EUR 6,005\./);
    assert.match(failing.action!, /gazette explain application_1_0042/);
    assert.deepEqual(section('storage').lead.slice(0, 2), [
      '641 TB used of 846 TB (75.8%) on 28 Sept 2026, +10.6% over the quarter.',
      'At the growth of the newest 90 days of snapshots (to 16 Nov 2026: 81% full), it is already above 80%; it reaches 90% on 2 Mar 2027, in 106 days.',
    ]);
    assert.equal(section('teams').tables[0].rows[0][3].text, '−5.0%');
    // no figures: one line, not silence
    assert.match(section('throughput').empty!, /^No Spark or MapReduce history/);
    assert.match(section('wasteful').empty!, /^No failed burn/);
  });

  it('gives every cluster its own part, and a cluster without jobs one line', () => {
    const figures = periodFigures('a', 'b');
    const idle = clusterFigures('b');
    idle.compute_demand.by_period = [{ period: '2026-Q3', vcore_hours: 0, jobs: 0 }];
    figures.clusters.b = idle;
    const v = newsletterView(figures);
    assert.equal(v.multi, true);
    assert.deepEqual(v.clusters.map((c) => [c.name, c.sections.length]), [['a', 7], ['b', 0]]);
    assert.equal(v.clusters[1].empty, 'b ran no jobs in 2026-Q3: there are no figures to show.');
    assert.equal(v.issued, '1 Oct 2026'); // by default the day after the period
  });

  it('turns the editor\'s Markdown into HTML with no raw HTML or script links', () => {
    const note = noteFromMarkdown('# Hello\n\nWe moved **HDFS**. <script>alert(1)</script> [x](javascript:alert(1)) [docs](https://example.org)\n');
    assert.match(note.html, /^<h3>Hello<\/h3>/);
    assert.ok(note.html.includes('&lt;script&gt;') && !note.html.includes('<script'), note.html);
    assert.ok(note.html.includes('<a href="#">x</a>') && note.html.includes('<a href="https://example.org">docs</a>'));
  });
});
