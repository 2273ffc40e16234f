/**
 * The feedback emails as .eml bytes: each rendered (render/feedback-email.ts, the templates
 * compiled once, MJML included), composed (deliver/email.ts) and, given an outbox, written there
 * whole or not at all — in the background while the next ones are composed. In the emails' order.
 *
 * On the main thread: spread over worker threads (one per core) the same batch took longer on the
 * 2-core bench machine (7.3 s against 5.7 s for 2,000 emails), each worker twice as slow per email.
 */
import path from 'node:path';
import { composeEmail } from '../deliver/email.js';
import { writeFileAtomicAsync } from '../deliver/atomic-write.js';
import { renderFeedbackEmail, type FeedbackLook, type FeedbackTemplates } from '../render/feedback-email.js';
import type { FeedbackEmail } from './batch.js';

export interface ComposeOptions {
  /** Compiled once a run (loadFeedbackTemplates). */
  templates: FeedbackTemplates;
  look: FeedbackLook;
  /** The From of every email. */
  from: string;
  /** The emails' Date, and the stamp of their file names. */
  now: Date;
  /** Where to write the .eml files; none: compose only. */
  outbox?: string;
}

export interface Composed {
  subject: string;
  messageId: string;
  /** OUTBOX/<yyyymmdd-hhmm>-<owner>-<message id's first 8>.eml (written when there is an outbox). */
  file: string;
  bytes: number;
}

/** A file name's part from a user name: letters, digits, dot, dash and underscore. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'user';

/** The Message-ID composeEmail gave the message (a hash of its content). */
function messageIdOf(raw: Buffer): string {
  const m = /^Message-ID: <([^>]+)>/im.exec(raw.subarray(0, 4096).toString('latin1'));
  return m ? m[1] : '';
}

/** Files being written at once, at most (each one's creation waits on the disk, not the CPU). */
const WRITES_IN_FLIGHT = 16;

/** Compose every email, one after another, while their files are written in the background; in order. */
export async function composeFeedbackEmails(emails: FeedbackEmail[], o: ComposeOptions): Promise<Composed[]> {
  const out: Composed[] = [];
  const writing = new Set<Promise<void>>();
  for (const e of emails) {
    const { composed, raw } = await composeOne(o.templates, e, o);
    out.push(composed);
    if (!o.outbox) continue;
    const w: Promise<void> = writeFileAtomicAsync(composed.file, raw).finally(() => writing.delete(w));
    writing.add(w);
    if (writing.size >= WRITES_IN_FLIGHT) await Promise.race(writing);
  }
  await Promise.all(writing);
  return out;
}

/** Render and compose one email: its bytes and where they go. */
async function composeOne(t: FeedbackTemplates, email: FeedbackEmail, o: ComposeOptions): Promise<{ composed: Composed; raw: Buffer }> {
  const rendered = renderFeedbackEmail(t, email, o.look, o.now);
  const raw = await composeEmail({
    from: o.from, to: email.to, cc: email.cc, subject: rendered.subject, html: rendered.html, text: rendered.text, date: o.now,
    headers: { 'X-Gazette-Feedback': email.owner },
    // a batch is thousands of emails: base64 encodes in a third less time than quoted-printable
    textEncoding: 'base64',
  });
  const messageId = messageIdOf(raw);
  const stamp = o.now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const file = path.join(o.outbox ?? '.', `${stamp}-${safe(email.owner)}-${messageId.slice(0, 8)}.eml`);
  return { composed: { subject: rendered.subject, messageId, file, bytes: raw.length }, raw };
}
