/**
 * The ingest benchmark's Spark case (bench/ingest.ts `--only spark`): event logs of many
 * applications, as Spark 3.3 on YARN writes them — made by the demo cluster's generator
 * (src/demo/spark-events.ts: environment, resource profile, executors added and removed, jobs,
 * stages, every task's start and end with its metrics, accumulables and executor metrics) for
 * applications of varied size, one plain file a log (Spark's default: no compression), until the
 * set holds about `mb` megabytes. A tenth of the applications write rolling logs (an
 * `eventlog_v2_<app id>` directory of parts), as `spark.eventLog.rolling.enabled` clusters do.
 *
 * The floor is the honest bare read of the same lines: DuckDB parsing every line of every file
 * as JSON into a table of a fresh database file (`read_ndjson_objects`), as the YARN floor
 * parses its responses with read_json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { App } from '../src/demo/hadoop.js';
import { prng } from '../src/demo/rng.js';
import { sparkEventLog, type SparkPlan } from '../src/demo/spark-events.js';

export interface SparkFile {
  /** A file, or a rolling log's directory, below the data set's dir. */
  name: string;
  /** Events (lines). */
  rows: number;
  size: number;
}

const SEED = 20261004;
const USERS = ['svc_etl', 'svc_reporting', 'svc_ml', 'hive', 'airflow', 'amartin', 'bchen', 'cokafor', 'dpetrov', 'esato', 'fmuller', 'grossi'];
const QUEUES = ['root.etl', 'root.reporting', 'root.adhoc', 'root.ml'];
const JOBS = [
  ['com.example.etl.SessionizeDaily', 'save at SessionizeDaily.scala:88', 'parquet at SessionizeDaily.scala:61'],
  ['com.example.ads.AttributeClicks', 'count at AttributeClicks.scala:40', 'saveAsTable at AttributeClicks.scala:97'],
  ['score_features.py', 'collect at score_features.py:55', 'save at NativeMethodAccessorImpl.java:0'],
  ['com.example.ml.TrainRanker', 'treeAggregate at RankerModel.scala:211', 'save at TrainRanker.scala:140'],
] as const;
/** A rolling log rolls over at this size (spark.eventLog.rolling.maxFileSize; Spark's default is 128m, smaller here so the parts are several). */
const ROLL_BYTES = 4 << 20;

/** Write the event logs into `dir` until about `mb` MiB; returns what was written. */
export function writeSparkLogs(dir: string, mb: number, onProgress?: (bytes: number) => void): SparkFile[] {
  const r = prng(SEED ^ 0x5a4c);
  const out: SparkFile[] = [];
  const clusterTs = Date.UTC(2026, 6, 1);
  let bytes = 0;
  for (let seq = 1; bytes < mb * 1048576; seq++) {
    const [main, first, second] = r.pick(JOBS);
    const vcores = r.pick([5, 9, 17, 33, 65, 129]);
    const launch = clusterTs + seq * 600_000 + r.int(0, 300_000);
    const app: App = {
      user: r.pick(USERS), name: main.replace(/^.*\./, ''), queue: r.pick(QUEUES), type: 'SPARK', tags: [],
      submit: launch - r.int(1_000, 60_000), launch, finish: launch + r.int(300_000, 3_600_000), vcores, mbPerVcore: r.pick([2048, 4096, 8192]),
      state: 'FINISHED', finalStatus: 'SUCCEEDED', diagnostics: '', scalable: false,
      id: `application_${clusterTs}_${String(seq).padStart(4, '0')}`, clusterTs, seq, epoch: 11, host: `worker${String(r.int(1, 480)).padStart(3, '0')}.dc1.example.com`,
    };
    const cores = 4;
    const executors = Math.max(1, Math.floor((vcores - 1) / cores));
    const slots = executors * cores;
    const plan: SparkPlan = {
      main, cores, maxExecutors: executors, deployMode: r.chance(0.5) ? 'cluster' : 'client',
      executorMemoryGb: Math.max(1, Math.floor((cores * app.mbPerVcore) / 1.1 / 1024)),
      dynamicAllocation: r.chance(0.3), gcShare: [0.01, r.pick([0.05, 0.1, 0.4])],
      stages: [
        { name: first, kind: 'map', tasks: slots * r.int(1, 4), weight: 1 },
        { name: second, kind: 'result', tasks: r.pick([slots, 200, 400]), weight: 0.7, skew: r.chance(0.1) ? 20 : undefined },
      ],
    };
    const log = sparkEventLog(r, app, plan);
    const rows = log.text.split('\n').filter((l) => l).length;
    const size = Buffer.byteLength(log.text);
    if (r.chance(0.1)) {
      // A rolling log: parts of about ROLL_BYTES, cut at line ends, and its (finished) app status file.
      const name = `eventlog_v2_${log.name}`;
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, `appstatus_${log.name}`), '');
      let at = 0;
      for (let index = 1; at < log.text.length; index++) {
        let end = Math.min(log.text.length, at + ROLL_BYTES);
        end = end < log.text.length ? log.text.indexOf('\n', end) + 1 || log.text.length : end;
        fs.writeFileSync(path.join(dir, name, `events_${index}_${log.name}`), log.text.slice(at, end));
        at = end;
      }
      out.push({ name, rows, size });
    } else {
      fs.writeFileSync(path.join(dir, log.name), log.text);
      out.push({ name: log.name, rows, size });
    }
    bytes += size;
    onProgress?.(bytes);
  }
  return out;
}

/** Every events file of the data set (a rolling log's parts in their order), for the floor. */
export function sparkEventFiles(dir: string, files: SparkFile[]): string[] {
  return files.flatMap((f) => {
    const p = path.join(dir, f.name);
    if (!fs.statSync(p).isDirectory()) return [p];
    return fs.readdirSync(p).filter((n) => n.startsWith('events_')).sort((a, b) => Number(a.split('_')[1]) - Number(b.split('_')[1])).map((n) => path.join(p, n));
  });
}

/** The floor: every line of every file parsed as JSON into a table (a line up to 256 MiB, as the ingest allows). */
export const sparkFloorSql = (list: string) => `create table t as select * from read_ndjson_objects(${list}, maximum_object_size = ${256 << 20})`;
