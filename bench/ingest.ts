/**
 * Ingest benchmark: how fast `ingestFiles` loads YARN apps responses, sacct dumps and Spark event
 * logs, against a bare DuckDB read of the same files (the floor), and how much memory it takes.
 *
 *   npm run bench:ingest                          # 1,000,000 YARN apps + 1,000,000 sacct lines + 1 GB of Spark event logs
 *   npm run bench:ingest -- --rows 100000         # a quick run
 *   npm run bench:ingest -- --only yarn --dir /tmp/gazette-bench --repeat 3
 *   npm run bench:ingest -- --only spark --spark-mb 200   # the Spark case (bench/ingest-spark.ts), 200 MB of logs
 *
 * It generates its data (deterministic, in the real formats) into the work dir (default
 * .bench/ in the repo), reusing files already generated with the same parameters (see the
 * manifest.json beside them). Each measured phase runs in its own child process
 * (`--phase yarn-load` etc.), so each has its own peak RSS (process.resourceUsage().maxRSS)
 * and no phase warms or pollutes another:
 *
 *   floor     one bare DuckDB statement over all the files into a fresh database file
 *   floormem  the same into an in-memory database (reported for reference, not judged)
 *   load      openWarehouse + ingestFiles + close, into a fresh warehouse file
 *   reload    the same files again into that warehouse (all skipped as already loaded)
 *
 * CPU used by other processes on the machine meanwhile is measured (Linux /proc/stat) and
 * reported, since a busy machine makes the timings meaningless. Progress goes to stderr;
 * the result table to stdout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { openWarehouse } from '../src/warehouse/open.js';
import { ingestFiles, type FileResult } from '../src/ingest/pipeline.js';
import { jobSource } from '../src/ingest/sources.js';
import { loadSettings } from '../src/settings.js';
import { prng, type Rng } from '../src/demo/rng.js';
import { cpuNote, duckdbVersion, fastest, fmtInt, log, rmDb, spawnPhase, table, writePhaseResult, type Measured, usageFail } from './phases.js';
import { sparkEventFiles, sparkFloorSql, writeSparkLogs } from './ingest-spark.js';

// ---------------------------------------------------------------------------------------------
// Options

type Format = 'yarn' | 'sacct' | 'spark';
type PhaseKind = 'floor' | 'floormem' | 'load' | 'reload';

interface Options {
  dir: string;
  rows: number;
  only?: Format;
  phase?: string;
  /** With --phase: where the phase writes its result. */
  result?: string;
  keep: boolean;
  repeat: number;
  /** Megabytes of Spark event logs. */
  sparkMb: number;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** dist/bench/ingest.js → the repo root. */
const REPO = path.resolve(HERE, '..', '..');
const USAGE = `usage: node dist/bench/ingest.js [--rows N] [--spark-mb N] [--only yarn|sacct|spark] [--dir DIR] [--repeat N] [--keep]

  --rows N     rows per format (YARN apps; sacct lines including job steps). Default 1000000.
  --spark-mb N megabytes of Spark event logs (many applications). Default 1024.
  --only F     benchmark only yarn, sacct or spark.
  --dir DIR    work dir for generated data and databases. Default <repo>/.bench
  --repeat N   run the floors, load and reload N times each and report the fastest (peak RSS: the highest). Default 1.
  --keep       keep the benchmark warehouses (default: deleted at the end; data files are kept).`;

