/**
 * The SMTP server a command sends through: the settings file's `smtp:` section with the
 * --smtp-* flags over it, defaults filled in and the password read from the environment
 * variable named by password_env. Shared by every command that sends (report, feedback).
 */
import { UsageError } from '../errors.js';
import { STARTTLS_MODES } from '../settings-parse.js';
import type { Settings, SmtpConfig, StartTls } from '../settings.js';
import type { SmtpSettings } from './smtp.js';

/** The --smtp-* flags as commander hands them over (values as typed, so strings). */
export interface SmtpFlags {
  smtpHost?: string;
  smtpPort?: string | number;
  smtpSecure?: boolean;
  smtpStarttls?: string;
  smtpUser?: string;
  smtpPasswordEnv?: string;
  smtpFrom?: string;
  smtpTimeout?: string | number;
}

export const SMTP_DEFAULT_TIMEOUT_S = 30;

function numberFlag(v: string | number | undefined, flag: string, min: number, max: number, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got ${JSON.stringify(v)}).`);
  }
  return n;
}

/**
 * Settings and flags merged (a flag wins over its key), defaults: port 465 with secure, else
 * 587; STARTTLS required when there is a login (a password is never sent in the clear),
 * else used when offered; 30 s timeout. Errors are configuration errors (exit 2).
 */
export function smtpFromOptions(config: SmtpConfig | undefined, flags: SmtpFlags = {}, env: NodeJS.ProcessEnv = process.env): SmtpSettings {
  const c = config ?? {};
  const host = flags.smtpHost ?? c.host;
  if (!host) throw new UsageError('No SMTP server to send through: set smtp.host in the settings file or pass --smtp-host.');
  const secure = flags.smtpSecure ?? c.secure ?? false;
  const user = flags.smtpUser ?? c.user;
  const starttls = flags.smtpStarttls ?? c.starttls ?? (user === undefined ? 'opportunistic' : 'require');
  if (!STARTTLS_MODES.includes(starttls as StartTls)) {
    throw new UsageError(`--smtp-starttls must be one of ${STARTTLS_MODES.join(', ')} (got "${starttls}").`);
  }
  const passwordEnv = flags.smtpPasswordEnv ?? c.passwordEnv;
  let password: string | undefined;
  if (passwordEnv !== undefined) {
    if (user === undefined) throw new UsageError(`smtp.password_env (--smtp-password-env) is set but no user: set smtp.user (--smtp-user) too.`);
    password = env[passwordEnv];
    if (!password) throw new UsageError(`The SMTP password is to be in the environment variable ${passwordEnv} (smtp.password_env), which is not set. Export it before running.`);
  } else if (user !== undefined) {
    throw new UsageError(`smtp.user "${user}" has no password: name the environment variable that holds it with smtp.password_env (--smtp-password-env).`);
  }
  return {
    host,
    port: numberFlag(flags.smtpPort, '--smtp-port', 1, 65535, true) ?? c.port ?? (secure ? 465 : 587),
    secure,
    starttls: starttls as StartTls,
    user,
    password,
    timeoutS: numberFlag(flags.smtpTimeout, '--smtp-timeout', 1, 3600, false) ?? c.timeoutS ?? SMTP_DEFAULT_TIMEOUT_S,
    from: flags.smtpFrom ?? c.from,
  };
}

/** The From of the messages a command composes: --smtp-from, else smtp.from, else "NAME <gazette@email_domain>". */
export function senderOf(settings: Pick<Settings, 'smtp' | 'emailDomain'>, flags: SmtpFlags, name: string): string {
  return flags.smtpFrom ?? settings.smtp?.from ?? `${name} <gazette@${settings.emailDomain ?? 'localhost'}>`;
}
