/**
 * Measured phases, shared by the benchmarks: each phase runs in a child process of the
 * benchmark's own script (`--phase NAME --result FILE …`), so the peak RSS it reports
 * (process.resourceUsage().maxRSS) is that phase's alone and no phase warms or pollutes another.
 *
 *   parent:  const r = await spawnPhase<MyResult>(script, 'load', ['--dir', dir], dir);
 *   child:   writePhaseResult(resultFile, await runMyPhase());
 *
 * The child's stdout goes to the parent's stderr (the parent's stdout is its result table), its
 * stderr is the parent's. The CPU other processes used while the phase ran is measured (Linux
 * /proc/stat) and reported, since a busy machine makes timings mean little.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { version as duckdbVersionOf } from '@duckdb/node-api';

/** What the parent learns about every phase besides its own result. */
export interface Measured {
  /** Peak RSS of the phase's process, bytes. */
  maxRss: number;
  /** CPU seconds the phase's process used (all of it, start-up included). */
  cpuS: number;
  /** Wall seconds of the child process, spawn to exit. */
  wallS: number;
  /** CPU seconds other processes on the machine used meanwhile (Linux only). */
  othersCpuS?: number;
}

export const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
/** Whole numbers as 1,234 (one formatter made up front: the first toLocaleString loads ICU's data, ~20 ms inside a timed phase). */
const INT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const fmtInt = (n: number) => INT_FORMAT.format(Math.round(n));
export const MB = 1048576;

export function duckdbVersion(): string {
  try {
    return duckdbVersionOf();
  } catch {
    return '?'; // an older client without version()
  }
}

/** Delete a DuckDB database file and what goes with it. */
export function rmDb(p: string): void {
  for (const x of [p, `${p}.wal`, `${p}.tmp`]) fs.rmSync(x, { recursive: true, force: true });
}

/** CPU seconds the whole machine has been busy (Linux /proc/stat: user, nice, system, irq, softirq), or undefined. */
export function machineBusyS(): number | undefined {
  try {
    const [user, nice, system, , , irq, softirq] = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq;
    return Number.isFinite(busy) ? busy / 100 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** In the phase's child process: its result, with the process's peak RSS and CPU, into the file the parent named. */
export function writePhaseResult(file: string, result: object): void {
  const ru = process.resourceUsage();
  const measured: Omit<Measured, 'wallS'> = { maxRss: ru.maxRSS * 1024, cpuS: (ru.userCPUTime + ru.systemCPUTime) / 1e6 };
  fs.writeFileSync(file, JSON.stringify({ ...result, ...measured }));
}

/**
 * Run `node script --phase phase --result FILE …args` and return the result it wrote, measured.
 * The result file is made in `dir` and removed. A phase that exits with an error, or writes no
 * result, rejects.
 */
export function spawnPhase<R extends object>(script: string, phase: string, args: string[], dir: string): Promise<R & Measured> {
  const resultFile = path.join(dir, `phase-result-${process.pid}.json`);
  fs.rmSync(resultFile, { force: true });
  const busy0 = machineBusyS();
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, '--phase', phase, '--result', resultFile, ...args], { stdio: ['ignore', 2, 'inherit'] });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallS = (performance.now() - t0) / 1000;
      const busy1 = machineBusyS();
      if (code !== 0 || !fs.existsSync(resultFile)) {
        fs.rmSync(resultFile, { force: true });
        reject(new Error(`phase ${phase} exited with ${signal ?? code}${code === 0 ? ' and no result' : ''}`));
        return;
      }
      const r = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as R & Measured;
      fs.rmSync(resultFile);
      r.wallS = wallS;
      if (busy0 !== undefined && busy1 !== undefined) r.othersCpuS = Math.max(0, busy1 - busy0 - r.cpuS);
      if (r.othersCpuS !== undefined && r.othersCpuS / wallS > 0.1) {
        log(`${phase}: note: other processes used ${(r.othersCpuS / wallS).toFixed(2)} CPUs on average meanwhile; timings may be disturbed`);
      }
      resolve(r);
    });
  });
}

/** The fastest of a phase's runs (by `seconds`, or `by`), with the highest peak RSS of them and every run's time. */
export function fastest<R extends { seconds: number; maxRss: number }>(runs: R[], by: (r: R) => number = (r) => r.seconds): R & { all: number[] } {
  const best = runs.reduce((a, b) => (by(b) < by(a) ? b : a));
  return { ...best, maxRss: Math.max(...runs.map((r) => r.maxRss)), all: runs.map(by) };
}

/** The median of some numbers (the lower middle one for an even count). */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
}

/** A phase's own CPU use and other processes' (noise) while it ran, as average CPUs busy. */
export function cpuNote(r: Measured): string {
  if (!r.wallS) return '';
  const others = r.othersCpuS === undefined ? '' : `, other processes ${(r.othersCpuS / r.wallS).toFixed(2)} CPUs`;
  return `process used ${(r.cpuS / r.wallS).toFixed(2)} CPUs${others}`;
}

/** A plain text table; the first row is the header. Columns are right-aligned where `right` says so. */
export function table(rows: string[][], right: (c: number) => boolean = (c) => c > 0): string {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (right(c) ? cell.padStart(w[c]) : cell.padEnd(w[c]))).join('  ').trimEnd()).join('\n');
}

/** A bench's usage error: the message, then the usage; exit 2. */
export function usageFail(usage: string, msg: string): never {
  process.stderr.write(`bench: ${msg}\n${usage}\n`);
  process.exit(2);
}

/** The value of a --NAME option that must be a positive whole number (1_000 and 1,000 read too); dflt when absent. */
export function wholeOption(usage: string, name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) usageFail(usage, `--${name} ${v}: a positive whole number`);
  return n;
}
