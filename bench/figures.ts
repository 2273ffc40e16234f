/**
 * Figures benchmark: how long `gazette figures --quarter 2026-Q3` takes over a warehouse of
 * 10,000,000 jobs, and how much memory (issue 6: under 10 s and 1.5 GB for the big cluster).
 *
 *   npm run bench:figures                        # 10,000,000 jobs
 *   npm run bench:figures -- --jobs 1000000      # a quick run
 *   npm run bench:figures -- --repeat 3 --dir /tmp/gazette-bench
 *
 * It makes its warehouse with DuckDB SQL (figures-warehouse.ts: two years of a 1,700-node
 * Hadoop cluster and a Slurm cluster, deterministic) into the work dir (default .bench/ in the
 * repo), with the settings beside it (gazette.yaml), reusing one already made with the same
 * parameters (manifest.json). Each measured phase runs in its own child process (phases.ts),
 * so its peak RSS is its own:
 *
 *   one   the figures of the big (YARN) cluster: settings read, warehouse opened read-only,
 *         computeFigures, the JSON written, closed — what `gazette figures --cluster hadoop` does
 *   all   the same for both clusters (no --cluster)
 *
 * Every SQL statement the figures run is timed and put down to its file in queries/ (by its
 * text), so a slow figure set shows. Progress goes to stderr; the result table to stdout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadSettings } from '../src/settings.js';
import { openWarehouse } from '../src/warehouse/open.js';
import { loadSqlFile, QUERIES_DIR } from '../src/warehouse/run-sql-file.js';
import { clustersWithJobs, computeFigures, type Figures } from '../src/analyze/figures.js';
import { parsePeriod } from '../src/analyze/period.js';
import { writeFileAtomic } from '../src/deliver/atomic-write.js';
import { BIG_CLUSTER, generateWarehouse, readManifest, settingsFile, warehouseFile, type Manifest } from './figures-warehouse.js';
import { MB, cpuNote, duckdbVersion, fastest, fmtInt, log, median, spawnPhase, table, writePhaseResult, type Measured, usageFail, wholeOption } from './phases.js';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  dir: string;
  jobs: number;
  repeat: number;
  quarter: string;
  phase?: string;
  /** With --phase: where the phase writes its result. */
  result?: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** dist/bench/figures.js → the repo root. */
const REPO = path.resolve(HERE, '..', '..');
const USAGE = `usage: node dist/bench/figures.js [--jobs N] [--dir DIR] [--repeat N] [--quarter Q]

  --jobs N     jobs in the warehouse (90% on the YARN cluster). Default 10000000.
  --dir DIR    work dir for the generated warehouse and the figures. Default <repo>/.bench
  --repeat N   run each phase N times (taking turns) and report the fastest (peak RSS: the highest). Default 1.
  --quarter Q  the period. Default 2026-Q3 (the history ends on 2026-10-01).`;

const TARGET_S = 10;
const TARGET_RSS_MB = 1536;

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dir: { type: 'string' }, jobs: { type: 'string' }, repeat: { type: 'string' }, quarter: { type: 'string' },
        phase: { type: 'string' }, result: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const whole = (name: string, v: string | undefined, dflt: number) => wholeOption(USAGE, name, v, dflt);
  return {
    dir: values.dir ? path.resolve(values.dir) : path.join(REPO, '.bench'),
    jobs: whole('jobs', values.jobs, 10_000_000),
    repeat: whole('repeat', values.repeat, 1),
    quarter: values.quarter ?? '2026-Q3',
    phase: values.phase,
    result: values.result,
  };
}

const fail: (msg: string) => never = (msg) => usageFail(USAGE, msg);

// ---------------------------------------------------------------------------------------------
// Timing each SQL file

/** Seconds, CPU seconds (the whole process: DuckDB's threads too) and statements per SQL file (or other work: settings tables, periods, clusters). */
type Profile = Record<string, { seconds: number; cpuS: number; calls: number; rssGrowth: number }>;

