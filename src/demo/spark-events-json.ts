/**
 * The JSON of a Spark 3.3 event log's events, field by field as Spark's JsonProtocol writes them: executor and
 * task records, task metrics and accumulables, executor metrics, the environment. spark-events.ts runs the
 * application and orders the events.
 */
import type { App } from './hadoop.js';
import type { SparkPlan } from './spark-events.js';

const MiB = 1_048_576;

export interface Executor {
  id: string;
  host: string;
  container: string;
  ready: number;
  slots: number[];
  lastBusy: number;
  removedAt?: number;
  /** JVM GC count and time so far (executor metrics are the JVM's, cumulative). */
  gcCount: number;
  gcMs: number;
}

export interface Task {
  id: number;
  index: number;
  stage: number;
  kind: 'map' | 'result';
  exec: Executor;
  launch: number;
  finish: number;
  runMs: number;
  deserMs: number;
  gcMs: number;
  cpuNs: number;
  inputBytes: number;
  inputRecords: number;
  shuffleReadRemote: number;
  shuffleReadLocal: number;
  shuffleRecordsRead: number;
  remoteBlocks: number;
  localBlocks: number;
  fetchWaitMs: number;
  shuffleWrite: number;
  shuffleRecordsWritten: number;
  shuffleWriteNs: number;
  outputBytes: number;
  outputRecords: number;
  spillMemory: number;
  spillDisk: number;
  peak: number;
  resultSize: number;
}


/** Task end accumulables Spark 3.3 registers per stage, in its order (only non-zero ones are logged). */
export const ACCUMULABLES: [string, (t: Task) => number][] = [
  ['executorDeserializeTime', (t) => t.deserMs],
  ['executorDeserializeCpuTime', (t) => Math.round(t.deserMs * 0.82e6)],
  ['executorRunTime', (t) => t.runMs],
  ['executorCpuTime', (t) => t.cpuNs],
  ['resultSize', (t) => t.resultSize],
  ['jvmGCTime', (t) => t.gcMs],
  ['resultSerializationTime', (t) => (t.resultSize > 4000 ? 1 : 0)],
  ['memoryBytesSpilled', (t) => t.spillMemory],
  ['diskBytesSpilled', (t) => t.spillDisk],
  ['peakExecutionMemory', (t) => t.peak],
  ['updatedBlockStatuses', () => 0],
  ['shuffle.read.remoteBlocksFetched', (t) => t.remoteBlocks],
  ['shuffle.read.localBlocksFetched', (t) => t.localBlocks],
  ['shuffle.read.remoteBytesRead', (t) => t.shuffleReadRemote],
  ['shuffle.read.remoteBytesReadToDisk', () => 0],
  ['shuffle.read.localBytesRead', (t) => t.shuffleReadLocal],
  ['shuffle.read.fetchWaitTime', (t) => t.fetchWaitMs],
  ['shuffle.read.recordsRead', (t) => t.shuffleRecordsRead],
  ['shuffle.write.bytesWritten', (t) => t.shuffleWrite],
  ['shuffle.write.recordsWritten', (t) => t.shuffleRecordsWritten],
  ['shuffle.write.writeTime', (t) => t.shuffleWriteNs],
  ['input.bytesRead', (t) => t.inputBytes],
  ['input.recordsRead', (t) => t.inputRecords],
  ['output.bytesWritten', (t) => t.outputBytes],
  ['output.recordsWritten', (t) => t.outputRecords],
];

/** The AM container, where a cluster-mode driver runs. */
export const amContainer = (app: App) => `container_e${app.epoch}_${app.clusterTs}_${String(app.seq).padStart(4, '0')}_01_000001`;

export function driverLogs(app: App) {
  const base = `http://${app.host}:8042/node/containerlogs/${amContainer(app)}/${app.user}`;
  return { stdout: `${base}/stdout?start=-4096`, stderr: `${base}/stderr?start=-4096` };
}

export function driverAttributes(app: App) {
  return {
    NM_HTTP_ADDRESS: `${app.host}:8042`, USER: app.user, LOG_FILES: 'stderr,stdout', NM_HTTP_PORT: '8042', CLUSTER_ID: '', NM_PORT: '8041',
    HTTP_SCHEME: 'http://', NM_HOST: app.host, CONTAINER_ID: amContainer(app),
  };
}

