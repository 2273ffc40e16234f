/**
 * The Offline Image Viewer's XML processor output (`hdfs oiv -p XML`), plain or gzipped, read with
 * a streaming parser (saxes): memory does not grow with the file, whatever its size.
 *
 * Inodes come from INodeSection (id, type, name, replication, mtime and atime in epoch ms,
 * permission `user:group:mode`, blocks whose numBytes add up to the file's size); the tree from
 * INodeDirectorySection, each `<directory>` naming its `<parent>` and its children (`<child>`, or
 * `<inode>` in older viewers, and `<refChild>`, an index into INodeReferenceSection for an entry
 * renamed while a snapshot held it). Both go into DuckDB as they are read (the appender); the
 * paths are then built in SQL from the root down, and the entries go into the same rollup as a
 * Delimited listing's (fsimage-rollup.ts).
 *
 * Only the current tree counts: the snapshot sections (SnapshotSection, SnapshotDiffSection) are
 * not read, so an inode that only a snapshot still holds — in INodeSection, but no directory's
 * child — is not counted (a warning says how many). An inode whose fields cannot be read (a mtime
 * that is not a number, a permission that is not user:group:mode) is a rejected row, with the line
 * its `<inode>` starts on; its children keep their paths.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { DuckDBAppender } from '@duckdb/node-api';
import { SaxesParser } from 'saxes';
import { FileFormatError, type StageContext, type Staged } from './source.js';
import { finishRollupSql, paramsOf, partialRollupSql } from './fsimage-rollup.js';

/** HDFS gives the root directory this inode id (INodeId.ROOT_INODE_ID). */
const ROOT_INODE_ID = 16385;
/** Epoch ms of 1971-01-01: an access time before it was never recorded. */
const ATIME_RECORDED_FROM = 365 * 86400_000;
/** HDFS refuses paths deeper than this (INodeDirectory.MAX_PATH_DEPTH); it also stops a cycle. */
const MAX_DEPTH = 1000;

interface Inode {
  line: number;
  fields: Map<string, string>;
  bytes: bigint;
  badBlock?: string;
}

