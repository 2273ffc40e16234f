/**
 * demo-hpc: a Slurm cluster's jobs over the demo period, with job steps, arrays, GPUs, and the ways
 * HPC jobs end (COMPLETED, FAILED, CANCELLED by a uid, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL).
 * Planted: a user who requests ten times the memory their jobs use, one whose time limits are far
 * above their run times, and the rack power loss of 2026-09-09 (NODE_FAIL).
 */
import { days, periodEnd, periodStart, quartersSince } from './calendar.js';
import { INCIDENTS, incidentWindow } from './incidents.js';
import { STORY_USERS, type Org, type User } from './org.js';
import { prng, type Rng } from './rng.js';
import { ambiguousLocal, localTime, pad, zonedInstant } from './time.js';

export const HPC_TZ = 'America/New_York';
export const HPC_CLUSTER = 'demo-hpc';

export interface Partition {
  name: string;
  prefix: string;
  nodes: number;
  cpus: number;
  memGB: number;
  gpus: number;
}
export const PARTITIONS: Partition[] = [
  { name: 'cpu', prefix: 'cn', nodes: 36, cpus: 48, memGB: 384, gpus: 0 },
  { name: 'bigmem', prefix: 'bm', nodes: 4, cpus: 48, memGB: 1536, gpus: 0 },
  { name: 'gpu', prefix: 'gpu', nodes: 8, cpus: 32, memGB: 512, gpus: 4 },
];
/** Four GPU nodes were added on this local date. */
export const GPU_EXPANSION = { year: 2026, month: 1, day: 12, nodes: 4 };
/** Nodes lost in the rack C power loss (their jobs end NODE_FAIL). */
const RACK_C = { from: 25, to: 36 };

export interface Step {
  /** `batch`, `extern`, or a step number */
  id: string;
  name: string;
  start: number;
  end: number;
  maxRssKB: number;
  cpuSeconds: number;
  nodes: number;
  cpus: number;
}

export interface SlurmJob {
  jobId: string;
  rawId: number;
  user: string;
  account: string;
  partition: string;
  submit: number;
  start: number;
  end: number;
  /** final state as the last dump prints it */
  state: string;
  exit: string;
  nodes: number;
  cpus: number;
  reqMemMB: number;
  gpus: number;
  gpuType?: string;
  limitS: number;
  nodeList: string;
  name: string;
  steps: Step[];
  comment: string;
  story?: 'memory-hog' | 'time-hog' | 'bad-line';
}

interface Profile {
  partition: Partition;
  cpus: number[];
  nodes: number;
  /** requested ÷ used memory */
  memFactor: number;
  /** time limit ÷ typical run time */
  limitFactor: number;
  runS: number;
  names: string[];
  app: string;
  arrays: number;
}

const APPS = ['gmx_mpi', 'lmp', 'vasp_std', 'cp2k.psmp', 'python', 'orca', 'namd2', 'wrf.exe', 'julia', 'Rscript', 'bwa', 'torchrun', 'matlab'];
const NAMES = ['md_equil', 'relax', 'scan', 'opt_geom', 'nbody_run', 'sim_run', 'fit_model', 'train_resnet', 'hp_search', 'post_proc', 'assemble', 'qc_reads', 'mesh_refine', 'ensemble', 'bootstrap'];

function profileOf(u: User): Profile {
  const r = prng(u.name.split('').reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261));
  const gpuTeam = ['deep-learning', 'nlp-research', 'vision-lab', 'protein-folding', 'neuroimaging'].includes(u.team.name);
  const partition = gpuTeam && r.chance(0.8) ? PARTITIONS[2] : r.chance(0.08) ? PARTITIONS[1] : PARTITIONS[0];
  const app = r.pick(APPS);
  return {
    partition,
    cpus: partition.gpus ? [8, 16, 32] : r.pick([[1, 2, 4], [8, 16], [16, 32, 48], [48]]),
    nodes: partition.name === 'cpu' && r.chance(0.25) ? r.pick([2, 4, 8]) : 1,
    memFactor: r.logUniform(1.2, 3),
    limitFactor: r.logUniform(1.4, 4),
    runS: r.logUniform(1200, 36 * 3600),
    names: [r.pick(NAMES), r.pick(NAMES)],
    app,
    arrays: r.chance(0.3) ? 0.3 : 0.03,
  };
}

