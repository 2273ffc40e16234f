/**
 * A MapReduce job's history as the JobHistory server keeps it in its done/ directory: the .jhist
 * (Avro-Json: a line `Avro-Json`, the schema, then one event a line, a blank line between them, as
 * Hadoop 2.7+ writes it) and the `job_…_conf.xml` beside it. The job runs inside the application's
 * run as the ResourceManager reports it: the AM starts, the maps run in one wave over the
 * application's containers, the reduces start once 5% of the maps are done and finish near the end.
 *
 * Every task carries its counters; JOB_FINISHED has their sums (total, map, reduce) and the job
 * counters. The caller plans the tasks' memory use and spills; the figures come back with the file.
 */
import { HADOOP_TZ, type App } from './hadoop.js';
import {
  confXml, countersJson, FS, indexName, INPUT, JOB, OUTPUT, setCounter, SHUFFLE_ERRORS, sumCounters, TASK, type Counts, type Groups,
} from './jhist-format.js';
import { jhistSchema } from './jhist-schema.js';
import type { Rng } from './rng.js';
import { localTime, pad } from './time.js';

const MiB = 1_048_576;

export interface MrPlan {
  maps: number;
  reduces: number;
  /** mapreduce.map.memory.mb and mapreduce.reduce.memory.mb: the container asked for per task. */
  memoryMb: number;
  /** Physical memory of a task (MB): drawn between these, or exactly this mean (pairs of tasks above and below it). */
  usedMb: [number, number] | number;
  /** Records each map spills per output record (1: one spill; more: spills merged in several passes). */
  mapSpill: number;
  /** Records the reduces spill per input record: drawn between these, or exactly this. */
  reduceSpill: [number, number] | number;
  /** Bytes a map reads (an HDFS split) and its output records per input record. */
  splitBytes: number;
  selectivity: number;
  /** Output records of every map, when fixed (a count(*) emits one). */
  outputPerMap?: number;
  /** Job-specific configuration (input/output, the launcher's properties). */
  conf: Record<string, string>;
  /** Oozie's workflow id, name and action, when Oozie launched it. */
  workflow?: { id: string; name: string; node: string };
}

export interface JhistFigures {
  maps: number;
  reduces: number;
  memoryMb: number;
  physicalMemoryBytes: number;
  mapOutputRecords: number;
  spilledRecords: number;
  taskMs: number;
}

export interface Jhist {
  /** Directory below done/ (YYYY/MM/DD/serial) and the two file names. */
  dir: string;
  jhistName: string;
  confName: string;
  jhist: string;
  conf: string;
  figures: JhistFigures;
}


interface Attempt {
  phase: 'm' | 'r';
  index: number;
  start: number;
  finish: number;
  shuffleFinish?: number;
  sortFinish?: number;
  host: string;
  container: string;
  counters: Groups;
  physMb: number;
}