/** The queries/ files, to know a statement by its text. */
function sqlFiles(): { name: string; body: string }[] {
  return fs.readdirSync(QUERIES_DIR).filter((f) => f.endsWith('.sql')).map((f) => {
    const name = f.slice(0, -4);
    return { name, body: loadSqlFile(name).sql.replace(/;\s*$/, '') };
  });
}

/**
 * The connection, with every run / runAndReadAll timed and put down to the queries/ file whose
 * text it is (materializeSqlFile wraps the text in a create table: containing it counts).
 */
function timedConnection(conn: DuckDBConnection, profile: Profile): DuckDBConnection {
  const files = sqlFiles();
  const nameOf = (sql: string) => {
    const f = files.find((x) => sql === x.body || sql.includes(x.body));
    if (f) return f.name;
    if (/temp\.main\.|create or replace temp (table|macro)/.test(sql)) return '(settings tables)';
    if (/select distinct cluster from jobs/.test(sql)) return '(clusters with jobs)';
    if (/timezone\(\$zone/.test(sql)) return '(period instants)';
    return '(other SQL)';
  };
  return new Proxy(conn, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (typeof v !== 'function') return v;
      if (prop !== 'run' && prop !== 'runAndReadAll') return v.bind(target);
      return async (...args: unknown[]) => {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const rss0 = process.resourceUsage().maxRSS;
        try {
          return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          const c = process.cpuUsage(c0);
          const name = nameOf(String(args[0]));
          const p = (profile[name] ??= { seconds: 0, cpuS: 0, calls: 0, rssGrowth: 0 });
          p.seconds += (performance.now() - t0) / 1000;
          p.cpuS += (c.user + c.system) / 1e6;
          p.calls++;
          // How much the process's peak RSS grew while it ran (KiB → bytes).
          p.rssGrowth += (process.resourceUsage().maxRSS - rss0) * 1024;
        }
      };
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Phases (each in a child process)

interface Outcome {
  phase: string;
  clusters: string[];
  /** In-process seconds: settings read → warehouse closed, the JSON written. */
  seconds: number;
  detail: { open_s: number; compute_s: number; write_s: number; close_s: number; json_bytes: number };
  profile: Profile;
  /** A few figures, to see the warehouse looks like a cluster. */
  facts: Record<string, Record<string, unknown>>;
  /** With --repeat: every run's seconds. */
  all?: number[];
}
type PhaseResult = Outcome & Measured;

async function runPhase(o: Options): Promise<Outcome | Manifest> {
  if (o.phase === 'generate') {
    log(`generate: a warehouse of ${fmtInt(o.jobs)} jobs in ${path.dirname(warehouseFile(o.dir, o.jobs))}`);
    return generateWarehouse(o.dir, o.jobs);
  }
  if (o.phase !== 'one' && o.phase !== 'all') fail(`--phase ${o.phase}: generate, one or all`);
  if (!readManifest(o.dir, o.jobs)) fail(`no generated warehouse of ${o.jobs} jobs in ${o.dir}; run without --phase first`);
  const out = path.join(o.dir, `figures-${o.jobs}-${o.quarter}-${o.phase}.json`);
  const profile: Profile = {};
  // As src/commands/figures.ts runs it (--config, --quarter, --cluster for `one`, --out).
  const t0 = performance.now();
  const settings = loadSettings(settingsFile(o.dir, o.jobs));
  const period = parsePeriod(o.quarter, settings.fiscalYearStartMonth);
  const wh = await openWarehouse(warehouseFile(o.dir, o.jobs), { readOnly: true });
  const t1 = performance.now();
  const conn = timedConnection(wh.conn, profile);
  const known = await clustersWithJobs(conn);
  const clusters = o.phase === 'one' ? [BIG_CLUSTER] : known;
  const figures = await computeFigures(conn, settings, period, clusters);
  const t2 = performance.now();
  const json = `${JSON.stringify(figures, null, 2)}\n`;
  writeFileAtomic(out, json);
  const t3 = performance.now();
  wh.close();
  const t4 = performance.now();
  const seconds = (t4 - t0) / 1000;
  log(`${o.phase}: ${clusters.join(', ')}: ${seconds.toFixed(2)} s (open ${((t1 - t0) / 1000).toFixed(2)}, figures ${((t2 - t1) / 1000).toFixed(2)}, ` +
    `JSON ${((t3 - t2) / 1000).toFixed(2)}, close ${((t4 - t3) / 1000).toFixed(2)}); ${out}`);
  return {
    phase: o.phase, clusters, seconds, profile, facts: facts(figures),
    detail: { open_s: (t1 - t0) / 1000, compute_s: (t2 - t1) / 1000, write_s: (t3 - t2) / 1000, close_s: (t4 - t3) / 1000, json_bytes: Buffer.byteLength(json) },
  };
}

function facts(f: Figures): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, c] of Object.entries(f.clusters)) {
    const demand = c.compute_demand.by_period[0] ?? {};
    const rel = c.reliability.by_period[0] ?? {};
    out[name] = {
      jobs: demand.jobs,
      users: demand.active_users,
      share_of_capacity: demand.share_of_capacity,
      growth: c.compute_demand.growth_over_previous,
      success_rate: rel.success_rate,
      availability: rel.availability,
      failing_keys: c.top_failing_jobs.length,
      top_failing: c.top_failing_jobs[0]?.job_key,
      memory_over_request: c.wasteful.memory_over_request.length,
      highlights: c.highlights.length,
    };
  }
  return out;
}

