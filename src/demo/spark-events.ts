/**
 * A Spark 3.3 event log for one of demo-hadoop's Spark applications, as Spark on YARN writes it
 * (`spark.eventLog.dir`, one SparkListener event a line): log start, resource profile, driver block
 * manager, environment, application start; executors added (and removed when idle, under dynamic
 * allocation); one job of a few stages, each task's start and end with its metrics and accumulables;
 * application end. The times fit inside the application's run as the ResourceManager reports it.
 *
 * The caller plans the stages (tasks, relative task times, skew) and the GC share of each task's
 * run time; the log's figures come back with it, so the answer key is computed from the very
 * records written.
 */
import type { App } from './hadoop.js';
import type { Rng } from './rng.js';
import {
  ACCUMULABLES, driverAttributes, driverLogs, environment, executorMetrics, rddInfo, taskInfo, taskMetrics, type Executor, type Task,
} from './spark-events-json.js';

export const SPARK_VERSION = '3.3.2';
/** Dynamic allocation gives an executor back after this long without a task. */
const IDLE_TIMEOUT_MS = 60_000;
const MiB = 1_048_576;

export interface StagePlan {
  /** The call site Spark names the stage after: `save at ExportCarts.scala:88`. */
  name: string;
  /** ShuffleMapTask (reads the input, writes shuffle) or ResultTask (reads the shuffle, writes the output). */
  kind: 'map' | 'result';
  tasks: number;
  /** This stage's median task run time relative to the others'. */
  weight: number;
  /** Planted: one task runs this many times the stage's median (its partition holds a hot key). */
  skew?: number;
}

export interface SparkPlan {
  /** The class or script spark-submit ran. */
  main: string;
  cores: number;
  maxExecutors: number;
  /** spark.executor.memory, in GB. */
  executorMemoryGb: number;
  /** Each task's JVM GC time as a share of its run time: drawn between these. */
  gcShare: [number, number];
  stages: StagePlan[];
  /** Dynamic allocation (executors asked for per stage, given back after a minute idle); else a fixed spark.executor.instances. */
  dynamicAllocation: boolean;
  /** How long the driver works alone after the last stage (committing, writing a summary), in ms. */
  driverTailMs?: [number, number];
  /** spark-submit --deploy-mode: cluster runs the driver in the AM (and names the log `<app id>_1`), client on the edge node. */
  deployMode: 'cluster' | 'client';
  /** Extra Spark properties (the job's own settings). */
  conf?: Record<string, string>;
}

export interface StageFigures {
  stageId: number;
  name: string;
  tasks: number;
  medianRunMs: number;
  maxRunMs: number;
}

export interface SparkLogFigures {
  tasks: number;
  runMs: number;
  gcMs: number;
  executors: number;
  executorsRemoved: number;
  stages: StageFigures[];
}

export interface SparkLog {
  /** The file name Spark gives it: the app id, and `_<attempt>` in cluster mode. */
  name: string;
  text: string;
  figures: SparkLogFigures;
}

/** An event to write: its time orders it among the others; `json` is built when it is written. */
interface Ev {
  at: number;
  seq: number;
  json: () => unknown;
}


/** Task run times of a stage relative to its median: half below, half above, the middle exactly 1. */
function spread(r: Rng, n: number, skew?: number): number[] {
  const f: number[] = [];
  for (let i = 0; i < n; i++) {
    const mid = n % 2 ? i === (n - 1) / 2 : i === n / 2 - 1 || i === n / 2;
    f.push(mid ? 1 : i < n / 2 ? 0.72 + 0.26 * r.next() : 1.02 + 0.5 * r.next() * r.next());
  }
  if (skew) f[n - 1] = skew;
  // Spark launches partitions in index order; the hot partition sits somewhere in the middle.
  const order = f.map((x, i) => [x, r.next(), i] as const).sort((a, b) => a[1] - b[1]).map(([x]) => x);
  return order;
}

/** Which executor slot frees first (ties: the executor added first). */
function earliestSlot(execs: Executor[], notBefore: number): [Executor, number] {
  let best: [Executor, number] | undefined;
  for (const e of execs) {
    if (e.removedAt !== undefined) continue;
    e.slots.forEach((free, k) => {
      const at = Math.max(free, e.ready, notBefore);
      if (!best || at < Math.max(best[0].slots[best[1]], best[0].ready, notBefore)) best = [e, k];
    });
  }
  return best!;
}

/**
 * The event log of `app` run as `plan` says. Deterministic for a given `r` state.
 */
