/**
 * NameNode `/jmx` responses (`{"beans": [...]}`, the whole response or a `?qry=` subset), plain
 * or gzipped: one storage snapshot per file, into `storage_snapshots`.
 *
 * Three beans are read: Hadoop:service=NameNode,name=FSNamesystem (the metrics system's record),
 * …,name=FSNamesystemState (the FSNamesystemMBean) and …,name=NameNodeInfo. Each column comes
 * from the first bean that has it, in that order (COLUMNS); datanode counts, where neither
 * capacity bean has them, from the number of nodes in NameNodeInfo's LiveNodes, DeadNodes and
 * DecomNodes (JSON objects inside JSON strings, keyed by node). `extra` keeps each bean's other
 * attributes under the bean's short name; the node maps and TopUserOpCounts are not kept.
 *
 * The moment: FSNamesystemState's TopUserOpCounts (a JSON string) carries the NameNode's clock,
 * `{"timestamp":"2018-07-19T12:34:56-0400",…}`. Without it (top metrics off, or no such bean in
 * the response), `--as-of`, else the date and time in the file's name
 * (`namenode-jmx-2026-10-05T0600.json`), in the cluster's time zone.
 */
import { isoTimeSql, ISO_TIME } from './iso-time.js';
import { stageJsonDocument } from './json-document.js';
import { FileFormatError, type Source, type StageContext, type Staged } from './source.js';
import { snapshotTime, snapshotVariant } from './snapshot-time.js';
import { STORAGE_SNAPSHOTS } from './targets.js';

const BEANS = ['FSNamesystem', 'FSNamesystemState', 'NameNodeInfo'] as const;
type Bean = (typeof BEANS)[number];
const beanName = (b: Bean) => `Hadoop:service=NameNode,name=${b}`;
/** A bean's JSON in SQL (a column of stg_jmx, null when the response lacks it). */
const ref = (b: Bean) => `b_${b}`;
/** An attribute's text (SQL null when absent or JSON null). `->>` binds looser than AND: keep the parentheses. */
const attr = (b: Bean, a: string) => `(${ref(b)} ->> '${a}')`;

const both = (a: string): [Bean, string][] => [['FSNamesystem', a], ['FSNamesystemState', a]];
/** Column ← the attributes it is read from; the first present wins. Each is a count or bytes. */
const COLUMNS: [string, [Bean, string][]][] = [
  ['capacity_bytes', [...both('CapacityTotal'), ['NameNodeInfo', 'Total']]],
  ['used_bytes', [...both('CapacityUsed'), ['NameNodeInfo', 'Used']]],
  ['remaining_bytes', [...both('CapacityRemaining'), ['NameNodeInfo', 'Free']]],
  ['non_dfs_used_bytes', [...both('CapacityUsedNonDFS'), ['NameNodeInfo', 'NonDfsUsedSpace']]],
  ['files', [...both('FilesTotal'), ['NameNodeInfo', 'TotalFiles']]],
  ['blocks', [...both('BlocksTotal'), ['NameNodeInfo', 'TotalBlocks']]],
  ['missing_blocks', [...both('MissingBlocks'), ['NameNodeInfo', 'NumberOfMissingBlocks']]],
  // Hadoop 3 renames it LowRedundancyBlocks (and keeps the old name, deprecated).
  ['under_replicated_blocks', [...both('UnderReplicatedBlocks'), ...both('LowRedundancyBlocks')]],
  ['corrupt_blocks', both('CorruptBlocks')],
  ['live_datanodes', both('NumLiveDataNodes')],
  ['dead_datanodes', both('NumDeadDataNodes')],
  ['decommissioning_datanodes', both('NumDecommissioningDataNodes')],
];
/** Datanode counts where no capacity bean gives them: NameNodeInfo's maps of nodes. */
const NODE_MAPS: Record<string, string> = { live_datanodes: 'LiveNodes', dead_datanodes: 'DeadNodes', decommissioning_datanodes: 'DecomNodes' };

/** Attributes with a column (or read for one), left out of `extra`, by bean. */
const MAPPED: Record<Bean, string[]> = {
  FSNamesystem: ['name', 'modelerType'],
  FSNamesystemState: ['name', 'modelerType', 'TopUserOpCounts'],
  NameNodeInfo: ['name', 'modelerType', ...Object.values(NODE_MAPS)],
};
for (const [, from] of COLUMNS) for (const [b, a] of from) MAPPED[b].push(a);

/** The moment in a TopUserOpCounts value (a JSON string), if it holds a readable one. */
function topUserOpTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const t = (JSON.parse(value) as { timestamp?: unknown }).timestamp;
    return typeof t === 'string' && ISO_TIME.test(t.trim()) ? t.trim() : undefined;
  } catch {
    return undefined;
  }
}

