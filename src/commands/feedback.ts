/**
 * gazette feedback --job ID | --since DURATION|DATE: per-job feedback to the jobs' owners. The
 * findings (feedback/batch.ts) go into one email per owner, written as .eml files to the outbox
 * (default out/outbox) or, with --send, sent over SMTP through the newsletter's delivery code.
 * What was delivered is remembered in the warehouse (feedback_sent), so the same finding on the
 * same job key reaches the same owner at most once per feedback.email.repeat_after_days;
 * --dry-run shows what would be sent, to whom, and remembers nothing.
 *
 * Delivery, message by message: without --send, writing the .eml is the delivery (a mail system
 * or a person takes the outbox from there). With --send, each message is written to the outbox,
 * sent, then moved to OUTBOX/sent/ and remembered; a message the server does not take stays in
 * the outbox, unremembered, so running the same command again sends it and nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { clustersWithJobs } from '../analyze/figures.js';
import { parseMoment, parseSince } from '../analyze/period.js';
import { envelopeOf } from '../deliver/email.js';
import { senderOf, smtpFromOptions, type SmtpFlags } from '../deliver/smtp-options.js';
import { openSmtp, SmtpError, type SmtpSession } from '../deliver/smtp.js';
import { FailureError, UsageError } from '../errors.js';
import { collectFeedback, notSentRecently, planEmails, recordDelivered, type Delivery, type FeedbackEmail, type FeedbackSelection } from '../feedback/batch.js';
import { n } from '../feedback/describe.js';
import { loadKnowledgeBase, resolveKbDir } from '../feedback/kb.js';
import { composeFeedbackEmails } from '../feedback/compose.js';
import { loadFeedbackTemplates, type FeedbackLook } from '../render/feedback-email.js';
import { DEFAULT_NEWSLETTER_NAME } from '../render/newsletter-view.js';
import { loadSettings } from '../settings.js';
import { openWarehouse, resolveDbPath } from '../warehouse/open.js';

export interface FeedbackFlags extends SmtpFlags {
  db?: string;
  config?: string;
  cluster?: string;
  job?: string;
  since?: string;
  until?: string;
  dryRun?: boolean;
  outbox?: string;
  send?: boolean;
  kb?: string;
  templates?: string;
}

export const DEFAULT_OUTBOX = path.join('out', 'outbox');

/** SMTP failures that end the batch (the server or the login, not one message's recipients). */
const FATAL_SMTP = new Set(['ECONNECTION', 'ETIMEDOUT', 'EAUTH', 'ENOAUTH', 'ETLS', 'EDNS', 'ESOCKET', 'ERROR']);

