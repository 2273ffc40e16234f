/**
 * The templates: Handlebars files in templates/ (the newsletter's web page, MJML email, plain text
 * and archive; the feedback email's MJML and plain text, render/feedback-email.ts) and their
 * partials in templates/partials/, each read and compiled once per run. `--templates DIR` overrides any of them by file name: `DIR/NAME` (or `DIR/partials/NAME`
 * for a partial) wins over the built-in one. A template that does not parse, fails while filling,
 * or (the email) fails MJML's strict validation is a configuration error naming its file (exit 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import mjml2html from 'mjml';
import { UsageError } from '../errors.js';
import { builtInChartDir } from './chart-spec.js';

export const TEMPLATE_FILES = { web: 'newsletter.html.hbs', email: 'newsletter.mjml.hbs', text: 'newsletter.txt.hbs', archive: 'archive.html.hbs' } as const;
export type TemplateName = keyof typeof TEMPLATE_FILES;

/** templates/ of this checkout or package. */
export const builtInTemplateDir = () => path.dirname(builtInChartDir());

/** Where a template (or partial, `partials/NAME.hbs`) is read from: the override directory first. */
export function templatePath(relative: string, overrideDir?: string): string {
  if (overrideDir) {
    for (const candidate of [path.join(overrideDir, relative), path.join(overrideDir, path.basename(relative))]) {
      if (fs.existsSync(candidate)) return path.resolve(candidate);
    }
  }
  return path.join(builtInTemplateDir(), relative);
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read the template (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

/** A template compiled once; filling it names its file on failure. */
export type Filler = (data: object) => string;

export interface NewsletterTemplates {
  fill(name: TemplateName, data: object): string;
  /** The file each template was read from. */
  paths: Record<TemplateName, string>;
}

const TEXT_HELPERS = {
  upper: (s: unknown) => String(s).toUpperCase(),
  /** A table row as one line of text: the first cell, then "column: cell" for the others. */
  row: (cells: { text: string }[], columns: { label: string }[]) =>
    cells.map((c, i) => (i === 0 ? c.text : `${columns[i]?.label ?? ''}: ${c.text}`)).join(' · '),
};

type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/** Compile a template's text once, naming its file when it does not parse. */
function compileText(hb: typeof Handlebars, text: string, file: string, options: CompileOptions = {}): HandlebarsTemplateDelegate {
  try {
    hb.parse(text); // syntax errors now, with the file's name, not at the first fill
    return hb.compile(text, { strict: false, ...options });
  } catch (e) {
    throw new UsageError(`${file}: the template does not parse: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
  }
}

/**
 * A Handlebars environment with the text helpers and every partial (built-in, or the override
 * directory's partials/ of the same name); `text: true` for plain text (nothing HTML-escaped).
 */
export function templateEnv(overrideDir: string | undefined, text: boolean): typeof Handlebars {
  const partialNames = new Set(fs.readdirSync(path.join(builtInTemplateDir(), 'partials')).filter((f) => f.endsWith('.hbs')));
  const overridePartials = overrideDir ? path.join(overrideDir, 'partials') : undefined;
  if (overridePartials && fs.existsSync(overridePartials)) for (const f of fs.readdirSync(overridePartials)) if (f.endsWith('.hbs')) partialNames.add(f);
  const options = text ? { noEscape: true } : {};
  const hb = Handlebars.create();
  hb.registerHelper(TEXT_HELPERS);
  for (const name of [...partialNames].sort()) {
    const file = templatePath(`partials/${name}`, overrideDir);
    hb.registerPartial(name.replace(/\.hbs$/, ''), compileText(hb, read(file), file, options));
  }
  return hb;
}

/** A template's file compiled in an environment; filling it names the file on failure. */
export function compileTemplate(hb: typeof Handlebars, file: string, text: boolean, source = read(file)): Filler {
  const compiled = compileText(hb, source, file, text ? { noEscape: true } : {});
  return (data) => {
    try {
      return compiled(data);
    } catch (e) {
      throw new UsageError(`${file}: the template (or a partial it uses) fails to fill: ${(e as Error).message.split('\n')[0]}`);
    }
  };
}

export function loadTemplates(overrideDir?: string): NewsletterTemplates {
  const html = templateEnv(overrideDir, false);
  const text = templateEnv(overrideDir, true);
  const paths = Object.fromEntries(Object.entries(TEMPLATE_FILES).map(([k, f]) => [k, templatePath(f, overrideDir)])) as Record<TemplateName, string>;
  const fillers = Object.fromEntries(
    Object.entries(paths).map(([k, file]) => [k, compileTemplate(k === 'text' ? text : html, file, k === 'text')]),
  ) as Record<TemplateName, Filler>;
  return { paths, fill: (name, data) => fillers[name](data) };
}

/** The email's MJML (filled) to HTML, validated strictly: an invalid template is named with MJML's complaints. */
export async function mjmlToHtml(mjml: string, templateFile: string): Promise<string> {
  let result;
  try {
    result = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false, filePath: templateFile });
  } catch (e) {
    const err = e as Error & { errors?: { formattedMessage?: string; message?: string }[] };
    const details = err.errors?.map((x) => x.formattedMessage ?? x.message).join('; ') ?? err.message;
    throw new UsageError(`${templateFile}: the email template fails MJML's strict validation: ${details.slice(0, 1000)}`);
  }
  if (result.errors?.length) {
    throw new UsageError(`${templateFile}: the email template fails MJML's strict validation: ${result.errors.map((x) => x.formattedMessage).join('; ').slice(0, 1000)}`);
  }
  return result.html;
}
