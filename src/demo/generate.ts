/**
 * `npm run sample-data`: writes the demo clusters into sample-data/ (or --out DIR), deterministically:
 * the same seed gives the same bytes on every run.
 *
 *   demo-hadoop/rm-apps/YYYY-MM/rm-apps-YYYY-MM-DD.json.gz   daily /ws/v1/cluster/apps?finishedTimeBegin…End (local days)
 *   demo-hadoop/rm-apps/rm-apps-running-2026-11-22T0000.json  the apps still running at the end (?states=RUNNING)
 *   demo-hadoop/rm-metrics/YYYY/rm-metrics-YYYY-MM-DDT0600.json  daily /ws/v1/cluster/metrics
 *   demo-hpc/sacct/sacct-YYYY-MM.txt.gz                       monthly sacct --parsable2 dumps
 *   demo-hadoop/namenode-jmx/YYYY/namenode-jmx-YYYY-MM-DDT0600.json  weekly NameNode /jmx (FSNamesystem*), Mondays
 *   demo-hadoop/hdfs-du/hdfs-du-YYYY-MM-01.txt                 monthly hdfs dfs -du /data
 *   demo-hadoop/hdfs-count/hdfs-count-YYYY-MM-01.txt           monthly hdfs dfs -count -q -v /data/*
 *   demo-hadoop/fsimage/fsimage-YYYY-MM-DD.tsv.gz              quarter-end hdfs oiv -p Delimited listings
 *   demo-hpc/xdmod-storage/xdmod-storage-YYYY-MM-01.json       monthly Open XDMoD storage JSON (/project)
 *   demo-hadoop/spark-events/application_…_1.gz                Spark event logs of a sample of the Spark apps (gzipped)
 *   demo-hadoop/jhist/done/YYYY/MM/DD/000NNN/job_….jhist.gz     MapReduce .jhist of a sample of the MapReduce apps,
 *   demo-hadoop/jhist/done/YYYY/MM/DD/000NNN/job_…_conf.xml     and the job's configuration beside it (JobHistory done/ tree)
 *   demo-hadoop/business/business-series.csv                 monthly orders and active customers (a business series)
 *   incidents.csv, gazette.yaml (settings, teams, prices), ANSWERS.json (the answer key)
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { computeAnswers, type PlantedReject } from './answers.js';
import { businessAnswers, businessCsv, businessValues } from './business.js';
import { END_DAY, months } from './calendar.js';
import { incidentsCsv, rmAppsResponse, rmMetricsJson, sacctLines, SACCT_HEADER } from './formats.js';
import { generateHadoop, HADOOP_TZ, type App } from './hadoop.js';
import { generateHpc, hpcCapacity, HPC_TZ, type SlurmJob } from './hpc.js';
import { INCIDENTS } from './incidents.js';
import { generateJobHistory, jobHistoryAnswers } from './job-history.js';
import { buildOrg, type Org } from './org.js';
import { prng } from './rng.js';
import { computeStorageStories, imageInstant, teamPaths } from './storage-answers.js';
import { countText, duText, fsimageTsv, namenodeJmx, usageBelow } from './storage-formats.js';
import { generateProjectStorage, xdmodStorageJson } from './storage-hpc.js';
import { generateHdfs } from './storage.js';
import { localDate, localTime, pad, zonedInstant } from './time.js';

export const SEED = 20250401;
/** What the generator owns in its output directory (removed and rewritten each run). */
export const OWNED = ['demo-hadoop', 'demo-hpc', 'incidents.csv', 'gazette.yaml', 'ANSWERS.json'];

export interface Written {
  files: number;
  bytes: number;
}