/** The history of `app` run as `plan` says. Deterministic for a given `r` state. */
export function jobHistory(r: Rng, app: App, plan: MrPlan): Jhist {
  const ts = app.clusterTs!;
  const seq = pad(app.seq!, 4);
  const jobId = `job_${ts}_${seq}`;
  const submit = app.submit - r.int(80, 600);
  const amStart = app.launch + r.int(1_500, 3_500);
  const launch = amStart + r.int(2_000, 4_500);
  const jobEnd = app.finish - r.int(900, 2_500);
  const lastReduce = jobEnd - r.int(700, 2_200);
  const firstMap = launch + r.int(1_500, 4_000);
  const window = lastReduce - firstMap;
  if (window < 20_000) throw new Error(`sample-data: ${app.id} is too short for a .jhist (${window} ms)`);
  const mapOnly = plan.reduces === 0;
  // Map phase: one wave; the reduces take the rest.
  const mapMedian = Math.round((mapOnly ? window / 1.12 : window * 0.5));
  const host = () => `worker${pad(r.int(1, 72), 3)}.demo-hadoop.example.com`;
  const used = usedMemory(r, plan.maps + plan.reduces, plan.usedMb);
  const attempts: Attempt[] = [];
  let container = 2;
  const containerId = () => `container_e${app.epoch}_${ts}_${seq}_01_${pad(container++, 6)}`;
  let mapOutRecords = 0;
  let mapOutMaterialized = 0;
  for (let i = 0; i < plan.maps; i++) {
    const start = firstMap + i * r.int(15, 120);
    const d = mapOnly ? Math.round(mapMedian * (0.9 + 0.22 * r.next())) : Math.round(mapMedian * (0.78 + 0.42 * r.next()));
    const finish = Math.min(start + d, mapOnly ? lastReduce - r.int(0, 3_000) : Infinity);
    const inBytes = i === plan.maps - 1 ? Math.round(plan.splitBytes * (0.3 + 0.6 * r.next())) : plan.splitBytes - r.int(0, 4_095);
    const inRecords = Math.round(inBytes / r.int(150, 190));
    const outRecords = mapOnly ? 0 : plan.outputPerMap ?? Math.round(inRecords * plan.selectivity);
    const outBytes = outRecords * r.int(52, 64);
    const materialized = Math.round(outBytes * 0.34);
    mapOutRecords += outRecords;
    mapOutMaterialized += materialized;
    const ms = finish - start;
    const phys = used[i];
    attempts.push({
      phase: 'm', index: i, start, finish, host: host(), container: containerId(), physMb: phys,
      counters: [
        [FS, [['FILE_BYTES_READ', mapOnly ? 0 : Math.round(materialized * Math.max(0, plan.mapSpill - 1))], ['FILE_BYTES_WRITTEN', 301_644 + Math.round(materialized * plan.mapSpill)],
          ['FILE_READ_OPS', 0], ['FILE_LARGE_READ_OPS', 0], ['FILE_WRITE_OPS', 0], ['HDFS_BYTES_READ', inBytes + 161], ['HDFS_BYTES_WRITTEN', mapOnly ? inBytes : 0],
          ['HDFS_READ_OPS', 3], ['HDFS_LARGE_READ_OPS', 0], ['HDFS_WRITE_OPS', mapOnly ? 2 : 0]]],
        [TASK, [['MAP_INPUT_RECORDS', inRecords], ['MAP_OUTPUT_RECORDS', outRecords], ['MAP_OUTPUT_BYTES', outBytes], ['MAP_OUTPUT_MATERIALIZED_BYTES', materialized],
          ['SPLIT_RAW_BYTES', 161], ['COMBINE_INPUT_RECORDS', 0], ['SPILLED_RECORDS', Math.round(outRecords * plan.mapSpill)], ['FAILED_SHUFFLE', 0],
          ['MERGED_MAP_OUTPUTS', 0], ['GC_TIME_MILLIS', Math.round(ms * (0.012 + 0.02 * r.next()))], ['CPU_MILLISECONDS', Math.round(ms * (0.55 + 0.3 * r.next()))],
          ['PHYSICAL_MEMORY_BYTES', phys * MiB + r.int(0, 1_023) * 1024], ['VIRTUAL_MEMORY_BYTES', Math.round(phys * 2.6) * MiB + r.int(0, 1_023) * 4096],
          ['COMMITTED_HEAP_BYTES', Math.round(phys * 0.78) * MiB]]],
        [INPUT, [['BYTES_READ', inBytes]]],
        ...(mapOnly ? [[OUTPUT, [['BYTES_WRITTEN', 0]]] as [string, Counts]] : []),
      ],
    });
  }
  // The exact memory of the plan: PHYSICAL_MEMORY_BYTES carries sub-MB noise unless a mean is asked for.
  if (typeof plan.usedMb === 'number') for (const a of attempts) setCounter(a.counters, TASK, 'PHYSICAL_MEMORY_BYTES', a.physMb * MiB);
  const maps = attempts.filter((a) => a.phase === 'm').sort((a, b) => a.finish - b.finish);
  const slowstart = maps[Math.max(0, Math.ceil(plan.maps * 0.05) - 1)].finish;
  const lastMap = maps[maps.length - 1].finish;
  const reduceShares = shares(r, plan.reduces);
  let recordsLeft = mapOutRecords;
  let bytesLeft = mapOutMaterialized;
  for (let i = 0; i < plan.reduces; i++) {
    const start = slowstart + r.int(600, 2_500) + i * r.int(20, 90);
    const shuffleFinish = lastMap + Math.round(window * (0.02 + 0.04 * r.next()));
    const sortFinish = shuffleFinish + Math.round(window * (0.01 + 0.03 * r.next()));
    const finish = lastReduce - (i === 0 ? 0 : Math.round((lastReduce - sortFinish) * 0.12 * r.next()));
    const last = i === plan.reduces - 1;
    const inRecords = last ? recordsLeft : Math.round(mapOutRecords * reduceShares[i]);
    const shuffled = last ? bytesLeft : Math.round(mapOutMaterialized * reduceShares[i]);
    recordsLeft -= inRecords;
    bytesLeft -= shuffled;
    const spill = typeof plan.reduceSpill === 'number' ? plan.reduceSpill : plan.reduceSpill[0] + (plan.reduceSpill[1] - plan.reduceSpill[0]) * r.next();
    const spilled = Math.round(inRecords * spill);
    const outRecords = Math.round(inRecords * 0.41);
    const outBytes = Math.round(shuffled * 1.3);
    const ms = finish - start;
    const phys = used[plan.maps + i];
    attempts.push({
      phase: 'r', index: i, start, finish, shuffleFinish, sortFinish, host: host(), container: containerId(), physMb: phys,
      counters: [
        [FS, [['FILE_BYTES_READ', shuffled + Math.round(shuffled * spill)], ['FILE_BYTES_WRITTEN', 301_600 + Math.round(shuffled * spill)], ['FILE_READ_OPS', 0],
          ['FILE_LARGE_READ_OPS', 0], ['FILE_WRITE_OPS', 0], ['HDFS_BYTES_READ', 0], ['HDFS_BYTES_WRITTEN', outBytes], ['HDFS_READ_OPS', 3],
          ['HDFS_LARGE_READ_OPS', 0], ['HDFS_WRITE_OPS', 2]]],
        [TASK, [['COMBINE_INPUT_RECORDS', 0], ['COMBINE_OUTPUT_RECORDS', 0], ['REDUCE_INPUT_GROUPS', Math.round(inRecords * 0.41)], ['REDUCE_SHUFFLE_BYTES', shuffled],
          ['REDUCE_INPUT_RECORDS', inRecords], ['REDUCE_OUTPUT_RECORDS', outRecords], ['SPILLED_RECORDS', spilled], ['SHUFFLED_MAPS', plan.maps], ['FAILED_SHUFFLE', 0],
          ['MERGED_MAP_OUTPUTS', plan.maps], ['GC_TIME_MILLIS', Math.round(ms * (0.01 + 0.015 * r.next()))], ['CPU_MILLISECONDS', Math.round(ms * (0.3 + 0.25 * r.next()))],
          ['PHYSICAL_MEMORY_BYTES', phys * MiB + (typeof plan.usedMb === 'number' ? 0 : r.int(0, 1_023) * 1024)],
          ['VIRTUAL_MEMORY_BYTES', Math.round(phys * 2.6) * MiB + r.int(0, 1_023) * 4096], ['COMMITTED_HEAP_BYTES', Math.round(phys * 0.8) * MiB]]],
        [SHUFFLE_ERRORS, [['BAD_ID', 0], ['CONNECTION', 0], ['IO_ERROR', 0], ['WRONG_LENGTH', 0], ['WRONG_MAP', 0], ['WRONG_REDUCE', 0]]],
        [OUTPUT, [['BYTES_WRITTEN', outBytes]]],
      ],
    });
  }

  const m = attempts.filter((a) => a.phase === 'm');
  const rd = attempts.filter((a) => a.phase === 'r');
  const millis = (xs: Attempt[]) => xs.reduce((s, a) => s + (a.finish - a.start), 0);
  const dataLocal = m.filter((a) => a.index % 9 !== 4).length;
  // The job counters a job incremented (a map-only job has no reduce ones).
  const jobCounters: Groups = [[JOB, ([
    ['TOTAL_LAUNCHED_MAPS', m.length], ['TOTAL_LAUNCHED_REDUCES', rd.length], ['DATA_LOCAL_MAPS', dataLocal], ['RACK_LOCAL_MAPS', m.length - dataLocal],
    ['SLOTS_MILLIS_MAPS', Math.round((millis(m) * plan.memoryMb) / 1024)], ['SLOTS_MILLIS_REDUCES', Math.round((millis(rd) * plan.memoryMb) / 1024)],
    ['MILLIS_MAPS', millis(m)], ['MILLIS_REDUCES', millis(rd)], ['VCORES_MILLIS_MAPS', millis(m)], ['VCORES_MILLIS_REDUCES', millis(rd)],
    ['MB_MILLIS_MAPS', millis(m) * plan.memoryMb], ['MB_MILLIS_REDUCES', millis(rd) * plan.memoryMb],
  ] as Counts).filter(([, v]) => v > 0)]];
  const mapCounters = sumCounters(m.map((a) => a.counters));
  const reduceCounters = sumCounters(rd.map((a) => a.counters));
  const totalCounters = sumCounters(attempts.map((a) => a.counters), jobCounters);

  // Events, in the order the AM wrote them.
  const evs: { at: number; seq: number; line: string }[] = [];
  const add = (at: number, type: string, record: string, body: Record<string, unknown>) =>
    evs.push({ at, seq: evs.length, line: JSON.stringify({ type, event: { [`org.apache.hadoop.mapreduce.jobhistory.${record}`]: body } }) });
  const str = (s: string) => ({ string: s });
  add(amStart, 'AM_STARTED', 'AMStarted', {
    applicationAttemptId: `appattempt_${ts}_${seq}_000001`, startTime: amStart, containerId: `container_e${app.epoch}_${ts}_${seq}_01_000001`,
    nodeManagerHost: app.host, nodeManagerPort: 8041, nodeManagerHttpPort: 8042,
  });
  add(amStart + 1, 'JOB_SUBMITTED', 'JobSubmitted', {
    jobid: jobId, jobName: app.name, userName: app.user, submitTime: submit,
    jobConfPath: `hdfs://nameservice1/user/${app.user}/.staging/${jobId}/job.xml`, acls: {}, jobQueueName: app.queue,
    workflowId: str(plan.workflow?.id ?? ''), workflowName: str(plan.workflow?.name ?? ''), workflowNodeName: str(plan.workflow?.node ?? ''),
    workflowAdjacencies: str(''), workflowTags: str(''),
  });
  add(launch, 'JOB_INITED', 'JobInited', { jobid: jobId, launchTime: launch, totalMaps: plan.maps, totalReduces: plan.reduces, jobStatus: 'INITED', uberized: false });
  add(launch + 1, 'JOB_INFO_CHANGED', 'JobInfoChange', { jobid: jobId, submitTime: submit, launchTime: launch });
  for (const a of attempts) {
    const type = a.phase === 'm' ? 'MAP' : 'REDUCE';
    const taskId = `task_${ts}_${seq}_${a.phase}_${pad(a.index, 6)}`;
    const attemptId = `attempt_${ts}_${seq}_${a.phase}_${pad(a.index, 6)}_0`;
    const scheduled = a.phase === 'm' ? launch + 30 + a.index : a.start - r.int(400, 1_500);
    add(scheduled, 'TASK_STARTED', 'TaskStarted', { taskid: taskId, taskType: type, startTime: scheduled, splitLocations: a.phase === 'm' ? a.host : '' });
    add(a.start, `${type}_ATTEMPT_STARTED`, 'TaskAttemptStarted', {
      taskid: taskId, taskType: type, attemptId, startTime: a.start, trackerName: a.host, httpPort: 8042, shufflePort: 13562, containerId: a.container,
      locality: str(a.phase === 'r' ? 'OFF_SWITCH' : a.index % 9 === 4 ? 'RACK_LOCAL' : 'NODE_LOCAL'), avataar: str('VIRGIN'),
    });
    const counters = countersJson('COUNTERS', a.counters);
    const rack = `/rack${pad(1 + (Number(a.host.slice(6, 9)) % 6), 2)}`;
    const splits = progressSplits(a, r);
    add(a.finish, `${type}_ATTEMPT_FINISHED`, a.phase === 'm' ? 'MapAttemptFinished' : 'ReduceAttemptFinished', {
      taskid: taskId, attemptId, taskType: type, taskStatus: 'SUCCEEDED',
      ...(a.phase === 'm' ? { mapFinishTime: a.finish - r.int(40, 400) } : { shuffleFinishTime: a.shuffleFinish, sortFinishTime: a.sortFinish }),
      finishTime: a.finish, hostname: a.host, port: 8041, rackname: rack, state: a.phase === 'm' ? 'map > sort' : 'reduce > reduce', counters, ...splits,
    });
    add(a.finish + 1, 'TASK_FINISHED', 'TaskFinished', { taskid: taskId, taskType: type, finishTime: a.finish, status: 'SUCCEEDED', counters, successfulAttemptId: str(attemptId) });
  }
  add(jobEnd, 'JOB_FINISHED', 'JobFinished', {
    jobid: jobId, finishTime: jobEnd, finishedMaps: m.length, finishedReduces: rd.length, failedMaps: 0, failedReduces: 0,
    totalCounters: countersJson('TOTAL_COUNTERS', totalCounters), mapCounters: countersJson('MAP_COUNTERS', mapCounters),
    reduceCounters: countersJson('REDUCE_COUNTERS', reduceCounters),
  });
  evs.sort((a, b) => a.at - b.at || a.seq - b.seq);
  const jhist = `Avro-Json\n${jhistSchema()}\n${evs.map((e) => e.line).join('\n\n')}\n`;

  const lt = localTime(jobEnd, HADOOP_TZ);
  const total = (name: string) => totalCounters.find(([g]) => g === TASK)![1].find(([c]) => c === name)?.[1] ?? 0;
  return {
    dir: `${lt.year}/${pad(lt.month)}/${pad(lt.day)}/${pad(Math.floor(app.seq! / 1000), 6)}`,
    jhistName: `${jobId}-${submit}-${app.user}-${indexName(app.name)}-${jobEnd}-${m.length}-${rd.length}-SUCCEEDED-${indexName(app.queue)}-${launch}.jhist`,
    confName: `${jobId}_conf.xml`,
    jhist,
    conf: confXml(app, jobId, plan),
    figures: {
      maps: m.length, reduces: rd.length, memoryMb: plan.memoryMb, physicalMemoryBytes: total('PHYSICAL_MEMORY_BYTES'),
      mapOutputRecords: total('MAP_OUTPUT_RECORDS'), spilledRecords: total('SPILLED_RECORDS'), taskMs: millis(m) + millis(rd),
    },
  };
}