export function sparkEventLog(r: Rng, app: App, plan: SparkPlan): SparkLog {
  const appStart = app.launch + r.int(3_500, 8_000);
  const appEnd = app.finish - r.int(1_200, 3_500);
  const jobSubmit = appStart + r.int(4_000, 12_000);
  const lastStageEnd = appEnd - (plan.driverTailMs ? r.int(...plan.driverTailMs) : r.int(4_000, 15_000));
  const factors = plan.stages.map((s) => spread(r, s.tasks, s.skew));
  const hosts = Array.from({ length: 400 }, () => r.int(1, 72));
  const jitter = Array.from({ length: 20_000 }, () => r.next());
  // Relative stage wall times with every slot free: a stage's tasks in waves over the slots.
  const slotsMax = plan.cores * plan.maxExecutors;
  const relWall = plan.stages.map((s, j) => {
    const free = new Array(Math.min(slotsMax, s.tasks)).fill(0);
    for (const f of factors[j]) {
      let k = 0;
      for (let i = 1; i < free.length; i++) if (free[i] < free[k]) k = i;
      free[k] += f * s.weight;
    }
    return Math.max(...free);
  });
  let scale = ((lastStageEnd - jobSubmit - 6_000) * 0.97) / relWall.reduce((a, b) => a + b, 0);
  for (let attempt = 0; ; attempt++) {
    const run = simulate(plan, factors, scale, { app, jobSubmit, hosts, jitter });
    if (run.end <= lastStageEnd) return write(app, plan, run, { appStart, appEnd, jobSubmit, clusterMode: plan.deployMode === 'cluster' });
    if (attempt > 20) throw new Error(`sample-data: the Spark log of ${app.id} does not fit in its run`);
    scale *= ((lastStageEnd - jobSubmit) / (run.end - jobSubmit)) * 0.98;
  }
}

interface Simulated {
  execs: Executor[];
  tasks: Task[];
  stages: { submitted: number; completed: number; tasks: Task[] }[];
  end: number;
}