export function generateHpc(r: Rng, org: Org): SlurmJob[] {
  const start = periodStart(HPC_TZ);
  const end = periodEnd(HPC_TZ);
  const users = org.teams.filter((t) => t.clusters.includes('hpc')).flatMap((t) => t.users);
  const [rackFrom] = incidentWindow(INCIDENTS.find((i) => i.cluster === HPC_CLUSTER && /rack C/.test(i.title))!, HPC_TZ);
  const jobs: SlurmJob[] = [];
  let rawId = 3_180_000;
  const nudge = (t: number) => (ambiguousLocal(t, HPC_TZ) ? t + 3600_000 : t);
  for (const day of days(HPC_TZ)) {
    const q = quartersSince(day, start);
    const lt = localTime(day + 12 * 3600_000, HPC_TZ);
    const weekend = lt.weekday === 0 || lt.weekday === 6;
    for (const u of users) {
      if (u.joins > (day - start) / (end - start)) continue;
      const p = profileOf(u);
      const story = u.name === STORY_USERS.memoryHog ? 'memory-hog' : u.name === STORY_USERS.timeHog ? 'time-hog' : undefined;
      const n = r.poisson(0.028 * u.weight * Math.pow(1.12, q) * (weekend ? 0.35 : 1) * (story ? 2.5 : 1));
      for (let k = 0; k < n; k++) {
        const submit = nudge(day + r.weighted([1, 1, 1, 1, 1, 1, 2, 3, 6, 9, 10, 10, 8, 9, 10, 9, 8, 6, 4, 3, 3, 2, 2, 1]) * 3600_000 + r.int(0, 3_599_000));
        const tasks = r.chance(p.arrays) ? r.int(4, 40) : 0;
        const base = rawId;
        const count = Math.max(1, tasks);
        for (let t = 0; t < count; t++) {
          const id = tasks ? `${base}_${t + 1}` : String(base);
          jobs.push(job(r, u, p, id, base + t, nudge(submit + t * r.int(0, 3000)), Math.pow(1.1, q), story, nudge));
        }
        rawId += count + r.int(0, 3);
      }
    }
  }
  // The rack power loss: jobs running on rack C nodes end NODE_FAIL.
  for (const j of jobs) {
    if (j.partition === 'cpu' && j.start < rackFrom && j.end > rackFrom && onRackC(j.nodeList)) {
      j.end = rackFrom + r.int(30_000, 200_000);
      j.state = 'NODE_FAIL';
      j.exit = '0:0';
      for (const s of j.steps) {
        s.end = Math.min(s.end, j.end);
        s.start = Math.min(s.start, s.end);
      }
    }
  }
  // One job name with a '|': sacct --parsable2 cannot quote it, so its line has 27 fields (planted bad row).
  const victim = jobs.find((j) => j.submit >= zonedInstant(HPC_TZ, 2026, 3, 10) && j.state === 'COMPLETED' && j.steps.length >= 3)!;
  victim.name = 'qc|filter_reads';
  victim.story = 'bad-line';
  // sacct prints whole seconds: so do the records the answer key is computed from.
  const sec = (x: number) => Math.floor(x / 1000) * 1000;
  for (const j of jobs) {
    j.submit = sec(j.submit);
    j.start = sec(j.start);
    j.end = sec(j.end);
    for (const s of j.steps) {
      s.start = sec(s.start);
      s.end = sec(s.end);
    }
  }
  return jobs.filter((j) => j.submit < end);
}

function onRackC(nodeList: string) {
  const m = /^cn(?:\[(\d+)-(\d+)\]|(\d+))$/.exec(nodeList);
  if (!m) return false;
  const a = +(m[1] ?? m[3]);
  const b = +(m[2] ?? m[3]);
  return b >= RACK_C.from && a <= RACK_C.to;
}