function runChild(o: Options, phase: string): Promise<PhaseResult> {
  const args = ['--dir', o.dir, '--jobs', String(o.jobs), '--quarter', o.quarter];
  return spawnPhase<Outcome>(fileURLToPath(import.meta.url), phase, args, o.dir);
}

// ---------------------------------------------------------------------------------------------
// Main: generate, run the phases, print the table

function report(o: Options, m: Manifest, one: PhaseResult, all: PhaseResult, totalS: number, load: { before: number; after: number }): string {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const lines: string[] = [];
  lines.push(`figures benchmark: ${o.quarter} over ${fmtInt(m.jobs)} jobs (warehouse ${fmtInt(m.bytes / MB)} MB); ${os.cpus().length} CPUs, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}, DuckDB ${duckdbVersion()}; load average ${load.before.toFixed(2)} before, ` +
    `${load.after.toFixed(2)} after${o.repeat > 1 ? `; best of ${o.repeat} runs` : ''}`);
  lines.push('');
  const rows = [['clusters', 'process s', 'target', '', 'figures s', 'peak RSS MB', 'target', '', 'other CPUs']];
  for (const r of [one, all]) {
    const judged = r === one;
    const rss = r.maxRss / MB;
    rows.push([
      r.clusters.join(' + '), r.wallS.toFixed(2), judged ? `< ${TARGET_S}` : '', judged ? verdict(r.wallS < TARGET_S) : '',
      r.detail.compute_s.toFixed(2), fmtInt(rss), judged ? `< ${fmtInt(TARGET_RSS_MB)}` : '', judged ? verdict(rss < TARGET_RSS_MB) : '',
      r.othersCpuS === undefined ? '?' : (r.othersCpuS / r.wallS).toFixed(2),
    ]);
  }
  lines.push(table(rows, (c) => c !== 0 && c !== 3 && c !== 7));
  lines.push('');
  for (const r of [one, all]) {
    lines.push(`${r.phase} (${r.clusters.join(' + ')}): ${r.seconds.toFixed(2)} s in process = open ${r.detail.open_s.toFixed(2)} + figures ${r.detail.compute_s.toFixed(2)} + ` +
      `JSON ${r.detail.write_s.toFixed(2)} (${fmtInt(r.detail.json_bytes / 1024)} KB) + close ${r.detail.close_s.toFixed(2)}; ${cpuNote(r)}`);
    if (o.repeat > 1) lines.push(`  runs (process s): ${r.all!.map((x) => x.toFixed(2)).join(', ')}; median ${median(r.all!).toFixed(2)}`);
  }
  lines.push('');
  lines.push(`per SQL file, ${one.clusters.join(' + ')} (fastest run; statements, seconds, CPU seconds of the process meanwhile, how much its peak RSS grew meanwhile; the rest of "figures s" is JavaScript):`);
  const prof = Object.entries(one.profile).sort((a, b) => b[1].seconds - a[1].seconds);
  const profAll = all.profile;
  lines.push(table([
    ['file', 'calls', 'seconds', 'share', 'CPU s', 'peak RSS +MB', 'both clusters s'],
    ...prof.map(([name, p]) => [name, String(p.calls), p.seconds.toFixed(3), `${((100 * p.seconds) / one.detail.compute_s).toFixed(1)}%`, p.cpuS.toFixed(2),
      fmtInt(p.rssGrowth / MB), (profAll[name]?.seconds ?? 0).toFixed(3)]),
  ]));
  lines.push('');
  for (const [name, f] of Object.entries(all.facts)) {
    const pct = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : '—');
    lines.push(`${name}: ${fmtInt(Number(f.jobs ?? 0))} jobs started in ${o.quarter} by ${fmtInt(Number(f.users ?? 0))} users, ${pct(f.share_of_capacity)} of capacity ` +
      `(${pct(f.growth)} over the quarter before), success ${pct(f.success_rate)}, availability ${pct(f.availability)}; ${f.failing_keys} failing jobs listed, ` +
      `${f.memory_over_request} memory over-requesters, ${f.highlights} highlights`);
  }
  lines.push(`warehouse: ${Object.entries(m.counts).map(([t, n]) => `${t} ${fmtInt(n)}`).join(', ')}; made in ${m.seconds.toFixed(0)} s`);
  lines.push('');
  lines.push(`process s = the phase's child process, spawn to exit (node start, settings, read-only open, computeFigures, JSON written, close), as \`gazette figures\` runs;`);
  lines.push(`figures s = computeFigures alone; peak RSS = maxRSS of the phase's process (MB = 2^20 bytes); other CPUs = CPUs other processes used on average meanwhile.`);
  const pass = one.wallS < TARGET_S && one.maxRss / MB < TARGET_RSS_MB;
  lines.push(`${pass ? 'All targets met.' : 'Some targets missed (MISS).'} Total ${totalS.toFixed(0)} s.`);
  return lines.join('\n') + '\n';
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  if (o.phase) {
    if (!o.result) fail('--phase needs --result FILE');
    writePhaseResult(o.result, await runPhase(o));
    return;
  }
  const t0 = performance.now();
  fs.mkdirSync(o.dir, { recursive: true });
  let m = readManifest(o.dir, o.jobs);
  if (m) log(`reusing the warehouse of ${fmtInt(o.jobs)} jobs in ${path.dirname(warehouseFile(o.dir, o.jobs))} (${fmtInt(m.bytes / MB)} MB)`);
  else {
    const g = await spawnPhase<Manifest>(fileURLToPath(import.meta.url), 'generate', ['--dir', o.dir, '--jobs', String(o.jobs)], o.dir);
    log(`generate: ${fmtInt(g.bytes / MB)} MB in ${g.seconds.toFixed(0)} s, peak RSS ${fmtInt(g.maxRss / MB)} MB`);
    m = readManifest(o.dir, o.jobs);
    if (!m) throw new Error('the generated warehouse has no valid manifest');
  }
  const loadBefore = os.loadavg()[0];
  const ones: PhaseResult[] = [];
  const alls: PhaseResult[] = [];
  for (let i = 0; i < o.repeat; i++) {
    const nth = o.repeat > 1 ? ` (run ${i + 1}/${o.repeat})` : '';
    log(`one: figures of ${BIG_CLUSTER}${nth}`);
    ones.push(await runChild(o, 'one'));
    log(`all: figures of every cluster${nth}`);
    alls.push(await runChild(o, 'all'));
  }
  // Judged on the process's time, spawn to exit: the fastest run by it.
  const one = fastest(ones, (r) => r.wallS);
  const all = fastest(alls, (r) => r.wallS);
  process.stdout.write(report(o, m, one, all, (performance.now() - t0) / 1000, { before: loadBefore, after: os.loadavg()[0] }));
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
