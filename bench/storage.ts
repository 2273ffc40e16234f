/**
 * Storage benchmark: how fast `ingestFiles` rolls up a Delimited fsimage listing (the Offline
 * Image Viewer's `-p Delimited` output), against a bare DuckDB read of the same file (the floor),
 * and how much memory it takes.
 *
 *   npm run bench:storage                          # a listing of 10,000,000 entries
 *   npm run bench:storage -- --entries 1000000     # a quick run
 *   npm run bench:storage -- --scaling             # also the load's peak RSS at N/10 and N/2 entries
 *   npm run bench:storage -- --repeat 3 --depth 6  # fastest and median of 3; a deeper rollup
 *
 * It generates its listing (deterministic: a directory tree several levels deep, a few hundred
 * owners in a few dozen groups, files from empty to tens of GB, access times over years, a few
 * paths holding a tab) into the work dir (default .bench/ in the repo), reusing a listing already
 * generated with the same parameters (manifest.json beside it). A smaller listing is the first
 * entries of a larger one. Each measured phase runs in its own child process (`--phase floor`,
 * `--phase load`), so each has its own peak RSS (process.resourceUsage().maxRSS):
 *
 *   floor   one bare DuckDB statement: read_csv of the listing with the columns and types the
 *           fsimage reader uses, aggregated so every column is parsed, into a fresh database file
 *   load    openWarehouse + ingestFiles (--format fsimage) + close, into a fresh warehouse file;
 *           the pipeline's SHA-256 of the file, computed while it stages, is part of it (its time is also measured apart)
 *
 * With --repeat they take turns, so a machine that slows down for a while slows both; the CPU
 * other processes used meanwhile is reported, since it makes the timings mean little. Progress
 * goes to stderr; the result table to stdout.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { openWarehouse } from '../src/warehouse/open.js';
import { ingestFiles } from '../src/ingest/pipeline.js';
import { DELIMITED_COLUMNS, DELIMITED_TIME_FORMAT, fsimage } from '../src/ingest/fsimage.js';
import { DEFAULT_STORAGE, loadSettings } from '../src/settings.js';
import { prng, type Rng } from '../src/demo/rng.js';
import { MB, duckdbVersion, fastest, fmtInt, log, median, rmDb, spawnPhase, table, writePhaseResult, type Measured, usageFail, wholeOption } from './phases.js';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  dir: string;
  entries: number;
  scaling: boolean;
  depth: number;
  repeat: number;
  keep: boolean;
  phase?: string;
  /** With --phase: where the phase writes its result. */
  result?: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** dist/bench/storage.js → the repo root. */
const REPO = path.resolve(HERE, '..', '..');
const USAGE = `usage: node dist/bench/storage.js [--entries N] [--scaling] [--depth N] [--dir DIR] [--repeat N] [--keep]

  --entries N  entries (files, directories, symlinks) in the listing. Default 10000000.
  --scaling    also load listings of N/10 and N/2 entries, for peak RSS against size.
  --dir DIR    work dir for the generated listing and databases. Default <repo>/.bench
  --depth N    the rollup depth (storage.rollup_depth) the load uses. Default 3.
  --repeat N   run the floor and the load N times each and report the fastest (peak RSS: the highest). Default 1.
  --keep       keep the benchmark warehouse (default: deleted; listings are kept).`;

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dir: { type: 'string' }, entries: { type: 'string' }, depth: { type: 'string' }, repeat: { type: 'string' }, phase: { type: 'string' }, result: { type: 'string' },
        scaling: { type: 'boolean' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
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
    entries: whole('entries', values.entries, 10_000_000),
    repeat: whole('repeat', values.repeat, 1),
    depth: whole('depth', values.depth, DEFAULT_STORAGE.rollupDepth),
    scaling: values.scaling ?? false,
    keep: values.keep ?? false,
    phase: values.phase,
    result: values.result,
  };
}

