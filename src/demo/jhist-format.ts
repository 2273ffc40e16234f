/**
 * How Hadoop prints a MapReduce job's history records: counter groups and their display names (in
 * Hadoop's order), the done/ file name's escaping, and the job's configuration XML (Configuration.writeXml).
 */
import type { App } from './hadoop.js';
import type { MrPlan } from './jhist.js';

export type Counts = [name: string, value: number][];
export type Groups = [group: string, counts: Counts][];

const DISPLAY: Record<string, string> = {
  'org.apache.hadoop.mapreduce.FileSystemCounter': 'File System Counters',
  'org.apache.hadoop.mapreduce.JobCounter': 'Job Counters ',
  'org.apache.hadoop.mapreduce.TaskCounter': 'Map-Reduce Framework',
  'Shuffle Errors': 'Shuffle Errors',
  'org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter': 'File Input Format Counters ',
  'org.apache.hadoop.mapreduce.lib.output.FileOutputFormatCounter': 'File Output Format Counters ',
  FILE_BYTES_READ: 'FILE: Number of bytes read', FILE_BYTES_WRITTEN: 'FILE: Number of bytes written', FILE_READ_OPS: 'FILE: Number of read operations',
  FILE_LARGE_READ_OPS: 'FILE: Number of large read operations', FILE_WRITE_OPS: 'FILE: Number of write operations',
  HDFS_BYTES_READ: 'HDFS: Number of bytes read', HDFS_BYTES_WRITTEN: 'HDFS: Number of bytes written', HDFS_READ_OPS: 'HDFS: Number of read operations',
  HDFS_LARGE_READ_OPS: 'HDFS: Number of large read operations', HDFS_WRITE_OPS: 'HDFS: Number of write operations',
  TOTAL_LAUNCHED_MAPS: 'Launched map tasks', TOTAL_LAUNCHED_REDUCES: 'Launched reduce tasks', DATA_LOCAL_MAPS: 'Data-local map tasks',
  RACK_LOCAL_MAPS: 'Rack-local map tasks', SLOTS_MILLIS_MAPS: 'Total time spent by all maps in occupied slots (ms)',
  SLOTS_MILLIS_REDUCES: 'Total time spent by all reduces in occupied slots (ms)', MILLIS_MAPS: 'Total time spent by all map tasks (ms)',
  MILLIS_REDUCES: 'Total time spent by all reduce tasks (ms)', VCORES_MILLIS_MAPS: 'Total vcore-milliseconds taken by all map tasks',
  VCORES_MILLIS_REDUCES: 'Total vcore-milliseconds taken by all reduce tasks', MB_MILLIS_MAPS: 'Total megabyte-milliseconds taken by all map tasks',
  MB_MILLIS_REDUCES: 'Total megabyte-milliseconds taken by all reduce tasks',
  MAP_INPUT_RECORDS: 'Map input records', MAP_OUTPUT_RECORDS: 'Map output records', MAP_OUTPUT_BYTES: 'Map output bytes',
  MAP_OUTPUT_MATERIALIZED_BYTES: 'Map output materialized bytes', SPLIT_RAW_BYTES: 'Input split bytes', COMBINE_INPUT_RECORDS: 'Combine input records',
  COMBINE_OUTPUT_RECORDS: 'Combine output records', REDUCE_INPUT_GROUPS: 'Reduce input groups', REDUCE_SHUFFLE_BYTES: 'Reduce shuffle bytes',
  REDUCE_INPUT_RECORDS: 'Reduce input records', REDUCE_OUTPUT_RECORDS: 'Reduce output records', SPILLED_RECORDS: 'Spilled Records',
  SHUFFLED_MAPS: 'Shuffled Maps ', FAILED_SHUFFLE: 'Failed Shuffles', MERGED_MAP_OUTPUTS: 'Merged Map outputs', GC_TIME_MILLIS: 'GC time elapsed (ms)',
  CPU_MILLISECONDS: 'CPU time spent (ms)', PHYSICAL_MEMORY_BYTES: 'Physical memory (bytes) snapshot', VIRTUAL_MEMORY_BYTES: 'Virtual memory (bytes) snapshot',
  COMMITTED_HEAP_BYTES: 'Total committed heap usage (bytes)', BYTES_READ: 'Bytes Read', BYTES_WRITTEN: 'Bytes Written',
};
export const FS = 'org.apache.hadoop.mapreduce.FileSystemCounter';
export const JOB = 'org.apache.hadoop.mapreduce.JobCounter';
export const TASK = 'org.apache.hadoop.mapreduce.TaskCounter';
export const SHUFFLE_ERRORS = 'Shuffle Errors';
export const INPUT = 'org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter';
export const OUTPUT = 'org.apache.hadoop.mapreduce.lib.output.FileOutputFormatCounter';
/** Groups and counters in the order Hadoop prints them. */
const ORDER = [FS, JOB, TASK, SHUFFLE_ERRORS, INPUT, OUTPUT];
const TASK_ORDER = [
  'MAP_INPUT_RECORDS', 'MAP_OUTPUT_RECORDS', 'MAP_OUTPUT_BYTES', 'MAP_OUTPUT_MATERIALIZED_BYTES', 'SPLIT_RAW_BYTES', 'COMBINE_INPUT_RECORDS',
  'COMBINE_OUTPUT_RECORDS', 'REDUCE_INPUT_GROUPS', 'REDUCE_SHUFFLE_BYTES', 'REDUCE_INPUT_RECORDS', 'REDUCE_OUTPUT_RECORDS', 'SPILLED_RECORDS',
  'SHUFFLED_MAPS', 'FAILED_SHUFFLE', 'MERGED_MAP_OUTPUTS', 'GC_TIME_MILLIS', 'CPU_MILLISECONDS', 'PHYSICAL_MEMORY_BYTES', 'VIRTUAL_MEMORY_BYTES',
  'COMMITTED_HEAP_BYTES',
];