function simulate(plan: SparkPlan, factors: number[][], scale: number, ctx: { app: App; jobSubmit: number; hosts: number[]; jitter: number[] }): Simulated {
  const { app } = ctx;
  let j = 0;
  const rnd = () => ctx.jitter[j++ % ctx.jitter.length];
  const execs: Executor[] = [];
  const tasks: Task[] = [];
  const stages: Simulated['stages'] = [];
  let t = ctx.jobSubmit + 40;
  let prevShuffle = { bytes: 0, records: 0, tasks: 0 };
  plan.stages.forEach((s, sj) => {
    // Under dynamic allocation idle executors were given back, and a stage asks for what its tasks need.
    if (plan.dynamicAllocation) {
      for (const e of execs) if (e.removedAt === undefined && t - e.lastBusy > IDLE_TIMEOUT_MS + 1_000) e.removedAt = e.lastBusy + IDLE_TIMEOUT_MS + Math.floor(rnd() * 900);
    }
    const live = execs.filter((e) => e.removedAt === undefined).length;
    const want = plan.dynamicAllocation ? Math.min(plan.maxExecutors, Math.ceil(s.tasks / plan.cores)) : plan.maxExecutors;
    for (let k = live; k < want; k++) {
      const n = execs.length + 1;
      const ready = t + 1_800 + (k - live) * Math.floor(20 + rnd() * 160) + Math.floor(rnd() * 400);
      execs.push({
        id: String(n), host: `worker${String(ctx.hosts[n % ctx.hosts.length]).padStart(3, '0')}.demo-hadoop.example.com`,
        container: `container_e${app.epoch}_${app.clusterTs}_${String(app.seq).padStart(4, '0')}_01_${String(n + 1).padStart(6, '0')}`,
        ready, slots: new Array(plan.cores).fill(ready), lastBusy: ready, gcCount: 0, gcMs: 0,
      });
    }
    const median = Math.max(200, Math.round(s.weight * scale));
    const submitted = t;
    const stageTasks: Task[] = [];
    const inputPerTask = 134_217_728;
    factors[sj].forEach((f, index) => {
      const [e, k] = earliestSlot(execs, submitted + 8);
      const launch = Math.max(e.slots[k], e.ready, submitted + 8) + Math.floor(rnd() * 12);
      const runMs = f === 1 ? median : Math.round(median * f);
      const first = e.slots[k] === e.ready;
      const deserMs = first ? 400 + Math.floor(rnd() * 1_400) : 3 + Math.floor(rnd() * 40);
      const finish = launch + deserMs + runMs + 2 + Math.floor(rnd() * 25);
      e.slots[k] = finish;
      e.lastBusy = Math.max(e.lastBusy, finish);
      const g = plan.gcShare[0] + rnd() * (plan.gcShare[1] - plan.gcShare[0]);
      const task: Task = {
        id: tasks.length, index, stage: sj, kind: s.kind, exec: e, launch, finish, runMs, deserMs,
        gcMs: Math.round(runMs * g), cpuNs: Math.round(runMs * (0.62 + 0.3 * rnd())) * 1_000_000,
        inputBytes: 0, inputRecords: 0, shuffleReadRemote: 0, shuffleReadLocal: 0, shuffleRecordsRead: 0, remoteBlocks: 0, localBlocks: 0,
        fetchWaitMs: 0, shuffleWrite: 0, shuffleRecordsWritten: 0, shuffleWriteNs: 0, outputBytes: 0, outputRecords: 0,
        spillMemory: 0, spillDisk: 0, peak: 0, resultSize: 0,
      };
      if (s.kind === 'map') {
        task.inputBytes = index === s.tasks - 1 ? Math.round(inputPerTask * (0.2 + 0.7 * rnd())) : inputPerTask - Math.floor(rnd() * 4096);
        task.inputRecords = Math.round(task.inputBytes / (180 + 40 * rnd()));
        task.shuffleWrite = Math.round(task.inputBytes * (0.22 + 0.06 * rnd()));
        task.shuffleRecordsWritten = Math.round(task.inputRecords * 0.31);
        task.shuffleWriteNs = Math.round(task.shuffleWrite / 180) * 1000;
        task.peak = 67_108_864 + 16_777_216 * Math.floor(rnd() * 4);
        task.resultSize = 2_400 + Math.floor(rnd() * 600);
      } else {
        const share = f / factors[sj].reduce((a, b) => a + b, 0);
        const bytes = Math.round(prevShuffle.bytes * share);
        const local = Math.round(bytes / Math.max(1, execs.length));
        task.shuffleReadLocal = local;
        task.shuffleReadRemote = bytes - local;
        task.shuffleRecordsRead = Math.round(prevShuffle.records * share);
        task.localBlocks = Math.max(1, Math.round(prevShuffle.tasks / Math.max(1, execs.length)));
        task.remoteBlocks = Math.max(0, prevShuffle.tasks - task.localBlocks);
        task.fetchWaitMs = Math.floor(rnd() * 60);
        task.outputBytes = Math.round(bytes * (0.38 + 0.05 * rnd()));
        task.outputRecords = Math.round(task.shuffleRecordsRead * 0.45);
        task.peak = Math.min(Math.round(bytes * 1.6), Math.round((plan.executorMemoryGb * 1024 * MiB * 0.6) / plan.cores));
        if (s.skew && f === s.skew) {
          // The hot partition does not fit in execution memory: it spills.
          task.spillMemory = bytes * 3;
          task.spillDisk = Math.round(bytes * 0.9);
        }
        task.resultSize = 4_100 + Math.floor(rnd() * 900);
      }
      stageTasks.push(task);
      tasks.push(task);
    });
    if (s.kind === 'map') {
      prevShuffle = {
        bytes: stageTasks.reduce((x, k) => x + k.shuffleWrite, 0),
        records: stageTasks.reduce((x, k) => x + k.shuffleRecordsWritten, 0),
        tasks: s.tasks,
      };
    }
    const completed = Math.max(...stageTasks.map((k) => k.finish)) + 6 + Math.floor(rnd() * 30);
    stages.push({ submitted, completed, tasks: stageTasks });
    t = completed + 4 + Math.floor(rnd() * 20);
  });
  return { execs, tasks, stages, end: t };
}