function parseArgs(argv: string[]): Options {
  const o: Options = { dir: path.join(REPO, '.bench'), rows: 1_000_000, keep: false, repeat: 1, sparkMb: 1024 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--dir') o.dir = path.resolve(val());
    else if (a === '--rows') {
      const v = val().replace(/[_,]/g, '');
      o.rows = Number(v);
      if (!Number.isInteger(o.rows) || o.rows < 1) fail(`--rows ${v}: a positive whole number`);
    } else if (a === '--only') {
      const v = val();
      if (!['yarn', 'sacct', 'yarn-apps', 'spark', 'spark-events'].includes(v)) fail(`--only ${v}: yarn, sacct or spark`);
      o.only = v === 'sacct' ? 'sacct' : v.startsWith('spark') ? 'spark' : 'yarn';
    } else if (a === '--spark-mb') {
      o.sparkMb = Number(val());
      if (!(o.sparkMb > 0)) fail(`--spark-mb: a positive number of megabytes`);
    } else if (a === '--phase') o.phase = val();
    else if (a === '--result') o.result = val();
    else if (a === '--keep') o.keep = true;
    else if (a === '--repeat') {
      o.repeat = Number(val());
      if (!Number.isInteger(o.repeat) || o.repeat < 1) fail(`--repeat: a positive whole number`);
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  return o;
}

const fail: (msg: string) => never = (msg) => usageFail(USAGE, msg);

const fmtMB = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

// ---------------------------------------------------------------------------------------------
// Deterministic data

// prng: src/demo/rng.ts (the demo cluster uses the same generator)

const SEED = 20261004;
/** Bump when the generated content changes, so old files are regenerated. */
const GENERATOR_VERSION = 4;
const Q_START = Date.UTC(2026, 9, 1); // 2026-10-01, a quarter of history
const Q_MS = 92 * 86400_000;

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const ymd = (ms: number, sep = '') => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${sep}${pad(d.getUTCMonth() + 1, 2)}${sep}${pad(d.getUTCDate(), 2)}`;
};

const SURNAMES = ['smith', 'garcia', 'chen', 'okafor', 'petrov', 'sato', 'muller', 'rossi', 'kim', 'nguyen', 'silva', 'kowalski', 'haddad', 'novak', 'ivanova', 'larsen', 'dubois', 'moreau', 'tanaka', 'patel'];
function userPool(n: number, r: Rng): string[] {
  const out = ['svc_etl', 'svc_reporting', 'svc_ml', 'hive', 'spark', 'oozie', 'airflow', 'svc_ingest'];
  while (out.length < n) {
    const u = 'abcdefghijklmnoprstvwy'[r.int(0, 21)] + r.pick(SURNAMES) + (r.chance(0.3) ? r.int(1, 9) : '');
    if (!out.includes(u)) out.push(u);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// YARN ResourceManager /ws/v1/cluster/apps responses

const YARN_APPS_PER_FILE = 10_000;
const TABLES = ['fact_orders', 'fact_clicks', 'dim_customer', 'dim_product', 'sessions', 'events_raw', 'payments', 'inventory', 'ad_impressions', 'user_features'];
const DBS = ['dw', 'staging', 'mart', 'raw', 'ml'];
const QUEUES = ['default', 'etl', 'reporting', 'adhoc', 'ml', 'streaming', 'root.users.analysts', 'root.prod.batch'];

interface YarnTemplate {
  kind: 'daily' | 'hourly' | 'hive' | 'oozie' | 'spark-shell' | 'pyspark' | 'livy' | 'adhoc-hive' | 'sqoop' | 'wordcount';
  base: string;
  user: string;
  queue: string;
  type: 'SPARK' | 'MAPREDUCE' | 'TEZ' | 'YARN';
  /** Median elapsed seconds. */
  dur: number;
  dag?: string;
  task?: string;
  gpu: boolean;
}

function yarnTemplates(): YarnTemplate[] {
  const r = prng(SEED ^ 0x5eed);
  const users = userPool(300, r);
  const out: YarnTemplate[] = [];
  // ~1,500 recurring jobs: Airflow-scheduled Spark, Hive-on-Tez INSERTs, Oozie-launched MR.
  for (let i = 0; i < 1500; i++) {
    const t = r.pick(TABLES);
    const db = r.pick(DBS);
    const k = r.next();
    const user = i % 3 === 0 ? r.pick(users.slice(0, 8)) : r.pick(users);
    const queue = r.pick(QUEUES.slice(0, 6));
    const dur = r.logUniform(20, 7200);
    if (k < 0.35) {
      const dag = `${db}_${t}_daily`;
      out.push({ kind: 'daily', base: `etl_${t}_${i}_daily`, user, queue, type: 'SPARK', dur, dag, task: `load_${t}_${i % 7}`, gpu: false });
    } else if (k < 0.5) {
      out.push({ kind: 'hourly', base: `ingest_${db}_${t}_${i}_hourly`, user, queue, type: 'SPARK', dur: dur / 4, dag: r.chance(0.5) ? `${t}_hourly` : undefined, task: 'spark_submit', gpu: false });
    } else if (k < 0.75) {
      out.push({ kind: 'hive', base: `INSERT OVERWRITE TABLE ${db}.${t}_${i} PARTITION(dt='`, user, queue, type: r.chance(0.7) ? 'TEZ' : 'MAPREDUCE', dur, gpu: false });
    } else if (k < 0.9) {
      out.push({ kind: 'oozie', base: `oozie:launcher:T=shell:W=wf_${db}_${t}_${i}:A=extract_${t}`, user: 'oozie', queue, type: 'MAPREDUCE', dur: dur / 2, gpu: false });
    } else {
      out.push({ kind: 'daily', base: `train_${t}_model_${i}`, user: r.pick(users), queue: 'ml', type: 'SPARK', dur: dur * 2, dag: `ml_${t}_training`, task: 'train', gpu: r.chance(0.5) });
    }
  }
  // Ad-hoc work by people.
  for (const u of users.slice(8)) {
    out.push({ kind: 'spark-shell', base: 'Spark shell', user: u, queue: 'adhoc', type: 'SPARK', dur: 1800, gpu: false });
    out.push({ kind: 'pyspark', base: 'PySparkShell', user: u, queue: 'root.users.analysts', type: 'SPARK', dur: 900, gpu: false });
    out.push({ kind: 'livy', base: 'livy-session-', user: u, queue: 'adhoc', type: 'SPARK', dur: 600, gpu: false });
    out.push({ kind: 'adhoc-hive', base: 'SELECT ', user: u, queue: 'adhoc', type: 'TEZ', dur: 120, gpu: false });
  }
  out.push({ kind: 'sqoop', base: 'sqoop import', user: 'svc_ingest', queue: 'etl', type: 'MAPREDUCE', dur: 300, gpu: false });
  out.push({ kind: 'wordcount', base: 'word count', user: 'hive', queue: 'default', type: 'MAPREDUCE', dur: 60, gpu: false });
  return out;
}

const OOM_DIAG = (id: string, att: string, c: string, mb: number) =>
  `Application ${id} failed 2 times due to AM Container for ${att} exited with  exitCode: -104\nFailing this attempt.Diagnostics: [${'2026-10-04 08:12:45.123'}]Container [pid=${mb * 7 % 65000},containerID=${c}] is running ${mb}MB beyond the 'PHYSICAL' memory limit. Current usage: ${(mb / 1024 + 2).toFixed(1)} GB of 2 GB physical memory used; 4.4 GB of 4.2 GB virtual memory used. Killing container.\nContainer killed on request. Exit code is 143\nContainer exited with a non-zero exit code 143. \nFor more detailed output, check the application tracking page: http://rm1.example.com:8088/cluster/app/${id} Then click on links to logs of each attempt.\n. Failing the application.`;
const FAIL_DIAGS = [
  (id: string) => `User class threw exception: org.apache.spark.sql.AnalysisException: Table or view not found: staging.events_raw; line 1 pos 14;\n'Project [*]\n+- 'UnresolvedRelation [staging, events_raw], [], false\n`,
  (id: string) => `Task failed task_${id.slice(12)}_m_000042\nJob failed as tasks failed. failedMaps:1 failedReduces:0 killedMaps:0 killedReduces: 0\n`,
  (id: string) => `Application ${id} failed 2 times due to AM Container for appattempt_${id.slice(12)}_000002 exited with  exitCode: 1\nFailing this attempt.Diagnostics: Exception from container-launch.\nContainer id: container_e11_${id.slice(12)}_02_000001\nExit code: 1\nStack trace: ExitCodeException exitCode=1:\n\tat org.apache.hadoop.util.Shell.runCommand(Shell.java:1008)\n\tat org.apache.hadoop.util.Shell.run(Shell.java:901)\nFor more detailed output, check the application tracking page: http://rm1.example.com:8088/cluster/app/${id} Then click on links to logs of each attempt.\n. Failing the application.`,
  (id: string) => `Vertex failed, vertexName=Map 1, vertexId=vertex_${id.slice(12)}_1_00, diagnostics=[Task failed, taskId=task_${id.slice(12)}_1_00_000003, diagnostics=[TaskAttempt 3 failed, info=[Error: Error while running task ( failure ) : java.lang.OutOfMemoryError: Java heap space]]]`,
];
const KILL_DIAGS = [
  (id: string, u: string) => `Application killed by user.`,
  (id: string, u: string) => `Application ${id} was killed by user ${u} at 10.20.30.40`,
  (id: string, u: string) => `Killed by application timeout (LIFETIME); lifetime exceeded.`,
];

