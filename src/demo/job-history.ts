/**
 * demo-hadoop's Spark and MapReduce history: event logs and .jhist files for a sample of the very
 * applications the ResourceManager responses hold (same ids, users, queues, names, times), so each
 * joins its RM record as one job. Planted, each in the last runs of a recurring job owned by a person:
 *
 *   spark-gc     imuller's daily ads_measurement.ExportCarts: JVM GC is ~42% of the executors' run time
 *   spark-skew   jreyes6's daily risk_models_refunds_daily: in its last stage one task runs 25× the median
 *   mr-memory    thoffmann's hourly Oozie refresh_campaigns: 3,072 MB containers for tasks that use 768 MB
 *   mr-spill     mzielinski's Pig script: 6 records spilled per map output record (io.sort.mb of 16)
 *
 * The other sampled applications (the latest run of a few pipelines and ad-hoc jobs) are healthy.
 * Written to demo-hadoop/spark-events/ (gzipped, as archived logs are) and demo-hadoop/jhist/done/
 * (the JobHistory server's done/ tree, each .jhist beside its _conf.xml).
 */
import zlib from 'node:zlib';
import { HADOOP_CLUSTER, HADOOP_TZ, type App } from './hadoop.js';
import { jobHistory, type JhistFigures, type MrPlan } from './jhist.js';
import type { Org } from './org.js';
import type { Rng } from './rng.js';
import { sparkEventLog, type SparkLogFigures, type SparkPlan } from './spark-events.js';
import { localTime, pad } from './time.js';

export type HistoryStory = 'spark-gc' | 'spark-skew' | 'mr-memory' | 'mr-spill';
type MrKind = 'oozie' | 'pig' | 'hive' | 'distcp' | 'wordcount' | 'pi';

interface Pick {
  user?: string;
  name: RegExp;
  /** The last this many successful runs. */
  runs: number;
  story?: HistoryStory;
  /** Spark: the main class and the call sites of its two stages. */
  spark?: { main: string; stages: [string, string] };
  mr?: MrKind;
}

/** The planted jobs: their owners and names are the generated ones (an org or pipeline change must update them). */
const PICKS: Pick[] = [
  {
    story: 'spark-gc', user: 'imuller', name: /^ads_measurement\.ExportCarts_\d{4}_\d\d_\d\dT\d\d$/, runs: 4,
    spark: { main: 'com.example.ads_measurement.ExportCarts', stages: ['map at ExportCarts.scala:41', 'saveAsTextFile at ExportCarts.scala:88'] },
  },
  {
    story: 'spark-skew', user: 'jreyes6', name: /^risk_models_refunds_daily_\d{8}$/, runs: 4,
    spark: { main: 'com.example.risk_models.RefundsDaily', stages: ['map at RefundsDaily.scala:57', 'saveAsTextFile at RefundsDaily.scala:112'] },
  },
  { story: 'mr-memory', user: 'thoffmann', name: /^oozie:action:T=map-reduce:W=wf_finance_reporting_campaigns_hourly:A=refresh_campaigns:/, runs: 5, mr: 'oozie' },
  { story: 'mr-spill', user: 'mzielinski', name: /^PigLatin:DefaultJobName$/, runs: 5, mr: 'pig' },
  // Healthy: the latest run of each.
  { user: 'svc_experimentation', name: /^experimentation\.DedupeClicks_/, runs: 1, spark: { main: 'com.example.experimentation.DedupeClicks', stages: ['map at DedupeClicks.scala:33', 'saveAsTextFile at DedupeClicks.scala:61'] } },
  { user: 'svc_fraud_detection', name: /^oozie:action:T=spark:W=wf_fraud_detection_sessions_hourly:/, runs: 1, spark: { main: 'com.example.fraud_detection.ComputeSessions', stages: ['map at ComputeSessions.scala:48', 'saveAsTextFile at ComputeSessions.scala:97'] } },
  { user: 'svc_search_ranking', name: /^search_ranking\.ComputeShipments_/, runs: 1, spark: { main: 'com.example.search_ranking.ComputeShipments', stages: ['map at ComputeShipments.scala:52', 'saveAsTextFile at ComputeShipments.scala:90'] } },
  { user: 'svc_finance_reporting', name: /^finance_reporting_devices_daily_/, runs: 1, spark: { main: 'com.example.finance_reporting.DevicesDaily', stages: ['map at DevicesDaily.scala:29', 'saveAsTextFile at DevicesDaily.scala:74'] } },
  { user: 'hdfs', name: /^distcp: /, runs: 1, mr: 'distcp' },
  { user: 'svc_search_ranking', name: /^INSERT OVERWRITE TABLE mart\.search_ranking_clicks_daily /, runs: 1, mr: 'hive' },
  { name: /^word count$/, runs: 1, mr: 'wordcount' },
  { name: /^QuasiMonteCarlo$/, runs: 1, mr: 'pi' },
];

