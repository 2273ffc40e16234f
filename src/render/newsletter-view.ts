/**
 * The newsletter's view model: the figures of a period turned into what a reader sees — per
 * cluster, the headline highlights and a section a topic (compute demand, storage, reliability,
 * failing jobs, wasteful jobs, teams and queues, throughput), each with its sentences, chart and
 * tables, every number formatted once (newsletter-format.ts). The web page, the email and its
 * plain text all render from this one object, so they state the same facts. Strings here are
 * plain text; the templates escape them. Only `note.html` is markup (the tool made it from the
 * editor's Markdown, see newsletter-note.ts).
 */
import type { ClusterFigures, Figures } from '../analyze/figures.js';
import { chartContent, type ChartName } from './charts.js';
import { dayBefore, int, localDay } from './newsletter-format.js';
import { clusterSections } from './newsletter-sections.js';
import type { EditorNote } from './newsletter-note.js';

export interface TableColumn {
  label: string;
  /** Right-aligned (a number). */
  numeric: boolean;
}

export interface TableView {
  /** What the table lists ("Cold data by team"). */
  caption: string;
  /** An id for the page (`failing-demo-hadoop`); tests and anchors find the table by it. */
  id: string;
  columns: TableColumn[];
  /** Cells as printed, one array a row, in the columns' order. */
  rows: TableCell[][];
}

export interface TableCell {
  text: string;
  numeric: boolean;
}

export interface ChartRef {
  name: ChartName;
  /** The chart's main fact with its numbers: alt text, SVG title. */
  alt: string;
  /** The chart's files in the edition's directory: `charts/<cluster>-<name>.svg|png`. */
  file: string;
  /** Content-ID of its PNG in the email. */
  cid: string;
}

export interface SectionView {
  id: string;
  title: string;
  /** Sentences with their numbers, the section's point first. */
  lead: string[];
  chart?: ChartRef;
  tables: TableView[];
  /** The one line an empty figure set gets instead of a chart and tables. */
  empty?: string;
  /** A closing line (how to act on what the section shows). */
  action?: string;
}

export interface ClusterView {
  name: string;
  /** For ids and file names: the name with anything but letters, digits, `-`, `_` and `.` replaced. */
  slug: string;
  /** "1 Jul 2026 – 30 Sep 2026, Europe/Amsterdam". */
  range: string;
  unit: string;
  highlights: string[];
  /** One line when the cluster ran no jobs in the period: then there are no sections. */
  empty?: string;
  sections: SectionView[];
}

export interface NewsletterView {
  /** The newsletter's name (settings newsletter.name, default "Cluster Gazette"). */
  name: string;
  /** "Cluster Gazette — 2026-Q3". */
  title: string;
  period: string;
  periodKind: string;
  /** The one "generated" line: the date passed in, never the clock. */
  issued: string;
  clusters: ClusterView[];
  /** Several clusters: a contents line naming each, and a section per cluster. */
  multi: boolean;
  note?: EditorNote;
  footer: { method: string[]; feedback: string };
}

export interface ViewOptions {
  name?: string;
  /** The date, YYYY-MM-DD (default: the day after the period). */
  date?: string;
  note?: EditorNote;
  /** The business series set beside compute demand (default: the first). */
  businessSeries?: string;
}

export const DEFAULT_NEWSLETTER_NAME = 'Cluster Gazette';

export const clusterSlug = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');

export function newsletterView(figures: Figures, options: ViewOptions = {}): NewsletterView {
  const clusters = Object.values(figures.clusters).map((f) => clusterView(f, options));
  const first = Object.values(figures.clusters)[0];
  const name = options.name ?? DEFAULT_NEWSLETTER_NAME;
  return {
    name,
    title: `${name} — ${figures.period}`,
    period: figures.period,
    periodKind: first?.period.kind ?? 'quarter',
    issued: localDay(options.date ?? first?.period.end ?? '1970-01-01'),
    clusters,
    multi: clusters.length > 1,
    note: options.note,
    footer: footer(),
  };
}

function clusterView(f: ClusterFigures, options: ViewOptions): ClusterView {
  const slug = clusterSlug(f.cluster);
  const range = `${localDay(f.period.start)} – ${localDay(dayBefore(f.period.end))}, ${f.timezone}`;
  const now = f.compute_demand.by_period[0];
  const base = { name: f.cluster, slug, range, unit: f.compute_unit, highlights: f.highlights.map((h) => h.text) };
  if (!now || !now.jobs) {
    return { ...base, empty: `${f.cluster} ran no jobs in ${f.period.label}: there are no figures to show.`, sections: [] };
  }
  const chart = (name: ChartName): ChartRef => ({
    name,
    alt: chartContent(name, f, { businessSeries: options.businessSeries }).alt,
    file: `charts/${slug}-${name}`,
    cid: `${slug}-${name}@gazette`,
  });
  return { ...base, sections: clusterSections(f, { chart, slug }) };
}

function footer(): NewsletterView['footer'] {
  return {
    method: [
      'Every number comes from the cluster\'s job history, storage snapshots and incident log, by the SQL files in gazette\'s queries/ folder; figures.json beside this page holds all of them.',
      'Use is vcore-hours (CPU-hours on Slurm) spread over each job\'s run; share of the cluster is use divided by capacity over the period. A failed run is FAILED, TIMEOUT, OUT_OF_MEMORY or NODE_FAIL.',
      'Availability is 1 minus the minutes covered by critical or major incidents over the minutes in the period. Storage deadlines follow the least-squares trend of the newest 90 days of snapshots.',
    ],
    feedback: 'Want to know why one of your jobs failed or what it wastes? Run gazette explain <job-id> for its diagnosis, or ask the platform team.',
  };
}

/** "2 clusters", for the archive and the email's preview text. */
export const clusterCount = (v: NewsletterView) => `${int(v.clusters.length)} ${v.clusters.length === 1 ? 'cluster' : 'clusters'}`;
