/**
 * gazette report: the newsletter of a period. Computes the figures (as `gazette figures` does, or
 * reads them from --figures), renders the web page, the email and the charts from them, writes
 * `OUT/<period>/` whole or not at all, rebuilds the archive `OUT/index.html`, and with --send
 * sends the very bytes of newsletter.eml over SMTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Figures } from '../analyze/figures.js';
import { writeDirectoryAtomic, type DirectoryFiles } from '../deliver/atomic-dir.js';
import { writeFileAtomic } from '../deliver/atomic-write.js';
import { composeEmail, GMAIL_CLIP_BYTES, htmlSizeBytes, type EmailMessage } from '../deliver/email.js';
import { senderOf, smtpFromOptions, type SmtpFlags } from '../deliver/smtp-options.js';
import { sendEmail } from '../deliver/smtp.js';
import { UsageError } from '../errors.js';
import { renderNewsletter, type Logo } from '../render/newsletter.js';
import { archiveEditions, renderArchive } from '../render/newsletter-archive.js';
import { readNote } from '../render/newsletter-note.js';
import { loadTemplates } from '../render/templates.js';
import { DEFAULT_NEWSLETTER_NAME } from '../render/newsletter-view.js';
import { loadSettings, type Settings } from '../settings.js';
import { figuresJson, periodFigures, type PeriodFlags } from './figures.js';

export interface ReportFlags extends PeriodFlags, SmtpFlags {
  /** Render from a figures.json (`gazette figures --out`) instead of the warehouse. */
  figures?: string;
  note?: string;
  out?: string;
  templates?: string;
  /** The issue's date, YYYY-MM-DD (default: the day after the period). */
  date?: string;
  send?: boolean;
  to?: string[];
  cc?: string[];
}

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml', '.webp': 'image/webp' };

/** settings newsletter.logo: a URL as it is, else a file beside the settings file. */
function resolveLogo(settings: Settings): Logo | undefined {
  const logo = settings.newsletter?.logo;
  if (!logo) return undefined;
  if (/^https?:\/\//i.test(logo)) return { url: logo };
  const file = path.resolve(settings.file ? path.dirname(settings.file) : '.', logo);
  const contentType = IMAGE_TYPES[path.extname(file).toLowerCase()];
  if (!contentType) throw new UsageError(`${settings.file ?? 'settings'}: newsletter.logo ${logo}: not an image gazette can inline (${Object.keys(IMAGE_TYPES).join(', ')}) nor an http(s) URL.`);
  try {
    return { filename: path.basename(file), contentType, content: fs.readFileSync(file) };
  } catch (e) {
    throw new UsageError(`${settings.file ?? 'settings'}: newsletter.logo ${logo}: cannot read ${file} (${(e as NodeJS.ErrnoException).code}).`);
  }
}

function readFigures(file: string): Figures {
  try {
    const figures = JSON.parse(fs.readFileSync(file, 'utf8')) as Figures;
    if (typeof figures?.period !== 'string' || typeof figures.clusters !== 'object') throw new Error('no "period" and "clusters"');
    return figures;
  } catch (e) {
    throw new UsageError(`--figures ${file}: not the figures of a period as gazette figures writes them (${(e as Error).message}).`);
  }
}

export async function runReport(flags: ReportFlags): Promise<void> {
  if (flags.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.date)) throw new UsageError(`--date ${flags.date}: write the issue's date as YYYY-MM-DD.`);
  if (flags.send && !flags.to?.length) throw new UsageError('--send needs at least one recipient: --to ADDRESS.');
  if (flags.figures && (flags.quarter || flags.month)) throw new UsageError('--figures renders the period of its file: leave out --quarter and --month.');
  const templates = loadTemplates(flags.templates);
  const note = flags.note ? readNote(flags.note) : undefined;

  let settings: Settings;
  let figures: Figures;
  if (flags.figures) {
    settings = loadSettings(flags.config);
    figures = readFigures(flags.figures);
  } else {
    ({ settings, figures } = await periodFigures(flags));
  }
  const look = { ...settings.newsletter, name: settings.newsletter?.name ?? DEFAULT_NEWSLETTER_NAME };
  const first = Object.values(figures.clusters)[0];
  const date = flags.date ?? first?.period.end ?? '1970-01-01';
  const smtp = flags.send ? smtpFromOptions(settings.smtp, flags) : undefined;

  const edition = await renderNewsletter(figures, { look, logo: resolveLogo(settings), templates, templatesDir: flags.templates, date, note });
  const htmlBytes = htmlSizeBytes(edition.emailHtml);
  if (htmlBytes > GMAIL_CLIP_BYTES) {
    process.stderr.write(`warning: the email's HTML is ${htmlBytes} bytes, over Gmail's ${GMAIL_CLIP_BYTES}: Gmail will clip it. Shorten the note or the top lists (settings figures.top).\n`);
  }
  const message: EmailMessage = {
    from: senderOf(settings, flags, look.name),
    to: flags.to ?? [],
    cc: flags.cc,
    subject: edition.subject,
    html: edition.emailHtml,
    text: edition.text,
    date: new Date(`${date}T00:00:00Z`),
    images: edition.images,
    headers: { 'X-Gazette-Period': figures.period },
  };
  const raw = await composeEmail(message);

  const files: DirectoryFiles = new Map<string, string | Buffer>([
    ['index.html', edition.webHtml],
    ['newsletter.eml', raw],
    ['figures.json', figuresJson(figures)],
  ]);
  for (const c of edition.charts) {
    files.set(`${c.file}.svg`, c.svg);
    files.set(`${c.file}.png`, c.png);
  }
  const outDir = path.resolve(flags.out ?? 'out');
  const periodDir = path.join(outDir, figures.period);
  writeDirectoryAtomic(periodDir, files);
  const warn = (m: string) => process.stderr.write(`warning: ${m}\n`);
  writeFileAtomic(path.join(outDir, 'index.html'), renderArchive(archiveEditions(outDir, warn), templates, look));
  process.stderr.write(`${figures.period}: ${Object.keys(figures.clusters).join(', ')}; ${edition.charts.length} charts; email HTML ${htmlBytes} bytes (Gmail clips over ${GMAIL_CLIP_BYTES})\n`);

  if (smtp) {
    const result = await sendEmail(smtp, message, raw);
    process.stderr.write(`sent to ${result.accepted.join(', ')} via ${smtp.host}:${smtp.port}${result.rejected.length ? `; refused: ${result.rejected.join(', ')}` : ''}\n`);
  }
  process.stdout.write(`${path.join(periodDir, 'index.html')}\n`);
}