export interface SampledApp {
  app: App;
  story?: HistoryStory;
  /** Path below sample-data/. */
  file: string;
  spark?: SparkLogFigures;
  mr?: JhistFigures;
}

export interface JobHistoryFiles {
  files: [rel: string, data: string | Buffer][];
  sampled: SampledApp[];
}

const succeeded = (a: App) => a.state === 'FINISHED' && a.finalStatus === 'SUCCEEDED';

/** The sampled applications' history files. Deterministic for a given `r`. */
export function generateJobHistory(r: Rng, apps: App[]): JobHistoryFiles {
  const out: JobHistoryFiles = { files: [], sampled: [] };
  const taken = new Set<App>();
  for (const p of PICKS) {
    const runs = apps.filter((a) => !taken.has(a) && succeeded(a) && p.name.test(a.name) && (!p.user || a.user === p.user) && a.finish - a.launch >= 120_000).slice(-p.runs);
    const type = p.spark ? 'SPARK' : 'MAPREDUCE';
    if (runs.length < p.runs || runs.some((a) => a.type !== type)) {
      throw new Error(`sample-data: job history expects ${p.runs} successful ${type} runs of ${p.user ?? 'anyone'}'s ${p.name}; found ${runs.length}. The generated org or pipelines changed: pick again in src/demo/job-history.ts.`);
    }
    for (const a of runs) {
      taken.add(a);
      if (p.spark) {
        const log = sparkEventLog(r, a, sparkPlan(a, p));
        const file = `demo-hadoop/spark-events/${log.name}.gz`;
        out.files.push([file, zlib.gzipSync(Buffer.from(log.text), { level: 9 })]);
        out.sampled.push({ app: a, story: p.story, file, spark: log.figures });
      } else {
        const h = jobHistory(r, a, mrPlan(a, p));
        const file = `demo-hadoop/jhist/done/${h.dir}/${h.jhistName}.gz`;
        out.files.push([file, zlib.gzipSync(Buffer.from(h.jhist), { level: 9 })], [`demo-hadoop/jhist/done/${h.dir}/${h.confName}`, h.conf]);
        out.sampled.push({ app: a, story: p.story, file, mr: h.figures });
      }
    }
  }
  out.sampled.sort((a, b) => a.app.launch - b.app.launch);
  return out;
}

