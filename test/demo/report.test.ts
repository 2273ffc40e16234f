/**
 * `gazette report --quarter 2026-Q3` on the demo clusters: the edition names the planted
 * always-failing pipeline, its owner and its burn as in the answer key; its growth, availability
 * and storage numbers are figures.json's; the email is under Gmail's clipping limit with every
 * cid: resolved and every image described; two runs give the same bytes; the archive lists the
 * editions newest first; and headless Chromium shows the pages without overflow, with every chart.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { GMAIL_CLIP_BYTES } from '../../src/deliver/email.js';
import { change, day, hours, pct, pctNear } from '../../src/render/newsletter-format.js';
import { ROOT, runCli, tmpDir } from '../helpers.js';
import { Chromium, CHROMIUM_INSTALL_HINT, findChromium } from '../render/chromium.js';
import { demoWarehouse } from './demo-warehouse.js';

const SAMPLE = path.join(ROOT, 'sample-data');
const answers = JSON.parse(fs.readFileSync(path.join(SAMPLE, 'ANSWERS.json'), 'utf8'));
const config = path.join(SAMPLE, 'gazette.yaml');
const story = answers.stories.failing_pipeline;
const listFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name])).sort();
/** Text of an HTML page without tags and with entities decoded (enough for the checks). */
const plain = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('gazette report on the demo clusters', () => {
  const dir = tmpDir('gazette-report-');
  const out = path.join(dir, 'out');
  let db: string;
  let web: string;
  let mail: ParsedMail;
  let figures: { clusters: Record<string, any> };

  before(async () => {
    db = await demoWarehouse(dir);
    const r = await runCli(['report', '--db', db, '--config', config, '--quarter', '2026-Q3', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), path.join(out, '2026-Q3', 'index.html'));
    web = fs.readFileSync(path.join(out, '2026-Q3', 'index.html'), 'utf8');
    mail = await simpleParser(fs.readFileSync(path.join(out, '2026-Q3', 'newsletter.eml')), { keepCidLinks: true });
    figures = JSON.parse(fs.readFileSync(path.join(out, '2026-Q3', 'figures.json'), 'utf8'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes the edition and its figures: the same figures gazette figures gives', async () => {
    assert.deepEqual(listFiles(path.join(out, '2026-Q3')).filter((f) => !f.startsWith('charts/')), ['figures.json', 'index.html', 'newsletter.eml']);
    const charts = listFiles(path.join(out, '2026-Q3', 'charts'));
    assert.ok(charts.includes('demo-hadoop-top-failing.svg') && charts.includes('demo-hadoop-top-failing.png'), charts.join(' '));
    const r = await runCli(['figures', '--db', db, '--config', config, '--quarter', '2026-Q3']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(out, '2026-Q3', 'figures.json'), 'utf8'), r.stdout);
  });

  test('names the always-failing pipeline, its owner and its burn as in the answer key, in the page, the email and its text', () => {
    const row = figures.clusters['demo-hadoop'].top_failing_jobs[0];
    assert.equal(row.owner, story.user);
    assert.ok(Math.abs(row.failed_vcore_hours - story.failed_vcore_hours) < 0.01);
    const table = /<table id="failing-table-demo-hadoop">[\s\S]*?<\/table>/.exec(web)?.[0] ?? '';
    const firstRow = /<tbody><tr>([\s\S]*?)<\/tr>/.exec(table)?.[1] ?? '';
    const cells = [...firstRow.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(cells.slice(0, 7), ['clickstream.SessionizeDaily_&lt;date&gt;', story.user, story.team, `${story.failed_runs} / ${story.runs}`, String(story.failed_runs_in_a_row_at_end), '499,744', pct(story.share_of_capacity)]);
    assert.equal(pct(story.share_of_capacity), '10.0%');
    for (const [what, text] of [['web', plain(web)], ['email', plain(String(mail.html))], ['text', mail.text ?? '']] as const) {
      assert.match(text, /clickstream\.SessionizeDaily/, what);
      assert.ok(text.includes(`${story.user} (${story.team})`), `${what}: owner and team`);
      assert.ok(text.includes(hours(story.failed_vcore_hours, 'vcore-hours')), `${what}: the burn, 499,744 vcore-hours`);
    }
  });

  test('growth, availability and storage read as figures.json and the answer key have them', () => {
    const f = figures.clusters['demo-hadoop'];
    const text = plain(web);
    const growth = change(f.compute_demand.growth_over_previous);
    assert.equal(growth, '+31.0%');
    assert.ok(Math.abs(f.compute_demand.growth_over_previous - answers.compute_demand['demo-hadoop'].growth_2026_q3_over_q2) < 0.005);
    const availability = pctNear(f.reliability.by_period[0].availability, 0.999);
    assert.equal(availability, '99.75%');
    const crossing = day(f.storage.trend.crossing_90_at, f.timezone);
    assert.equal(crossing, '2 Mar 2027');
    assert.equal(f.storage.trend.crossing_90_at.slice(0, 10), answers.stories.capacity_90pct.crossing_date);
    for (const [what, t] of [['web', text], ['email', plain(String(mail.html))], ['text', mail.text ?? '']] as const) {
      assert.ok(t.includes(`That is ${growth} on 2026-Q2`), `${what}: growth`);
      assert.ok(t.includes(`Availability was ${availability}, below the 99.9% target`), `${what}: availability`);
      assert.ok(t.includes(`it reaches 90% on ${crossing}`), `${what}: storage crossing`);
    }
  });

  test('the email: HTML under Gmail\'s limit, every cid: has its part, every image its alt, a plain-text part', () => {
    const html = String(mail.html);
    assert.ok(Buffer.byteLength(html) < GMAIL_CLIP_BYTES, `${Buffer.byteLength(html)} bytes`);
    assert.equal(mail.subject, 'Cluster Gazette — 2026-Q3');
    const cids = [...html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
    assert.ok(cids.length >= 6, `${cids.length} cid images`);
    const parts = new Set(mail.attachments.map((a) => a.contentId?.replace(/^<|>$/g, '')));
    for (const cid of cids) assert.ok(parts.has(cid), `cid:${cid} has its part`);
    for (const img of html.match(/<img\b[^>]*>/g) ?? []) assert.match(img, /\balt="[^"]{20,}"/, img.slice(0, 120));
    assert.ok(mail.attachments.every((a) => a.contentType === 'image/png'));
    assert.match(mail.text ?? '', /TOP FAILING JOBS/);
    assert.match(mail.text ?? '', /\[Chart: /);
  });

  test('the same figures and templates give the same bytes in every file', async () => {
    const again = path.join(dir, 'again');
    const r = await runCli(['report', '--db', db, '--config', config, '--quarter', '2026-Q3', '--out', again]);
    assert.equal(r.code, 0, r.stderr);
    const files = listFiles(path.join(out, '2026-Q3'));
    assert.deepEqual(listFiles(path.join(again, '2026-Q3')), files);
    for (const f of files) assert.ok(fs.readFileSync(path.join(out, '2026-Q3', f)).equals(fs.readFileSync(path.join(again, '2026-Q3', f))), f);
  });

  test('the archive lists every edition rendered into the folder, newest first', async () => {
    for (const period of [['--quarter', '2026-Q2'], ['--month', '2026-09']]) {
      const r = await runCli(['report', '--db', db, '--config', config, ...period, '--out', out]);
      assert.equal(r.code, 0, r.stderr);
    }
    const archive = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    const links = [...archive.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(links, ['2026-09/index.html', '2026-Q3/index.html', '2026-Q2/index.html']);
  });

  test('in headless Chromium: every chart shows, nothing overflows at 375 px (web) and 600 px (email), the owner is in the failing-jobs table', async (t) => {
    const exe = findChromium();
    assert.ok(exe, CHROMIUM_INSTALL_HINT);
    // The email as a mail client shows it: its HTML with each cid: replaced by its part's image.
    const byCid = new Map(mail.attachments.map((a) => [a.contentId?.replace(/^<|>$/g, ''), a]));
    const emailFile = path.join(dir, 'email.html');
    fs.writeFileSync(emailFile, String(mail.html).replace(/cid:([^"]+)/g, (_, cid: string) => `data:image/png;base64,${byCid.get(cid)!.content.toString('base64')}`));
    const shots = process.env.GAZETTE_SCREENSHOTS;
    const browser = Chromium.launch(exe);
    try {
      for (const [name, file, width] of [['web-375', path.join(out, '2026-Q3', 'index.html'), 375], ['web-1280', path.join(out, '2026-Q3', 'index.html'), 1280], ['email-600', emailFile, 600]] as const) {
        const page = await browser.open(file, width);
        const check = await page.evaluate<{ scrollWidth: number; viewport: number; images: number; broken: string[]; owner: boolean }>(`(() => {
          const imgs = [...document.images];
          const svgs = [...document.querySelectorAll('figure.chart svg')];
          const failing = document.querySelector('#failing-table-demo-hadoop') || [...document.querySelectorAll('table')].find((t) => t.textContent.includes('Streak'));
          return {
            scrollWidth: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            images: imgs.length + svgs.length,
            broken: imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.alt.slice(0, 60))
              .concat(svgs.filter((s) => s.getBoundingClientRect().width < 100).map((s) => s.getAttribute('aria-label'))),
            owner: !!failing && failing.textContent.includes(${JSON.stringify(story.user)}),
          };
        })()`);
        assert.ok(check.images >= 6, `${name}: ${check.images} charts`);
        assert.deepEqual(check.broken, [], `${name}: charts that did not load`);
        assert.ok(check.scrollWidth <= check.viewport, `${name}: the page is ${check.scrollWidth} px wide in a ${check.viewport} px viewport`);
        assert.ok(check.owner, `${name}: ${story.user} in the failing-jobs table`);
        if (shots) fs.writeFileSync(path.join(shots, `${name}.png`), await page.screenshot());
      }
    } finally {
      await browser.close();
    }
    t.diagnostic(shots ? `screenshots in ${shots}` : 'set GAZETTE_SCREENSHOTS=DIR to keep screenshots');
  });
});