const fail: (msg: string) => never = (msg) => usageFail(USAGE, msg);


// ---------------------------------------------------------------------------------------------
// The listing: deterministic, in the Offline Image Viewer's Delimited layout

const SEED = 20260930;
/** Bump when the generated content changes, so old listings are regenerated. */
const GENERATOR_VERSION = 1;
const CLUSTER = 'bench';
/** The zone the listing's times are written in (the JVM's that ran the Offline Image Viewer). */
const TIMEZONE = 'America/Chicago';
/** Dated by its name, as the fsimage reader expects. */
const LISTING_NAME = 'fsimage-2026-09-30.tsv';
const HEADER = 'Path\tReplication\tModificationTime\tAccessTime\tPreferredBlockSize\tBlocksCount\tFileSize\tNSQUOTA\tDSQUOTA\tPermission\tUserName\tGroupName';
/** Epoch 0 as the Offline Image Viewer prints it in Chicago: directories, and files whose access time was never recorded. */
const NO_ATIME = '1969-12-31 18:00';
const BLOCK = 128 * MB;

const FIRST_DAY = Date.UTC(2018, 0, 1);
const N_DAYS = (Date.UTC(2026, 8, 30) - FIRST_DAY) / 86400_000 + 1;
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const DAY_TEXT = Array.from({ length: N_DAYS }, (_, i) => new Date(FIRST_DAY + i * 86400_000).toISOString().slice(0, 10));
const HM_TEXT = Array.from({ length: 1440 }, (_, m) => `${pad(Math.floor(m / 60), 2)}:${pad(m % 60, 2)}`);

const SURNAMES = ['smith', 'garcia', 'chen', 'okafor', 'petrov', 'sato', 'muller', 'rossi', 'kim', 'nguyen', 'silva', 'kowalski', 'haddad', 'novak', 'ivanova', 'larsen', 'dubois', 'moreau', 'tanaka', 'patel'];
const TEAMS = ['ads', 'search', 'risk', 'payments', 'growth', 'ml', 'analytics', 'logistics', 'finance', 'marketing', 'fraud', 'catalog', 'pricing', 'identity', 'mobile', 'web', 'infra', 'security', 'support', 'hr'];
const SERVICES = ['svc_etl', 'svc_ingest', 'svc_reporting', 'svc_ml', 'hive', 'spark', 'oozie', 'airflow'];
const WORDS = ['report', 'sample', 'model', 'features', 'export', 'notes', 'scores', 'events', 'dump', 'training', 'eval', 'query', 'draft', 'result'];
const EXTS = ['csv', 'parquet', 'json', 'txt', 'orc', 'avro', 'tar.gz', 'pkl', 'ipynb', 'log'];

/** Who: a few hundred people in a few dozen groups, and the service accounts. */
function people(r: Rng): { users: string[]; groupOf: Map<string, string>; groups: string[] } {
  const groups = TEAMS.flatMap((t) => [t, `${t}-eng`]);
  const users: string[] = [];
  const groupOf = new Map<string, string>();
  while (users.length < 320) {
    const u = 'abcdefghijklmnoprstvwy'[r.int(0, 21)] + r.pick(SURNAMES) + (r.chance(0.4) ? r.int(1, 99) : '');
    if (groupOf.has(u)) continue;
    users.push(u);
    groupOf.set(u, r.pick(groups));
  }
  for (const s of SERVICES) groupOf.set(s, 'hadoop');
  return { users, groupOf, groups };
}

/** Writes the listing's lines in large chunks. */
class ListingWriter {
  entries = 0;
  private chunk: string[] = [];
  private chars = 0;
  constructor(private fd: number, private limit: number) {}
  get full() {
    return this.entries >= this.limit;
  }
  line(text: string) {
    if (this.full) return;
    this.chunk.push(text);
    this.chars += text.length;
    this.entries++;
    if (this.chars > 4 * MB) this.flush();
  }
  flush() {
    if (this.chunk.length) fs.writeSync(this.fd, this.chunk.join('\n') + '\n');
    this.chunk = [];
    this.chars = 0;
  }
}

