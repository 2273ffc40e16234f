/**
 * The cluster settings file, gazette.yaml: found in the working directory or named by --config.
 * Every key is optional. The keys and their checks are in settings-parse.ts; this module finds
 * and reads the file and answers the questions commands ask of it (which cluster, which zone).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML, { LineCounter } from 'yaml';
import { UsageError } from './errors.js';
import { DEFAULT_FEEDBACK_EMAIL, DEFAULT_FIGURE_THRESHOLDS, DEFAULT_HEURISTICS, DEFAULT_STORAGE, DEFAULT_SUPERUSERS, checkTimeZone, parseSettings } from './settings-parse.js';

export { DEFAULT_FEEDBACK_EMAIL, DEFAULT_FIGURE_THRESHOLDS, DEFAULT_HEURISTICS, DEFAULT_STORAGE, DEFAULT_SUPERUSERS, checkTimeZone };

export interface JobKeyRule {
  pattern: string;
  replace: string;
}

/** A cluster's size from a date on (for clusters without ResourceManager metrics snapshots). */
export interface CapacityEntry {
  /** YYYY-MM-DD, in the cluster's time zone; in force until the next entry's date. */
  since: string;
  nodes?: number;
  cpus?: number;
  memoryGb?: number;
  gpus?: number;
}

export interface ClusterSettings {
  timezone?: string;
  /** Dated capacity, oldest first. */
  capacity: CapacityEntry[];
}

export interface Team {
  mailingList?: string;
  users: string[];
  /** YARN queues. */
  queues: string[];
  /** Slurm accounts. */
  accounts: string[];
  /** Directories the team owns (HDFS or file-system paths); a directory below one is the team's too. */
  paths: string[];
}

/** How storage listings are rolled up at load time. */
export interface StorageSettings {
  /** fsimage rollups are by directory cut to this many path components (default 3). */
  rollupDepth: number;
  /** A file under this many bytes is a small file (default 1 MiB). */
  smallFileBytes: number;
}

/** The thresholds of the figure sets (`figures:`); defaults DEFAULT_FIGURE_THRESHOLDS. */
export interface FigureThresholds {
  /** Rows in each top list. */
  top: number;
  /** A job key is a failing job when it failed at least this often in the period. */
  minFailures: number;
  /** Over-allocation: a user's (or job key's) median requested ÷ used at least this. */
  overRequestRatio: number;
  /** Over-allocation and time limits: jobs shorter than this (seconds) are not judged. */
  minRunSeconds: number;
  /** A run of a job key starting this soon (seconds) after a failed run of it ended is a retry. */
  retryWindowSeconds: number;
}