export function generateSampleData(out: string): Written {
  const org = buildOrg(prng(SEED));
  const hadoop = generateHadoop(prng(SEED + 1), org);
  const hpc = generateHpc(prng(SEED + 2), org);
  const hdfs = generateHdfs(prng(SEED + 3), org, hadoop.apps);
  const project = generateProjectStorage(prng(SEED + 4), org);
  const history = generateJobHistory(prng(SEED + 5), hadoop.apps);
  for (const o of OWNED) fs.rmSync(path.join(out, o), { recursive: true, force: true });
  const w: Written = { files: 0, bytes: 0 };
  const write = (rel: string, data: string | Buffer) => {
    const file = path.join(out, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    w.files++;
    w.bytes += Buffer.byteLength(data);
  };
  const gz = (s: string) => zlib.gzipSync(Buffer.from(s), { level: 9 });

  // Daily RM responses: the apps that finished on each local day.
  const byDay = new Map<string, App[]>();
  for (const a of hadoop.apps) {
    if (a.state === 'RUNNING') continue;
    const d = localDate(a.finish, HADOOP_TZ);
    (byDay.get(d) ?? byDay.set(d, []).get(d)!).push(a);
  }
  for (const [d, apps] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
    apps.sort((a, b) => a.finish - b.finish || a.id!.localeCompare(b.id!));
    write(`demo-hadoop/rm-apps/${d.slice(0, 7)}/rm-apps-${d}.json.gz`, gz(rmAppsResponse(apps, hadoop.end)));
  }
  const running = hadoop.apps.filter((a) => a.state === 'RUNNING');
  write(`demo-hadoop/rm-apps/rm-apps-running-${END_DAY.year}-${pad(END_DAY.month)}-${pad(END_DAY.day)}T0000.json`, rmAppsResponse(running, hadoop.end));
  for (const s of hadoop.snapshots) {
    const lt = localTime(s.at, HADOOP_TZ);
    write(`demo-hadoop/rm-metrics/${lt.year}/rm-metrics-${lt.year}-${pad(lt.month)}-${pad(lt.day)}T${pad(lt.hour)}${pad(lt.minute)}.json`, rmMetricsJson(s));
  }
  const rejects: PlantedReject[] = [];
  for (const [name, text] of sacctDumps(hpc, rejects)) write(`demo-hpc/sacct/${name}`, gz(text));
  // Storage: weekly NameNode JMX, monthly du and count of /data, quarter-end fsimages, monthly XDMoD.
  for (const s of hdfs.jmx) {
    const lt = localTime(s.at, HADOOP_TZ);
    write(`demo-hadoop/namenode-jmx/${lt.year}/namenode-jmx-${lt.year}-${pad(lt.month)}-${pad(lt.day)}T${pad(lt.hour)}${pad(lt.minute)}.json`, namenodeJmx(s));
  }
  for (const [y, m] of months()) {
    const at = zonedInstant(HADOOP_TZ, y, m, 1);
    const rows = usageBelow(hdfs.inodes, '/data', at);
    write(`demo-hadoop/hdfs-du/hdfs-du-${y}-${pad(m)}-01.txt`, duText(rows));
    write(`demo-hadoop/hdfs-count/hdfs-count-${y}-${pad(m)}-01.txt`, countText(rows));
  }
  for (const asOf of QUARTER_ENDS) write(`demo-hadoop/fsimage/fsimage-${asOf}.tsv.gz`, gz(fsimageTsv(hdfs.inodes, imageInstant(asOf))));
  for (const [date, records] of project) write(`demo-hpc/xdmod-storage/xdmod-storage-${date}.json`, xdmodStorageJson(records));
  // Spark and MapReduce history of a sample of demo-hadoop's apps, with the planted inefficiencies.
  for (const [rel, data] of history.files) write(rel, data);
  const business = businessValues();
  write('demo-hadoop/business/business-series.csv', businessCsv(business));
  write('incidents.csv', incidentsCsv(INCIDENTS));
  write('gazette.yaml', settingsYaml(org));
  const answers = computeAnswers(org, hadoop, hpc, rejects, zonedInstant(HPC_TZ, END_DAY.year, END_DAY.month, END_DAY.day), computeStorageStories(org, hdfs), jobHistoryAnswers(org, history));
  const withBusiness = { ...answers, business_series: businessAnswers(business, answers.compute_demand['demo-hadoop'].quarters) };
  write('ANSWERS.json', JSON.stringify(withBusiness, null, 2) + '\n');
  return w;
}

/** The quarter ends of the period: one fsimage listing each. */
const QUARTER_ENDS = ['2025-06-30', '2025-09-30', '2025-12-31', '2026-03-31', '2026-06-30', '2026-09-30'];

/** Monthly dumps, run just after each month (the last one at the end): every job seen in the month, as of then. */
function sacctDumps(jobs: SlurmJob[], rejects: PlantedReject[]): [string, string][] {
  const out: [string, string][] = [];
  const sorted = [...jobs].sort((a, b) => a.rawId - b.rawId);
  for (const [y, m] of months()) {
    const from = zonedInstant(HPC_TZ, y, m, 1);
    const last = y === END_DAY.year && m === END_DAY.month;
    const to = last ? zonedInstant(HPC_TZ, END_DAY.year, END_DAY.month, END_DAY.day) : zonedInstant(HPC_TZ, m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1);
    // `sacct -a -S <month start> -E <month end>`, run at 00:20 on the 1st (the last one at the end).
    const now = last ? to : to + 20 * 60_000;
    const lines = [SACCT_HEADER];
    const name = `sacct-${y}-${pad(m)}.txt.gz`;
    for (const j of sorted) {
      if (j.submit >= to || j.end < from) continue;
      const printed = sacctLines(j, now);
      if (j.story === 'bad-line') {
        printed.forEach((_, k) => rejects.push({
          file: `demo-hpc/sacct/${name}`, line: lines.length + k + 1,
          why: k === 0 ? `job name '${j.name}' holds a '|': the line has 27 fields, not 26` : 'a step of that job, whose job line was rejected',
        }));
      }
      lines.push(...printed);
    }
    out.push([name, lines.join('\n') + '\n']);
  }
  return out;
}

function settingsYaml(org: Org): string {
  const lines = [
    '# gazette settings for the demo clusters (generated by `npm run sample-data`; see the README, "Settings").',
    'cluster: demo-hadoop            # the cluster a command works on when --cluster is not given',
    'timezone: UTC',
    'fiscal_year_start_month: 1      # calendar quarters',
    'superusers: [hdfs, yarn, mapred, root]',
    'email_domain: example.org       # a user\'s address is user@example.org',
    'prices:                         # the cost model',
    '  currency: EUR',
    '  vcore_hour: 0.04',
    '  memory_gb_hour: 0.005',
    '  gpu_hour: 2.5',
    '  storage_tb_month: 20',
    'clusters:',
    '  demo-hadoop:',
    `    timezone: ${HADOOP_TZ}`,
    '  demo-hpc:',
    `    timezone: ${HPC_TZ}`,
    '    capacity:                   # no RM metrics on Slurm: dated capacity',
    ...hpcCapacity().flatMap((c) => [
      `      - since: ${c.since}`,
      `        nodes: ${c.nodes}`,
      `        cpus: ${c.cpus}`,
      `        memory_gb: ${c.memory_gb}`,
      `        gpus: ${c.gpus}`,
    ]),
    'job_key:',
    '  # Built-in rules replace dates, hours, epoch times, UUIDs, app/job ids and attempt numbers;',
    '  # add your own after them (RE2 syntax, applied in order):',
    '  extra_rules:',
    "    - pattern: '_part[0-9]+$'",
    "      replace: '_part<n>'",
    'storage:                        # how fsimage listings are rolled up (these are the defaults)',
    '  rollup_depth: 3               # /data/<team>/<zone>: a directory counts in its own path, a file in its parent\'s',
    '  small_file_mb: 1              # files under 1 MiB are small files',
    'figures:                        # thresholds of gazette figures (these are the defaults)',
    '  top: 10                       # rows in each top list',
    '  min_failures: 3               # a job key that failed this often in the period is a failing job',
    '  over_request_ratio: 2         # memory or time limit asked ÷ used (median) to be listed',
    '  min_run_seconds: 60           # shorter jobs are not judged for over-requesting',
    '  retry_window_hours: 3         # a run this soon after a failed run of its key is a retry',
    'teams:',
  ];
  const paths = teamPaths(org);
  for (const t of [...org.teams].sort((a, b) => a.name.localeCompare(b.name))) {
    const users = [...t.users.map((u) => u.name), ...(t.queue ? [`svc_${t.queue.slice(5)}`] : [])].sort();
    lines.push(`  ${t.name}:`, `    mailing_list: ${t.mailingList}`, `    users: [${users.join(', ')}]`);
    if (t.queue) lines.push(`    queues: [${t.queue}]`);
    if (t.account) lines.push(`    accounts: [${t.account}]`);
    const owned = paths.get(t.name);
    if (owned) lines.push(`    paths: [${owned.join(', ')}]`);
  }
  return lines.join('\n') + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? process.argv[i + 1] : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sample-data');
  const t0 = performance.now();
  const w = generateSampleData(out);
  process.stderr.write(`sample-data: ${w.files} files, ${(w.bytes / 1048576).toFixed(1)} MB in ${out} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
