/**
 * The demo organisation: about 40 teams and 400 people, with very unequal usage. Some teams work on
 * the Hadoop cluster, some on the HPC cluster, a few on both. People join over the period, so the
 * user base grows, but more slowly than compute demand.
 */
import type { Rng } from './rng.js';

export type ClusterKind = 'hadoop' | 'hpc';

export interface Team {
  name: string;
  mailingList: string;
  clusters: ClusterKind[];
  /** YARN queue (hadoop teams) */
  queue?: string;
  /** Slurm account (hpc teams) */
  account?: string;
  /** Relative size of the team's appetite. */
  weight: number;
  users: User[];
}

export interface User {
  name: string;
  team: Team;
  /** Fraction of the period (0..1) at which the user starts submitting. */
  joins: number;
  /** Relative activity (heavy-tailed). */
  weight: number;
}

const HADOOP_TEAMS = [
  'search-ranking', 'payments-analytics', 'ads-measurement', 'clickstream', 'recommendations', 'fraud-detection',
  'data-platform', 'marketing-insights', 'supply-chain', 'customer-360', 'pricing', 'logistics-forecast',
  'growth-analytics', 'finance-reporting', 'content-moderation', 'identity', 'mobile-telemetry', 'risk-models',
  'catalog-quality', 'ml-platform', 'bi-dashboards', 'experimentation', 'partner-feeds',
];
const HPC_TEAMS = [
  'genomics', 'climate-modelling', 'astrophysics', 'materials-sim', 'comp-chemistry', 'neuroimaging',
  'fluid-dynamics', 'bioinformatics-core', 'particle-physics', 'seismology', 'protein-folding', 'quantum-chem',
  'hydrology', 'epidemiology',
];
/** Teams with work on both clusters. */
const BOTH_TEAMS = ['deep-learning', 'nlp-research', 'vision-lab'];

const FIRST = 'abcdefghijklmnoprstvwyz';
const SURNAMES = [
  'smith', 'garcia', 'chen', 'okafor', 'petrov', 'sato', 'muller', 'rossi', 'kim', 'nguyen', 'silva', 'kowalski',
  'haddad', 'novak', 'ivanova', 'larsen', 'dubois', 'moreau', 'tanaka', 'patel', 'adeyemi', 'bauer', 'costa',
  'dimitrov', 'eriksson', 'fischer', 'gupta', 'horvat', 'ibrahim', 'jansen', 'kaur', 'lindqvist', 'mendes',
  'nakamura', 'oliveira', 'papadopoulos', 'quinn', 'romero', 'schmidt', 'takahashi', 'ueda', 'vasquez', 'wagner',
  'xu', 'yilmaz', 'zhang', 'andersen', 'brennan', 'castillo', 'delacroix', 'esposito', 'fontaine', 'gallo',
  'hoffmann', 'iqbal', 'jovanovic', 'kovacs', 'lambert', 'mwangi', 'nowak', 'obrien', 'park', 'reyes', 'santos',
  'torres', 'van-dijk', 'weber', 'young', 'zielinski', 'abbasi', 'becker', 'cruz', 'dlamini', 'evans', 'farah',
];

export interface Org {
  teams: Team[];
  users: User[];
}

/** Names given to planted-story people, so the answer key and the README can talk about them. */
export const STORY_USERS = {
  /** Owns the daily pipeline that fails every run of the last quarter. */
  failingOwner: 'mbrennan',
  /** Requests ten times the memory their Slurm jobs use. */
  memoryHog: 'tkaur',
  /** Asks for 7-day time limits for jobs that run an hour or two. */
  timeHog: 'jlindqvist',
  /** Ran the single job that took most of the Hadoop cluster for a day. */
  bigJob: 'rzhang',
} as const;

export function buildOrg(r: Rng): Org {
  const teams: Team[] = [];
  const add = (name: string, clusters: ClusterKind[]) => {
    const short = name.replace(/-(analytics|modelling|sim|core|research|lab)$/, '').replace(/-/g, '_');
    teams.push({
      name,
      mailingList: `${name}@example.org`,
      clusters,
      queue: clusters.includes('hadoop') ? `root.${short}` : undefined,
      account: clusters.includes('hpc') ? short : undefined,
      weight: r.logUniform(0.3, 6),
      users: [],
    });
  };
  for (const t of HADOOP_TEAMS) add(t, ['hadoop']);
  for (const t of HPC_TEAMS) add(t, ['hpc']);
  for (const t of BOTH_TEAMS) add(t, ['hadoop', 'hpc']);

  const taken = new Set<string>(Object.values(STORY_USERS));
  const users: User[] = [];
  const team = (name: string) => teams.find((t) => t.name === name)!;
  const person = (name: string, t: Team, joins: number, weight: number) => {
    const u: User = { name, team: t, joins, weight };
    t.users.push(u);
    users.push(u);
    return u;
  };
  // The story people first, in fixed teams.
  person(STORY_USERS.failingOwner, team('clickstream'), 0, 3);
  person(STORY_USERS.memoryHog, team('genomics'), 0.05, 4);
  person(STORY_USERS.timeHog, team('climate-modelling'), 0.1, 3);
  person(STORY_USERS.bigJob, team('recommendations'), 0.2, 2);

  while (users.length < 400) {
    const t = teams[r.weighted(teams.map((x) => Math.sqrt(x.weight)))];
    let name = FIRST[r.int(0, FIRST.length - 1)] + r.pick(SURNAMES);
    if (taken.has(name)) name += r.int(2, 9);
    if (taken.has(name)) continue;
    taken.add(name);
    // Two thirds are there from the start; the rest join over the period.
    const joins = r.chance(0.62) ? 0 : r.next() * 0.97;
    // Very unequal: a Pareto-like weight.
    const weight = Math.min(60, 1 / Math.pow(Math.max(r.next(), 0.002), 0.85));
    person(name, t, joins, weight);
  }
  // Every team has at least one person.
  for (const t of teams) {
    if (!t.users.length) {
      const u = users.find((x) => x.team.users.length > 3 && !Object.values(STORY_USERS).includes(x.name as never))!;
      u.team.users.splice(u.team.users.indexOf(u), 1);
      u.team = t;
      t.users.push(u);
    }
  }
  return { teams, users };
}