/** The RM restarted twice during the quarter: three cluster timestamps, with their own sequence numbers. */
function rmEpoch(globalIndex: number, total: number): { clusterTs: number; seq: number; epoch: number } {
  const cut1 = Math.floor(total * 0.37);
  const cut2 = Math.floor(total * 0.71);
  if (globalIndex < cut1) return { clusterTs: Q_START - 5 * 86400_000 + 123_456, seq: 48_211 + globalIndex, epoch: 11 };
  if (globalIndex < cut2) return { clusterTs: Q_START + Math.floor(Q_MS * 0.37) + 654_321, seq: 1 + globalIndex - cut1, epoch: 12 };
  return { clusterTs: Q_START + Math.floor(Q_MS * 0.71) + 987_654, seq: 1 + globalIndex - cut2, epoch: 13 };
}

function yarnApp(g: number, total: number, r: Rng, templates: YarnTemplate[]): string {
  const t = templates[Math.min(templates.length - 1, Math.floor(Math.pow(r.next(), 1.6) * templates.length))];
  const { clusterTs, seq, epoch } = rmEpoch(g, total);
  const seqStr = pad(seq, 4);
  const id = `application_${clusterTs}_${seqStr}`;
  const started = Q_START + Math.floor((g / total) * Q_MS) + r.int(0, 30_000);
  const wait = Math.round(r.logUniform(300, 180_000));
  const launch = started + wait;
  const run = Math.max(1000, Math.round(t.dur * 1000 * r.logUniform(0.4, 2.5)));
  const finished = launch + run;
  const elapsed = finished - started;
  const day = ymd(started);
  let name: string;
  switch (t.kind) {
    case 'daily': name = `${t.base}_${day}`; break;
    case 'hourly': name = `${t.base}_${day}T${pad(new Date(started).getUTCHours(), 2)}`; break;
    case 'hive': name = `${t.base}${ymd(started, '-')}')...${t.base.split(' ')[3].split('.')[1]}(Stage-${r.int(1, 4)})`; break;
    case 'oozie': name = `${t.base}:ID=${pad(r.int(1, 9_999_999), 7)}-${ymd(started)}${pad(r.int(0, 9_999_999), 7)}-oozie-oozi-W`; break;
    case 'livy': name = `livy-session-${r.int(1, 40_000)}`; break;
    case 'adhoc-hive': name = r.chance(0.5) ? `SELECT count(*) FROM ${r.pick(DBS)}.${r.pick(TABLES)} WHERE dt='${ymd(started, '-')}'(Stage-1)` : `HIVE-${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`; break;
    case 'sqoop': name = `sqoop import ${r.pick(TABLES)} ${ymd(started, '-')}`; break;
    default: name = t.base;
  }
  const roll = r.next();
  let state = 'FINISHED';
  let finalStatus = 'SUCCEEDED';
  let diagnostics = '';
  if (roll < 0.05) {
    finalStatus = 'FAILED';
    diagnostics = r.pick(FAIL_DIAGS)(id);
  } else if (roll < 0.07) {
    state = 'FAILED';
    finalStatus = 'FAILED';
    diagnostics = OOM_DIAG(id, `appattempt_${clusterTs}_${seqStr}_000002`, `container_e${epoch}_${clusterTs}_${seqStr}_02_000001`, r.int(10, 900));
  } else if (roll < 0.09) {
    state = 'KILLED';
    finalStatus = 'KILLED';
    diagnostics = r.pick(KILL_DIAGS)(id, t.user);
  } else if (roll < 0.095) {
    finalStatus = 'KILLED';
    diagnostics = `Application killed by the ApplicationMaster.`;
  }
  const containers = t.kind === 'spark-shell' || t.kind === 'pyspark' ? r.int(2, 20) : r.int(1, 60);
  const mbPer = r.pick([1024, 2048, 4096, 8192]);
  const vcoreSeconds = Math.round((containers * run) / 1000);
  const memorySeconds = vcoreSeconds * mbPer;
  const gpuSeconds = t.gpu ? Math.round((r.int(1, 8) * run) / 1000) : 0;
  const host = `worker${pad(r.int(1, 480), 3)}.dc1.example.com`;
  const tags: string[] = [];
  if (t.dag) {
    tags.push(`airflow_dag_id:${t.dag}`, `airflow_task_id:${t.task}`, `airflow_run_id:scheduled__${ymd(started, '-')}t00:00:00+00:00`);
  } else if (t.kind === 'livy') tags.push(`livy-batch-${r.int(1, 9999)}-${r.hex(8)}`);
  else if (t.kind === 'oozie') tags.push(`oozie-${r.hex(32)}`);
  const trackingUrl = t.type === 'MAPREDUCE'
    ? `http://jhs1.example.com:19888/jobhistory/job/job_${clusterTs}_${seqStr}`
    : t.type === 'SPARK'
      ? `http://shs1.example.com:18080/history/${id}/1`
      : `http://rm1.example.com:8088/proxy/${id}/`;
  const entries = [`{"key":"memory-mb","value":"${memorySeconds}"}`, `{"key":"vcores","value":"${vcoreSeconds}"}`];
  if (t.gpu) entries.push(`{"key":"yarn.io/gpu","value":"${gpuSeconds}"}`);
  // The fields of the real captures (plus launchTime and resourceSecondsMap, which Hadoop 2.8+/3 print),
  // in the order the RM prints them.
  return `{"id":"${id}","user":"${t.user}","name":${JSON.stringify(name)},"queue":"${t.queue}","state":"${state}","finalStatus":"${finalStatus}",`
    + `"progress":100.0,"trackingUI":"History","trackingUrl":"${trackingUrl}","diagnostics":${JSON.stringify(diagnostics)},"clusterId":${clusterTs},`
    + `"applicationType":"${t.type}","applicationTags":"${tags.join(',')}","startedTime":${started},"launchTime":${launch},`
    + `"finishedTime":${finished},"elapsedTime":${elapsed},"amContainerLogs":"http://${host}:8042/node/containerlogs/container_e${epoch}_${clusterTs}_${seqStr}_01_000001/${t.user}",`
    + `"amHostHttpAddress":"${host}:8042","allocatedMB":-1,"allocatedVCores":-1,"runningContainers":-1,`
    + `"memorySeconds":${memorySeconds},"vcoreSeconds":${vcoreSeconds},"resourceSecondsMap":{"entry":[${entries.join(',')}]},`
    + `"preemptedResourceMB":0,"preemptedResourceVCores":0,"numNonAMContainerPreempted":0,"numAMContainerPreempted":0,`
    + `"unmanagedApplication":false,"applicationPriority":0,"appNodeLabelExpression":"","amNodeLabelExpression":""}`;
}

