/**
 * The files beside a Spark History Server application list (spark-history.ts): reading an
 * application's per-application responses, and which applications the lists in a directory name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { describeJsonFault, findJsonFault } from './json-position.js';
import { readHead } from './read-head.js';
import { duckdbReason } from './source.js';
import { kindOfKeysSql, sparkHistoryKind, type PartKind, type ResponseKind } from './spark-history-layout.js';

/** What each response is called in messages. */
export const NOUN: Record<ResponseKind, string> = {
  applications: 'application list', executors: 'executor list', jobs: 'job list', stages: 'stage list', environment: 'environment',
};

/** A per-application file found beside a list. */
export interface Part {
  /** The application's record in the list (1-based). */
  app: number;
  kind: PartKind;
  path: string;
  /** The path from the list's directory, for messages. */
  rel: string;
}

/**
 * Read the per-application files into stg_sh_parts (app, kind, rel, doc) and stg_sh_items (their
 * records); an application one of whose files is not JSON, or not the response its name says, goes
 * to stg_sh_bad_apps (app, reason) instead. Plain files are read in one pass; gzipped ones, and any
 * that fail, one by one (for DuckDB's own message).
 */
export async function readParts(conn: DuckDBConnection, parts: Part[]): Promise<void> {
  await conn.run(
    `create temp table stg_sh_part_list as
     select unnest(from_json($parts, '[{"app":"BIGINT","kind":"VARCHAR","rel":"VARCHAR","path":"VARCHAR"}]'), recursive := true)`,
    { parts: JSON.stringify(parts) },
  );
  await conn.run(`create temp table stg_sh_part_docs (path varchar, doc json, reason varchar)`);
  const plain = parts.filter((p) => !p.path.endsWith('.gz')).map((p) => p.path);
  let oneByOne = parts.filter((p) => p.path.endsWith('.gz')).map((p) => p.path);
  if (plain.length) {
    try {
      await conn.run(
        `insert into stg_sh_part_docs select filename, case when json_valid(content) then content::json end, null from read_text($paths)`,
        { paths: listValue(plain) },
      );
      oneByOne.push(...((await conn.runAndReadAll(`select path from stg_sh_part_docs where doc is null`)).getRowsJS() as [string][]).map((r) => r[0]));
      await conn.run(`delete from stg_sh_part_docs where doc is null`);
    } catch {
      // One of them is not text (or went away): read each alone, to tell which and why.
      await conn.run(`delete from stg_sh_part_docs`);
      oneByOne = parts.map((p) => p.path);
    }
  }
  for (const file of oneByOne) {
    const rel = parts.find((p) => p.path === file)!.rel;
    try {
      const docs = (await conn.runAndReadAll(
        `select json from read_json_objects($file, format = 'unstructured', maximum_object_size = $max)`,
        { file, max: 2 ** 31 - 1 },
      )).getRowsJS() as [string][];
      if (docs.length === 1) await conn.run(`insert into stg_sh_part_docs values ($file, $doc::json, null)`, { file, doc: docs[0][0] });
      else await conn.run(`insert into stg_sh_part_docs values ($file, null, $reason)`, { file, reason: docs.length ? `it holds ${docs.length} JSON documents, not one` : 'the file is empty' });
    } catch (e) {
      const fault = /Malformed JSON/.test((e as Error).message) ? await findJsonFault(file) : undefined;
      const reason = fault ? describeJsonFault(fault) : duckdbReason(e).split(file).join(rel);
      await conn.run(`insert into stg_sh_part_docs values ($file, null, $reason)`, { file, reason });
    }
  }
  const firstKeys = `case json_type(d.doc) when 'ARRAY' then json_keys(list_filter(from_json(d.doc, '["JSON"]'), e -> json_type(e) = 'OBJECT')[1]) else json_keys(d.doc) end`;
  await conn.run(
    `create temp table stg_sh_part_checked as
     select l.app, l.kind, l.rel, d.doc, d.reason,
            case json_type(d.doc) when 'ARRAY' then coalesce(${kindOfKeysSql(firstKeys, true)}, case when json_array_length(d.doc) = 0 then l.kind end)
                                  when 'OBJECT' then ${kindOfKeysSql(firstKeys, false)} end as got
     from stg_sh_part_list l left join stg_sh_part_docs d on d.path = l.path`,
  );
  const noun = (k: string) => `case ${k} ${Object.entries(NOUN).map(([kind, n]) => `when '${kind}' then '${n}'`).join(' ')} end`;
  await conn.run(
    `create temp table stg_sh_bad_apps as
     select app, first(reason order by rel) as reason from (
       select app, rel, rel || ': ' || case when reason is not null then reason
                                            when got is null then 'not a Spark History Server response'
                                            else 'holds the ' || ${noun('got')} || ', not the ' || ${noun('kind')} || ' its name says' end
                        || '; the application is left out until the file is fixed' as reason
       from stg_sh_part_checked where reason is not null or got is distinct from kind)
     group by app`,
  );
  await conn.run(`create temp table stg_sh_parts as select app, kind, rel, doc from stg_sh_part_checked where app not in (select app from stg_sh_bad_apps)`);
  await conn.run(
    `create temp table stg_sh_items as
     select app, kind, rel, generate_subscripts(l, 1) as item, unnest(l) as r
     from (select app, kind, rel, case when json_type(doc) = 'ARRAY' then from_json(doc, '["JSON"]') else [doc] end as l from stg_sh_parts)`,
  );
}

/** The application ids named by the application lists in a directory (cached by file, size and time). */
const listCache = new Map<string, Set<string>>();
export async function listsNaming(conn: DuckDBConnection, dir: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return ids;
  }
  for (const e of entries) {
    if (!e.isFile() || !/\.json(\.gz)?$/i.test(e.name)) continue;
    const file = path.join(dir, e.name);
    const st = fs.statSync(file);
    const key = `${file}\0${st.size}\0${st.mtimeMs}`;
    let named = listCache.get(key);
    if (!named) {
      named = new Set();
      if (sparkHistoryKind(await readHead(file, 64 << 10), e.name) === 'applications') {
        try {
          const rows = (await conn.runAndReadAll(
            `select unnest(case when json_type(json) = 'ARRAY' then from_json(json, '["JSON"]') else [json] end) ->> 'id'
             from read_json_objects($file, format = 'unstructured', maximum_object_size = $max)`,
            { file, max: 2 ** 31 - 1 },
          )).getRowsJS() as [string | null][];
          for (const [id] of rows) if (id) named.add(id);
        } catch {
          // an unreadable list fails its own load, saying why
        }
      }
      listCache.set(key, named);
    }
    for (const id of named) ids.add(id);
  }
  return ids;
}