export async function stageFsimageXml(ctx: StageContext, gzip: boolean, params: Record<string, string | number>): Promise<Staged> {
  const { conn } = ctx;
  await conn.run(
    `create temp table stg_fsimage_inodes (id bigint, line bigint, name varchar, is_dir boolean, replication integer,
       size bigint, owner varchar, grp varchar, mtime_ms bigint, atime_ms bigint, reason varchar, raw varchar)`,
  );
  await conn.run(`create temp table stg_fsimage_edges (parent bigint, child bigint, name varchar)`);
  const inodes = await conn.createAppender('stg_fsimage_inodes', 'main', 'temp');
  const edges = await conn.createAppender('stg_fsimage_edges', 'main', 'temp');
  let read: { inodes: number };
  try {
    read = await parse(ctx.file, gzip, inodes, edges);
  } finally {
    inodes.closeSync();
    edges.closeSync();
  }
  if (!read.inodes) {
    throw new FileFormatError(`an XML file with <fsimage> but no INodeSection with inodes: not a complete Offline Image Viewer listing. Write it again with hdfs oiv -p XML.`);
  }
  const root = (await conn.runAndReadAll(
    `select id from stg_fsimage_inodes where is_dir and name = '' and reason is null order by id <> ${ROOT_INODE_ID}, id limit 1`,
  )).getRows();
  if (!root.length) throw new FileFormatError(`its INodeSection has no root directory (a DIRECTORY inode with an empty name).`);
  // Paths from the root down, a directory level at a time (each child's name looked up once,
  // before). An inode reached twice (which HDFS never writes) counts once, at its shallowest place.
  await conn.run(
    `create temp table stg_fsimage_links as
     select e.parent, e.child, coalesce(nullif(e.name, ''), i.name) as name from stg_fsimage_edges e join stg_fsimage_inodes i on i.id = e.child`,
  );
  await conn.run(
    `create temp table stg_fsimage_tree as
     with recursive t(id, path, depth) as (
       select $root::bigint, '/', 0
       union all
       select l.child, case when t.path = '/' then '' else t.path end || '/' || l.name, t.depth + 1
       from t join stg_fsimage_links l on l.parent = t.id
       where t.depth < ${MAX_DEPTH}
     )
     select id, path from t qualify row_number() over (partition by id order by depth) = 1`,
    { root: root[0][0] },
  );
  const [inTree, outside] = (await conn.runAndReadAll(
    `select count(*) filter (where t.id is not null and i.reason is null), count(*) filter (where t.id is null)
     from stg_fsimage_inodes i left join stg_fsimage_tree t using (id)`,
  )).getRows()[0].map(Number);
  if (outside) {
    ctx.warnOnce(
      `fsimage-outside:${ctx.file}`,
      `${ctx.file}: ${outside} of ${read.inodes} inodes are in no directory of the current tree (held only by a snapshot, or orphaned); they are not counted.`,
    );
  }
  const rollup = `create temp table stg_fsimage_parts as ${partialRollupSql(
      `(select t.path, i.is_dir, coalesce(i.replication, 0) as replication, i.size, i.owner, i.grp,
               make_timestamp(i.mtime_ms * 1000) as mtime,
               case when i.atime_ms >= ${ATIME_RECORDED_FROM} then make_timestamp(i.atime_ms * 1000) end as atime,
               case when i.atime_ms >= ${ATIME_RECORDED_FROM} then cast(timezone($tz, to_timestamp(i.atime_ms / 1000)) as date) end as atime_date
        from stg_fsimage_tree t join stg_fsimage_inodes i using (id) where i.reason is null)`,
      ctx.storage.rollupDepth,
    )}`;
  await conn.run(rollup, paramsOf(rollup, { ...params, tz: ctx.timezone }));
  const rows = finishRollupSql('stg_fsimage_parts', (x) => x);
  return {
    read: inTree,
    rows: { sql: rows, params: paramsOf(rows, params) },
    rejects: { sql: `select line, reason, raw from stg_fsimage_inodes where reason is not null` },
  };
}

/** Stream the XML into the appenders; returns how many inodes INodeSection has. */
async function parse(file: string, gzip: boolean, inodes: DuckDBAppender, edges: DuckDBAppender) {
  const parser = new SaxesParser();
  /** Open elements, outermost first. */
  const stack: string[] = [];
  let text = '';
  let inode: Inode | undefined;
  let count = 0;
  let rootName: string | undefined;
  /** INodeReferenceSection's refs in order: the inode each refers to and the name it gives it. */
  const refs: { id?: string; name?: string }[] = [];
  let parent: bigint | undefined;

  parser.on('opentag', (tag) => {
    rootName ??= tag.name;
    const within = stack[stack.length - 1];
    stack.push(tag.name);
    text = '';
    if (tag.name === 'inode' && within === 'INodeSection') inode = { line: parser.line, fields: new Map(), bytes: 0n };
    else if (tag.name === 'ref' && within === 'INodeReferenceSection') refs.push({});
    else if (tag.name === 'directory' && within === 'INodeDirectorySection') parent = undefined;
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    const within = stack[stack.length - 1];
    const value = text.trim();
    text = '';
    if (inode) {
      if (tag.name === 'inode' && within === 'INodeSection') {
        appendInode(inodes, inode);
        count++;
        inode = undefined;
      } else if (tag.name === 'numBytes' && within === 'block') {
        if (/^\d+$/.test(value)) inode.bytes += BigInt(value);
        else inode.badBlock ??= value;
      } else if (within === 'inode' && value !== '') inode.fields.set(tag.name, value);
    } else if (within === 'ref' && stack[stack.length - 2] === 'INodeReferenceSection') {
      const ref = refs[refs.length - 1];
      if (tag.name === 'referredId') ref.id = value;
      else if (tag.name === 'name') ref.name = value;
    } else if (within === 'directory' && stack[stack.length - 2] === 'INodeDirectorySection') {
      if (tag.name === 'parent') parent = /^\d+$/.test(value) ? BigInt(value) : undefined;
      else if (parent !== undefined && (tag.name === 'child' || tag.name === 'inode') && /^\d+$/.test(value)) appendEdge(edges, parent, BigInt(value));
      else if (parent !== undefined && tag.name === 'refChild') {
        const ref = refs[Number(value)];
        if (ref?.id && /^\d+$/.test(ref.id)) appendEdge(edges, parent, BigInt(ref.id), ref.name);
      }
    }
  });

  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = gzip ? raw.pipe(zlib.createGunzip()) : raw;
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream) {
      parser.write(chunk as string);
      if (rootName !== undefined && rootName !== 'fsimage') {
        throw new FileFormatError(`an XML file whose root element is <${rootName}>, not an Offline Image Viewer XML listing (<fsimage>). Write one with hdfs oiv -p XML, or pass the right --format.`);
      }
    }
    parser.close();
  } catch (e) {
    if (e instanceof FileFormatError) throw e;
    throw new FileFormatError(`not well-formed XML (${(e as Error).message.split('\n')[0]}): truncated or damaged? Write it again with hdfs oiv -p XML.`);
  } finally {
    raw.destroy();
  }
  return { inodes: count };
}