/**
 * Generate a listing of `entries` entries into `file`. The tree does not depend on `entries`:
 * a smaller listing is the first lines of a larger one.
 */
function generateListing(out: string, entries: number): number {
  const r = prng(SEED);
  const { users, groupOf, groups } = people(r);
  const fd = fs.openSync(out, 'w');
  const w = new ListingWriter(fd, entries);
  fs.writeSync(fd, HEADER + '\n');
  const time = (day: number, minute = r.int(0, 1439)) => `${DAY_TEXT[Math.max(0, Math.min(N_DAYS - 1, day))]} ${HM_TEXT[minute]}`;
  const seen = new Set<string>();
  const dir = (p: string, owner: string, group: string, day: number, perm = 'drwxr-xr-x', quota = '-1\t-1') => {
    if (seen.has(p)) return;
    const parent = p.slice(0, p.lastIndexOf('/')) || '/';
    if (p !== '/') dir(parent, parent.split('/').length > 2 ? owner : 'hdfs', parent.split('/').length > 2 ? group : 'supergroup', day);
    seen.add(p);
    w.line(`${p}\t0\t${time(day)}\t${NO_ATIME}\t0\t0\t0\t${quota}\t${perm}\t${owner}\t${group}`);
  };
  /** A file modified on `day`; read since then as `heat` says (1: read today, 0: never since). */
  const file = (p: string, size: number, owner: string, group: string, modified: number, heat: number, rep = 3, perm = '-rw-r--r--') => {
    const s = Math.round(size);
    const day = Math.min(modified, N_DAYS - 1);
    const read = Math.pow(r.next(), 0.2 + 4 * (1 - heat)); // 0: not read since written, 1: read today
    const atime = r.chance(0.02) ? NO_ATIME : time(day + Math.floor(read * (N_DAYS - 1 - day)));
    w.line(`${p}\t${rep}\t${time(day)}\t${atime}\t${BLOCK}\t${Math.ceil(s / BLOCK)}\t${s}\t0\t0\t${perm}\t${owner}\t${group}`);
  };
  const recentDay = () => N_DAYS - 1 - Math.floor(Math.pow(r.next(), 2.5) * N_DAYS);

  dir('/', 'hdfs', 'supergroup', 0, 'drwxr-xr-x', '9223372036854775807\t-1');
  for (const u of users) dir(`/user/${u}`, u, groupOf.get(u)!, r.int(0, N_DAYS - 1), 'drwx------', `1000000\t${r.int(1, 50) * 1024 * 1024 * MB}`);
  const dbs = Array.from({ length: 24 }, (_, i) => `${r.pick(TEAMS)}_${['dw', 'mart', 'raw', 'stage'][i % 4]}`);
  const tables = dbs.flatMap((db) => Array.from({ length: 25 }, (_, i) => ({ db, name: `${r.pick(WORDS)}_${r.pick(['daily', 'hourly', 'snapshot', 'agg'])}_${i}`, owner: r.chance(0.6) ? 'hive' : r.pick(SERVICES) })));
  const datasets = Array.from({ length: 160 }, (_, i) => ({ team: TEAMS[i % TEAMS.length], name: `${r.pick(WORDS)}-${r.pick(['clicks', 'orders', 'events', 'sessions', 'ledger', 'crawl'])}-${i}` }));
  let appSeq = 0;
  let tabbed = 0;
  while (!w.full) {
    const k = r.next();
    if (k < 0.3) {
      // A Hive partition: parquet parts, hotter when recent.
      const t = r.pick(tables);
      const day = recentDay();
      const p = `/apps/hive/warehouse/${t.db}.db/${t.name}/dt=${DAY_TEXT[day]}`;
      dir(p, t.owner, 'hadoop', day);
      const heat = day / N_DAYS;
      for (let i = 0, n = 1 + r.poisson(12); i < n; i++) file(`${p}/part-${pad(i, 5)}-${r.hex(8)}-c000.snappy.parquet`, r.logUniform(64e3, 1.2e9), t.owner, 'hadoop', day, heat);
    } else if (k < 0.55) {
      // A data lake day: gzip parts and a _SUCCESS marker (0 bytes, no blocks).
      const d = r.pick(datasets);
      const day = recentDay();
      const [y, m, dd] = DAY_TEXT[day].split('-');
      const p = `/data/${d.team}/${d.name}/year=${y}/month=${m}/day=${dd}`;
      const owner = r.pick(['svc_ingest', 'svc_etl']);
      dir(p, owner, d.team, day, 'drwxr-x---');
      const heat = Math.pow(day / N_DAYS, 3);
      for (let i = 0, n = r.int(1, 40); i < n; i++) file(`${p}/part-${pad(i, 5)}.gz`, r.logUniform(1e6, 2.5e9), owner, d.team, day, heat, 3, '-rw-r-----');
      file(`${p}/_SUCCESS`, 0, owner, d.team, day, 0.1, 3, '-rw-r-----');
    } else if (k < 0.75) {
      // Aggregated YARN logs: many small files, rarely read.
      const u = r.chance(0.3) ? r.pick(SERVICES) : r.pick(users);
      const day = N_DAYS - 1 - r.int(0, 720);
      const p = `/app-logs/${u}/logs-tfile/application_${1_700_000_000_000 + day * 86400_000}_${pad(++appSeq % 100_000, 5)}`;
      dir(p, u, 'hadoop', day, 'drwxrwx---');
      for (let i = 0, n = r.int(1, 40); i < n; i++) file(`${p}/worker${pad(r.int(1, 480), 3)}.dc1.example.com_8041`, r.logUniform(200, 1.5e8), u, 'hadoop', day, 0.05, 3, '-rw-r-----');
    } else if (k < 0.9) {
      // A home directory's project: anything from notes to model dumps; some empty directories.
      const u = r.pick(users);
      const g = groupOf.get(u)!;
      const day = r.int(0, N_DAYS - 1);
      const p = `/user/${u}/${r.pick(WORDS)}${r.int(1, 9)}/${r.pick(['in', 'out', 'tmp', 'v1', 'v2', 'old'])}${r.chance(0.3) ? `/${r.pick(WORDS)}` : ''}`;
      dir(p, u, g, day, 'drwxr-x---');
      const n = r.chance(0.08) ? 0 : r.int(1, 30);
      for (let i = 0; i < n; i++) {
        const size = r.chance(0.45) ? r.logUniform(10, 1e6) : r.chance(0.9) ? r.logUniform(1e6, 2e9) : r.logUniform(2e9, 5e10);
        // Now and then a name with a tab in it (pasted from a spreadsheet): the reader must put it back together.
        const name = tabbed < w.entries / 1_000_000 && r.chance(0.01) ? (tabbed++, `${r.pick(WORDS)}\tcopy ${i}.${r.pick(EXTS)}`) : `${r.pick(WORDS)}_${i}.${r.pick(EXTS)}`;
        file(`${p}/${name}`, size, u, r.chance(0.1) ? r.pick(groups) : g, day + r.int(0, 30), r.next(), r.pick([1, 2, 3, 3, 3, 3]), r.chance(0.05) ? '-rw-rw----+' : '-rw-r-----');
      }
      if (r.chance(0.002)) w.line(`${p}/latest\t0\t${time(day)}\t${time(day)}\t0\t0\t0\t0\t0\t-rwxrwxrwx\t${u}\t${g}`); // a symlink
    } else if (k < 0.95) {
      // Hive scratch space: small, recent, read once.
      const u = r.pick(users);
      const day = N_DAYS - 1 - r.int(0, 30);
      const p = `/tmp/hive/${u}/${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}/_tmp_space.db`;
      dir(p, u, 'hadoop', day, 'drwx-wx-wx');
      for (let i = 0, n = r.int(1, 8); i < n; i++) file(`${p}/${r.hex(16)}`, r.logUniform(10, 5e6), u, 'hadoop', day, 1, 3, '-rw-r--r--');
    } else if (k < 0.96) {
      // Backups: a few huge files, replication 2, never read.
      const day = r.int(0, N_DAYS - 1);
      const system = r.pick(['mysql-orders', 'postgres-crm', 'ldap', 'kafka-mirror', 'es-snapshots']);
      const p = `/backup/${system}/${DAY_TEXT[day]}`;
      dir(p, 'svc_etl', 'hadoop', day, 'drwx------');
      for (let i = 0, n = r.int(1, 4); i < n; i++) file(`${p}/${system}-${i}.tar.zst`, r.logUniform(1e9, 6.4e10), 'svc_etl', 'hadoop', day, 0.01, 2, '-rw-------');
    } else {
      // Spark event logs: one flat directory of many files.
      const day = N_DAYS - 1 - r.int(0, 90);
      dir('/spark-history', 'spark', 'spark', day, 'drwxrwxrwt');
      for (let i = 0, n = r.int(5, 60); i < n; i++) file(`/spark-history/application_${1_700_000_000_000 + day * 86400_000}_${pad(++appSeq % 100_000, 5)}`, r.logUniform(1e4, 5e8), r.pick(users), 'spark', day, 0.3, 3, '-rwxrwx---');
    }
  }
  w.flush();
  fs.closeSync(fd);
  return w.entries;
}