export function countersJson(name: string, groups: Groups) {
  return {
    name,
    groups: groups.map(([g, counts]) => ({ name: g, displayName: DISPLAY[g] ?? g, counts: counts.map(([c, value]) => ({ name: c, displayName: DISPLAY[c] ?? c, value })) })),
  };
}

/** The sum of tasks' counters, groups and counters in Hadoop's order. */
export function sumCounters(sets: Groups[], extra: Groups = []): Groups {
  const sums = new Map<string, Map<string, number>>();
  for (const groups of [...sets, extra]) {
    for (const [g, counts] of groups) {
      const m = sums.get(g) ?? sums.set(g, new Map()).get(g)!;
      for (const [c, v] of counts) m.set(c, (m.get(c) ?? 0) + v);
    }
  }
  return ORDER.filter((g) => sums.has(g)).map((g) => {
    const m = sums.get(g)!;
    const names = g === TASK ? TASK_ORDER.filter((c) => m.has(c)) : [...m.keys()];
    return [g, names.map((c) => [c, m.get(c)!] as [string, number])];
  });
}

/** What FileNameIndexUtils makes of a job or queue name: `-` escaped, URL-encoded, cut to 50 characters. */
export function indexName(s: string, limit = 50): string {
  const enc = encodeURIComponent(s.replace(/-/g, '\u0000')).replace(/%00/g, '%2D').replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  if (enc.length <= limit) return enc;
  // Do not cut an escape in two.
  const cut = enc.slice(0, limit);
  const pct = cut.lastIndexOf('%');
  return pct >= limit - 2 ? cut.slice(0, pct) : cut;
}
export function setCounter(groups: Groups, group: string, name: string, value: number) {
  const c = groups.find(([g]) => g === group)![1].find(([n]) => n === name)!;
  c[1] = value;
}