export function rddInfo(id: number, name: string, callsite: string, parents: number[], partitions: number) {
  return {
    'RDD ID': id, Name: name, Scope: `{"id":"${id}","name":"${name === 'HadoopRDD' ? 'textFile' : 'map'}"}`, Callsite: callsite, 'Parent IDs': parents,
    'Storage Level': { 'Use Disk': false, 'Use Memory': false, Deserialized: false, Replication: 1 },
    Barrier: false, DeterministicLevel: 'DETERMINATE', 'Number of Partitions': partitions, 'Number of Cached Partitions': 0, 'Memory Size': 0, 'Disk Size': 0,
  };
}

export function taskInfo(k: Task, finish: number, accs: unknown[]) {
  return {
    'Task ID': k.id, Index: k.index, Attempt: 0, 'Partition ID': k.index, 'Launch Time': k.launch, 'Executor ID': k.exec.id, Host: k.exec.host,
    Locality: k.kind === 'map' ? (k.index % 11 === 3 ? 'RACK_LOCAL' : 'NODE_LOCAL') : 'PROCESS_LOCAL', Speculative: false,
    'Getting Result Time': 0, 'Finish Time': finish, Failed: false, Killed: false, Accumulables: accs,
  };
}

/** The executor's JVM metrics at the task's end (peaks since it started; GC counters cumulative). */
export function executorMetrics(k: Task, plan: SparkPlan) {
  const e = k.exec;
  const id = Number(e.id);
  e.gcMs += k.gcMs;
  e.gcCount += 3 + Math.round(k.gcMs / 150);
  const majorCount = Math.floor(e.gcCount / 40);
  const majorMs = Math.min(e.gcMs, majorCount * 700);
  const heap = Math.round(plan.executorMemoryGb * 1024 * MiB * (0.45 + ((id * 13) % 30) / 100));
  return {
    JVMHeapMemory: heap, JVMOffHeapMemory: 142_606_336 + (id % 17) * 1_048_576, OnHeapExecutionMemory: k.peak, OffHeapExecutionMemory: 0,
    OnHeapStorageMemory: 0, OffHeapStorageMemory: 0, OnHeapUnifiedMemory: k.peak, OffHeapUnifiedMemory: 0, DirectPoolMemory: 1_048_576 + (id % 5) * 65_536,
    MappedPoolMemory: 0, ProcessTreeJVMVMemory: 0, ProcessTreeJVMRSSMemory: 0, ProcessTreePythonVMemory: 0, ProcessTreePythonRSSMemory: 0,
    ProcessTreeOtherVMemory: 0, ProcessTreeOtherRSSMemory: 0, MinorGCCount: e.gcCount - majorCount, MinorGCTime: e.gcMs - majorMs, MajorGCCount: majorCount,
    MajorGCTime: majorMs, TotalGCTime: e.gcMs,
  };
}

export function taskMetrics(k: Task) {
  return {
    'Executor Deserialize Time': k.deserMs, 'Executor Deserialize CPU Time': Math.round(k.deserMs * 0.82e6), 'Executor Run Time': k.runMs,
    'Executor CPU Time': k.cpuNs, 'Peak Execution Memory': k.peak, 'Result Size': k.resultSize, 'JVM GC Time': k.gcMs,
    'Result Serialization Time': k.resultSize > 4000 ? 1 : 0, 'Memory Bytes Spilled': k.spillMemory, 'Disk Bytes Spilled': k.spillDisk,
    'Shuffle Read Metrics': {
      'Remote Blocks Fetched': k.remoteBlocks, 'Local Blocks Fetched': k.localBlocks, 'Fetch Wait Time': k.fetchWaitMs,
      'Remote Bytes Read': k.shuffleReadRemote, 'Remote Bytes Read To Disk': 0, 'Local Bytes Read': k.shuffleReadLocal, 'Total Records Read': k.shuffleRecordsRead,
    },
    'Shuffle Write Metrics': { 'Shuffle Bytes Written': k.shuffleWrite, 'Shuffle Write Time': k.shuffleWriteNs, 'Shuffle Records Written': k.shuffleRecordsWritten },
    'Input Metrics': { 'Bytes Read': k.inputBytes, 'Records Read': k.inputRecords },
    'Output Metrics': { 'Bytes Written': k.outputBytes, 'Records Written': k.outputRecords },
    'Updated Blocks': [],
  };
}

