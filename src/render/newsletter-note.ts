/**
 * The editor's note: a Markdown file (`--note FILE.md`) turned into HTML with `marked`. The file is
 * the editor's own, but the HTML goes to every cluster user, so nothing in it runs: raw HTML is
 * shown as text, links and images keep only http(s), mailto and #anchors, and headings start
 * below the newsletter's own (a `#` becomes an h3).
 */
import fs from 'node:fs';
import { Marked, type Token } from 'marked';
import { UsageError } from '../errors.js';

export interface EditorNote {
  /** Markup the tool made from the Markdown: safe to insert unescaped. */
  html: string;
  /** The Markdown itself, for the plain-text part. */
  text: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const SAFE_URL = /^(https?:|mailto:|#)/i;

const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html({ text, block }) {
      return block ? `<p>${escapeHtml(text)}</p>\n` : escapeHtml(text);
    },
  },
  walkTokens(token: Token) {
    if ((token.type === 'link' || token.type === 'image') && !SAFE_URL.test(token.href.trim())) token.href = '#';
    if (token.type === 'heading') token.depth = Math.min(6, token.depth + 2);
  },
});

export function noteFromMarkdown(text: string): EditorNote {
  return { html: (markdown.parse(text) as string).trim(), text: text.trim() };
}

export function readNote(file: string): EditorNote {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--note ${file}: cannot read the editor's note (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`);
  }
  return noteFromMarkdown(text);
}
