/**
 * The feedback emails as .eml bytes: each rendered (render/feedback-email.ts), composed
 * (deliver/email.ts) and, given an outbox, written there whole or not at all. A large batch is
 * split over worker threads (compose-worker.ts), one per core up to four: rendering and MIME
 * encoding are plain JavaScript, one core each, and DuckDB is idle by then. Each worker compiles
 * the templates once (MJML included). The results come back in the emails' order.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { composeEmail } from '../deliver/email.js';
import { GazetteError } from '../errors.js';
import { writeFileAtomicAsync } from '../deliver/atomic-write.js';
import { loadFeedbackTemplates, renderFeedbackEmail, type FeedbackLook, type FeedbackTemplates } from '../render/feedback-email.js';
import type { FeedbackEmail } from './batch.js';

export interface ComposeOptions {
  templatesDir?: string;
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

/** Fewer emails than this are composed on the main thread: a worker's start costs more. */
const PER_WORKER = 100;

/** A file name's part from a user name: letters, digits, dot, dash and underscore. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'user';

/** The Message-ID composeEmail gave the message (a hash of its content). */
function messageIdOf(raw: Buffer): string {
  const m = /^Message-ID: <([^>]+)>/im.exec(raw.subarray(0, 4096).toString('latin1'));
  return m ? m[1] : '';
}

/** Files being written at once, at most (each one's creation waits on the disk, not the CPU). */
const WRITES_IN_FLIGHT = 16;

/** Compose emails one after another while their files are written in the background; in order. */
export async function composeSeries(t: FeedbackTemplates, emails: FeedbackEmail[], o: ComposeOptions): Promise<Composed[]> {
  const out: Composed[] = [];
  const writing = new Set<Promise<void>>();
  for (const e of emails) {
    const { composed, raw } = await composeOne(t, e, o);
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

/** Compose every email, in order; a large batch over worker threads. */
export async function composeFeedbackEmails(emails: FeedbackEmail[], o: ComposeOptions): Promise<Composed[]> {
  const workers = Math.min(os.availableParallelism(), 4, Math.floor(emails.length / PER_WORKER));
  if (workers <= 1) {
    return composeSeries(await loadFeedbackTemplates(o.templatesDir), emails, o);
  }
  // every workers-th email to each: the big ones (superusers, many jobs) spread out
  const parts = Array.from({ length: workers }, (_, w) => emails.map((e, i) => [i, e] as const).filter(([i]) => i % workers === w));
  const results = await Promise.all(parts.map((part) => runWorker(part.map(([, e]) => e), o)));
  const out: Composed[] = new Array(emails.length);
  parts.forEach((part, w) => part.forEach(([i], k) => (out[i] = results[w][k])));
  return out;
}

/**
 * One worker's share. A worker's young generation is small by default: rendering and encoding make
 * short-lived strings by the megabyte, and with the default it spent more time collecting them than
 * the main thread takes for the whole share.
 */
function runWorker(emails: FeedbackEmail[], o: ComposeOptions): Promise<Composed[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./compose-worker.js', import.meta.url), { workerData: { emails, options: o }, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    let done = false;
    worker.once('message', (m: { ok: true; composed: Composed[] } | { ok: false; error: { name: string; message: string; exitCode?: number } }) => {
      done = true;
      if (m.ok) resolve(m.composed);
      else reject(m.error.exitCode ? new GazetteError(m.error.message, m.error.exitCode as 1 | 2) : new Error(m.error.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`a feedback compose worker stopped (exit ${code}) before it finished`));
    });
  });
}