export function environment(app: App, plan: SparkPlan, appStart: number, clusterMode: boolean) {
  const short = app.queue.replace(/^root\./, '');
  const spark: Record<string, string> = {
    'spark.app.id': app.id!,
    'spark.app.name': app.name,
    'spark.app.startTime': String(appStart),
    'spark.driver.cores': '1',
    'spark.driver.host': app.host!,
    'spark.driver.memory': '4g',
    'spark.driver.port': String(35_000 + (app.seq! % 5_000)),
    ...(plan.dynamicAllocation
      ? {
        'spark.dynamicAllocation.enabled': 'true', 'spark.dynamicAllocation.executorIdleTimeout': '60s',
        'spark.dynamicAllocation.maxExecutors': String(plan.maxExecutors), 'spark.dynamicAllocation.minExecutors': '0',
      }
      : { 'spark.dynamicAllocation.enabled': 'false', 'spark.executor.instances': String(plan.maxExecutors) }),
    'spark.eventLog.dir': 'hdfs://nameservice1/user/spark/applicationHistory',
    'spark.eventLog.enabled': 'true',
    'spark.executor.cores': String(plan.cores),
    'spark.executor.id': 'driver',
    'spark.executor.memory': `${plan.executorMemoryGb}g`,
    'spark.master': 'yarn',
    'spark.serializer': 'org.apache.spark.serializer.KryoSerializer',
    'spark.shuffle.service.enabled': 'true',
    'spark.sql.shuffle.partitions': '200',
    'spark.submit.deployMode': clusterMode ? 'cluster' : 'client',
    'spark.submit.pyFiles': '',
    'spark.ui.filters': 'org.apache.hadoop.yarn.server.webproxy.amfilter.AmIpFilter',
    'spark.yarn.app.container.log.dir': `/var/log/hadoop-yarn/container/${app.id}/${amContainer(app)}`,
    'spark.yarn.historyServer.address': 'shs1.demo-hadoop.example.com:18080',
    'spark.yarn.queue': app.queue,
    'spark.yarn.tags': '',
    ...plan.conf,
  };
  const sorted = Object.fromEntries(Object.entries(spark).sort(([a], [b]) => a.localeCompare(b)));
  return {
    Event: 'SparkListenerEnvironmentUpdate',
    'JVM Information': { 'Java Home': '/usr/lib/jvm/java-8-openjdk-amd64/jre', 'Java Version': '1.8.0_392 (Private Build)', 'Scala Version': 'version 2.12.15' },
    'Spark Properties': sorted,
    'Hadoop Properties': {
      'fs.defaultFS': 'hdfs://nameservice1', 'yarn.resourcemanager.address': 'rm1.demo-hadoop.example.com:8032',
      'mapreduce.framework.name': 'yarn', 'dfs.replication': '3', 'hadoop.security.authentication': 'simple',
    },
    'System Properties': {
      'java.io.tmpdir': '/tmp', 'line.separator': '\n', 'path.separator': ':', 'sun.management.compiler': 'HotSpot 64-Bit Tiered Compilers',
      'SPARK_SUBMIT': 'true', 'java.specification.version': '1.8', 'java.vendor': 'Private Build', 'user.name': app.user,
      'user.dir': `/data/yarn/nm/usercache/${app.user}/appcache/${app.id}`, 'os.arch': 'amd64', 'os.name': 'Linux',
      'java.version': '1.8.0_392', 'file.encoding': 'UTF-8', 'user.timezone': 'Europe/Amsterdam',
      'sun.java.command': clusterMode ? `org.apache.spark.deploy.yarn.ApplicationMaster --class ${plan.main} --jar hdfs://nameservice1/apps/${short}/lib/${short}-jobs.jar` : 'org.apache.spark.deploy.SparkSubmit',
    },
    'Classpath Entries': {
      '/opt/spark/conf/': 'System Classpath', '/etc/hadoop/conf/': 'System Classpath', '/opt/spark/jars/*': 'System Classpath',
    },
  };
}