function writeYarnFile(file: string, fileIndex: number, perFile: number, total: number, templates: YarnTemplate[]): number {
  const r = prng(SEED + fileIndex * 7919);
  const parts: string[] = new Array(perFile);
  const first = fileIndex * YARN_APPS_PER_FILE;
  for (let i = 0; i < perFile; i++) parts[i] = yarnApp(first + i, total, r, templates);
  const text = `{"apps":{"app":[${parts.join(',')}]}}`;
  fs.writeFileSync(file, text);
  return perFile;
}

// ---------------------------------------------------------------------------------------------
// sacct --parsable2 dumps

const SACCT_FILES = 10;
const SACCT_HEADER = 'JobID|JobIDRaw|Cluster|Partition|Account|User|Submit|Start|End|Elapsed|ExitCode|State|NNodes|NCPUS|ReqCPUS|ReqMem|ReqTRES|AllocTRES|Timelimit|NodeList|JobName|MaxRSS|TotalCPU|CPUTimeRAW|ElapsedRaw|Comment';
const ACCOUNTS = ['chem', 'physics', 'astro', 'bio', 'ml', 'climate', 'materials', 'cs', 'math', 'eng'];
const APPS = ['orca', 'gmsh', 'gadget4', 'cp2k.psmp', 'vasp_std', 'python', 'gromacs', 'lmp', 'julia', 'Rscript', 'bwa', 'namd2', 'wrf.exe', 'torchrun'];
const JOBNAMES = ['opt_geom', 'prep_mesh', 'nbody_run', 'phylo_boot', 'align_sample', 'md_equil', 'train_resnet', 'scan', 'relax', 'post_fof', 'wrf_forecast', 'hp_search', 'assemble', 'qc_reads', 'bench', 'interactive', 'sim_run', 'fit_model'];

/** Local wall time as sacct prints it (the generator's clock is the cluster's local clock). */
const sTime = (s: number) => new Date(s * 1000).toISOString().slice(0, 19);
/** [D-]HH:MM:SS */
function dur(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const x = s % 60;
  return `${d ? `${d}-` : ''}${pad(h, 2)}:${pad(m, 2)}:${pad(x, 2)}`;
}
/** TotalCPU: [D-][HH:]MM:SS.fff */
function cpuTime(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const x = s % 60;
  if (d || h) return `${d ? `${d}-` : ''}${pad(h, 2)}:${pad(m, 2)}:${pad(Math.floor(x), 2)}`;
  return `${pad(m, 2)}:${x.toFixed(3).padStart(6, '0')}`;
}

interface SacctJob {
  lines: string[];
}

