/**
 * The archive page (`out/index.html`): every edition rendered into the output directory so far,
 * newest first, found by scanning `out/<period>/figures.json` — so it is rebuilt whole from what
 * is on disk, and an edition removed by hand drops out of it. A figures.json that cannot be read
 * is left out with a warning rather than stopping the new edition.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Figures } from '../analyze/figures.js';
import { chartColours, type NewsletterLook } from './chart-theme.js';
import type { NewsletterTemplates } from './templates.js';
import { DEFAULT_NEWSLETTER_NAME } from './newsletter-view.js';

export interface ArchiveEdition {
  period: string;
  /** The period's first day (the earliest of its clusters'), to sort by. */
  start: string;
  href: string;
  clusters: string;
  headlines: string[];
}

export function archiveEditions(outDir: string, warn: (message: string) => void = () => {}): ArchiveEdition[] {
  const editions: ArchiveEdition[] = [];
  const dirs = fs.existsSync(outDir) ? fs.readdirSync(outDir, { withFileTypes: true }) : [];
  for (const d of dirs) {
    if (!d.isDirectory() || d.name.startsWith('.')) continue;
    const file = path.join(outDir, d.name, 'figures.json');
    if (!fs.existsSync(file)) continue;
    let figures: Figures;
    try {
      figures = JSON.parse(fs.readFileSync(file, 'utf8')) as Figures;
    } catch (e) {
      warn(`${file}: not read for the archive (${(e as Error).message}); that edition is left out of out/index.html.`);
      continue;
    }
    const clusters = Object.values(figures.clusters ?? {});
    editions.push({
      period: String(figures.period ?? d.name),
      start: clusters.map((c) => c.period?.start ?? '').sort()[0] ?? '',
      href: `${encodeURIComponent(d.name)}/index.html`,
      clusters: clusters.map((c) => c.cluster).join(', '),
      headlines: clusters.flatMap((c) => (c.highlights ?? []).slice(0, 1).map((h) => `${c.cluster}: ${h.text}`)),
    });
  }
  // newest first: by the period's first day, then by name (a quarter before the month it starts with)
  return editions.sort((a, b) => b.start.localeCompare(a.start) || b.period.localeCompare(a.period));
}

export function renderArchive(editions: ArchiveEdition[], templates: NewsletterTemplates, look: NewsletterLook = {}): string {
  return templates.fill('archive', { name: look.name ?? DEFAULT_NEWSLETTER_NAME, colours: chartColours(look), editions });
}