/** The severities of per-job feedback findings, least first. */
export const SEVERITIES = ['none', 'low', 'moderate', 'severe', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The per-job heuristics (feedback/heuristics.ts, queries/job_findings.sql), in the order findings are listed. */
export const HEURISTICS = [
  'chronic_failure', 'failure_burn_share', 'memory_over_request', 'time_limit_over_request', 'queue_wait',
  'superuser', 'gc_share', 'task_failure_rate', 'task_skew', 'spill',
] as const;
export type HeuristicName = (typeof HEURISTICS)[number];
/** A heuristic's thresholds: the value at least [low, moderate, severe, critical]. */
export type Bands = [number, number, number, number];

/** The per-job heuristics' thresholds (`feedback:`); defaults DEFAULT_HEURISTICS. */
export interface HeuristicSettings {
  /** Efficiency heuristics (memory, time limit, GC, skew, spill) skip jobs shorter than this (seconds). */
  minRunSeconds: number;
  /** …and jobs that used fewer vcore-hours than this. */
  minVcoreHours: number;
  /** failure_burn_share: the days of failed runs counted, up to the end of the jobs evaluated. */
  burnWindowDays: number;
  /** The severity of a job run by a superuser account. */
  superuserSeverity: Severity;
  /** Per heuristic but superuser, in the unit of its value (queue_wait: seconds); null: off. */
  bands: Record<Exclude<HeuristicName, 'superuser'>, Bands | null>;
}

/** Who gets the feedback emails about what (`feedback.email`); defaults DEFAULT_FEEDBACK_EMAIL. */
export interface FeedbackEmailSettings {
  /** A heuristic's finding is emailed when at least this severe. */
  minSeverity: Severity;
  /** A known error (the knowledge base's entry severity) is emailed when at least this severe. */
  knownErrorMinSeverity: Severity;
  /** The same finding on the same job key reaches the same owner at most once in this many days. */
  repeatAfterDays: number;
  /** How many recent runs of a job's key the email lists. */
  recentRuns: number;
  /** Jobs an email shows in full; the next ones get a line each (feedback/batch.ts BRIEF_JOBS), the rest a later email. */
  maxJobs: number;
}

/** The cost model: prices per unit of use, all optional. */
export interface Prices {
  currency?: string;
  vcoreHour?: number;
  memoryGbHour?: number;
  gpuHour?: number;
  storageTbMonth?: number;
}

/** How to talk to an SMTP server on port 587 or 25: insist on STARTTLS, use it when offered, or never. */
export type StartTls = 'require' | 'opportunistic' | 'never';

/** The SMTP server messages are sent through (`smtp:`); the --smtp-* flags override each key (deliver/smtp-options.ts). */
export interface SmtpConfig {
  host?: string;
  port?: number;
  /** Implicit TLS (port 465). */
  secure?: boolean;
  starttls?: StartTls;
  user?: string;
  /** The environment variable that holds the password: never the password itself. */
  passwordEnv?: string;
  /** The From of the messages gazette composes. */
  from?: string;
  timeoutS?: number;
}

/** The colour roles of the newsletter (`newsletter.colours`); the charts' theme reads the same. */
export const NEWSLETTER_COLOUR_ROLES = ['primary', 'secondary', 'accent', 'warning', 'danger', 'text', 'muted', 'grid', 'background'] as const;
export type NewsletterColourRole = (typeof NEWSLETTER_COLOUR_ROLES)[number];

/** How the newsletter looks (`newsletter:`): its name, logo and colours. */
export interface NewsletterSettings {
  name?: string;
  /** An http(s) URL, or a file path (relative to the settings file) to an image. */
  logo?: string;
  /** By role, or a list read in the order primary, secondary, accent, warning, danger. */
  colours?: Partial<Record<NewsletterColourRole, string>> | string[];
}

export interface Settings {
  /** Where the settings came from (undefined: none found, defaults used). */
  file?: string;
  /** The cluster a command works on when --cluster is not given. */
  cluster?: string;
  /** Default time zone for sources that print local times (sacct). */
  timezone?: string;
  /** The month (1–12) the fiscal year starts; 1 = calendar quarters. */
  fiscalYearStartMonth: number;
  /** Accounts that are the platform's own (a job submitted by one is worth a word). */
  superusers: string[];
  /** user@emailDomain is a user's address… */
  emailDomain?: string;
  /** …unless this names another (`addresses:`, user → address). */
  addresses: Record<string, string>;
  prices?: Prices;
  clusters: Record<string, ClusterSettings>;
  teams: Record<string, Team>;
  storage: StorageSettings;
  figures: FigureThresholds;
  smtp?: SmtpConfig;
  newsletter?: NewsletterSettings;
  /** Per-job feedback (`feedback:`). */
  feedback: {
    heuristics: HeuristicSettings;
    /** The team's knowledge-base directory (`feedback.knowledge_base`). */
    knowledgeBase?: string;
    email: FeedbackEmailSettings;
  };
  jobKey: {
    /** Replaces the built-in name rules when given. */
    rules?: JobKeyRule[];
    /** Added after the built-in (or replacing) rules. */
    extraRules: JobKeyRule[];
    /** Tag keys whose values identify a scheduler's workflow (YARN applicationTags `key:value`). */
    workflowTags?: string[];
  };
}

export const SETTINGS_FILE = 'gazette.yaml';

/** The settings when there is no settings file. */
export function defaultSettings(): Settings {
  return { fiscalYearStartMonth: 1, superusers: [...DEFAULT_SUPERUSERS], clusters: {}, teams: {}, storage: { ...DEFAULT_STORAGE }, figures: { ...DEFAULT_FIGURE_THRESHOLDS }, addresses: {}, feedback: { heuristics: structuredClone(DEFAULT_HEURISTICS), email: { ...DEFAULT_FEEDBACK_EMAIL } }, jobKey: { extraRules: [] } };
}

export function loadSettings(explicit?: string, cwd = process.cwd()): Settings {
  const file = explicit ?? (fs.existsSync(path.join(cwd, SETTINGS_FILE)) ? path.join(cwd, SETTINGS_FILE) : undefined);
  if (!file) return defaultSettings();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read the settings file (${(e as NodeJS.ErrnoException).code}). Check the --config path.`);
  }
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const where = err.linePos?.[0] ? `:${err.linePos[0].line}` : '';
    throw new UsageError(`${file}${where}: not valid YAML: ${err.message.split('\n')[0]}`);
  }
  /** The line a key path is on (or the nearest enclosing key's). */
  const lineOf = (keys: (string | number)[]): number | undefined => {
    for (let n = keys.length; n > 0; n--) {
      const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return parseSettings(doc.toJS() ?? {}, file, lineOf);
}

/** The cluster a command works on: --cluster, else the settings' cluster, else "default". */
export function resolveCluster(flag: string | undefined, settings: Settings): string {
  return flag ?? settings.cluster ?? 'default';
}

/**
 * The cluster a file's records ran on: --cluster, else the nearest directory above the file
 * named like a cluster under `clusters:` in the settings (sample-data/demo-hadoop/x.json is
 * demo-hadoop's), else the settings' cluster, else "default".
 */
export function clusterOfFile(flag: string | undefined, file: string, settings: Settings): string {
  if (flag) return flag;
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if (Object.hasOwn(settings.clusters, path.basename(dir))) return path.basename(dir);
    if (path.dirname(dir) === dir) break;
  }
  return resolveCluster(undefined, settings);
}

/** The time zone a cluster's local times are in: --timezone, else the cluster's, else the default, else UTC. */
export function resolveTimeZone(flag: string | undefined, cluster: string, settings: Settings): string {
  if (flag) return checkTimeZone(flag, '--timezone');
  return settings.clusters[cluster]?.timezone ?? settings.timezone ?? 'UTC';
}

/** The zones rows naming a cluster are read in: --timezone for all, else each cluster's (resolveTimeZone). */
export function clusterZones(flag: string | undefined, settings: Settings): { byCluster: Record<string, string>; other: string } {
  if (flag) return { byCluster: {}, other: checkTimeZone(flag, '--timezone') };
  const byCluster = Object.fromEntries(Object.keys(settings.clusters).map((c) => [c, resolveTimeZone(undefined, c, settings)]));
  return { byCluster, other: settings.timezone ?? 'UTC' };
}
