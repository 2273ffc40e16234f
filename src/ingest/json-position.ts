/**
 * Where a JSON document is broken, as a line and column a person can go to. DuckDB's reader
 * says only "at byte N in record/value M", counted from the start of a record, so the position
 * is found again here: the file (gunzipped for a .gz) is scanned by a small JSON validator and
 * the index of its first fault turned into a line and a column (both from 1; the column counts
 * characters). Used only once DuckDB has refused the file, so a good file is never read twice.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

/** Files larger than this (decompressed) are not parsed again: DuckDB's own message is given. */
const MAX_REPARSE_BYTES = 256 << 20;

export interface JsonFault {
  line: number;
  column: number;
  /** What is wrong there. */
  what: string;
  /** The broken line, clipped around the column. */
  excerpt: string;
  /** A likely cause, where one is plain (a missing comma). */
  hint?: string;
}

/** The first fault of the file's JSON text, or undefined if it parses (or is too large to check). */
export async function findJsonFault(file: string): Promise<JsonFault | undefined> {
  const st = await fs.promises.stat(file);
  const gz = file.endsWith('.gz');
  if (!gz && st.size > MAX_REPARSE_BYTES) return undefined;
  let text: string;
  try {
    const raw = await fs.promises.readFile(file);
    const bytes = gz ? zlib.gunzipSync(raw, { maxOutputLength: MAX_REPARSE_BYTES }) : raw;
    text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
  return jsonFaultOf(text);
}

/** The first fault of a JSON text (exported for the tests). */
export function jsonFaultOf(text: string): JsonFault | undefined {
  const fault = scanJson(text);
  if (!fault) return undefined;
  return { ...lineAndColumn(text, fault.index), what: fault.what, excerpt: excerptAt(text, fault.index), hint: hintAt(text, fault.index) };
}

interface Fault {
  index: number;
  what: string;
}

/**
 * A validating scan of JSON text (RFC 8259; several documents one after another, as DuckDB
 * reads them): the index and nature of its first fault. Not JSON.parse: V8 leaves the position
 * out of some of its messages ("Unexpected token '}', … is not valid JSON").
 */
function scanJson(text: string): Fault | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (what: string): Fault => ({ index: i, what: i >= text.length ? 'the text ends before the JSON does (cut short?)' : what });
  const char = () => `'${text[i]}'`;
  const string = (): Fault | undefined => {
    i++; // the opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return fail('a control character (a line break?) inside a string: the string is not closed');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('a \\u escape without four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return fail(`an unknown escape \\${e ?? ''} in a string`);
      } else i++;
    }
    return fail('');
  };
  const value = (depth: number): Fault | undefined => {
    ws();
    if (depth > 1000) return fail('nested more than 1000 deep');
    const c = text[i];
    if (c === '"') return string();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return undefined;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') return fail(`expected a property name in double quotes, found ${char()}`);
          const f = string();
          if (f) return f;
          ws();
          if (text[i] !== ':') return fail(`expected ':' after the property name, found ${char()}`);
          i++;
        }
        const f = value(depth + 1);
        if (f) return f;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return undefined;
        }
        return fail(`expected ',' or '${close}' after ${c === '{' ? 'a property value' : 'an array element'}, found ${char()}`);
      }
    }
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400))?.[0];
    if (!lit) return fail(`unexpected ${char()} where a value should be`);
    i += lit.length;
    return undefined;
  };
  // DuckDB reads documents one after another: look at each.
  do {
    const f = value(0);
    if (f) return f;
    ws();
  } while (i < text.length);
  return undefined;
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

function excerptAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  const endAt = text.indexOf('\n', index);
  const line = text.slice(start, endAt === -1 ? text.length : endAt).replace(/\r$/, '');
  const from = Math.max(0, index - start - 40);
  return (from > 0 ? '…' : '') + line.slice(from, from + 80).trim() + (line.length > from + 80 ? '…' : '');
}

/** A value followed by the next key or value with no comma between: the common hand-edit slip. */
function hintAt(text: string, index: number): string | undefined {
  const next = text[index];
  let i = index - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  const before = text[i];
  if (before !== undefined && /["\d\]}el]/.test(before) && (next === '"' || next === '{' || next === '[')) {
    const { line, column } = lineAndColumn(text, i);
    return `a comma is missing after the value that ends at line ${line}, column ${column}`;
  }
  return undefined;
}

/** The fault as a sentence: `not valid JSON: line 20, column 13: expected ',' or '}' after a property value, found '"' (the line reads: …); a comma is missing …`. */
export function describeJsonFault(f: JsonFault): string {
  return `not valid JSON: line ${f.line}, column ${f.column}: ${f.what}` + (f.excerpt ? ` (the line reads: ${f.excerpt})` : '') + (f.hint ? `; ${f.hint}` : '');
}