function sacctJob(r: Rng, jobId: string, rawId: number, submit: number, users: string[], running: boolean): SacctJob {
  const user = r.pick(users);
  const account = ACCOUNTS[(user.charCodeAt(1) + user.length) % ACCOUNTS.length];
  const gpu = r.chance(0.12);
  const partition = gpu ? 'gpu' : r.chance(0.1) ? 'bigmem' : r.chance(0.1) ? 'debug' : 'cpu';
  const nodes = r.chance(0.85) ? 1 : r.int(2, 8);
  const cpus = nodes * r.pick([1, 2, 4, 8, 16, 32, 48, 64]);
  const memG = partition === 'bigmem' ? r.pick([256, 512, 1024]) : r.pick([4, 8, 16, 32, 64, 128]);
  const perCpu = r.chance(0.25);
  const reqMem = perCpu ? `${Math.max(500, Math.round((memG * 1024) / cpus))}M` : r.chance(0.5) ? `${memG}G` : `${memG * 1000}M`;
  const memStr = perCpu ? `${Math.max(500, Math.round((memG * 1024) / cpus)) * cpus}M` : reqMem;
  const gpus = gpu ? r.pick([1, 2, 4, 8]) : 0;
  const tres = `billing=${cpus},cpu=${cpus}${gpu ? `,gres/gpu=${gpus}` : ''},mem=${memStr},node=${nodes}`;
  const allocTres = gpu && r.chance(0.5) ? `billing=${cpus},cpu=${cpus},gres/gpu:a100=${gpus},gres/gpu=${gpus},mem=${memStr},node=${nodes}` : tres;
  const limitS = r.pick([1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 2 * 86400, 7 * 86400]);
  const n0 = r.int(1, 470);
  const nodeList = nodes === 1 ? `${gpu ? 'gpu' : 'cn'}${pad(n0, 3)}` : `${gpu ? 'gpu' : 'cn'}[${pad(n0, 3)}-${pad(n0 + nodes - 1, 3)}]`;
  const name = r.chance(0.85) ? r.pick(JOBNAMES) + (r.chance(0.4) ? `_${r.int(1, 500)}` : '') : `run_${ymd(submit * 1000)}_${r.int(1, 99)}`;
  const comment = r.chance(0.05) ? `boot ${r.int(1, 9)}-${r.int(10, 500)}` : '';
  const base = `${jobId}|${rawId}|orion|${partition}|${account}|${user}`;

  const roll = r.next();
  if (running || roll < 0.02) {
    // Pending (Start Unknown) or running (End Unknown): no steps, or only extern/batch so far.
    const pendingJob = !running || r.chance(0.5);
    if (pendingJob) {
      return { lines: [`${base}|${sTime(submit)}|Unknown|Unknown|00:00:00|0:0|PENDING|${nodes}|0|${cpus}|${reqMem}|${tres}||${dur(limitS)}|None assigned|${name}||00:00:00|0|0|${comment}`] };
    }
    const start = submit + r.int(1, 600);
    const el = r.int(60, 3600);
    return {
      lines: [
        `${base}|${sTime(submit)}|${sTime(start)}|Unknown|${dur(el)}|0:0|RUNNING|${nodes}|${cpus}|${cpus}|${reqMem}|${tres}|${allocTres}|${dur(limitS)}|${nodeList}|${name}||00:00:00|${el * cpus}|${el}|${comment}`,
        `${jobId}.batch|${rawId}.batch|orion||${account}||${sTime(start)}|${sTime(start)}|Unknown|${dur(el)}|0:0|RUNNING|1|${cpus / nodes}|${cpus / nodes}|||cpu=${cpus / nodes},mem=${memStr},node=1||${nodeList}|batch||00:00:00|${el * cpus}|${el}|`,
        `${jobId}.extern|${rawId}.extern|orion||${account}||${sTime(start)}|${sTime(start)}|Unknown|${dur(el)}|0:0|RUNNING|${nodes}|${cpus}|${cpus}|||${tres}||${nodeList}|extern||00:00:00|${el * cpus}|${el}|`,
      ],
    };
  }
  const wait = Math.round(r.logUniform(1, 6 * 3600));
  const start = submit + wait;
  let el = Math.min(limitS, Math.round(r.logUniform(5, limitS * 1.2)));
  let state = 'COMPLETED';
  let exit = '0:0';
  let batchState = 'COMPLETED';
  if (el >= limitS) {
    state = 'TIMEOUT';
    el = limitS + r.int(1, 90);
    exit = '0:0';
    batchState = 'CANCELLED';
  } else if (roll < 0.1) {
    state = 'FAILED';
    exit = `${r.int(1, 2)}:0`;
    batchState = 'FAILED';
  } else if (roll < 0.14) {
    state = `CANCELLED by ${50000 + r.int(0, 2000)}`;
    exit = '0:15';
    batchState = 'CANCELLED';
  } else if (roll < 0.155) {
    state = 'OUT_OF_MEMORY';
    exit = '0:125';
    batchState = 'OUT_OF_MEMORY';
  } else if (roll < 0.158) {
    state = 'NODE_FAIL';
    exit = '0:0';
    batchState = 'CANCELLED';
  }
  const end = start + el;
  const cpuUsed = el * cpus * r.next() * 0.95;
  const rssK = Math.round(memG * 1048576 * r.next() * 0.9);
  const lines = [
    `${base}|${sTime(submit)}|${sTime(start)}|${sTime(end)}|${dur(el)}|${exit}|${state}|${nodes}|${cpus}|${cpus}|${reqMem}|${tres}|${allocTres}|${dur(limitS)}|${nodeList}|${name}||${cpuTime(cpuUsed)}|${el * cpus}|${el}|${comment}`,
    `${jobId}.batch|${rawId}.batch|orion||${account}||${sTime(start)}|${sTime(start)}|${sTime(end)}|${dur(el)}|${exit}|${batchState}|1|${cpus / nodes}|${cpus / nodes}|||cpu=${cpus / nodes},mem=${memStr},node=1||${nodeList.replace(/\[(\d+)-\d+\]/, '$1')}|batch|${r.int(2000, 40000)}K|${cpuTime(r.next() * 5)}|${el * (cpus / nodes)}|${el}|`,
    `${jobId}.extern|${rawId}.extern|orion||${account}||${sTime(start)}|${sTime(start)}|${sTime(end)}|${dur(el)}|0:0|COMPLETED|${nodes}|${cpus}|${cpus}|||${tres}||${nodeList}|extern|${r.chance(0.7) ? '0' : `${r.int(1, 900)}K`}|00:00:00|${el * cpus}|${el}|`,
  ];
  const steps = r.chance(0.55) ? (r.chance(0.2) ? r.int(2, 4) : 1) : 0;
  let t = start + r.int(1, 10);
  for (let s = 0; s < steps; s++) {
    const sEl = Math.max(1, Math.floor((end - t) / (steps - s)) - r.int(0, 5));
    const rss = s === 0 ? rssK : Math.round(rssK * r.next());
    const rssStr = rss > 10 * 1048576 && r.chance(0.3) ? `${(rss / 1048576).toFixed(2)}G` : `${rss}K`;
    lines.push(
      `${jobId}.${s}|${rawId}.${s}|orion||${account}||${sTime(t)}|${sTime(t)}|${sTime(t + sEl)}|${dur(sEl)}|${exit}|${s === steps - 1 ? batchState : 'COMPLETED'}|${nodes}|${cpus}|${cpus}|||cpu=${cpus},mem=${memStr},node=${nodes}||${nodeList}|${r.pick(APPS)}|${rssStr}|${cpuTime((cpuUsed * sEl) / Math.max(1, el))}|${sEl * cpus}|${sEl}|`,
    );
    t += sEl + r.int(1, 5);
  }
  return { lines };
}

function writeSacctFile(file: string, fileIndex: number, lines: number, nFiles: number): number {
  const r = prng(SEED * 31 + fileIndex * 104729);
  const users = userPool(400, prng(SEED ^ 0x51ac)).slice(8);
  const out: string[] = [SACCT_HEADER];
  let rawId = 6_200_000 + fileIndex * (lines + 10);
  const span = Q_MS / 1000 / nFiles;
  const t0 = Q_START / 1000 + fileIndex * span;
  let n = 0;
  while (n < lines) {
    const frac = n / lines;
    const submit = Math.floor(t0 + frac * span + r.int(0, 60));
    const running = fileIndex === nFiles - 1 && frac > 0.995;
    let jobs: SacctJob[];
    if (r.chance(0.04)) {
      // An array job: JobID <base>_<i>, each task with its own JobIDRaw.
      const base = rawId;
      const k = r.int(2, 12);
      jobs = [];
      for (let i = 1; i <= k; i++) jobs.push(sacctJob(r, `${base}_${i}`, base + i - 1, submit, users, running));
      rawId += k;
    } else {
      jobs = [sacctJob(r, String(rawId), rawId, submit, users, running)];
      rawId += 1;
    }
    for (const j of jobs) {
      for (const l of j.lines) {
        if (n >= lines) break;
        // Steps follow their job line, so cutting the file at `lines` can only drop steps.
        out.push(l);
        n++;
      }
    }
  }
  fs.writeFileSync(file, out.join('\n') + '\n');
  return n;
}