// ---------------------------------------------------------------------------------------------
// Listings and their manifest

interface Listing {
  entries: number;
  file: string;
  size: number;
}

const listingDir = (o: Options, entries: number) => path.join(o.dir, 'data', `fsimage-${entries}`);

function readManifest(o: Options, entries: number): Listing | undefined {
  const dir = listingDir(o, entries);
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const file = path.join(dir, LISTING_NAME);
    if (m.generator !== GENERATOR_VERSION || m.seed !== SEED || m.entries !== entries || fs.statSync(file).size !== m.size) return undefined;
    return { entries, file, size: m.size };
  } catch {
    return undefined;
  }
}

/** The listing of `entries` entries: reused, cut from a larger one already generated, or generated. */
async function ensureListing(o: Options, entries: number, larger?: Listing): Promise<Listing> {
  const have = readManifest(o, entries);
  if (have) {
    log(`reusing ${path.relative(process.cwd(), have.file) || have.file} (${fmtInt(entries)} entries, ${fmtInt(have.size / MB)} MB)`);
    return have;
  }
  const dir = listingDir(o, entries);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LISTING_NAME);
  const t0 = performance.now();
  if (larger) {
    log(`cutting the first ${fmtInt(entries)} entries of ${larger.file}`);
    await copyLines(larger.file, file, entries + 1);
  } else {
    log(`generating a listing of ${fmtInt(entries)} entries into ${file}`);
    const n = generateListing(file, entries);
    if (n !== entries) throw new Error(`generated ${n} entries, not ${entries}`);
  }
  const size = fs.statSync(file).size;
  log(`${fmtInt(entries)} entries, ${fmtInt(size / MB)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Written last: an interrupted generation has no manifest and is redone.
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ generator: GENERATOR_VERSION, seed: SEED, entries, size }, null, 1));
  return { entries, file, size };
}

/** Copy the first `lines` lines of `from` to `to`. */
async function copyLines(from: string, to: string, lines: number): Promise<void> {
  const out = fs.openSync(to, 'w');
  let left = lines;
  try {
    for await (const chunk of fs.createReadStream(from, { highWaterMark: 4 * MB })) {
      const b = chunk as Buffer;
      let end = 0;
      while (left > 0 && end < b.length) {
        const nl = b.indexOf(10, end);
        if (nl < 0) {
          end = b.length;
          break;
        }
        end = nl + 1;
        left--;
      }
      fs.writeSync(out, b.subarray(0, end));
      if (left === 0) break;
    }
  } finally {
    fs.closeSync(out);
  }
}

// ---------------------------------------------------------------------------------------------
// Phases (each in a child process)

interface PhaseResult extends Measured {
  phase: string;
  entries: number;
  seconds: number;
  /** CPU seconds the phase's process used in the timed part. */
  timedCpuS?: number;
  rows?: number;
  rejects?: number;
  status?: string;
  detail?: Record<string, number>;
  /** With --repeat: every run's seconds. */
  all?: number[];
}

const sqlStr = (s: string) => `'${s.replace(/'/g, "''")}'`;

const cpuSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

async function runPhase(o: Options): Promise<Omit<PhaseResult, keyof Measured>> {
  const listing = readManifest(o, o.entries);
  if (!listing) fail(`no generated listing of ${o.entries} entries in ${o.dir}; run without --phase first`);
  if (o.phase === 'floor') {
    // The same reader options and column types as the fsimage reader, every column aggregated.
    const types = DELIMITED_COLUMNS.map(([n, t]) => `${sqlStr(n)}: ${sqlStr(t)}`).join(', ');
    // max() is the cheapest aggregate that needs every value (strlen: a string's byte length, without reading it).
    const aggregates = DELIMITED_COLUMNS.map(([n, t], i) => (t === 'VARCHAR' ? `max(strlen("${n}"))` : `max("${n}")`) + ` as c${i}`);
    const sql = `create table t as select count(*) as n, ${aggregates.join(', ')}
      from read_csv(${sqlStr(listing.file)}, delim = '\t', header = true, quote = '', escape = '', auto_detect = false,
                    columns = {${types}}, timestampformat = ${sqlStr(DELIMITED_TIME_FORMAT)}, ignore_errors = true)`;
    const db = path.join(o.dir, `floor-${o.entries}.duckdb`);
    rmDb(db);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const instance = await DuckDBInstance.create(db);
    const conn = await instance.connect();
    await conn.run(sql);
    const rows = Number((await conn.runAndReadAll(`select n from t`)).getRows()[0][0]);
    conn.closeSync();
    instance.closeSync();
    const seconds = (performance.now() - t0) / 1000;
    const timedCpuS = cpuSince(c0);
    rmDb(db);
    log(`floor: ${fmtInt(rows)} entries in ${seconds.toFixed(2)} s`);
    return { phase: 'floor', entries: o.entries, seconds, rows, timedCpuS };
  }
  if (o.phase !== 'load') fail(`--phase ${o.phase}: floor or load`);
  const db = path.join(o.dir, `warehouse-fsimage-${o.entries}.duckdb`);
  rmDb(db);
  // Built-in defaults (but --depth), whatever gazette.yaml lies around.
  const defaults = loadSettings(undefined, path.dirname(listing.file));
  const settings = { ...defaults, storage: { ...defaults.storage, rollupDepth: o.depth } };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const wh = await openWarehouse(db);
  const openS = (performance.now() - t0) / 1000;
  const ti = performance.now();
  const [r] = await ingestFiles(wh, [listing.file], {
    source: fsimage,
    cluster: CLUSTER,
    timezone: TIMEZONE,
    settings,
    warn: (msg) => log(`load: warning: ${msg}`),
  });
  const ingestS = (performance.now() - ti) / 1000;
  const rows = Number((await wh.conn.runAndReadAll(`select count(*) from storage_rollups`)).getRows()[0][0]);
  const tc = performance.now();
  wh.close();
  const closeS = (performance.now() - tc) / 1000;
  const seconds = openS + ingestS + closeS;
  const timedCpuS = cpuSince(c0);
  if (r.status !== 'loaded') log(`load: ${r.status}: ${r.message}`);
  // Not part of the measured time: how long the pipeline's SHA-256 of the file (done while staging) takes on its own.
  const th = performance.now();
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(listing.file, { highWaterMark: 4 * MB })) hash.update(chunk as Buffer);
  hash.digest();
  const shaS = (performance.now() - th) / 1000;
  log(`load: ${r.status}, ${fmtInt(r.rowsRead)} entries read, ${fmtInt(rows)} rollup rows, ${fmtInt(r.rejects)} rejects in ${seconds.toFixed(2)} s`);
  if (!o.keep) rmDb(db);
  return { phase: 'load', entries: r.rowsRead, seconds, timedCpuS, rows, rejects: r.rejects, status: r.status, detail: { open_s: openS, ingest_s: ingestS, close_s: closeS, sha256_s: shaS } };
}

