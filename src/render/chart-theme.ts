/**
 * The charts' theme: the newsletter's colours (settings `newsletter: {name, logo, colours}`, passed
 * in as a plain object) over one neutral palette, turned into a Vega-Lite config. Specs name
 * colours by role through the config (mark colour, category range, named styles), never by value,
 * so a team restyles every chart from its settings.
 */
import type { Config } from 'vega-lite';
import { CHART_FONT_STACK } from './chart-font.js';

export interface ChartColours {
  /** The main series (bars, the used line). */
  primary: string;
  /** A second series beside it (users, business series, capacity). */
  secondary: string;
  /** What the eye should land on: the current period, the trend. */
  accent: string;
  /** The 80% zone, a miss by a little. */
  warning: string;
  /** The 90% zone, a miss of a target, failures. */
  danger: string;
  text: string;
  muted: string;
  grid: string;
  background: string;
}

/** The newsletter settings the charts use; every key optional. */
export interface NewsletterLook {
  name?: string;
  logo?: string;
  /** By role, or a list read in the order primary, secondary, accent, warning, danger. */
  colours?: Partial<ChartColours> | string[];
}

export const NEUTRAL_COLOURS: ChartColours = {
  primary: '#35618f',
  secondary: '#c8782a',
  accent: '#1d3c5e',
  warning: '#f2c14e',
  danger: '#c0392b',
  text: '#1f2933',
  muted: '#6b7785',
  grid: '#e3e7ec',
  background: '#ffffff',
};

const ROLES = ['primary', 'secondary', 'accent', 'warning', 'danger'] as const;

export function chartColours(look: NewsletterLook = {}): ChartColours {
  const given = look.colours ?? {};
  const byRole: Partial<ChartColours> = Array.isArray(given)
    ? Object.fromEntries(given.slice(0, ROLES.length).map((c, i) => [ROLES[i], c]))
    : given;
  const colours = { ...NEUTRAL_COLOURS };
  for (const [role, value] of Object.entries(byRole)) {
    if (role in colours && typeof value === 'string' && value.trim()) colours[role as keyof ChartColours] = value.trim();
  }
  return colours;
}

/** Width of every chart in CSS pixels: the email's 600 px column. */
export const CHART_WIDTH = 600;

/** The Vega-Lite config of the theme: fonts, sizes, colours by role, named styles for the specs. */
export function chartConfig(look: NewsletterLook = {}): Config {
  const c = chartColours(look);
  const text = { font: CHART_FONT_STACK, fill: c.text };
  return {
    font: CHART_FONT_STACK,
    background: c.background,
    padding: 8,
    autosize: { type: 'fit-x', contains: 'padding' },
    view: { stroke: null },
    title: { anchor: 'start', fontSize: 16, fontWeight: 600, color: c.text, subtitleColor: c.muted, subtitleFontSize: 12, offset: 10 },
    axis: {
      labelFontSize: 12, titleFontSize: 12, titleFontWeight: 600, labelColor: c.muted, titleColor: c.muted,
      gridColor: c.grid, domainColor: c.grid, tickColor: c.grid,
    },
    legend: { labelFontSize: 12, titleFontSize: 12, labelColor: c.text, titleColor: c.muted, orient: 'top', direction: 'horizontal' },
    header: { labelFontSize: 13, labelFontWeight: 600, labelColor: c.text, titleFontSize: 13 },
    mark: { color: c.primary },
    text: { ...text, fontSize: 12 },
    range: { category: [c.primary, c.secondary, c.accent, c.warning, c.danger, c.muted] },
    style: {
      primary: { color: c.primary },
      secondary: { color: c.secondary },
      accent: { color: c.accent },
      warning: { color: c.warning },
      danger: { color: c.danger },
      muted: { color: c.muted },
      'value-label': { fill: c.text, fontSize: 12 },
      'note-label': { fill: c.muted, fontSize: 11 },
    },
  } as Config;
}