function appendEdge(a: DuckDBAppender, parent: bigint, child: bigint, name?: string) {
  a.appendBigInt(parent);
  a.appendBigInt(child);
  if (name) a.appendVarchar(name);
  else a.appendNull();
  a.endRow();
}

/** One inode as a row; its reason says why it cannot be counted, if it cannot. */
function appendInode(a: DuckDBAppender, n: Inode) {
  const f = n.fields;
  const type = f.get('type') ?? '';
  const problems: string[] = [];
  const whole = (name: string, required: boolean): bigint | undefined => {
    const v = f.get(name);
    if (v === undefined || v === '') {
      if (required) problems.push(`${name} is missing`);
      return undefined;
    }
    if (!/^-?\d+$/.test(v)) {
      problems.push(`${name} is not a number (got "${v}")`);
      return undefined;
    }
    return BigInt(v);
  };
  const id = whole('id', true);
  if (!['FILE', 'DIRECTORY', 'SYMLINK'].includes(type)) problems.push(`type is not FILE, DIRECTORY or SYMLINK (got "${type}")`);
  const isFile = type === 'FILE';
  const replication = isFile ? whole('replication', false) : 0n; // absent on an erasure-coded file
  const mtime = whole('mtime', true);
  const atime = type === 'DIRECTORY' ? undefined : whole('atime', false);
  if (n.badBlock !== undefined) problems.push(`a block's numBytes is not a number (got "${n.badBlock}")`);
  // user:group:mode; a group name may hold ':', a user name and the mode do not.
  const perm = /^([^:]*):(.*):([^:]*)$/.exec(f.get('permission') ?? '');
  if (!perm) problems.push(`permission is not user:group:mode (got "${f.get('permission') ?? ''}")`);
  const name = f.get('name') ?? '';
  a.appendBigInt(id ?? -1n);
  a.appendBigInt(BigInt(n.line));
  a.appendVarchar(name);
  a.appendBoolean(type === 'DIRECTORY');
  a.appendInteger(Number(replication ?? 0n));
  a.appendBigInt(n.bytes);
  a.appendVarchar(perm?.[1] ?? '');
  a.appendVarchar(perm?.[2] ?? '');
  if (mtime === undefined) a.appendNull();
  else a.appendBigInt(mtime);
  if (atime === undefined) a.appendNull();
  else a.appendBigInt(atime);
  if (problems.length) {
    a.appendVarchar(problems.join('; '));
    a.appendVarchar(`<inode> ${[...f].map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`);
  } else {
    a.appendNull();
    a.appendNull();
  }
  a.endRow();
}
