/**
 * One edition of the newsletter from the figures of a period: the view model (newsletter-view.ts),
 * the charts it shows (SVG inline on the web page, PNG as `cid:` images in the email), and the
 * filled templates — web HTML, MJML-rendered email HTML and the plain text, all from the same view.
 * Nothing here reads the clock or the warehouse: the same figures, options and templates give the
 * same bytes.
 */
import type { Figures } from '../analyze/figures.js';
import type { InlineImage } from '../deliver/email.js';
import { chartFontFaceCss } from './chart-font.js';
import { chartColours, type NewsletterLook } from './chart-theme.js';
import { renderChart } from './charts.js';
import type { EditorNote } from './newsletter-note.js';
import { loadTemplates, mjmlToHtml, type NewsletterTemplates } from './templates.js';
import { newsletterView, type ChartRef, type NewsletterView } from './newsletter-view.js';

/** The newsletter's logo: a URL as it is, or an image file's bytes (a data URI on the web, a cid: image in the email). */
export type Logo = { url: string } | { filename: string; contentType: string; content: Buffer };

export interface NewsletterOptions {
  /** Name and colours (settings `newsletter:`); the logo is passed resolved, as `logo`. */
  look?: NewsletterLook;
  logo?: Logo;
  /** `--templates DIR`. */
  templatesDir?: string;
  /** Templates already loaded (a run that renders several editions compiles once). */
  templates?: NewsletterTemplates;
  /** The date, YYYY-MM-DD (default: the day after the period). */
  date?: string;
  note?: EditorNote;
  businessSeries?: string;
}

export interface ChartFile extends ChartRef {
  svg: string;
  png: Buffer;
}

export interface RenderedNewsletter {
  view: NewsletterView;
  subject: string;
  webHtml: string;
  emailHtml: string;
  text: string;
  charts: ChartFile[];
  /** The email's inline images: the charts' PNGs (and a logo file). */
  images: InlineImage[];
}

const LOGO_CID = 'logo@gazette';

export async function renderNewsletter(figures: Figures, options: NewsletterOptions = {}): Promise<RenderedNewsletter> {
  const templates = options.templates ?? loadTemplates(options.templatesDir);
  const view = newsletterView(figures, { name: options.look?.name, date: options.date, note: options.note, businessSeries: options.businessSeries });
  const charts: ChartFile[] = [];
  const svgs = new Map<string, string>();
  for (const cluster of view.clusters) {
    const f = figures.clusters[cluster.name];
    for (const section of cluster.sections) {
      if (!section.chart) continue;
      const r = await renderChart(section.chart.name, f, { look: options.look, templatesDir: options.templatesDir, businessSeries: options.businessSeries });
      charts.push({ ...section.chart, svg: r.svg, png: r.png });
      svgs.set(section.chart.cid, r.svg);
    }
  }
  const colours = chartColours(options.look);
  const logo = options.logo;
  const logoAlt = view.name;
  const webLogo = logo && { alt: logoAlt, src: 'url' in logo ? logo.url : `data:${logo.contentType};base64,${logo.content.toString('base64')}` };
  const emailLogo = logo && { alt: logoAlt, src: 'url' in logo ? logo.url : `cid:${LOGO_CID}` };
  const preview = view.clusters.flatMap((c) => c.highlights)[0] ?? view.title;

  // The web view carries each chart's SVG (markup the tool made) beside its reference.
  const webView = {
    ...view,
    clusters: view.clusters.map((c) => ({ ...c, sections: c.sections.map((s) => (s.chart ? { ...s, chart: { ...s.chart, svg: svgs.get(s.chart.cid) } } : s)) })),
  };
  const webHtml = templates.fill('web', { view: webView, colours, logo: webLogo, fontFaces: chartFontFaceCss() });
  const emailHtml = await mjmlToHtml(templates.fill('email', { view, colours, logo: emailLogo, preview }), templates.paths.email);
  const text = `${templates.fill('text', { view }).replace(/\n{3,}/g, '\n\n').trim()}\n`;
  const images: InlineImage[] = charts.map((c) => ({ cid: c.cid, filename: `${c.file.slice('charts/'.length)}.png`, contentType: 'image/png', content: c.png }));
  if (logo && !('url' in logo)) images.unshift({ cid: LOGO_CID, filename: logo.filename, contentType: logo.contentType, content: logo.content });
  return { view, subject: view.title, webHtml, emailHtml, text, charts, images };
}