// ---------------------------------------------------------------------------------------------
// Data sets and their manifest

interface DataSet {
  format: Format;
  rows: number;
  dir: string;
  files: { name: string; rows: number; size: number }[];
}

function dataSetDir(o: Options, f: Format) {
  return path.join(o.dir, 'data', f === 'spark' ? `spark-${o.sparkMb}mb` : `${f}-${o.rows}`);
}

/** What a data set is sized by: rows, or for Spark megabytes of logs. */
const sizeOf = (o: Options, f: Format) => (f === 'spark' ? o.sparkMb : o.rows);

function layout(f: Format, rows: number): number[] {
  if (f === 'yarn') {
    const n = Math.ceil(rows / YARN_APPS_PER_FILE);
    return Array.from({ length: n }, (_, i) => Math.min(YARN_APPS_PER_FILE, rows - i * YARN_APPS_PER_FILE));
  }
  const n = Math.min(SACCT_FILES, rows);
  return Array.from({ length: n }, (_, i) => Math.floor(rows / n) + (i < rows % n ? 1 : 0));
}

function readManifest(o: Options, f: Format): DataSet | undefined {
  const dir = dataSetDir(o, f);
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    if (m.generator !== GENERATOR_VERSION || m.seed !== SEED || m.format !== f || (m.size ?? m.rows) !== sizeOf(o, f)) return undefined;
    for (const file of m.files) {
      if (!fs.existsSync(path.join(dir, file.name)) || (f !== 'spark' && fs.statSync(path.join(dir, file.name)).size !== file.size)) return undefined;
    }
    return { format: f, rows: m.rows, dir, files: m.files };
  } catch {
    return undefined;
  }
}

function ensureData(o: Options, f: Format): DataSet {
  const have = readManifest(o, f);
  const dir = dataSetDir(o, f);
  if (have) {
    log(`${f}: reusing ${have.files.length} files in ${path.relative(process.cwd(), dir) || dir} (${fmtMB(have.files.reduce((s, x) => s + x.size, 0))})`);
    return have;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (f === 'spark') return writeManifest(o, f, dir, generateSpark(o, dir));
  const sizes = layout(f, o.rows);
  const t0 = performance.now();
  const templates = f === 'yarn' ? yarnTemplates() : [];
  const files: DataSet['files'] = [];
  log(`${f}: generating ${fmtInt(o.rows)} ${f === 'yarn' ? 'apps' : 'lines'} in ${sizes.length} files into ${dir}`);
  sizes.forEach((n, i) => {
    const name = f === 'yarn' ? `apps-${pad(i, 3)}.json` : `sacct-${pad(i, 2)}.txt`;
    const file = path.join(dir, name);
    const rows = f === 'yarn' ? writeYarnFile(file, i, n, o.rows, templates) : writeSacctFile(file, i, n, sizes.length);
    files.push({ name, rows, size: fs.statSync(file).size });
    if ((i + 1) % Math.max(1, Math.ceil(sizes.length / 10)) === 0 || i === sizes.length - 1) {
      log(`${f}: generated ${i + 1}/${sizes.length} files (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  });
  return writeManifest(o, f, dir, files);
}

function generateSpark(o: Options, dir: string): DataSet['files'] {
  const t0 = performance.now();
  let next = 0.1;
  log(`spark: generating ${fmtInt(o.sparkMb)} MB of event logs into ${dir}`);
  const files = writeSparkLogs(dir, o.sparkMb, (bytes) => {
    if (bytes >= next * o.sparkMb * 1048576) {
      log(`spark: generated ${fmtMB(bytes)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      next += 0.1;
    }
  });
  return files;
}

function writeManifest(o: Options, f: Format, dir: string, files: DataSet['files']): DataSet {
  const rows = files.reduce((t, x) => t + x.rows, 0);
  const ds: DataSet = { format: f, rows, dir, files };
  // Written last: an interrupted generation has no manifest and is redone.
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ generator: GENERATOR_VERSION, seed: SEED, format: f, size: sizeOf(o, f), rows, files }, null, 1));
  return ds;
}

// ---------------------------------------------------------------------------------------------
// Phases (each in a child process)

interface PhaseResult extends Measured {
  phase: string;
  seconds: number;
  rows?: number;
  jobs?: number;
  rejects?: number;
  statuses?: Record<string, number>;
  detail?: Record<string, number>;
  message?: string;
  /** With --repeat: every run's seconds. */
  all?: number[];
}
type PhaseOutcome = Omit<PhaseResult, keyof Measured>;