export function confXml(app: App, jobId: string, plan: MrPlan): string {
  const heap = Math.round(plan.memoryMb * 0.8);
  const props: [string, string, string][] = [
    ['fs.defaultFS', 'hdfs://nameservice1', 'core-site.xml'],
    ['hadoop.tmp.dir', '/tmp/hadoop-${user.name}', 'core-default.xml'],
    ['mapreduce.framework.name', 'yarn', 'mapred-site.xml'],
    ['mapreduce.job.name', app.name, 'programatically'],
    ['mapreduce.job.user.name', app.user, 'programatically'],
    ['mapreduce.job.queuename', app.queue, 'programatically'],
    ['mapreduce.job.maps', String(plan.maps), 'programatically'],
    ['mapreduce.job.reduces', String(plan.reduces), 'programatically'],
    ['mapreduce.job.reduce.slowstart.completedmaps', '0.05', 'mapred-default.xml'],
    ['mapreduce.map.memory.mb', String(plan.memoryMb), 'job.xml'],
    ['mapreduce.reduce.memory.mb', String(plan.memoryMb), 'job.xml'],
    ['mapreduce.map.java.opts', `-Xmx${heap}m`, 'job.xml'],
    ['mapreduce.reduce.java.opts', `-Xmx${heap}m`, 'job.xml'],
    ['mapreduce.map.cpu.vcores', '1', 'mapred-default.xml'],
    ['mapreduce.reduce.cpu.vcores', '1', 'mapred-default.xml'],
    ['mapreduce.task.io.sort.mb', plan.conf['mapreduce.task.io.sort.mb'] ?? '256', 'mapred-site.xml'],
    ['mapreduce.task.io.sort.factor', plan.conf['mapreduce.task.io.sort.factor'] ?? '64', 'mapred-site.xml'],
    ['mapreduce.map.sort.spill.percent', '0.80', 'mapred-default.xml'],
    ['mapreduce.map.output.compress', 'true', 'mapred-site.xml'],
    ['mapreduce.map.output.compress.codec', 'org.apache.hadoop.io.compress.SnappyCodec', 'mapred-site.xml'],
    ['mapreduce.output.fileoutputformat.compress', 'false', 'mapred-default.xml'],
    ['mapreduce.job.ubertask.enable', 'false', 'mapred-default.xml'],
    ['mapreduce.map.speculative', 'true', 'mapred-default.xml'],
    ['mapreduce.reduce.speculative', 'true', 'mapred-default.xml'],
    ['mapreduce.job.counters.max', '120', 'mapred-default.xml'],
    ['mapreduce.jobhistory.address', 'jhs1.demo-hadoop.example.com:10020', 'mapred-site.xml'],
    ['mapreduce.jobhistory.webapp.address', 'jhs1.demo-hadoop.example.com:19888', 'mapred-site.xml'],
    ['mapreduce.jobhistory.done-dir', '/mr-history/done', 'mapred-site.xml'],
    ['mapreduce.jobhistory.intermediate-done-dir', '/mr-history/tmp', 'mapred-site.xml'],
    ['yarn.app.mapreduce.am.resource.mb', '2048', 'mapred-site.xml'],
    ['yarn.app.mapreduce.am.command-opts', '-Xmx1638m', 'mapred-site.xml'],
    ['yarn.app.mapreduce.am.staging-dir', '/user', 'mapred-site.xml'],
    ['yarn.resourcemanager.address', 'rm1.demo-hadoop.example.com:8032', 'yarn-site.xml'],
    ['yarn.resourcemanager.scheduler.address', 'rm1.demo-hadoop.example.com:8030', 'yarn-site.xml'],
    ['yarn.scheduler.minimum-allocation-mb', '1024', 'yarn-site.xml'],
    ['yarn.scheduler.maximum-allocation-mb', '65536', 'yarn-site.xml'],
    ['dfs.replication', '3', 'hdfs-site.xml'],
    ['dfs.blocksize', '134217728', 'hdfs-site.xml'],
    ['mapreduce.job.dir', `hdfs://nameservice1/user/${app.user}/.staging/${jobId}`, 'programatically'],
    ['mapreduce.job.submithostname', 'edge01.demo-hadoop.example.com', 'programatically'],
    ...Object.entries(plan.conf).filter(([k]) => !k.startsWith('mapreduce.task.io.sort.')).map(([k, v]) => [k, v, 'programatically'] as [string, string, string]),
  ];
  // Hadoop's Configuration.writeXml: text escaped, each property's sources (its origin, then job.xml), "programatically" as Hadoop spells it.
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = props.map(([k, v, src]) => `<property><name>${esc(k)}</name><value>${esc(v)}</value><source>${src}</source>${src === 'job.xml' ? '' : '<source>job.xml</source>'}</property>`);
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?><configuration>\n${body.join('\n')}\n</configuration>\n`;
}
