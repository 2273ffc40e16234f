/**
 * demo-hpc's /project file system (GPFS) as Open XDMoD's storage input: one record a month per
 * person with data there, on the 1st at midnight (America/New_York), usage in bytes. The thresholds
 * are the project's quota (its PI's), the same for every member of a team.
 */
import { months, periodEnd, periodStart } from './calendar.js';
import { HPC_TZ } from './hpc.js';
import type { Org } from './org.js';
import type { Rng } from './rng.js';
import { pad, zonedInstant } from './time.js';

export interface XdmodStorageRecord {
  resource: string;
  mountpoint: string;
  user: string;
  pi: string;
  dt: string;
  soft_threshold: number;
  hard_threshold: number;
  file_count: number;
  logical_usage: number;
  physical_usage: number;
}

const TB = 1e12;

/** Monthly files: [local date, records]. */
export function generateProjectStorage(r: Rng, org: Org): [string, XdmodStorageRecord[]][] {
  const start = periodStart(HPC_TZ);
  const end = periodEnd(HPC_TZ);
  const teams = org.teams.filter((t) => t.clusters.includes('hpc'));
  const people = teams.flatMap((t) => {
    const pi = [...t.users].sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name))[0].name;
    const soft = r.pick([20, 50, 50, 100, 200]) * TB;
    return t.users.filter(() => r.chance(0.5)).map((u) => ({
      u, pi, soft,
      bytes: r.logUniform(0.02, 6) * TB * Math.sqrt(u.weight),
      fileSize: r.logUniform(2e6, 6e7),
      overhead: r.logUniform(1.01, 1.06),
      growth: r.logUniform(1.0, 1.08),
    }));
  }).sort((a, b) => a.u.name.localeCompare(b.u.name));
  const out: [string, XdmodStorageRecord[]][] = [];
  for (const [y, m] of months()) {
    const at = zonedInstant(HPC_TZ, y, m, 1);
    const records: XdmodStorageRecord[] = [];
    for (const p of people) {
      if (p.u.joins * (end - start) + start > at) continue;
      // A month's growth, and now and then a clean-up.
      p.bytes *= r.chance(0.08) ? r.logUniform(0.5, 0.85) : p.growth * r.logUniform(0.97, 1.04);
      const logical = Math.min(Math.round(p.bytes), p.soft);
      records.push({
        resource: 'gpfs-project', mountpoint: '/project', user: p.u.name, pi: p.pi,
        dt: new Date(at).toISOString().replace('.000Z', 'Z'),
        soft_threshold: p.soft, hard_threshold: p.soft * 1.2,
        file_count: Math.max(1, Math.round(logical / p.fileSize)), logical_usage: logical, physical_usage: Math.round(logical * p.overhead),
      });
    }
    out.push([`${y}-${pad(m)}-01`, records]);
  }
  return out;
}

/** The file as a site's collection script writes it: a JSON array, one record a line. */
export function xdmodStorageJson(records: XdmodStorageRecord[]): string {
  return `[\n${records.map((x) => `  ${JSON.stringify(x)}`).join(',\n')}\n]\n`;
}