const CLUSTER = 'bench';
const TIMEZONE = 'America/Chicago';
const sqlStr = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function runPhase(o: Options): Promise<PhaseOutcome> {
  const m = /^(yarn|sacct|spark)-(floor|floormem|load|reload)$/.exec(o.phase ?? '');
  if (!m) fail(`--phase ${o.phase}: <yarn|sacct|spark>-<floor|floormem|load|reload>`);
  const f = m[1] as Format;
  const kind = m[2] as PhaseKind;
  const ds = readManifest(o, f);
  if (!ds) fail(`no generated ${f} data for ${f === 'spark' ? `--spark-mb ${o.sparkMb}` : `--rows ${o.rows}`} in ${o.dir}; run without --phase first`);
  const files = ds.files.map((x) => path.join(ds.dir, x.name));
  const label = `${f} ${kind}`;

  if (kind === 'floor' || kind === 'floormem') {
    // The floor writes to a fresh database file, as the warehouse does; floormem (informational) to memory.
    const dbPath = kind === 'floor' ? path.join(o.dir, `floor-${f}-${sizeOf(o, f)}.duckdb`) : ':memory:';
    if (kind === 'floor') rmDb(dbPath);
    const list = `[${(f === 'spark' ? sparkEventFiles(ds.dir, ds.files) : files).map(sqlStr).join(', ')}]`;
    const maxObject = Math.max(16 << 20, 2 * Math.max(...ds.files.map((x) => x.size)));
    const sql = f === 'yarn'
      ? `create table t as select unnest(apps.app, recursive := true) from read_json(${list}, maximum_object_size = ${maxObject})`
      : f === 'spark' ? sparkFloorSql(list)
      : `create table t as select * from read_csv(${list}, delim = '|', header = true, all_varchar = true)`;
    const t0 = performance.now();
    const instance = await DuckDBInstance.create(dbPath);
    const conn = await instance.connect();
    await conn.run(sql);
    const stmt = (performance.now() - t0) / 1000;
    const rows = Number((await conn.runAndReadAll(`select count(*) from t`)).getRows()[0][0]);
    const tc = performance.now();
    conn.closeSync();
    instance.closeSync();
    const closeS = (performance.now() - tc) / 1000;
    const seconds = stmt + closeS;
    log(`${label}: ${fmtInt(rows)} rows in ${seconds.toFixed(2)} s (statement ${stmt.toFixed(2)} s, close ${closeS.toFixed(2)} s)`);
    if (kind === 'floor') rmDb(dbPath);
    return { phase: o.phase!, seconds, rows, detail: { statement_s: stmt, close_s: closeS } };
  }

  const dbPath = path.join(o.dir, `warehouse-${f}-${sizeOf(o, f)}.duckdb`);
  if (kind === 'load') rmDb(dbPath);
  else if (!fs.existsSync(dbPath)) fail(`${dbPath}: no warehouse to reload into; run the load phase first`);
  const source = await jobSource(FORMAT_NAME[f]);
  // Built-in defaults, whatever gazette.yaml lies around: the data dir has none.
  const settings = loadSettings(undefined, ds.dir);
  const statuses: Record<string, number> = {};
  let done = 0;
  let rowsRead = 0;
  let lastLog = performance.now();
  const t0 = performance.now();
  const wh = await openWarehouse(dbPath);
  const openS = (performance.now() - t0) / 1000;
  const ti = performance.now();
  const results: FileResult[] = await ingestFiles(wh, files, {
    source,
    cluster: CLUSTER,
    timezone: TIMEZONE,
    settings,
    reload: false,
    warn: (msg) => log(`${label}: warning: ${msg}`),
    onFile(r) {
      done++;
      rowsRead += r.rowsRead;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 'failed') log(`${label}: ${r.file} failed: ${r.message}`);
      const now = performance.now();
      if (now - lastLog > 5000 || done === files.length) {
        lastLog = now;
        log(`${label}: ${done}/${files.length} files, ${fmtInt(rowsRead)} records, ${((now - t0) / 1000).toFixed(1)} s`);
      }
    },
  });
  const ingestS = (performance.now() - ti) / 1000;
  // Counting is not part of the measured time.
  const jobs = Number((await wh.conn.runAndReadAll(`select count(*) from ${f === 'spark' ? 'app_details' : 'jobs'} where cluster = '${CLUSTER}'`)).getRows()[0][0]);
  const rejects = Number((await wh.conn.runAndReadAll(`select count(*) from rejected_rows where cluster = '${CLUSTER}'`)).getRows()[0][0]);
  const tc = performance.now();
  wh.close();
  const closeS = (performance.now() - tc) / 1000;
  const seconds = openS + ingestS + closeS;
  const written = results.reduce((s, r) => s + r.rowsWritten, 0);
  log(`${label}: ${Object.entries(statuses).map(([k, v]) => `${v} ${k}`).join(', ')}; ${fmtInt(jobs)} jobs, ${fmtInt(rejects)} rejects; ${seconds.toFixed(2)} s (open ${openS.toFixed(2)}, ingestFiles ${ingestS.toFixed(2)}, close ${closeS.toFixed(2)})`);
  const walSize = fs.existsSync(`${dbPath}.wal`) ? fs.statSync(`${dbPath}.wal`).size : 0;
  return {
    phase: o.phase!, seconds, rows: rowsRead, jobs, rejects, statuses,
    detail: { open_s: openS, ingest_s: ingestS, close_s: closeS, rows_written: written, db_bytes: fs.statSync(dbPath).size, wal_bytes: walSize },
  };
}

function runChild(o: Options, phase: string): Promise<PhaseResult> {
  return spawnPhase<PhaseOutcome>(fileURLToPath(import.meta.url), phase, ['--dir', o.dir, '--rows', String(o.rows), '--spark-mb', String(o.sparkMb)], o.dir);
}

// ---------------------------------------------------------------------------------------------
// Main: generate, run the phases, print the table

interface FormatResult {
  format: Format;
  ds: DataSet;
  floor: PhaseResult;
  floormem: PhaseResult;
  load: PhaseResult;
  reload: PhaseResult;
}

const TARGETS: Record<Format, { ratio: number; rssMB: number; reloadPct: number }> = {
  yarn: { ratio: 1.5, rssMB: 1536, reloadPct: 5 },
  sacct: { ratio: 2, rssMB: 1536, reloadPct: 5 },
  spark: { ratio: 2, rssMB: 1536, reloadPct: 5 },
};

/** The gazette format each case loads. */
const FORMAT_NAME: Record<Format, string> = { yarn: 'yarn-apps', sacct: 'sacct', spark: 'spark-events' };