function write(app: App, plan: SparkPlan, run: Simulated, at: { appStart: number; appEnd: number; jobSubmit: number; clusterMode: boolean }): SparkLog {
  const { execs, tasks, stages } = run;
  // Under dynamic allocation, executors idle for the timeout before the end are given back.
  if (plan.dynamicAllocation) {
    for (const e of execs) if (e.removedAt === undefined && at.appEnd - e.lastBusy > IDLE_TIMEOUT_MS + 1_000) e.removedAt = e.lastBusy + IDLE_TIMEOUT_MS + (e.lastBusy % 700);
  }
  const evs: Ev[] = [];
  const add = (time: number, json: () => unknown) => evs.push({ at: time, seq: evs.length, json });
  const bmPort = (e: Executor) => 30_000 + ((Number(e.id) * 7919 + app.seq!) % 30_000);
  const maxMemory = Math.round(((plan.executorMemoryGb * 1024 - 300) * MiB) * 0.6);
  const bm = (e: Executor) => ({ 'Executor ID': e.id, Host: e.host, Port: bmPort(e) });
  for (const e of execs) {
    add(e.ready - 420, () => ({
      Event: 'SparkListenerExecutorAdded', Timestamp: e.ready - 420, 'Executor ID': e.id,
      'Executor Info': {
        Host: e.host, 'Total Cores': plan.cores,
        'Log Urls': {
          stdout: `http://${e.host}:8042/node/containerlogs/${e.container}/${app.user}/stdout?start=-4096`,
          stderr: `http://${e.host}:8042/node/containerlogs/${e.container}/${app.user}/stderr?start=-4096`,
        },
        Attributes: {
          NM_HTTP_ADDRESS: `${e.host}:8042`, USER: app.user, LOG_FILES: 'stderr,stdout', NM_HTTP_PORT: '8042', CLUSTER_ID: '', NM_PORT: '8041',
          HTTP_SCHEME: 'http://', NM_HOST: e.host, CONTAINER_ID: e.container,
        },
        Resources: {}, 'Resource Profile Id': 0,
      },
    }));
    add(e.ready - 40, () => ({ Event: 'SparkListenerBlockManagerAdded', 'Block Manager ID': bm(e), 'Maximum Memory': maxMemory, Timestamp: e.ready - 40, 'Maximum Onheap Memory': maxMemory, 'Maximum Offheap Memory': 0 }));
    if (e.removedAt !== undefined) {
      const gone = e.removedAt;
      add(gone, () => ({ Event: 'SparkListenerBlockManagerRemoved', 'Block Manager ID': bm(e), Timestamp: gone }));
      add(gone + 9, () => ({ Event: 'SparkListenerExecutorRemoved', Timestamp: gone + 9, 'Executor ID': e.id, 'Removed Reason': `Container ${e.container} exited from explicit termination request.` }));
    }
  }
  const stageInfo = (sj: number, extra: Record<string, unknown>) => {
    const s = plan.stages[sj];
    const rdd = 2 * sj;
    return {
      'Stage ID': sj, 'Stage Attempt ID': 0, 'Stage Name': s.name, 'Number of Tasks': s.tasks,
      'RDD Info': [
        rddInfo(rdd + 1, s.kind === 'map' ? 'MapPartitionsRDD' : 'ShuffledRDD', s.name, [rdd], s.tasks),
        rddInfo(rdd, s.kind === 'map' ? 'HadoopRDD' : 'MapPartitionsRDD', s.name, sj ? [rdd - 1] : [], s.tasks),
      ],
      'Parent IDs': sj ? [sj - 1] : [],
      Details: `org.apache.spark.rdd.RDD.${s.kind === 'map' ? 'map' : 'saveAsTextFile'}(RDD.scala:${s.kind === 'map' ? 421 : 1586})\n${plan.main}.main(${s.name.split(' at ')[1] ?? plan.main})\nsun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\nsun.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:62)\nsun.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)\njava.lang.reflect.Method.invoke(Method.java:498)\norg.apache.spark.deploy.yarn.ApplicationMaster$$anon$2.run(ApplicationMaster.scala:739)`,
      ...extra,
      'Resource Profile Id': 0,
    };
  };
  const props = { 'spark.rdd.scope': '{"id":"3","name":"saveAsTextFile"}', 'spark.rdd.scope.noOverride': 'true', 'callSite.short': plan.stages[plan.stages.length - 1].name };
  add(at.jobSubmit, () => ({
    Event: 'SparkListenerJobStart', 'Job ID': 0, 'Submission Time': at.jobSubmit,
    'Stage Infos': plan.stages.map((_, sj) => stageInfo(sj, { Accumulables: [] })), 'Stage IDs': plan.stages.map((_, sj) => sj), Properties: props,
  }));
  const accBase = (sj: number) => 1 + sj * ACCUMULABLES.length;
  stages.forEach((st, sj) => {
    add(st.submitted, () => ({ Event: 'SparkListenerStageSubmitted', 'Stage Info': stageInfo(sj, { 'Submission Time': st.submitted, Accumulables: [] }), Properties: props }));
    const running = new Array<number>(ACCUMULABLES.length).fill(0);
    for (const k of st.tasks) {
      add(k.launch, () => ({ Event: 'SparkListenerTaskStart', 'Stage ID': sj, 'Stage Attempt ID': 0, 'Task Info': taskInfo(k, 0, []) }));
      add(k.finish, () => {
        const accs = ACCUMULABLES.flatMap(([name, f], i) => {
          const v = f(k);
          if (!v) return [];
          running[i] += v;
          return [{ ID: accBase(sj) + i, Name: `internal.metrics.${name}`, Update: v, Value: running[i], Internal: true, 'Count Failed Values': true }];
        });
        return {
          Event: 'SparkListenerTaskEnd', 'Stage ID': sj, 'Stage Attempt ID': 0, 'Task Type': k.kind === 'map' ? 'ShuffleMapTask' : 'ResultTask',
          'Task End Reason': { Reason: 'Success' }, 'Task Info': taskInfo(k, k.finish, accs),
          'Task Executor Metrics': executorMetrics(k, plan), 'Task Metrics': taskMetrics(k),
        };
      });
    }
    add(st.completed, () => ({
      Event: 'SparkListenerStageCompleted',
      'Stage Info': stageInfo(sj, {
        'Submission Time': st.submitted, 'Completion Time': st.completed,
        Accumulables: ACCUMULABLES.flatMap(([name, f], i) => {
          const v = st.tasks.reduce((x, k) => x + f(k), 0);
          return v ? [{ ID: accBase(sj) + i, Name: `internal.metrics.${name}`, Value: v, Internal: true, 'Count Failed Values': true }] : [];
        }),
      }),
    }));
  });
  const jobEnd = stages[stages.length - 1].completed + 3;
  add(jobEnd, () => ({ Event: 'SparkListenerJobEnd', 'Job ID': 0, 'Completion Time': jobEnd, 'Job Result': { Result: 'JobSucceeded' } }));
  evs.sort((a, b) => a.at - b.at || a.seq - b.seq);

  const attempt = at.clusterMode ? '1' : undefined;
  const head = [
    { Event: 'SparkListenerLogStart', 'Spark Version': SPARK_VERSION },
    {
      Event: 'SparkListenerResourceProfileAdded', 'Resource Profile Id': 0,
      'Executor Resource Requests': {
        cores: { 'Resource Name': 'cores', Amount: plan.cores, 'Discovery Script': '', Vendor: '' },
        memory: { 'Resource Name': 'memory', Amount: plan.executorMemoryGb * 1024, 'Discovery Script': '', Vendor: '' },
        offHeap: { 'Resource Name': 'offHeap', Amount: 0, 'Discovery Script': '', Vendor: '' },
      },
      'Task Resource Requests': { cpus: { 'Resource Name': 'cpus', Amount: 1.0 } },
    },
    { Event: 'SparkListenerBlockManagerAdded', 'Block Manager ID': { 'Executor ID': 'driver', Host: app.host, Port: 40_000 + (app.seq! % 9_000) }, 'Maximum Memory': 2_101_975_449, Timestamp: at.appStart + 611, 'Maximum Onheap Memory': 2_101_975_449, 'Maximum Offheap Memory': 0 },
    environment(app, plan, at.appStart, at.clusterMode),
    {
      Event: 'SparkListenerApplicationStart', 'App Name': app.name, 'App ID': app.id, Timestamp: at.appStart, User: app.user,
      ...(attempt ? { 'App Attempt ID': attempt, 'Driver Logs': driverLogs(app), 'Driver Attributes': driverAttributes(app) } : {}),
    },
  ];
  const lines = [...head, ...evs.map((e) => e.json()), { Event: 'SparkListenerApplicationEnd', Timestamp: at.appEnd }].map((x) => JSON.stringify(x));
  // Spark writes the task's CPU amount as a double.
  lines[1] = lines[1].replace('"Amount":1}}}', '"Amount":1.0}}}');
  const stageFigures = stages.map((st, sj) => {
    const runs = st.tasks.map((k) => k.runMs).sort((a, b) => a - b);
    const m = runs.length >> 1;
    return {
      stageId: sj, name: plan.stages[sj].name, tasks: runs.length,
      medianRunMs: runs.length % 2 ? runs[m] : (runs[m - 1] + runs[m]) / 2, maxRunMs: runs[runs.length - 1],
    };
  });
  return {
    name: attempt ? `${app.id}_${attempt}` : app.id!,
    text: lines.join('\n') + '\n',
    figures: {
      tasks: tasks.length, runMs: tasks.reduce((x, k) => x + k.runMs, 0), gcMs: tasks.reduce((x, k) => x + k.gcMs, 0),
      executors: execs.length, executorsRemoved: execs.filter((e) => e.removedAt !== undefined).length, stages: stageFigures,
    },
  };
}
