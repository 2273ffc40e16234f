/**
 * npm run bench:report — how long rendering one edition of the newsletter takes, from figures to
 * every file's bytes (view model, charts as SVG and PNG, web page, MJML email, plain text, the
 * composed .eml), and the peak memory. Figures: --figures FILE (a figures.json from `gazette
 * figures`), else two made-up clusters with full top lists (test/render/newsletter-figures.ts,
 * each list repeated to 10 rows). Target: under 3 s.
 */
import fs from 'node:fs';
import type { Figures, Row } from '../src/analyze/figures.js';
import { composeEmail } from '../src/deliver/email.js';
import { renderNewsletter } from '../src/render/newsletter.js';
import { loadTemplates } from '../src/render/templates.js';
import { periodFigures } from '../test/render/newsletter-figures.js';

function madeUp(): Figures {
  const figures = periodFigures('bench-yarn', 'bench-yarn-2');
  const ten = (rows: Row[]) => Array.from({ length: 10 }, (_, i) => ({ ...rows[0], job_key: `job_${i}_<date> [u${i}@q]`, owner: `user${i}`, name: `team${i}` }));
  for (const f of Object.values(figures.clusters)) {
    f.top_failing_jobs = ten(f.top_failing_jobs);
    f.top_consumers.teams = ten(f.top_consumers.teams);
    f.top_consumers.queues = ten(f.top_consumers.teams);
    f.storage.cold_data_by_team = ten(f.storage.cold_data_by_team);
  }
  return figures;
}

const arg = process.argv.indexOf('--figures');
const figures: Figures = arg > 0 ? JSON.parse(fs.readFileSync(process.argv[arg + 1], 'utf8')) : madeUp();
const started = process.hrtime.bigint();
const templates = loadTemplates();
const edition = await renderNewsletter(figures, { templates });
const eml = await composeEmail({ from: 'gazette@example.org', to: ['users@example.org'], subject: edition.subject, html: edition.emailHtml, text: edition.text, date: new Date('2026-10-01T00:00:00Z'), images: edition.images });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const clusters = Object.keys(figures.clusters).length;
process.stdout.write(
  `bench:report: ${figures.period}, ${clusters} cluster(s), ${edition.charts.length} charts: ${seconds.toFixed(2)} s (target 3 s), ` +
    `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; web ${edition.webHtml.length} chars, email HTML ${Buffer.byteLength(edition.emailHtml)} bytes, .eml ${eml.length} bytes\n`,
);
