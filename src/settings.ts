/**
 * The cluster settings file, gazette.yaml: found in the working directory or named by --config.
 * Every key is optional; what this issue reads is below, later stages add their own sections.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { UsageError } from './errors.js';

export interface JobKeyRule {
  pattern: string;
  replace: string;
}

export interface ClusterSettings {
  timezone?: string;
}

export interface Settings {
  /** Where the settings came from (undefined: none found, defaults used). */
  file?: string;
  /** The cluster a command works on when --cluster is not given. */
  cluster?: string;
  /** Default time zone for sources that print local times (sacct). */
  timezone?: string;
  clusters: Record<string, ClusterSettings>;
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

export function loadSettings(explicit?: string, cwd = process.cwd()): Settings {
  const file = explicit ?? (fs.existsSync(path.join(cwd, SETTINGS_FILE)) ? path.join(cwd, SETTINGS_FILE) : undefined);
  if (!file) return { clusters: {}, jobKey: { extraRules: [] } };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read the settings file (${(e as NodeJS.ErrnoException).code}). Check the --config path.`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text) ?? {};
  } catch (e) {
    const err = e as Error & { linePos?: { line: number; col: number }[] };
    const where = err.linePos?.[0] ? `:${err.linePos[0].line}` : '';
    throw new UsageError(`${file}${where}: not valid YAML: ${err.message.split('\n')[0]}`);
  }
  return parseSettings(doc, file);
}

function parseSettings(doc: unknown, file: string): Settings {
  const bad = (key: string, what: string): never => {
    throw new UsageError(`${file}: ${key} ${what}. See the README's "Settings" section.`);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('the top level', 'must be a mapping');
  const d = doc as Record<string, unknown>;
  const str = (v: unknown, key: string): string | undefined =>
    v === undefined || v === null ? undefined : typeof v === 'string' ? v : bad(key, 'must be a string');
  const rules = (v: unknown, key: string): JobKeyRule[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) return bad(key, 'must be a list of {pattern, replace}');
    return v.map((r, i) => {
      const o = r as Record<string, unknown>;
      const pattern = str(o?.pattern, `${key}[${i}].pattern`);
      const replace = str(o?.replace, `${key}[${i}].replace`) ?? '';
      if (!pattern) return bad(`${key}[${i}].pattern`, 'is missing');
      // RE2 syntax (DuckDB's regexp_replace): checked when the rules are compiled, see ingest/job-key.ts
      return { pattern, replace };
    });
  };
  const clusters: Record<string, ClusterSettings> = {};
  const c = d.clusters;
  if (c !== undefined && c !== null) {
    if (typeof c !== 'object' || Array.isArray(c)) bad('clusters', 'must be a mapping of cluster name to its settings');
    for (const [name, v] of Object.entries(c as Record<string, unknown>)) {
      const o = (v ?? {}) as Record<string, unknown>;
      clusters[name] = { timezone: str(o.timezone, `clusters.${name}.timezone`) };
    }
  }
  const jk = (d.job_key ?? {}) as Record<string, unknown>;
  const wf = jk.workflow_tags;
  if (wf !== undefined && (!Array.isArray(wf) || wf.some((t) => typeof t !== 'string'))) {
    bad('job_key.workflow_tags', 'must be a list of tag keys');
  }
  const settings: Settings = {
    file,
    cluster: str(d.cluster, 'cluster'),
    timezone: str(d.timezone, 'timezone'),
    clusters,
    jobKey: {
      rules: rules(jk.rules, 'job_key.rules'),
      extraRules: rules(jk.extra_rules, 'job_key.extra_rules') ?? [],
      workflowTags: wf as string[] | undefined,
    },
  };
  for (const tz of [settings.timezone, ...Object.values(clusters).map((x) => x.timezone)]) {
    if (tz !== undefined) checkTimeZone(tz, file);
  }
  return settings;
}

export function checkTimeZone(tz: string, where: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new UsageError(`${where}: unknown time zone "${tz}". Use an IANA name such as Europe/Paris or UTC.`);
  }
  return tz;
}

/** The cluster a command works on: --cluster, else the settings' cluster, else "default". */
export function resolveCluster(flag: string | undefined, settings: Settings): string {
  return flag ?? settings.cluster ?? 'default';
}

/** The time zone a cluster's local times are in: --timezone, else the cluster's, else the default, else UTC. */
export function resolveTimeZone(flag: string | undefined, cluster: string, settings: Settings): string {
  if (flag) return checkTimeZone(flag, '--timezone');
  return settings.clusters[cluster]?.timezone ?? settings.timezone ?? 'UTC';
}