function sparkPlan(a: App, p: Pick): SparkPlan {
  const cores = 4;
  const executors = Math.max(1, Math.floor((a.vcores - 1) / cores));
  const slots = executors * cores;
  const [first, second] = p.spark!.stages;
  const base = {
    main: p.spark!.main, cores, maxExecutors: executors, deployMode: 'cluster' as const,
    // The container is cores × the app's MB per vcore; the executor's heap leaves ~10% for overhead.
    executorMemoryGb: Math.floor((cores * a.mbPerVcore) / 1.1 / 1024),
  };
  switch (p.story) {
    case 'spark-gc':
      return {
        ...base, dynamicAllocation: false, gcShare: [0.36, 0.48],
        stages: [{ name: first, kind: 'map', tasks: slots, weight: 1 }, { name: second, kind: 'result', tasks: 120, weight: 0.8 }],
        conf: { 'spark.executor.extraJavaOptions': '-XX:+UseParallelGC -verbose:gc', 'spark.memory.fraction': '0.9', 'spark.sql.shuffle.partitions': '120' },
      };
    case 'spark-skew':
      return {
        ...base, dynamicAllocation: false, gcShare: [0.02, 0.05],
        stages: [{ name: first, kind: 'map', tasks: slots, weight: 0.4 }, { name: second, kind: 'result', tasks: 200, weight: 0.14, skew: 25 }],
        conf: { 'spark.executor.extraJavaOptions': '-XX:+UseG1GC' },
      };
    default: {
      // Small hourly jobs give their executors back while the driver writes its summary.
      const hourly = a.vcores < 60;
      return {
        ...base, dynamicAllocation: hourly, driverTailMs: hourly ? [65_000, 95_000] : undefined, gcShare: [0.015, 0.05],
        stages: [{ name: first, kind: 'map', tasks: slots, weight: 1 }, { name: second, kind: 'result', tasks: slots, weight: 0.7 }],
        conf: { 'spark.executor.extraJavaOptions': '-XX:+UseG1GC', 'spark.sql.shuffle.partitions': String(slots) },
      };
    }
  }
}

