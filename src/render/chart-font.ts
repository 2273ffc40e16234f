/**
 * The charts' font: Source Sans 3 (SIL Open Font License 1.1), the TTF files of the `source-sans`
 * package. The same files serve two ends: resvg draws the PNG's text with them (no system fonts,
 * so every machine gives the same pixels), and Vega lays text out with their real advance widths
 * (read from the files' cmap and hmtx tables) instead of its rough 0.8 em a character, so labels
 * are neither cut early nor crowded.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The family name inside the files; the Vega config names it first so SVG and PNG agree. */
export const CHART_FONT_FAMILY = 'Source Sans 3';
/** What a browser shows the web SVG in when it lacks Source Sans 3. */
export const CHART_FONT_STACK = `'${CHART_FONT_FAMILY}', 'Source Sans Pro', Arial, Helvetica, sans-serif`;

const FILES = { regular: 'SourceSans3-Regular.ttf', bold: 'SourceSans3-Semibold.ttf' } as const;

const packageDir = () => dirname(createRequire(import.meta.url).resolve('source-sans/package.json'));

/** The font files resvg loads. */
export function chartFontFiles(): string[] {
  return Object.values(FILES).map((f) => join(packageDir(), 'TTF', f));
}

let fontFaces: string | undefined;
/**
 * @font-face rules carrying the same two faces (WOFF2, as data URIs) for a self-contained web
 * page: the web SVG's text is laid out with Source Sans 3's widths, and in a wider fallback font
 * its long labels ran past the chart's edges.
 */
export function chartFontFaceCss(): string {
  fontFaces ??= (Object.entries(FILES) as [keyof typeof FILES, string][])
    .map(([weight, f]) => {
      const data = readFileSync(join(packageDir(), 'WOFF2', 'TTF', `${f}.woff2`)).toString('base64');
      return `@font-face { font-family: '${CHART_FONT_FAMILY}'; font-style: normal; font-weight: ${weight === 'bold' ? 600 : 400}; src: url(data:font/woff2;base64,${data}) format('woff2'); }`;
    })
    .join('\n');
  return fontFaces;
}

interface Advances {
  unitsPerEm: number;
  /** Advance width (font units) by code point. */
  byCodePoint: Map<number, number>;
  fallback: number;
}

/** Advance widths of a TrueType font: head (unitsPerEm), hhea (metric count), hmtx, cmap format 4. */
export function readAdvances(font: Buffer): Advances {
  const tables = new Map<string, number>();
  const numTables = font.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(font.toString('latin1', rec, rec + 4), font.readUInt32BE(rec + 8));
  }
  const at = (tag: string) => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`font has no ${tag} table`);
    return offset;
  };
  const unitsPerEm = font.readUInt16BE(at('head') + 18);
  const metrics = font.readUInt16BE(at('hhea') + 34);
  const hmtx = at('hmtx');
  const advanceOf = (glyph: number) => font.readUInt16BE(hmtx + 4 * Math.min(glyph, metrics - 1));

  const cmap = at('cmap');
  let sub = -1;
  for (let i = 0; i < font.readUInt16BE(cmap + 2); i++) {
    const rec = cmap + 4 + 8 * i;
    const [platform, encoding] = [font.readUInt16BE(rec), font.readUInt16BE(rec + 2)];
    const offset = cmap + font.readUInt32BE(rec + 4);
    if ((platform === 3 && encoding === 1) || platform === 0) {
      if (font.readUInt16BE(offset) === 4) sub = offset;
    }
  }
  if (sub < 0) throw new Error('font has no Unicode BMP cmap (format 4)');
  const segments = font.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  const byCodePoint = new Map<number, number>();
  for (let s = 0; s < segments; s++) {
    const [start, end] = [font.readUInt16BE(starts + 2 * s), font.readUInt16BE(ends + 2 * s)];
    const delta = font.readInt16BE(deltas + 2 * s);
    const rangeOffset = font.readUInt16BE(rangeOffsets + 2 * s);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        const g = font.readUInt16BE(rangeOffsets + 2 * s + rangeOffset + 2 * (c - start));
        glyph = g === 0 ? 0 : (g + delta) & 0xffff;
      }
      if (glyph !== 0) byCodePoint.set(c, advanceOf(glyph));
    }
  }
  return { unitsPerEm, byCodePoint, fallback: advanceOf(0) };
}

let loaded: { regular: Advances; bold: Advances } | undefined;

function advances() {
  if (!loaded) {
    const [regular, bold] = chartFontFiles().map((f) => readAdvances(readFileSync(f)));
    loaded = { regular, bold };
  }
  return loaded;
}

/** The width in pixels of a line of text in the chart font. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const a = bold ? advances().bold : advances().regular;
  let units = 0;
  for (const ch of text) units += a.byCodePoint.get(ch.codePointAt(0)!) ?? a.fallback;
  return (units / a.unitsPerEm) * fontSize;
}