function report(o: Options, results: FormatResult[], totalS: number, load: { before: number; after: number }): string {
  const mb = (b: number) => b / 1048576;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const head = ['format', 'rows', 'floor s', 'load s', 'rows/s', 'ratio', 'target', '', 'reload s', 'reload %', 'target', '', 'peak RSS MB', 'target', ''];
  const body: string[][] = [head];
  let allPass = true;
  for (const r of results) {
    const t = TARGETS[r.format];
    const ratio = r.load.seconds / r.floor.seconds;
    const pct = (100 * r.reload.seconds) / r.load.seconds;
    const rss = mb(r.load.maxRss);
    // A reload that loaded anything again is not a reload that skipped: it misses whatever its time.
    const allSkipped = (r.reload.statuses?.skipped ?? 0) === r.ds.files.length;
    const pass = [ratio <= t.ratio, pct < t.reloadPct && allSkipped, rss < t.rssMB];
    allPass &&= pass.every(Boolean);
    body.push([
      FORMAT_NAME[r.format], fmtInt(r.ds.rows), r.floor.seconds.toFixed(2), r.load.seconds.toFixed(2),
      fmtInt(r.ds.rows / r.load.seconds), ratio.toFixed(2), `<= ${t.ratio}`, verdict(pass[0]),
      r.reload.seconds.toFixed(2), `${pct.toFixed(1)}%`, `< ${t.reloadPct}%`, verdict(pass[1]),
      fmtInt(rss), `< ${fmtInt(t.rssMB)}`, verdict(pass[2]),
    ]);
  }
  const lines: string[] = [];
  lines.push(`ingest benchmark: ${o.only === 'spark' ? `${fmtInt(o.sparkMb)} MB of Spark event logs` : `${fmtInt(o.rows)} rows per format${o.only ? '' : `, ${fmtInt(o.sparkMb)} MB of Spark event logs`}`}; ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}, DuckDB ${duckdbVersion()}; ` +
    `load average ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after${o.repeat > 1 ? `; best of ${o.repeat} runs` : ''}`);
  lines.push('');
  const right = [false, true, true, true, true, true, false, false, true, true, false, false, true, false, false];
  lines.push(table(body, (c) => right[c]));
  lines.push('');
  for (const r of results) {
    const bytes = r.ds.files.reduce((s, x) => s + x.size, 0);
    const d = r.load.detail ?? {};
    const rolled = r.ds.files.filter((x) => x.name.startsWith('eventlog_v2_')).length;
    lines.push(`${FORMAT_NAME[r.format]}: ${r.ds.files.length} ${r.format === 'spark' ? `applications (${rolled} as rolling logs)` : 'files'}, ${fmtMB(bytes)}; ` +
      `${r.format === 'yarn' ? 'rows = apps' : r.format === 'spark' ? `rows = events; ${fmtInt(r.ds.files.length / r.load.seconds)} apps/s` : 'rows = lines incl. job steps'}; ` +
      `warehouse has ${fmtInt(r.load.jobs ?? 0)} ${r.format === 'spark' ? 'app_details rows' : 'jobs'}, ${fmtInt(r.load.rejects ?? 0)} rejects`);
    if (o.repeat > 1) lines.push(`  runs (s): floor ${r.floor.all!.map((x) => x.toFixed(2)).join(', ')}; in-memory floor ${r.floormem.all!.map((x) => x.toFixed(2)).join(', ')}; load ${r.load.all!.map((x) => x.toFixed(2)).join(', ')}; reload ${r.reload.all!.map((x) => x.toFixed(2)).join(', ')}`);
    lines.push(`  floor:  ${r.floor.seconds.toFixed(2)} s (${fmtInt(r.floor.rows ?? 0)} rows), ${r.floor.cpuS.toFixed(1)} CPU-s, peak RSS ${fmtInt(mb(r.floor.maxRss))} MB; ${cpuNote(r.floor)}`);
    lines.push(`          into an in-memory database instead: ${r.floormem.seconds.toFixed(2)} s (load would be ${(r.load.seconds / r.floormem.seconds).toFixed(2)}x that), peak RSS ${fmtInt(mb(r.floormem.maxRss))} MB`);
    lines.push(`  load:   ${r.load.seconds.toFixed(2)} s (${r.load.cpuS.toFixed(1)} CPU-s, ${(r.load.cpuS / r.floor.cpuS).toFixed(2)}x the floor's) = open ${(d.open_s ?? 0).toFixed(2)} + ingestFiles ${(d.ingest_s ?? 0).toFixed(2)} + close ${(d.close_s ?? 0).toFixed(2)}; ` +
      `${JSON.stringify(r.load.statuses)}; warehouse file ${fmtMB(d.db_bytes ?? 0)}; ${cpuNote(r.load)}`);
    lines.push(`  reload: ${r.reload.seconds.toFixed(2)} s, ${JSON.stringify(r.reload.statuses)}, peak RSS ${fmtInt(mb(r.reload.maxRss))} MB; ${cpuNote(r.reload)}`);
  }
  lines.push('');
  lines.push(`ratio = load s / floor s (floor: one bare DuckDB statement over all the files into a fresh file database, incl. its close);`);
  lines.push(`load s = openWarehouse + ingestFiles + close on a fresh warehouse; reload % = second load (files unchanged, skipped) / first load;`);
  lines.push(`peak RSS = maxRSS of the load's own process (MB = 2^20 bytes). ${allPass ? 'All targets met.' : 'Some targets missed (MISS).'} Total ${totalS.toFixed(0)} s.`);
  return lines.join('\n') + '\n';
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.phase) {
    if (!o.result) fail('--phase needs --result FILE');
    writePhaseResult(o.result, await runPhase(o));
    return;
  }
  const t0 = performance.now();
  fs.mkdirSync(o.dir, { recursive: true });
  const formats: Format[] = o.only ? [o.only] : ['yarn', 'sacct', 'spark'];
  const sets = formats.map((f) => ensureData(o, f));
  const results: FormatResult[] = [];
  const loadBefore = os.loadavg()[0];
  for (const ds of sets) {
    const f = ds.format;
    const runs: { floor: PhaseResult; floormem: PhaseResult; load: PhaseResult; reload: PhaseResult }[] = [];
    for (let i = 0; i < o.repeat; i++) {
      const nth = o.repeat > 1 ? ` (run ${i + 1}/${o.repeat})` : '';
      log(`${f}: floor (bare DuckDB read of the same files)${nth}`);
      const floor = await runChild(o, `${f}-floor`);
      log(`${f}: floor into an in-memory database (for reference)${nth}`);
      const floormem = await runChild(o, `${f}-floormem`);
      log(`${f}: first load into a fresh warehouse${nth}`);
      const load = await runChild(o, `${f}-load`);
      log(`${f}: second load (the same files again)${nth}`);
      const reload = await runChild(o, `${f}-reload`);
      runs.push({ floor, floormem, load, reload });
    }
    if (!o.keep) rmDb(path.join(o.dir, `warehouse-${f}-${sizeOf(o, f)}.duckdb`));
    const best = (k: 'floor' | 'floormem' | 'load' | 'reload'): PhaseResult => fastest(runs.map((r) => r[k]));
    results.push({ format: f, ds, floor: best('floor'), floormem: best('floormem'), load: best('load'), reload: best('reload') });
  }
  const load = { before: loadBefore, after: os.loadavg()[0] };
  process.stdout.write(report(o, results, (performance.now() - t0) / 1000, load));
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
