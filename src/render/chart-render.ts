/**
 * Rendering a Vega-Lite spec with its rows, server-side and deterministically: vega-lite compile →
 * a Vega View with no renderer → SVG; the PNG is that SVG drawn by resvg with the chart font only
 * (no system fonts). Text is laid out with the font's real widths (chart-font.ts), SVG definition
 * ids restart at every render, times are UTC (the specs' scales are `utc`): the same rows and spec
 * give the same bytes.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartFontFiles, CHART_FONT_FAMILY, textWidth } from './chart-font.js';
import { chartConfig, CHART_WIDTH, type NewsletterLook } from './chart-theme.js';
import type { ChartRow } from './chart-data.js';

/** The named data source a spec draws: `"data": {"name": "values"}`. */
export const CHART_DATA_NAME = 'values';
/** PNG pixels per SVG pixel: a 600 px email column at 2× density. */
export const PNG_DENSITY = 2;

export interface SvgChart {
  svg: string;
  width: number;
  height: number;
}

interface TextItem { fontSize?: number; fontWeight?: string | number; limit?: number }

/** Vega's text width hook: the real advance widths, at most the item's limit (Vega truncates to it). */
function measure(item: TextItem, text: unknown): number {
  const line = text == null ? '' : String(text).trim();
  const weight = item.fontWeight;
  const bold = weight === 'bold' || weight === 'bolder' || (Number(weight) || 0) >= 600;
  const width = textWidth(line, item.fontSize != null ? +item.fontSize || 0 : 11, bold);
  return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
}

/**
 * Warnings that are no fault of the spec: Vega-Lite's word that a bar chart with a height per bar
 * (`"height": {"step": …}`) is fitted to the width only (what the theme's `fit-x` asks for), and
 * Vega's that a layer filtered to nothing (no quarter below target, no crossing) has no extent.
 */
const EXPECTED = /^(Dropping "fit-y" because spec has discrete height\.|Infinite extent for field "[^"]*": \[Infinity, -Infinity\])$/;

/** A logger that keeps what Vega and Vega-Lite warn about, to fail on rather than print. */
function collectingLogger(messages: string[]) {
  let level = 0;
  const keep = (...args: unknown[]) => {
    const message = args.map(String).join(' ');
    if (!EXPECTED.test(message)) messages.push(message);
    return logger;
  };
  const logger = {
    level(l?: number) { if (l === undefined) return level; level = l; return logger; },
    error: keep, warn: keep, info: () => logger, debug: () => logger,
  };
  return logger;
}

export class ChartSpecError extends Error {}

/** Values a spec may use in expressions (`{"expr": "unit"}`), as top-level params. */
export type ChartParams = Record<string, string | number>;

/** The spec with each given param's value set (declared or not). */
function withParams(spec: TopLevelSpec, params: ChartParams): TopLevelSpec {
  const declared = ((spec as { params?: { name: string }[] }).params ?? []).filter((p) => !(p.name in params));
  return { ...spec, params: [...declared, ...Object.entries(params).map(([name, value]) => ({ name, value }))] } as TopLevelSpec;
}

/** What a chart with no rows shows: its title and one line saying so. */
export function emptyChartSpec(spec: TopLevelSpec): TopLevelSpec {
  const { title, params } = spec as { title?: unknown; params?: unknown };
  return {
    ...(title === undefined ? {} : { title }), ...(params === undefined ? {} : { params }),
    data: { name: CHART_DATA_NAME }, width: CHART_WIDTH, height: 24,
    mark: { type: 'text', style: 'note-label', align: 'left', baseline: 'middle', x: 0, y: 12, limit: CHART_WIDTH - 20 },
    encoding: { text: { field: 'text' } },
  } as TopLevelSpec;
}

/** The SVG of a spec drawn with rows (bound to the data source named `values`). */
export async function renderSvg(spec: TopLevelSpec, rows: ChartRow[], look: NewsletterLook = {}, params: ChartParams = {}): Promise<SvgChart> {
  const messages: string[] = [];
  const logger = collectingLogger(messages);
  let view: vega.View;
  try {
    const compiled = compile(withParams(spec, params), { config: chartConfig(look), logger: logger as never }).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: logger as never, logLevel: vega.Warn });
    if (!compiled.data?.some((d) => d.name === CHART_DATA_NAME)) throw new Error(`it has no data source named "${CHART_DATA_NAME}" (write "data": {"name": "${CHART_DATA_NAME}"})`);
  } catch (e) {
    throw new ChartSpecError((e as Error).message);
  }
  (vega as unknown as { textMetrics: { width: typeof measure } }).textMetrics.width = measure;
  view.data(CHART_DATA_NAME, rows.map((r) => ({ ...r })));
  await view.runAsync();
  vega.resetSVGDefIds();
  const svg = await view.toSVG();
  view.finalize();
  if (messages.length) throw new ChartSpecError(messages.join('; '));
  const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  return { svg, width: size ? Number(size[1]) : CHART_WIDTH, height: size ? Number(size[2]) : 0 };
}

/** The PNG of an SVG at PNG_DENSITY, its text in the chart font alone. */
export function svgToPng(chart: SvgChart): Buffer {
  const resvg = new Resvg(chart.svg, {
    fitTo: { mode: 'width', value: Math.round(chart.width * PNG_DENSITY) },
    font: { loadSystemFonts: false, fontFiles: chartFontFiles(), defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The web page's SVG: its own size at most, shrinking with the page, with the alt text as title
 * and label. Vega numbers its clip paths from 1 in every chart, and a page holds many charts
 * inline, where an id is the page's: each chart's ids get its own prefix, or a chart clips to
 * the paths of the first (bars floating, labels cut).
 */
export function webSvg(chart: SvgChart, alt: string, idPrefix: string): string {
  const prefix = idPrefix.replace(/[^A-Za-z0-9_-]/g, '_');
  return chart.svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/\b(xlink:)?href="#([^"]+)"/g, (_, x: string | undefined, id: string) => `${x ?? ''}href="#${prefix}-${id}"`)
    .replace(/^<svg([^>]*)>/, (_, attrs: string) =>
      `<svg${attrs} role="img" aria-label="${escapeXml(alt)}" style="max-width:100%;height:auto"><title>${escapeXml(alt)}</title>`);
}