function mrPlan(a: App, p: Pick): MrPlan {
  const slots = Math.max(2, a.vcores - 1);
  const mapOnly = p.mr === 'distcp';
  const reduces = mapOnly ? 0 : p.mr === 'pi' || p.mr === 'hive' && /count\(\*\)/.test(a.name) ? 1 : Math.max(1, Math.round(slots / 9));
  const maps = Math.max(1, slots - reduces);
  const memoryMb = a.mbPerVcore;
  const lt = localTime(a.submit, HADOOP_TZ);
  const date = `${lt.year}-${pad(lt.month)}-${pad(lt.day)}`;
  const q = a.queue.replace(/^root\./, '');
  const plan: MrPlan = {
    maps, reduces, memoryMb, usedMb: [Math.round(memoryMb * 0.62), Math.round(memoryMb * 0.82)], mapSpill: 1, reduceSpill: [0.3, 0.8],
    splitBytes: 134_217_728, selectivity: 0.2, conf: {},
  };
  switch (p.mr) {
    case 'oozie': {
      const id = /ID=([0-9]{7}-[0-9]{15}-oozie-oozi-W)/.exec(a.name)?.[1] ?? '';
      const wf = /:W=([^:]+):A=([^:]+):/.exec(a.name)!;
      plan.workflow = { id, name: wf[1], node: wf[2] };
      plan.conf = {
        'oozie.action.id': `${id}@${wf[2]}`, 'oozie.job.id': id, 'oozie.action.type': 'map-reduce', 'oozie.launcher.job.id': `job_${a.clusterTs}_${pad(a.seq! - 1, 4)}`,
        'mapreduce.job.map.class': 'com.example.finance_reporting.RefreshCampaignsMapper', 'mapreduce.job.reduce.class': 'com.example.finance_reporting.RefreshCampaignsReducer',
        'mapreduce.input.fileinputformat.inputdir': `hdfs://nameservice1/data/${q}/raw/campaigns/dt=${date}/hour=${pad(lt.hour)}`,
        'mapreduce.output.fileoutputformat.outputdir': `hdfs://nameservice1/data/${q}/curated/campaigns/dt=${date}/hour=${pad(lt.hour)}`,
      };
      break;
    }
    case 'pig':
      plan.selectivity = 0.85;
      plan.conf = {
        'pig.version': '0.17.0', 'pig.script.id': '0', 'pig.job.feature': 'GROUP_BY,ORDER_BY', 'pig.alias': 'clicks,by_user,sorted',
        'pig.command.line': `pig -f /home/${a.user}/sessions_by_user.pig -param dt=${date}`, 'pig.input.dirs': `hdfs://nameservice1/data/${q}/raw/clicks/dt=${date}`,
        'mapreduce.job.map.class': 'org.apache.pig.backend.hadoop.executionengine.mapReduceLayer.PigGenericMapReduce$Map',
        'mapreduce.job.reduce.class': 'org.apache.pig.backend.hadoop.executionengine.mapReduceLayer.PigGenericMapReduce$Reduce',
      };
      break;
    case 'hive': {
      const count = /^SELECT count\(\*\)/.test(a.name);
      if (count) plan.outputPerMap = 1;
      plan.conf = {
        'hive.query.string': count ? a.name.replace(/\(Stage-1\)$/, '') : `${a.name.replace(/\.\.\..*$/, '')} SELECT * FROM raw.${q}_clicks WHERE dt='${date}'`,
        'hive.query.id': `hive_${date.replace(/-/g, '')}${pad(lt.hour)}${pad(lt.minute)}${pad(lt.second)}_${a.id!.slice(-4)}`,
        'mapreduce.job.map.class': 'org.apache.hadoop.hive.ql.exec.mr.ExecMapper', 'mapreduce.job.reduce.class': 'org.apache.hadoop.hive.ql.exec.mr.ExecReducer',
      };
      break;
    }
    case 'distcp':
      plan.usedMb = [Math.round(memoryMb * 0.6), Math.round(memoryMb * 0.75)];
      plan.conf = {
        'mapreduce.job.map.class': 'org.apache.hadoop.tools.mapred.CopyMapper', 'mapreduce.job.inputformat.class': 'org.apache.hadoop.tools.mapred.UniformSizeInputFormat',
        'distcp.max.maps': String(maps), 'distcp.target.final.path': 'hdfs://backup-nn:8020/backup/finance', 'distcp.preserve.status': 'ugp',
      };
      break;
    case 'wordcount':
      plan.selectivity = 4.2;
      plan.conf = { 'mapreduce.job.map.class': 'org.apache.hadoop.examples.WordCount$TokenizerMapper', 'mapreduce.job.reduce.class': 'org.apache.hadoop.examples.WordCount$IntSumReducer' };
      break;
    case 'pi':
      plan.outputPerMap = 2;
      plan.splitBytes = 118;
      plan.conf = { 'mapreduce.job.map.class': 'org.apache.hadoop.examples.QuasiMonteCarlo$QmcMapper', 'mapreduce.job.reduce.class': 'org.apache.hadoop.examples.QuasiMonteCarlo$QmcReducer' };
      break;
  }
  if (p.story === 'mr-memory') plan.usedMb = memoryMb / 4;
  if (p.story === 'mr-spill') {
    // A tiny sort buffer: each map spills many times and merges in several passes.
    plan.mapSpill = 5;
    plan.reduceSpill = 1;
    plan.conf['mapreduce.task.io.sort.mb'] = '16';
    plan.conf['mapreduce.task.io.sort.factor'] = '4';
  }
  return plan;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** The planted figures and the healthy apps' worst, for the answer key. */
export function jobHistoryAnswers(org: Org, h: JobHistoryFiles) {
  const owner = (story: HistoryStory) => {
    const runs = h.sampled.filter((s) => s.story === story);
    const user = runs[0].app.user;
    return {
      cluster: HADOOP_CLUSTER, user, team: org.users.find((u) => u.name === user)!.team.name, queue: runs[0].app.queue,
      example_job_id: runs[0].app.id, example_name: runs[0].app.name, runs: runs.length, job_ids: runs.map((s) => s.app.id),
    };
  };
  const healthy = h.sampled.filter((s) => !s.story);
  const spark = (story?: HistoryStory) => h.sampled.filter((s) => s.spark && (story ? s.story === story : !s.story)).map((s) => s.spark!);
  const mr = (story?: HistoryStory) => h.sampled.filter((s) => s.mr && (story ? s.story === story : !s.story)).map((s) => s.mr!);
  const skewOf = (f: SparkLogFigures) => Math.max(...f.stages.map((st) => st.maxRunMs / st.medianRunMs));
  const memRatio = (f: JhistFigures) => f.memoryMb / (f.physicalMemoryBytes / 1_048_576 / (f.maps + f.reduces));
  const spillRatio = (f: JhistFigures) => (f.mapOutputRecords ? f.spilledRecords / f.mapOutputRecords : 0);
  const gc = spark('spark-gc');
  const skew = h.sampled.filter((s) => s.story === 'spark-skew');
  const memory = mr('mr-memory');
  const spill = mr('mr-spill');
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
  return {
    job_history: {
      about: 'Spark event logs (demo-hadoop/spark-events/) and MapReduce .jhist files with their _conf.xml (demo-hadoop/jhist/done/) for a sample of demo-hadoop\'s applications: the same ids as the RM responses, so each is one job with its app_details row.',
      cluster: HADOOP_CLUSTER,
      spark_event_logs: h.sampled.filter((s) => s.spark).length,
      jhist_files: h.sampled.filter((s) => s.mr).length,
      apps: h.sampled.map((s) => ({ job_id: s.app.id, framework: s.spark ? 'SPARK' : 'MAPREDUCE', user: s.app.user, story: s.story ?? null, file: s.file })),
      healthy: {
        apps: healthy.length,
        max_gc_share: r4(Math.max(...spark().map((f) => f.gcMs / f.runMs))),
        max_stage_skew: r4(Math.max(...spark().map(skewOf))),
        max_memory_ratio: r4(Math.max(...mr().map(memRatio))),
        max_spill_ratio: r4(Math.max(...mr().map(spillRatio))),
      },
    },
    stories: {
      spark_gc: {
        ...owner('spark-gc'),
        figure: 'gc_share = sum(gc_time_s) / sum(task_time_s) over the runs (JVM GC Time over Executor Run Time of every task)',
        gc_time_s: sum(gc, (f) => f.gcMs) / 1000,
        task_time_s: sum(gc, (f) => f.runMs) / 1000,
        gc_share: r4(sum(gc, (f) => f.gcMs) / sum(gc, (f) => f.runMs)),
        min_run_gc_share: r4(Math.min(...gc.map((f) => f.gcMs / f.runMs))),
      },
      spark_skew: {
        ...owner('spark-skew'),
        figure: 'skew = the longest task\'s Executor Run Time / the median task\'s, in the stage where that is largest (stage_list task_time_max_s / task_time_median_s)',
        stage_id: skew[0].spark!.stages.findIndex((st) => st.maxRunMs / st.medianRunMs === skewOf(skew[0].spark!)),
        stage_name: skew[0].spark!.stages.find((st) => st.maxRunMs / st.medianRunMs === skewOf(skew[0].spark!))!.name,
        per_run: skew.map((s) => {
          const st = s.spark!.stages.reduce((a, b) => (b.maxRunMs / b.medianRunMs > a.maxRunMs / a.medianRunMs ? b : a));
          return { job_id: s.app.id, tasks: st.tasks, median_task_s: st.medianRunMs / 1000, max_task_s: st.maxRunMs / 1000, max_over_median: r4(st.maxRunMs / st.medianRunMs) };
        }),
        max_over_median: r4(Math.min(...skew.map((s) => skewOf(s.spark!)))),
      },
      mr_memory: {
        ...owner('mr-memory'),
        figure: 'map_memory_mb (mapreduce.map.memory.mb in the _conf.xml) / (PHYSICAL_MEMORY_BYTES / 2^20 / tasks), over the runs',
        requested_mb: memory[0].memoryMb,
        tasks: sum(memory, (f) => f.maps + f.reduces),
        used_mb_per_task: r4(sum(memory, (f) => f.physicalMemoryBytes) / 1_048_576 / sum(memory, (f) => f.maps + f.reduces)),
        requested_over_used: r4(memory[0].memoryMb / (sum(memory, (f) => f.physicalMemoryBytes) / 1_048_576 / sum(memory, (f) => f.maps + f.reduces))),
      },
      mr_spill: {
        ...owner('mr-spill'),
        figure: 'SPILLED_RECORDS / MAP_OUTPUT_RECORDS (job totals), over the runs',
        spilled_records: sum(spill, (f) => f.spilledRecords),
        map_output_records: sum(spill, (f) => f.mapOutputRecords),
        spilled_over_output: r4(sum(spill, (f) => f.spilledRecords) / sum(spill, (f) => f.mapOutputRecords)),
      },
    },
  };
}