/** Run a phase in a child process (phases.ts). */
function runChild(o: Options, phase: string, entries: number): Promise<PhaseResult> {
  const args = ['--dir', o.dir, '--entries', String(entries), '--depth', String(o.depth), ...(o.keep ? ['--keep'] : [])];
  return spawnPhase<Omit<PhaseResult, keyof Measured>>(fileURLToPath(import.meta.url), phase, args, o.dir);
}

/** Floor and load `runs` times, taking turns (a machine that slows down for a while slows both). */
async function floorAndLoad(o: Options, entries: number, runs: number): Promise<{ floor: PhaseResult; load: PhaseResult }> {
  const floors: PhaseResult[] = [];
  const loads: PhaseResult[] = [];
  for (let i = 0; i < runs; i++) {
    const nth = runs > 1 ? ` (run ${i + 1}/${runs})` : '';
    log(`floor: bare DuckDB read of ${fmtInt(entries)} entries${nth}`);
    floors.push(await runChild(o, 'floor', entries));
    log(`load: ${fmtInt(entries)} entries into a fresh warehouse${nth}`);
    loads.push(await runChild(o, 'load', entries));
  }
  return { floor: fastest(floors), load: fastest(loads) };
}

// ---------------------------------------------------------------------------------------------
// Main: generate, run the phases, print the table

