/**
 * The keys of gazette.yaml and their checks. Strict: an unknown key, a value of the wrong
 * kind, or a user, queue or account in two teams is a configuration error naming the file,
 * the line, the key and what is wrong (exit 2). Every key is documented in the README's
 * "Settings" section.
 */
import { UsageError } from './errors.js';
import { HEURISTICS, NEWSLETTER_COLOUR_ROLES, SEVERITIES, type Bands, type CapacityEntry, type ClusterSettings, type FeedbackEmailSettings, type FigureThresholds, type HeuristicSettings, type JobKeyRule, type NewsletterSettings, type Prices, type Settings, type Severity, type SmtpConfig, type StartTls, type StorageSettings, type Team } from './settings.js';

export const DEFAULT_SUPERUSERS = ['hdfs', 'yarn', 'mapred', 'root'];
export const DEFAULT_STORAGE: StorageSettings = { rollupDepth: 3, smallFileBytes: 1 << 20 };
/** The figure sets' thresholds when `figures:` does not set them. */
export const DEFAULT_FIGURE_THRESHOLDS: FigureThresholds = { top: 10, minFailures: 3, overRequestRatio: 2, minRunSeconds: 60, retryWindowSeconds: 3 * 3600 };
/** The per-job heuristics' thresholds when `feedback:` does not set them (README, "Per-job heuristics"). */
export const DEFAULT_HEURISTICS: HeuristicSettings = {
  minRunSeconds: 300,
  minVcoreHours: 1,
  burnWindowDays: 30,
  superuserSeverity: 'severe',
  bands: {
    chronic_failure: [2, 3, 5, 10],
    failure_burn_share: [0.001, 0.005, 0.02, 0.05],
    memory_over_request: [2, 3, 4, 8],
    time_limit_over_request: [3, 5, 10, 50],
    queue_wait: [3600, 3 * 3600, 6 * 3600, 24 * 3600],
    gc_share: [0.08, 0.1, 0.15, 0.2],
    task_failure_rate: [0.05, 0.1, 0.2, 0.4],
    task_skew: [2, 4, 8, 16],
    spill: [2.01, 2.2, 2.5, 3],
  },
};
export const STARTTLS_MODES: readonly StartTls[] = ['require', 'opportunistic', 'never'];

export function checkTimeZone(tz: string, where: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new UsageError(`${where}: unknown time zone "${tz}". Use an IANA name such as Europe/Paris or UTC.`);
  }
  return tz;
}

type Keys = (string | number)[];
type Mapping = Record<string, unknown>;

const TOP = ['cluster', 'timezone', 'fiscal_year_start_month', 'superusers', 'email_domain', 'addresses', 'prices', 'clusters', 'teams', 'storage', 'job_key', 'smtp', 'figures', 'newsletter', 'feedback'];
const NEWSLETTER = ['name', 'logo', 'colours'];
/** A colour the newsletter's CSS and charts can take as it is: #rgb, #rrggbb or a CSS colour name. */
const COLOUR = /^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{3,20})$/;
const STORAGE = ['rollup_depth', 'small_file_mb'];
const FIGURES = ['top', 'min_failures', 'over_request_ratio', 'min_run_seconds', 'retry_window_hours'];
/** `feedback.thresholds` keys: the heuristics with bands; queue_wait's are given in hours (a function: settings.ts imports this module). */
const banded = () => HEURISTICS.filter((h) => h !== 'superuser').map((h) => (h === 'queue_wait' ? 'queue_wait_hours' : h));
const FEEDBACK = ['min_run_seconds', 'min_vcore_hours', 'burn_window_days', 'superuser_severity', 'thresholds', 'knowledge_base', 'email'];
const FEEDBACK_EMAIL = ['min_severity', 'known_error_min_severity', 'repeat_after_days', 'recent_runs', 'max_jobs'];
/** The feedback emails' settings when `feedback.email` does not set them. */
export const DEFAULT_FEEDBACK_EMAIL: FeedbackEmailSettings = { minSeverity: 'severe', knownErrorMinSeverity: 'moderate', repeatAfterDays: 7, recentRuns: 5, maxJobs: 10 };
const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PRICES = ['currency', 'vcore_hour', 'memory_gb_hour', 'gpu_hour', 'storage_tb_month'];
const CLUSTER = ['timezone', 'capacity'];
const CAPACITY = ['since', 'nodes', 'cpus', 'memory_gb', 'gpus'];
const TEAM = ['mailing_list', 'users', 'queues', 'accounts', 'paths'];
const JOB_KEY = ['rules', 'extra_rules', 'workflow_tags'];
const SMTP = ['host', 'port', 'secure', 'starttls', 'user', 'password_env', 'from', 'timeout_s'];

