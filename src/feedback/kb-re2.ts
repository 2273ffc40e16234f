/**
 * The RE2 check of a knowledge base's regexes: DuckDB's regexp_matches must accept each one,
 * so the same entries can be matched in SQL (over the warehouse, in `gazette sql`, or by any
 * DuckDB client). Patterns RE2 refuses (look-around, back-references) are named with their
 * file:line (exit 2). JavaScript's own check is kb-file.ts's, when the file is read.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../errors.js';
import type { KnowledgeBase } from './kb.js';

export async function checkRe2(kb: KnowledgeBase, conn?: DuckDBConnection): Promise<void> {
  const instance = conn ? undefined : await DuckDBInstance.create(':memory:');
  const c = conn ?? (await instance!.connect());
  try {
    for (const e of kb.entries) {
      for (const [key, pattern] of [['diagnostics', e.match.diagnostics], ['raw_state', e.match.rawState]] as const) {
        if (pattern === undefined) continue;
        try {
          await c.run('select regexp_matches(\'\', $pattern)', { pattern });
        } catch (err) {
          const why = (err as Error).message.replace(/^[^:]*Error: /, '');
          throw new UsageError(
            `${e.file}:${e.line}: ${e.id}: match.${key} is not a regex DuckDB (RE2) accepts: ${why}. Use the syntax RE2 and JavaScript share (no look-around or back-references). See the README's "Known errors: the knowledge base".`,
          );
        }
      }
    }
  } finally {
    if (instance) {
      c.closeSync();
      instance.closeSync();
    }
  }
}