function usedMemory(r: Rng, n: number, used: [number, number] | number): number[] {
  if (typeof used !== 'number') return Array.from({ length: n }, () => r.int(used[0], used[1]));
  const out = new Array<number>(n).fill(used);
  for (let i = 0; i + 1 < n; i += 2) {
    const d = r.int(0, Math.round(used * 0.06));
    out[i] += d;
    out[i + 1] -= d;
  }
  return out;
}

/** How the reduces' input splits between them (hash partitioning: nearly even). */
function shares(r: Rng, n: number): number[] {
  const w = Array.from({ length: n }, () => 0.94 + 0.12 * r.next());
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

/** The attempt's progress in twelve splits: wall time, CPU, virtual and physical memory (KB) at each. */
function progressSplits(a: Attempt, r: Rng) {
  const ms = a.finish - a.start;
  const clock = Array.from({ length: 12 }, (_, i) => Math.round(ms / 12) + (i === 0 ? 180 : 0));
  const cpu = clock.map((c) => Math.round(c * (0.5 + 0.3 * r.next())));
  const phys = Array.from({ length: 12 }, (_, i) => Math.round(a.physMb * 1024 * Math.min(1, 0.55 + i * 0.05)));
  return { clockSplits: clock, cpuUsages: cpu, vMemKbytes: phys.map((p) => Math.round(p * 2.6)), physMemKbytes: phys };
}