export const jmx: Source = {
  format: 'jmx',
  target: STORAGE_SNAPSHOTS,
  extensions: ['.json', '.json.gz'],
  /**
   * The moment the file is dated with from outside (--as-of, its name): a response without its
   * own time dated another moment is another snapshot. Not read from the content, so that
   * skipping a loaded file needs no read of it; a self-dated response loaded again under
   * another name or --as-of only replaces its own snapshot.
   */
  variant: snapshotVariant,
  async stage(ctx: StageContext): Promise<Staged> {
    const { conn } = ctx;
    await stageJsonDocument(ctx, 'stg_jmx_docs', 'a snapshot file holds one NameNode /jmx response');
    const isResponse = (await conn.runAndReadAll(`select json_type(json -> 'beans') = 'ARRAY' from stg_jmx_docs`)).getRows()[0][0];
    if (!isResponse) {
      throw new FileFormatError(`not a JMX response (no "beans": [...]). Save the NameNode's http://NAMENODE:9870/jmx, or pass the right --format.`);
    }
    await conn.run(
      `create temp table stg_jmx as
       select rec, ${BEANS.map((b) => `list_filter(beans, lambda x: (x ->> 'name') = '${beanName(b)}')[1] as ${ref(b)}`).join(', ')}, len(beans) as n_beans, (beans[1] ->> 'name') as first_bean
       from (select 1 as rec, from_json(json -> 'beans', '["JSON"]') as beans from stg_jmx_docs)`,
    );
    const [found, nBeans, firstBean, topUser] = (
      await conn.runAndReadAll(
        `select ${BEANS.map((b) => `(${ref(b)} is not null)::int`).join(' + ')}, n_beans, first_bean, ${attr('FSNamesystemState', 'TopUserOpCounts')} from stg_jmx`,
      )
    ).getRows()[0];
    if (Number(found) === 0) {
      throw new FileFormatError(
        `none of the NameNode beans gazette reads is in it (${BEANS.map(beanName).join(', ')}); it has ${nBeans} bean(s)${firstBean ? `, the first ${firstBean}` : ''}. ` +
          `Save the NameNode's whole /jmx, or /jmx?qry=Hadoop:service=NameNode,name=FSNamesystem* (and /jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo for the NameNodeInfo bean).`,
      );
    }
    const own = topUserOpTime(topUser);
    if (topUser !== null && own === undefined) {
      ctx.warnOnce('jmx-top-user-time', `jmx: ${ctx.file}: FSNamesystemState TopUserOpCounts has no readable "timestamp"; dated by --as-of or the file's name instead.`);
    }
    if (own !== undefined && ctx.at !== undefined) {
      ctx.warnOnce('jmx-as-of-unused', `jmx: --as-of is not used for responses dated by their own FSNamesystemState TopUserOpCounts timestamp (first: ${ctx.file}).`);
    }
    const when = own ?? snapshotTime(ctx, 'a NameNode /jmx response without FSNamesystemState TopUserOpCounts', 'namenode-jmx-2026-10-05T0600.json');

    // Per column: the chosen attribute's text, its JSON (for messages) and its name.
    const first = (from: [Bean, string][], then: (b: Bean, a: string) => string) =>
      `case ${from.map(([b, a]) => `when ${attr(b, a)} is not null then ${then(b, a)}`).join(' ')} end`;
    const text = (from: [Bean, string][]) => `coalesce(${from.map(([b, a]) => attr(b, a)).join(', ')})`;
    const whole = (x: string) => `coalesce(try_cast(${x} as bigint), cast(round(try_cast(${x} as double)) as bigint))`;
    const nodes = (map: string) => `(case when json_valid(${attr('NameNodeInfo', map)}) and json_type(${attr('NameNodeInfo', map)}::json) = 'OBJECT'
        then len(json_keys(${attr('NameNodeInfo', map)}::json)) end)`;
    const value = ([col, from]: [string, [Bean, string][]]) =>
      NODE_MAPS[col] ? `coalesce(${whole(text(from))}, ${nodes(NODE_MAPS[col])})` : whole(text(from));
    const reasons = [
      `case when ${text(COLUMNS[0][1])} is null then 'no capacity: none of ${COLUMNS[0][1].map(([b, a]) => `${b} ${a}`).join(', ')}' end`,
      ...COLUMNS.map(([, from]) => `case when ${text(from)} is not null and ${whole(text(from))} is null
        then ${first(from, (b, a) => `'${b} ${a} is not a number (got ' || (${ref(b)} -> '${a}')::varchar || ')'`)} end`),
      ...Object.entries(NODE_MAPS).map(([col, map]) => `case when ${text(COLUMNS.find(([c]) => c === col)![1])} is null
        and ${attr('NameNodeInfo', map)} is not null and ${nodes(map)} is null then 'NameNodeInfo ${map} is not a JSON object of nodes' end`),
      `case when t is null then 'the snapshot time "' || $when || '" is not an ISO 8601 time' end`,
    ];
    const drop = (b: Bean) => JSON.stringify(Object.fromEntries(MAPPED[b].map((a) => [a, null])));
    const extra = `nullif(json_merge_patch('{}', json_object(${BEANS.map((b) => `'${b}', case when ${ref(b)} is not null then json_merge_patch(${ref(b)}, '${drop(b)}') end`).join(', ')})), '{}')::json`;
    await conn.run(
      `create temp table stg_jmx_checked as
       select *, nullif(concat_ws('; ', ${reasons.join(',\n         ')}), '') as reason
       from (select *, ${isoTimeSql('trim($when)')} as t from stg_jmx)`,
      { when, tz: ctx.timezone },
    );
    return {
      rejects: {
        sql: `select rec as line, reason, json_object(${BEANS.map((b) => `'${b}', ${ref(b)}`).join(', ')})::varchar as raw from stg_jmx_checked where reason is not null`,
      },
      rows: {
        params: { cluster: ctx.cluster },
        sql: `select
         $cluster as cluster,
         t as taken_at,
         ${COLUMNS.map((c) => `${value(c)} as ${c[0]}`).join(',\n         ')},
         ${extra} as extra,
         rec as _line
       from stg_jmx_checked where reason is null`,
      },
    };
  },
};
