/**
 * The newsletter's charts. Each chart is a Vega-Lite spec in templates/charts/NAME.vl.json (an
 * override directory wins, see chart-spec.ts), the rows it draws (chart-data.ts, from one
 * cluster's figures) and an alt text (chart-alt.ts). Rendering gives an SVG for the web page and a
 * PNG for the email, the same bytes for the same figures.
 */
import type { ClusterFigures } from '../analyze/figures.js';
import { UsageError } from '../errors.js';
import * as alt from './chart-alt.js';
import * as data from './chart-data.js';
import type { ChartRow } from './chart-data.js';
import { ChartSpecError, emptyChartSpec, renderSvg, svgToPng, webSvg, type ChartParams } from './chart-render.js';
import { loadChartSpec } from './chart-spec.js';
import type { NewsletterLook } from './chart-theme.js';

export type { ChartRow } from './chart-data.js';
export type { NewsletterLook, ChartColours } from './chart-theme.js';

export const CHART_NAMES = ['compute-demand', 'storage', 'availability', 'top-failing', 'teams', 'throughput'] as const;
export type ChartName = (typeof CHART_NAMES)[number];

export interface ChartOptions {
  /** The newsletter settings: name, logo, colours (defaults: the neutral palette). */
  look?: NewsletterLook;
  /** `--templates DIR`: a `charts/NAME.vl.json` (or `NAME.vl.json`) there replaces the built-in spec. */
  templatesDir?: string;
  /** The business series set beside compute demand, by name (default: the first the figures have). */
  businessSeries?: string;
}

interface ChartKind {
  rows(f: ClusterFigures, options: ChartOptions): ChartRow[];
  alt(f: ClusterFigures, rows: ChartRow[]): string;
}

const CHARTS: Record<ChartName, ChartKind> = {
  'compute-demand': { rows: (f, o) => data.computeDemandRows(f, { series: o.businessSeries }), alt: alt.computeDemandAlt },
  storage: { rows: data.storageRows, alt: alt.storageAlt },
  availability: { rows: (f) => data.availabilityRows(f), alt: (f, rows) => alt.availabilityAlt(f, rows) },
  'top-failing': { rows: (f) => data.topFailingRows(f), alt: alt.topFailingAlt },
  teams: { rows: (f) => data.teamRows(f), alt: alt.teamsAlt },
  throughput: { rows: data.throughputRows, alt: alt.throughputAlt },
};

export interface ChartContent {
  name: ChartName;
  rows: ChartRow[];
  /** The chart's main fact with its numbers: `alt=` in the email, `<title>` and aria-label on the web. */
  alt: string;
  /** Words the specs' titles use: `unit` (vcore-hours, CPU-hours), `period_kind` (quarter, month), `cluster`. */
  params: ChartParams;
}

export interface RenderedChart extends ChartContent {
  /** Where the spec was read from. */
  specPath: string;
  /** For the web page: viewBox, shrinks to the page width, `<title>` and aria-label from the alt text. */
  svg: string;
  /** For the email: PNG at 2× the SVG's size (1200 px wide for the 600 px column). */
  png: Buffer;
  /** No rows: the chart is its title and a line saying there is nothing to show (the report may leave it out). */
  empty: boolean;
  /** The chart's size in CSS pixels (the PNG is twice this). */
  width: number;
  height: number;
}

function chartKind(name: string): ChartKind {
  if (!(CHART_NAMES as readonly string[]).includes(name)) throw new UsageError(`There is no chart "${name}"; the charts are ${CHART_NAMES.join(', ')}.`);
  return CHARTS[name as ChartName];
}

/** A chart's rows and alt text, without drawing it. */
export function chartContent(name: ChartName, figures: ClusterFigures, options: ChartOptions = {}): ChartContent {
  const kind = chartKind(name);
  const rows = kind.rows(figures, options);
  const params = { unit: figures.compute_unit, period_kind: figures.period.kind, cluster: figures.cluster };
  return { name, rows, alt: kind.alt(figures, rows), params };
}

/** One chart of one cluster's figures, as SVG and PNG. A spec that does not compile names its file. */
export async function renderChart(name: ChartName, figures: ClusterFigures, options: ChartOptions = {}): Promise<RenderedChart> {
  const content = chartContent(name, figures, options);
  const { path, spec } = loadChartSpec(name, options.templatesDir);
  let chart;
  try {
    chart = content.rows.length
      ? await renderSvg(spec, content.rows, options.look, content.params)
      : await renderSvg(emptyChartSpec(spec), [{ text: content.alt }], options.look, content.params);
  } catch (e) {
    if (e instanceof ChartSpecError) throw new UsageError(`${path}: the spec of chart "${name}" does not render: ${e.message}`);
    throw e;
  }
  return { ...content, specPath: path, empty: content.rows.length === 0, svg: webSvg(chart, content.alt, `${figures.cluster}-${name}`), png: svgToPng(chart), width: chart.width, height: chart.height };
}

/** Every chart of one cluster's figures, in CHART_NAMES order. */
export async function renderCharts(figures: ClusterFigures, options: ChartOptions = {}): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const name of CHART_NAMES) out.push(await renderChart(name, figures, options));
  return out;
}