const TARGET_RATIO = 2;
const TARGET_RSS_MB = 2048;
/** The machine size the scaling estimate is for. */
const MACHINE_GB = 24;

function report(o: Options, listing: Listing, floor: PhaseResult, load: PhaseResult, scaling: PhaseResult[], totalS: number): string {
  const ratio = load.seconds / floor.seconds;
  const rss = load.maxRss / MB;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const lines: string[] = [];
  const duckdb = duckdbVersion();
  lines.push(`storage benchmark: fsimage Delimited listing of ${fmtInt(listing.entries)} entries (${fmtInt(listing.size / MB)} MB); ${os.cpus().length} CPUs, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}, DuckDB ${duckdb}${o.repeat > 1 ? `; best of ${o.repeat} runs` : ''}`);
  lines.push('');
  lines.push(table([
    ['', 'seconds', 'entries/s', 'ratio', 'target', '', 'peak RSS MB', 'target', ''],
    ['floor', floor.seconds.toFixed(2), fmtInt(listing.entries / floor.seconds), '', '', '', fmtInt(floor.maxRss / MB), '', ''],
    ['load', load.seconds.toFixed(2), fmtInt(listing.entries / load.seconds), ratio.toFixed(2), `<= ${TARGET_RATIO}`, verdict(ratio <= TARGET_RATIO),
      fmtInt(rss), `< ${fmtInt(TARGET_RSS_MB)}`, verdict(rss < TARGET_RSS_MB)],
  ]));
  lines.push('');
  lines.push(`load: ${load.status}; ${fmtInt(load.entries)} entries read, ${fmtInt(load.rows ?? 0)} rollup rows, ${fmtInt(load.rejects ?? 0)} rejected; ` +
    `process used ${(load.timedCpuS! / load.seconds).toFixed(2)} CPUs (floor ${(floor.timedCpuS! / floor.seconds).toFixed(2)}); ` +
    `other processes ${((load.othersCpuS ?? NaN) / load.wallS).toFixed(2)} CPUs meanwhile (floor ${((floor.othersCpuS ?? NaN) / floor.wallS).toFixed(2)})`);
  const d = load.detail ?? {};
  lines.push(`load: ${load.seconds.toFixed(2)} s = open ${(d.open_s ?? 0).toFixed(2)} + ingestFiles ${(d.ingest_s ?? 0).toFixed(2)} + close ${(d.close_s ?? 0).toFixed(2)}; ` +
    `ingestFiles hashes the file (SHA-256) while staging it (${(d.sha256_s ?? 0).toFixed(2)} s on its own, measured apart)`);
  if (o.repeat > 1) {
    const [f, l] = [median(floor.all!), median(load.all!)];
    lines.push(`runs (s): floor ${floor.all!.map((x) => x.toFixed(2)).join(', ')}; load ${load.all!.map((x) => x.toFixed(2)).join(', ')}; ` +
      `medians: floor ${f.toFixed(2)}, load ${l.toFixed(2)}, ratio ${(l / f).toFixed(2)}`);
  }
  if (scaling.length) {
    lines.push('');
    lines.push(table([
      ['entries', 'load s', 'entries/s', 'peak RSS MB'],
      ...scaling.map((s) => [fmtInt(s.entries), s.seconds.toFixed(2), fmtInt(s.entries / s.seconds), fmtInt(s.maxRss / MB)]),
    ]));
    // Peak RSS against entries, a straight line through the smallest and largest runs.
    const [a, b] = [scaling[0], scaling[scaling.length - 1]];
    const perEntry = (b.maxRss - a.maxRss) / (b.entries - a.entries);
    const fixed = a.maxRss - perEntry * a.entries;
    const budget = MACHINE_GB * 2 ** 30 * 0.8; // DuckDB's default memory_limit is 80% of RAM
    const fits = perEntry > 0 ? (budget - fixed) / perEntry : Infinity;
    lines.push(`peak RSS ≈ ${fmtInt(fixed / MB)} MB + ${(perEntry).toFixed(1)} bytes per entry; ` +
      (Number.isFinite(fits) ? `a ${MACHINE_GB} GB machine (80% of it for DuckDB) holds the load of about ${fmtInt(fits / 1e6)} million entries at this rate` : 'it does not grow with the entries here'));
  }
  lines.push('');
  lines.push(`ratio = load s / floor s. floor: one DuckDB read_csv of the listing with the reader's column types, every column aggregated, into a fresh file database;`);
  lines.push(`load: openWarehouse + ingestFiles (--format fsimage, rollup depth ${o.depth}, small files < 1 MiB) + close on a fresh warehouse; peak RSS = maxRSS of its own process.`);
  const loaded = load.status === 'loaded' && scaling.every((s) => s.status === 'loaded');
  lines.push(`${!loaded ? 'The load FAILED (see above): the figures mean nothing.' : ratio <= TARGET_RATIO && rss < TARGET_RSS_MB ? 'All targets met.' : 'Some targets missed (MISS).'} Total ${totalS.toFixed(0)} s.`);
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
  const listing = await ensureListing(o, o.entries);
  const smaller = o.scaling ? [...new Set([Math.ceil(o.entries / 10), Math.ceil(o.entries / 2)])].filter((n) => n < o.entries) : [];
  for (const n of smaller) await ensureListing(o, n, listing);
  const { floor, load } = await floorAndLoad(o, o.entries, o.repeat);
  const scaling: PhaseResult[] = [];
  for (const n of smaller) {
    log(`load: ${fmtInt(n)} entries (scaling)`);
    scaling.push(await runChild(o, 'load', n));
  }
  if (scaling.length) scaling.push(load);
  process.stdout.write(report(o, listing, floor, load, scaling, (performance.now() - t0) / 1000));
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
