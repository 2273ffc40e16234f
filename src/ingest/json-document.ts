/**
 * Formats whose file is one JSON document (a NameNode /jmx response, an XDMoD storage array),
 * plain or gzipped: read it whole with DuckDB into a temp table, and refuse an empty file or
 * one that holds several documents. A document that is not valid JSON is named with the line and
 * column of its first fault.
 */
import { describeJsonFault, findJsonFault } from './json-position.js';
import { FileFormatError, type StageContext } from './source.js';

/** Read the file into temp table `table` (json). `holds` says what one file holds, for the messages. */
export async function stageJsonDocument(ctx: StageContext, table: string, holds: string): Promise<void> {
  try {
    await ctx.conn.run(
      `create temp table ${table} as
       select json from read_json_objects($file, format = 'unstructured', maximum_object_size = $max)`,
      // The whole document is one object: room for it, gzipped ones included.
      { file: ctx.file, max: Math.min(Math.max(16 << 20, 30 * ctx.size), 2 ** 31 - 1) },
    );
  } catch (e) {
    // DuckDB gives a byte offset within a record: say the line and column instead.
    const fault = /Malformed JSON/.test((e as Error).message) ? await findJsonFault(ctx.file) : undefined;
    if (fault) throw new FileFormatError(`${describeJsonFault(fault)}. Fix the file, or fetch it again if it was cut short.`);
    throw e;
  }
  const docs = Number((await ctx.conn.runAndReadAll(`select count(*) from ${table}`)).getRows()[0][0]);
  if (docs === 0) throw new FileFormatError(`the file is empty; ${holds}.`);
  if (docs > 1) throw new FileFormatError(`it holds ${docs} JSON documents; ${holds}.`);
}