export async function runFeedback(flags: FeedbackFlags): Promise<void> {
  if (Boolean(flags.job) === Boolean(flags.since)) {
    throw new UsageError('Say which jobs: --job JOB-ID (one job, from a completion hook) or --since DURATION|DATE (the jobs that ended since then).');
  }
  if (flags.dryRun && flags.send) throw new UsageError('--dry-run sends nothing: leave out --send, or --dry-run.');
  if (flags.job && flags.until) throw new UsageError('--until bounds a --since window; --job names its job.');
  const settings = loadSettings(flags.config);
  const kb = loadKnowledgeBase(resolveKbDir(flags.kb, settings));
  const templates = await loadFeedbackTemplates(flags.templates); // a template problem stops the run before the warehouse is read
  const smtp = flags.send ? smtpFromOptions(settings.smtp, flags) : undefined;
  const now = flags.until ? parseMoment(flags.until, '--until') : new Date();
  const since = flags.since ? parseSince(flags.since, now) : undefined;
  if (since && since >= now) throw new UsageError(`--since ${flags.since} is not before --until (${now.toISOString()}): the window is empty.`);
  const look: FeedbackLook = { ...settings.newsletter, name: settings.newsletter?.name ?? DEFAULT_NEWSLETTER_NAME };
  const from = senderOf(settings, flags, look.name);
  const repeatDays = settings.feedback.email.repeatAfterDays;
  const outbox = path.resolve(flags.outbox ?? DEFAULT_OUTBOX);
  const writeFiles = !flags.dryRun || flags.outbox !== undefined;
  const say = (m: string) => process.stderr.write(`${m}\n`);

  const wh = await openWarehouse(resolveDbPath(flags.db), { readOnly: flags.dryRun });
  try {
    let sel: FeedbackSelection;
    if (flags.job) {
      sel = { cluster: flags.cluster ?? null, jobId: flags.job };
    } else {
      const known = await clustersWithJobs(wh.conn);
      if (flags.cluster && !known.includes(flags.cluster)) {
        throw new UsageError(`--cluster ${flags.cluster}: the warehouse has no jobs of it${known.length ? ` (it has: ${known.join(', ')})` : ''}.`);
      }
      sel = { clusters: flags.cluster ? [flags.cluster] : known, since: since!, until: now };
    }
    const collected = await collectFeedback(wh.conn, settings, kb, sel);
    const { fresh, repeats } = await notSentRecently(wh.conn, collected.items, now, repeatDays);
    const { emails, unaddressed } = await planEmails(wh.conn, settings, collected, fresh);

    const window = since ? `jobs that ended ${since.toISOString().slice(0, 16).replace('T', ' ')} to ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC` : `job ${flags.job}`;
    say(`feedback: ${window}: ${n(collected.items.length)} finding${collected.items.length === 1 ? '' : 's'} (one per job key, finding and owner), ${n(repeats)} already sent within ${n(repeatDays)} days; ${n(emails.length)} email${emails.length === 1 ? '' : 's'} to write.`);
    if (collected.ownerless) say(`warning: ${n(collected.ownerless)} findings are on jobs with no user: nobody to tell.`);
    if (unaddressed.length) {
      say(`warning: no address for ${unaddressed.map((u) => u.owner).join(', ')} (${n(unaddressed.reduce((s, u) => s + u.items, 0))} findings not sent): set email_domain, or the user under addresses:, or their team's mailing_list in the settings.`);
    }

    const composed = await composeFeedbackEmails(emails, { templates, look, from, now, outbox: writeFiles ? outbox : undefined });
    const failures: { email: FeedbackEmail; error: Error }[] = [];
    let delivered = 0;
    const written: Delivery[] = [];
    let session: SmtpSession | undefined;
    const sentDir = path.join(outbox, 'sent');
    if (smtp && emails.length) fs.mkdirSync(sentDir, { recursive: true });
    try {
      for (const [i, email] of emails.entries()) {
        const { file, messageId, subject } = composed[i];
        if (flags.dryRun) {
          const jobs = email.jobs.length + email.brief.length + email.rest.length;
          process.stdout.write(`${[...email.to, ...email.cc.map((c) => `cc ${c}`)].join(', ')}\t${email.worst}\t${jobs} job${jobs === 1 ? '' : 's'}, ${email.items.length} finding${email.items.length === 1 ? '' : 's'}\t${subject}\n`);
        } else if (!smtp) {
          // remembered together once every file is written (one commit, not one per email)
          written.push({ email, messageId });
        } else {
          try {
            // what is sent is what was written
            session ??= openSmtp(smtp);
            const result = await session.send(fs.readFileSync(file), envelopeOf({ from, to: email.to, cc: email.cc }));
            if (result.rejected.length) say(`warning: ${smtp.host} refused ${result.rejected.join(', ')} for ${email.owner}'s email; it took ${result.accepted.join(', ')}.`);
            fs.renameSync(file, path.join(sentDir, path.basename(file)));
            await recordDelivered(wh.conn, [{ email, messageId }], 'smtp', now);
            delivered++;
          } catch (e) {
            failures.push({ email, error: e as Error });
            if (e instanceof SmtpError && FATAL_SMTP.has(e.code)) {
              // the server or the login, not this message: the rest would fail alike
              for (const rest of emails.slice(i + 1)) failures.push({ email: rest, error: e });
              break;
            }
          }
        }
      }
    } finally {
      session?.close();
    }
    if (written.length) {
      await recordDelivered(wh.conn, written, 'outbox', now);
      delivered = written.length;
    }
    if (flags.dryRun) {
      say(`dry run: nothing sent, nothing remembered${writeFiles && emails.length ? `; the emails are in ${outbox}` : ''}.`);
      return;
    }
    if (smtp) say(`sent ${n(delivered)} of ${n(emails.length)} via ${smtp.host}:${smtp.port}; copies in ${sentDir}`);
    else if (emails.length) say(`wrote ${n(delivered)} email${delivered === 1 ? '' : 's'} to the outbox; what they carry is remembered and will not be repeated within ${n(repeatDays)} days.`);
    if (failures.length) {
      const first = failures[0];
      throw new FailureError(
        `${n(failures.length)} of ${n(emails.length)} emails were not sent (${first.email.owner}: ${first.error.message}). ` +
          `What was not sent is not remembered: fix the cause and run the same command again; it sends those and nothing already delivered. The unsent messages are in ${outbox}.`,
      );
    }
    if (emails.length) process.stdout.write(`${outbox}\n`);
  } finally {
    wh.close();
  }
}
