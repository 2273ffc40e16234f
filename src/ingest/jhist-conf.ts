/**
 * The `job_…_conf.xml` the JobHistory server keeps beside a job's .jhist (same job id, same
 * directory): the container sizes the job asked for. A property is a flat
 * `<property><name>…</name><value>…</value>…</property>`, so a regular expression reads it.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface JobConf {
  file: string;
  mapMemoryMb: number | null;
  reduceMemoryMb: number | null;
}

/** The newer name first; Hadoop 1's mapred.job.*.memory.mb is used when the newer one is absent. */
export const MAP_MEMORY = ['mapreduce.map.memory.mb', 'mapred.job.map.memory.mb'];
export const REDUCE_MEMORY = ['mapreduce.reduce.memory.mb', 'mapred.job.reduce.memory.mb'];

/** The conf beside `jhistFile` for `jobId`, or undefined when there is none. */
export async function readJobConf(jhistFile: string, jobId: string): Promise<JobConf | undefined> {
  if (!/^job_[0-9]+_[0-9]+$/.test(jobId)) return undefined;
  const file = path.join(path.dirname(jhistFile), `${jobId}_conf.xml`);
  let xml: string;
  try {
    xml = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const props = confProperties(xml);
  return { file, mapMemoryMb: megabytes(props, MAP_MEMORY), reduceMemoryMb: megabytes(props, REDUCE_MEMORY) };
}

/** name → value of every `<property>` (the last one of a name wins, as in Hadoop's Configuration). */
export function confProperties(xml: string): Map<string, string> {
  const props = new Map<string, string>();
  const re = /<property>([\s\S]*?)<\/property>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const name = /<name>([\s\S]*?)<\/name>/.exec(m[1]);
    const value = /<value>([\s\S]*?)<\/value>/.exec(m[1]);
    if (name) props.set(unescapeXml(name[1].trim()), value ? unescapeXml(value[1].trim()) : '');
  }
  return props;
}

/** The first of `names` set to a positive number (-1, Hadoop 1's "not set", is no size). */
function megabytes(props: Map<string, string>, names: string[]): number | null {
  for (const n of names) {
    const v = Number(props.get(n));
    if (props.has(n) && Number.isFinite(v) && v > 0) return v;
  }
  return null;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
}