function job(r: Rng, u: User, p: Profile, jobId: string, rawId: number, submit: number, grow: number, story: SlurmJob['story'], nudge: (t: number) => number): SlurmJob {
  const part = story === 'memory-hog' ? PARTITIONS[1] : p.partition;
  const nodes = story ? 1 : p.nodes;
  const cpusPerNode = story === 'memory-hog' ? 16 : story === 'time-hog' ? 48 : r.pick(p.cpus);
  const cpus = nodes * cpusPerNode;
  const gpus = part.gpus ? r.pick([1, 2, 4]) : 0;
  // Use first, then what was asked for.
  let runS = story === 'time-hog' ? r.int(40 * 60, 150 * 60) : Math.round(p.runS * Math.sqrt(grow) * r.logUniform(0.3, 2.5));
  const usedGB = story === 'memory-hog' ? r.logUniform(20, 28) : Math.min(part.memGB * 0.9, r.logUniform(1, part.memGB / 4) * Math.sqrt(grow));
  const reqMemMB = story === 'memory-hog' ? 240 * 1024 : Math.min(part.memGB * 1024 * nodes, Math.ceil((usedGB * p.memFactor) / 4) * 4 * 1024 * nodes);
  const limitS = story === 'time-hog' ? 7 * 86400 : Math.min(7 * 86400, roundLimit(p.runS * Math.sqrt(grow) * p.limitFactor));
  const wait = Math.round(r.logUniform(5, (part.gpus ? 8 : 2) * 3600)) * 1000;
  const startAt = nudge(submit + wait);
  let state = 'COMPLETED';
  let exit = '0:0';
  const roll = story ? r.next() * 0.5 + 0.5 : r.next();
  if (runS >= limitS || roll < 0.03) {
    state = 'TIMEOUT';
    runS = limitS + r.int(20, 110);
  } else if (roll < 0.09) {
    state = 'FAILED';
    exit = r.pick(['1:0', '1:0', '2:0', '127:0', '0:11']);
    runS = Math.max(3, Math.round(runS * r.next()));
  } else if (roll < 0.13) {
    state = `CANCELLED by ${r.chance(0.85) ? uidOf(u.name) : 0}`;
    exit = '0:15';
    runS = Math.max(1, Math.round(runS * r.next()));
  } else if (roll < 0.145) {
    state = 'OUT_OF_MEMORY';
    exit = '0:125';
    runS = Math.max(5, Math.round(runS * r.next()));
  }
  const endAt = nudge(startAt + runS * 1000);
  const n0 = r.int(1, part.nodes - nodes + 1);
  const nodeList = nodes === 1 ? `${part.prefix}${pad(n0, part.prefix === 'cn' ? 3 : 2)}` : `${part.prefix}[${pad(n0, 3)}-${pad(n0 + nodes - 1, 3)}]`;
  const name = story === 'memory-hog' ? `bwa_align_sample_${r.int(1000, 9999)}`
    : story === 'time-hog' ? `wrf_downscale_${localTime(submit, HPC_TZ).year}${pad(localTime(submit, HPC_TZ).month)}${pad(localTime(submit, HPC_TZ).day)}`
      : r.chance(0.8) ? `${r.pick(p.names)}${r.chance(0.4) ? `_${r.int(1, 300)}` : ''}` : r.chance(0.5) ? 'interactive' : 'bash';
  const steps: Step[] = [];
  const usedKB = Math.round(usedGB * 1048576);
  const efficiency = r.logUniform(0.2, 0.97);
  const s0 = startAt;
  steps.push({ id: 'batch', name: 'batch', start: s0, end: endAt, maxRssKB: Math.round(r.int(2000, 60000)), cpuSeconds: r.next() * 4, nodes: 1, cpus: cpusPerNode });
  steps.push({ id: 'extern', name: 'extern', start: s0, end: endAt, maxRssKB: r.chance(0.7) ? 0 : r.int(1, 900), cpuSeconds: 0, nodes, cpus });
  const nSteps = name === 'interactive' || name === 'bash' ? 0 : r.chance(0.25) ? r.int(2, 3) : 1;
  let t = s0 + r.int(1, 8) * 1000;
  for (let s = 0; s < nSteps; s++) {
    const stepEnd = s === nSteps - 1 ? endAt : t + Math.max(1000, Math.floor((endAt - t) / (nSteps - s)));
    const secs = (stepEnd - t) / 1000;
    steps.push({ id: String(s), name: story === 'memory-hog' ? 'bwa' : story === 'time-hog' ? 'wrf.exe' : p.app, start: t, end: stepEnd, maxRssKB: s === 0 ? usedKB : Math.round(usedKB * r.logUniform(0.3, 1)), cpuSeconds: secs * cpus * efficiency, nodes, cpus });
    t = stepEnd;
  }
  if (nSteps === 0) steps[0].maxRssKB = usedKB;
  return {
    jobId, rawId, user: u.name, account: u.team.account!, partition: part.name, submit, start: startAt, end: endAt, state, exit,
    nodes, cpus, reqMemMB, gpus, gpuType: gpus ? 'a100' : undefined, limitS, nodeList, name, steps,
    comment: r.chance(0.04) ? `ticket ${r.int(100, 999)}` : '', story,
  };
}

function roundLimit(s: number) {
  const steps = [900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 24 * 3600, 48 * 3600, 72 * 3600, 7 * 86400];
  return steps.find((x) => x >= s) ?? 7 * 86400;
}

export function uidOf(user: string): number {
  return 50_000 + (user.split('').reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9973, 7));
}

/** Capacity as the settings state it (demo-hpc has no RM metrics): CPUs, memory and GPUs from a date. */
export function hpcCapacity() {
  const cpus = PARTITIONS.reduce((s, p) => s + p.nodes * p.cpus, 0);
  const mem = PARTITIONS.reduce((s, p) => s + p.nodes * p.memGB, 0);
  const nodes = PARTITIONS.reduce((s, p) => s + p.nodes, 0);
  const gpu = PARTITIONS[2];
  return [
    { since: '2025-04-01', nodes, cpus, memory_gb: mem, gpus: gpu.nodes * gpu.gpus },
    {
      since: `${GPU_EXPANSION.year}-${pad(GPU_EXPANSION.month)}-${pad(GPU_EXPANSION.day)}`,
      nodes: nodes + GPU_EXPANSION.nodes, cpus: cpus + GPU_EXPANSION.nodes * gpu.cpus,
      memory_gb: mem + GPU_EXPANSION.nodes * gpu.memGB, gpus: (gpu.nodes + GPU_EXPANSION.nodes) * gpu.gpus,
    },
  ];
}
