/**
 * Who runs the figures benchmark's clusters (figures-warehouse.ts): ~3,000 people in 40 teams
 * (a few of them also on the Slurm cluster) and the platform's service accounts, and the
 * settings file that names them, the clusters' zone and the Slurm cluster's dated capacity.
 */
import YAML from 'yaml';
import { prng } from '../src/demo/rng.js';
import { SEED } from './figures-sql.js';

export const BIG_CLUSTER = 'hadoop';
export const HPC_CLUSTER = 'hpc';
export const TIMEZONE = 'America/Chicago';
const USERS = 3_000;

export const TEAMS = [
  'ads', 'search', 'risk', 'payments', 'growth', 'ml-platform', 'analytics', 'logistics', 'finance', 'marketing',
  'fraud', 'catalog', 'pricing', 'identity', 'mobile', 'web', 'infra', 'security', 'support', 'hr',
  'recsys', 'maps', 'media', 'messaging', 'billing', 'crm', 'supply-chain', 'forecasting', 'experimentation', 'data-science',
  'nlp', 'vision', 'genomics', 'climate', 'physics', 'chemistry', 'materials', 'astro', 'neuro', 'bio-imaging',
];
/** Teams from here on also run on the Slurm cluster (their Slurm account: p_<team>). */
const FIRST_HPC_TEAM = 27;
const PLATFORM = 'data-platform';
export const SERVICES = ['svc_etl', 'svc_ingest', 'svc_reporting', 'svc_ml', 'airflow', 'oozie', 'hive', 'spark'];
export const SERVICE_QUEUES = ['root.etl', 'root.reporting', 'root.ml', 'root.ingest'];
const SURNAMES = ['smith', 'garcia', 'chen', 'okafor', 'petrov', 'sato', 'muller', 'rossi', 'kim', 'nguyen', 'silva', 'kowalski', 'haddad', 'novak', 'ivanova', 'larsen', 'dubois', 'moreau', 'tanaka', 'patel', 'jones', 'brown', 'ali', 'cohen', 'wang', 'singh', 'lopez', 'schmidt', 'fischer', 'yilmaz'];

export interface People {
  users: string[];
  /** The team of each user (index into TEAMS), -1 for none. */
  teamOf: number[];
  /** Users of the HPC teams, with their Slurm accounts. */
  hpcUsers: string[];
  hpcAccounts: string[];
}

export function people(): People {
  const r = prng(SEED);
  const weights = TEAMS.map(() => r.logUniform(1, 8));
  const users: string[] = [];
  const teamOf: number[] = [];
  const seen = new Set<string>();
  while (users.length < USERS) {
    const u = 'abcdefghijklmnoprstvwy'[r.int(0, 21)] + r.pick(SURNAMES) + (r.chance(0.5) ? r.int(1, 99) : '');
    if (seen.has(u)) continue;
    seen.add(u);
    users.push(u);
    teamOf.push(r.chance(0.05) ? -1 : r.weighted(weights));
  }
  const hpc = users.map((u, i) => [u, teamOf[i]] as const).filter(([, t]) => t >= FIRST_HPC_TEAM);
  return { users, teamOf, hpcUsers: hpc.map(([u]) => u), hpcAccounts: hpc.map(([, t]) => `p_${TEAMS[t]}`) };
}

const yarnQueues = (t: number) => (t % 2 === 0 ? [`root.${TEAMS[t]}.batch`, `root.${TEAMS[t]}.adhoc`] : [`root.${TEAMS[t]}.batch`]);

/** gazette.yaml for the benchmark warehouse, as the settings file a person would write. */
export function settingsYaml(p: People): string {
  const teams: Record<string, unknown> = {};
  TEAMS.forEach((name, t) => {
    teams[name] = {
      mailing_list: `${name}@example.com`,
      users: p.users.filter((_, i) => p.teamOf[i] === t),
      queues: yarnQueues(t),
      ...(t >= FIRST_HPC_TEAM ? { accounts: [`p_${name}`] } : {}),
      paths: [`/data/${name}`],
    };
  });
  teams[PLATFORM] = { mailing_list: `${PLATFORM}@example.com`, users: SERVICES, queues: SERVICE_QUEUES, paths: ['/apps', '/backup'] };
  const doc = {
    cluster: BIG_CLUSTER,
    prices: { currency: 'USD', vcore_hour: 0.02, memory_gb_hour: 0.004, gpu_hour: 1.5, storage_tb_month: 18 },
    clusters: {
      [BIG_CLUSTER]: { timezone: TIMEZONE },
      [HPC_CLUSTER]: {
        timezone: TIMEZONE,
        capacity: [
          { since: '2024-01-08', nodes: 420, cpus: 420 * 64, memory_gb: 420 * 512, gpus: 96 },
          { since: '2025-07-14', nodes: 540, cpus: 540 * 64, memory_gb: 540 * 512, gpus: 160 },
        ],
      },
    },
    teams,
  };
  return `# The figures benchmark's settings (bench/figures-warehouse.ts). Generated; do not edit.\n${YAML.stringify(doc)}`;
}