export function parseSettings(doc: unknown, file: string, lineOf: (keys: Keys) => number | undefined = () => undefined): Settings {
  const bad = (keys: Keys, what: string): never => {
    const line = lineOf(keys);
    const name = keys.length ? keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('') : 'the top level';
    throw new UsageError(`${file}${line ? `:${line}` : ''}: ${name} ${what}. See the README's "Settings" section.`);
  };
  const given = (v: unknown) => v !== undefined && v !== null;
  const mapping = (v: unknown, keys: Keys, known: string[] | undefined, what: string): Mapping => {
    if (!given(v)) return {};
    if (typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return bad(keys, `must be ${what}`);
    if (known) {
      for (const k of Object.keys(v as Mapping)) {
        if (!known.includes(k)) bad([...keys, k], `is not a setting gazette knows (${keys.length ? 'here' : 'at the top level'}: ${known.join(', ')})`);
      }
    }
    return v as Mapping;
  };
  const str = (v: unknown, keys: Keys): string | undefined =>
    !given(v) ? undefined : typeof v === 'string' && v.trim() ? v.trim() : bad(keys, 'must be a non-empty string');
  const num = (v: unknown, keys: Keys, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined => {
    if (!given(v)) return undefined;
    const { integer = false, min = 0, max = Infinity } = opts;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      const range = max === Infinity ? `${min} or more` : `from ${min} to ${max}`;
      return bad(keys, `must be ${integer ? 'a whole number' : 'a number'} ${range} (got ${JSON.stringify(v)})`);
    }
    return v;
  };
  const names = (v: unknown, keys: Keys, what = 'names'): string[] => {
    if (!given(v)) return [];
    if (!Array.isArray(v)) return bad(keys, `must be a list of ${what}, like [a, b]`);
    return [...new Set(v.map((x, i) => str(x, [...keys, i]) ?? bad([...keys, i], 'is empty')))];
  };
  const pattern = (v: unknown, keys: Keys, re: RegExp, what: string): string | undefined => {
    const s = str(v, keys);
    return s === undefined || re.test(s) ? s : bad(keys, `must be ${what} (got "${s}")`);
  };
  const rules = (v: unknown, keys: Keys): JobKeyRule[] | undefined => {
    if (!given(v)) return undefined;
    if (!Array.isArray(v)) return bad(keys, 'must be a list of {pattern, replace}');
    return v.map((r, i) => {
      const o = mapping(r, [...keys, i], ['pattern', 'replace'], 'a mapping {pattern, replace}');
      // RE2 syntax (DuckDB's regexp_replace): checked when the rules are compiled, see ingest/job-key.ts
      const p = str(o.pattern, [...keys, i, 'pattern']) ?? bad([...keys, i, 'pattern'], 'is missing');
      const replace = typeof o.replace === 'string' ? o.replace : given(o.replace) ? bad([...keys, i, 'replace'], 'must be a string') : '';
      return { pattern: p, replace };
    });
  };

  const d = mapping(doc, [], TOP, 'a mapping of settings');
  const timezone = str(d.timezone, ['timezone']);
  if (timezone !== undefined) checkTimeZone(timezone, `${file}: timezone`);

  const clusters: Record<string, ClusterSettings> = {};
  for (const [name, v] of Object.entries(mapping(d.clusters, ['clusters'], undefined, 'a mapping of cluster name to its settings'))) {
    const o = mapping(v, ['clusters', name], CLUSTER, 'a mapping (timezone, capacity)');
    const tz = str(o.timezone, ['clusters', name, 'timezone']);
    if (tz !== undefined) checkTimeZone(tz, `${file}: clusters.${name}.timezone`);
    clusters[name] = { timezone: tz, capacity: capacity(o.capacity, ['clusters', name, 'capacity']) };
  }

  function capacity(v: unknown, keys: Keys): CapacityEntry[] {
    if (!given(v)) return [];
    if (!Array.isArray(v)) return bad(keys, 'must be a list of {since, nodes, cpus, memory_gb, gpus}');
    const entries = v.map((e, i): CapacityEntry => {
      const at = [...keys, i];
      const o = mapping(e, at, CAPACITY, 'a mapping {since, nodes, cpus, memory_gb, gpus}');
      const entry: CapacityEntry = {
        since: date(o.since, [...at, 'since']),
        nodes: num(o.nodes, [...at, 'nodes'], { integer: true }),
        cpus: num(o.cpus, [...at, 'cpus'], { integer: true }),
        memoryGb: num(o.memory_gb, [...at, 'memory_gb']),
        gpus: num(o.gpus, [...at, 'gpus'], { integer: true }),
      };
      if ([entry.nodes, entry.cpus, entry.memoryGb, entry.gpus].every((x) => x === undefined)) {
        bad(at, 'gives no size: add nodes, cpus, memory_gb or gpus');
      }
      return entry;
    });
    entries.forEach((e, i) => {
      const j = entries.findIndex((x) => x.since === e.since);
      if (j !== i) bad([...keys, i, 'since'], `repeats ${e.since} (entry ${j}); each entry starts on its own date`);
    });
    return entries.sort((a, b) => a.since.localeCompare(b.since));
  }

  function date(v: unknown, keys: Keys): string {
    if (v instanceof Date) v = v.toISOString().slice(0, 10);
    if (!given(v)) return bad(keys, 'is missing (the date this capacity starts, YYYY-MM-DD)');
    const s = String(v);
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    const ok = m && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toISOString().slice(0, 10) === s;
    return ok ? s : bad(keys, `must be a date YYYY-MM-DD (got ${JSON.stringify(v)})`);
  }

  const teams: Record<string, Team> = {};
  const owner = { users: new Map<string, string>(), queues: new Map<string, string>(), accounts: new Map<string, string>(), paths: new Map<string, string>() };
  const singular = { users: 'user', queues: 'queue', accounts: 'account', paths: 'path' } as const;
  for (const [name, v] of Object.entries(mapping(d.teams, ['teams'], undefined, 'a mapping of team name to its members'))) {
    const o = mapping(v, ['teams', name], TEAM, 'a mapping (mailing_list, users, queues, accounts, paths)');
    const team: Team = {
      mailingList: pattern(o.mailing_list, ['teams', name, 'mailing_list'], EMAIL_ADDRESS, 'an email address'),
      users: names(o.users, ['teams', name, 'users'], 'user names'),
      queues: names(o.queues, ['teams', name, 'queues'], 'YARN queues'),
      accounts: names(o.accounts, ['teams', name, 'accounts'], 'Slurm accounts'),
      paths: names(o.paths, ['teams', name, 'paths'], 'absolute directory paths').map((p, i) =>
        p.startsWith('/') ? p.replace(/(.)\/+$/, '$1') : bad(['teams', name, 'paths', i], `must be an absolute path starting with / (got "${p}")`),
      ),
    };
    for (const kind of ['users', 'queues', 'accounts', 'paths'] as const) {
      for (const member of team[kind]) {
        const other = owner[kind].get(member);
        if (other !== undefined) {
          bad(['teams', name, kind], `has ${singular[kind]} "${member}", who is also in team "${other}"; a ${singular[kind]} belongs to one team only`);
        }
        owner[kind].set(member, name);
      }
    }
    teams[name] = team;
  }

  let prices: Prices | undefined;
  if (given(d.prices)) {
    const p = mapping(d.prices, ['prices'], PRICES, 'a mapping (currency, vcore_hour, memory_gb_hour, gpu_hour, storage_tb_month)');
    prices = {
      currency: pattern(p.currency, ['prices', 'currency'], /^[A-Z]{3}$/, 'an ISO 4217 currency code such as EUR or USD'),
      vcoreHour: num(p.vcore_hour, ['prices', 'vcore_hour']),
      memoryGbHour: num(p.memory_gb_hour, ['prices', 'memory_gb_hour']),
      gpuHour: num(p.gpu_hour, ['prices', 'gpu_hour']),
      storageTbMonth: num(p.storage_tb_month, ['prices', 'storage_tb_month']),
    };
  }

  const st = mapping(d.storage, ['storage'], STORAGE, 'a mapping (rollup_depth, small_file_mb)');
  const smallFileMb = num(st.small_file_mb, ['storage', 'small_file_mb'], { min: 0 });
  const storage: StorageSettings = {
    rollupDepth: num(st.rollup_depth, ['storage', 'rollup_depth'], { integer: true, min: 1, max: 32 }) ?? DEFAULT_STORAGE.rollupDepth,
    smallFileBytes: smallFileMb === undefined ? DEFAULT_STORAGE.smallFileBytes : Math.round(smallFileMb * 1048576),
  };

  let smtp: SmtpConfig | undefined;
  if (given(d.smtp)) {
    if (Object.hasOwn(Object(d.smtp), 'password')) {
      bad(['smtp', 'password'], 'would keep a password in the settings file: put it in an environment variable and name that with password_env');
    }
    const m = mapping(d.smtp, ['smtp'], SMTP, `a mapping (${SMTP.join(', ')})`);
    const starttls = str(m.starttls, ['smtp', 'starttls']);
    smtp = {
      host: pattern(m.host, ['smtp', 'host'], /^([^\s:/]+|\[?[0-9a-fA-F:]+\]?)$/, 'a host name or address, without port or scheme'),
      port: num(m.port, ['smtp', 'port'], { integer: true, min: 1, max: 65535 }),
      secure: given(m.secure) && typeof m.secure !== 'boolean' ? bad(['smtp', 'secure'], `must be true or false (got ${JSON.stringify(m.secure)})`) : (m.secure as boolean | undefined),
      starttls: starttls === undefined || STARTTLS_MODES.includes(starttls as StartTls) ? (starttls as StartTls | undefined) : bad(['smtp', 'starttls'], `must be one of ${STARTTLS_MODES.join(', ')} (got "${starttls}")`),
      user: str(m.user, ['smtp', 'user']),
      passwordEnv: pattern(m.password_env, ['smtp', 'password_env'], /^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable, such as GAZETTE_SMTP_PASSWORD'),
      from: pattern(m.from, ['smtp', 'from'], /^([^<>]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/, 'an address such as gazette@example.org or "Cluster Gazette <gazette@example.org>"'),
      timeoutS: num(m.timeout_s, ['smtp', 'timeout_s'], { min: 1, max: 3600 }),
    };
  }

  let newsletter: NewsletterSettings | undefined;
  if (given(d.newsletter)) {
    const m = mapping(d.newsletter, ['newsletter'], NEWSLETTER, `a mapping (${NEWSLETTER.join(', ')})`);
    const colour = (v: unknown, keys: Keys) => pattern(v, keys, COLOUR, 'a colour such as #35618f or teal');
    let colours: NewsletterSettings['colours'];
    if (Array.isArray(m.colours)) {
      colours = m.colours.map((c, i) => colour(c, ['newsletter', 'colours', i]) ?? bad(['newsletter', 'colours', i], 'is empty'));
    } else if (given(m.colours)) {
      const c = mapping(m.colours, ['newsletter', 'colours'], [...NEWSLETTER_COLOUR_ROLES], `a mapping of colours by role (${NEWSLETTER_COLOUR_ROLES.join(', ')}) or a list`);
      colours = Object.fromEntries(Object.entries(c).map(([role, v]) => [role, colour(v, ['newsletter', 'colours', role])]));
    }
    newsletter = { name: str(m.name, ['newsletter', 'name']), logo: str(m.logo, ['newsletter', 'logo']), colours };
  }

  const fg = mapping(d.figures, ['figures'], FIGURES, `a mapping (${FIGURES.join(', ')})`);
  const retryHours = num(fg.retry_window_hours, ['figures', 'retry_window_hours'], { max: 24 * 365 });
  const figures: FigureThresholds = {
    top: num(fg.top, ['figures', 'top'], { integer: true, min: 1, max: 1000 }) ?? DEFAULT_FIGURE_THRESHOLDS.top,
    minFailures: num(fg.min_failures, ['figures', 'min_failures'], { integer: true, min: 1 }) ?? DEFAULT_FIGURE_THRESHOLDS.minFailures,
    overRequestRatio: num(fg.over_request_ratio, ['figures', 'over_request_ratio'], { min: 1 }) ?? DEFAULT_FIGURE_THRESHOLDS.overRequestRatio,
    minRunSeconds: num(fg.min_run_seconds, ['figures', 'min_run_seconds']) ?? DEFAULT_FIGURE_THRESHOLDS.minRunSeconds,
    retryWindowSeconds: retryHours === undefined ? DEFAULT_FIGURE_THRESHOLDS.retryWindowSeconds : Math.round(retryHours * 3600),
  };

  const fb = mapping(d.feedback, ['feedback'], FEEDBACK, `a mapping (${FEEDBACK.join(', ')})`);
  const th = mapping(fb.thresholds, ['feedback', 'thresholds'], banded(), `a mapping of heuristic to [low, moderate, severe, critical] or off (${banded().join(', ')})`);
  const bandsOf = (key: string, scale = 1): Bands | null | undefined => {
    const v = th[key];
    const at = ['feedback', 'thresholds', key];
    if (v === undefined) return undefined;
    if (v === 'off' || v === false) return null;
    const bands = Array.isArray(v) && v.length === 4 ? v.map((x, i) => num(x, [...at, i]) ?? bad([...at, i], 'is empty')) : bad(at, `must be four ascending numbers [low, moderate, severe, critical], or off (got ${JSON.stringify(v)})`);
    if (bands.some((x, i) => i > 0 && x < bands[i - 1])) bad(at, `must ascend: low ≤ moderate ≤ severe ≤ critical (got ${JSON.stringify(v)})`);
    return bands.map((x) => x * scale) as Bands;
  };
  const severity = (v: unknown, keys: Keys): Severity | undefined => {
    const s = str(v, keys);
    return s === undefined || (SEVERITIES as readonly string[]).includes(s) ? (s as Severity | undefined) : bad(keys, `must be one of ${SEVERITIES.join(', ')} (got "${s}")`);
  };
  const superuserSeverity = severity(fb.superuser_severity, ['feedback', 'superuser_severity']);
  const dh = DEFAULT_HEURISTICS;
  const heuristics: HeuristicSettings = {
    minRunSeconds: num(fb.min_run_seconds, ['feedback', 'min_run_seconds']) ?? dh.minRunSeconds,
    minVcoreHours: num(fb.min_vcore_hours, ['feedback', 'min_vcore_hours']) ?? dh.minVcoreHours,
    burnWindowDays: num(fb.burn_window_days, ['feedback', 'burn_window_days'], { min: 1, max: 3660 }) ?? dh.burnWindowDays,
    superuserSeverity: superuserSeverity ?? dh.superuserSeverity,
    bands: Object.fromEntries(
      Object.entries(dh.bands).map(([h, def]) => {
        const given = h === 'queue_wait' ? bandsOf('queue_wait_hours', 3600) : bandsOf(h);
        return [h, given === undefined ? def : given];
      }),
    ) as HeuristicSettings['bands'],
  };

  const fe = mapping(fb.email, ['feedback', 'email'], FEEDBACK_EMAIL, `a mapping (${FEEDBACK_EMAIL.join(', ')})`);
  const de = DEFAULT_FEEDBACK_EMAIL;
  const email: FeedbackEmailSettings = {
    minSeverity: severity(fe.min_severity, ['feedback', 'email', 'min_severity']) ?? de.minSeverity,
    knownErrorMinSeverity: severity(fe.known_error_min_severity, ['feedback', 'email', 'known_error_min_severity']) ?? de.knownErrorMinSeverity,
    repeatAfterDays: num(fe.repeat_after_days, ['feedback', 'email', 'repeat_after_days'], { max: 3660 }) ?? de.repeatAfterDays,
    recentRuns: num(fe.recent_runs, ['feedback', 'email', 'recent_runs'], { integer: true, min: 0, max: 100 }) ?? de.recentRuns,
    maxJobs: num(fe.max_jobs, ['feedback', 'email', 'max_jobs'], { integer: true, min: 1, max: 100 }) ?? de.maxJobs,
  };
  const addresses: Record<string, string> = {};
  for (const [user, v] of Object.entries(mapping(d.addresses, ['addresses'], undefined, 'a mapping of user to email address'))) {
    addresses[user] = pattern(v, ['addresses', user], EMAIL_ADDRESS, 'an email address') ?? bad(['addresses', user], 'is empty');
  }

  const jk = mapping(d.job_key, ['job_key'], JOB_KEY, 'a mapping (rules, extra_rules, workflow_tags)');
  return {
    file,
    cluster: str(d.cluster, ['cluster']),
    timezone,
    fiscalYearStartMonth: num(d.fiscal_year_start_month, ['fiscal_year_start_month'], { integer: true, min: 1, max: 12 }) ?? 1,
    superusers: given(d.superusers) ? names(d.superusers, ['superusers'], 'account names') : [...DEFAULT_SUPERUSERS],
    emailDomain: pattern(d.email_domain, ['email_domain'], /^[^@\s]+\.[^@\s]+$/, 'a domain such as example.org (no @)'),
    addresses,
    prices,
    clusters,
    teams,
    storage,
    figures,
    smtp,
    newsletter,
    // knowledge_base: as written; feedback/kb.ts resolves it against the settings file's directory
    feedback: { heuristics, knowledgeBase: str(fb.knowledge_base, ['feedback', 'knowledge_base']), email },
    jobKey: {
      rules: rules(jk.rules, ['job_key', 'rules']),
      extraRules: rules(jk.extra_rules, ['job_key', 'extra_rules']) ?? [],
      workflowTags: given(jk.workflow_tags) ? names(jk.workflow_tags, ['job_key', 'workflow_tags'], 'tag keys') : undefined,
    },
  };
}
