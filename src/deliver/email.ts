/**
 * Email composition: a message → the bytes of one RFC 5322 MIME message (.eml), built by
 * nodemailer's MailComposer. Structure: multipart/alternative of the plain text and a
 * multipart/related of the HTML with its inline images (referenced as cid:…); with
 * attachments, all of that inside a multipart/mixed. The plain text comes first, so a
 * reader that shows no HTML (or no images) reads the text.
 *
 * Deterministic: the same message gives the same bytes. The Date is the message's own, the
 * Message-ID and the MIME boundaries come from a hash of the content (the domain of the
 * Message-ID from `from`), so nothing random or clock-read is in the output.
 */
import crypto from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { writeFileAtomic } from './atomic-write.js';

/** A file carried in the message: an inline image (with `cid`) or an attachment. */
export interface EmailFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface InlineImage extends EmailFile {
  /** The Content-ID, as the HTML references it: <img src="cid:{cid}">. */
  cid: string;
}

export interface EmailMessage {
  /** "Cluster Gazette <gazette@example.org>" or a bare address. */
  from: string;
  to: string[];
  cc?: string[];
  /** Envelope only: never written into the message's headers. */
  bcc?: string[];
  subject: string;
  html: string;
  /** The plain-text part: the same facts as the HTML, for readers without HTML or images. */
  text: string;
  /** The Date header; passed in, so the same message composes to the same bytes. */
  date: Date;
  images?: InlineImage[];
  attachments?: EmailFile[];
  /**
   * How the text and HTML parts are encoded: quoted-printable (default; the .eml reads as text)
   * or base64 (a third cheaper to encode: the batches of feedback emails).
   */
  textEncoding?: 'quoted-printable' | 'base64';
  /** Extra headers (List-Unsubscribe, X-…); the standard ones above win over these. */
  headers?: Record<string, string>;
}

/** The SMTP envelope: the bare sender address and every recipient (to, cc and bcc). */
export interface Envelope {
  from: string;
  to: string[];
}

/** Gmail clips a message whose HTML is over 102 KB, showing "[Message clipped]" and a link. */
export const GMAIL_CLIP_BYTES = 102 * 1024;

/** The HTML's size as Gmail counts it against GMAIL_CLIP_BYTES: its decoded UTF-8 bytes (not the encoded part's). */
export function htmlSizeBytes(html: string | Buffer): number {
  return typeof html === 'string' ? Buffer.byteLength(html, 'utf8') : html.length;
}

/** The bare addresses in a list of address fields ("Name <a@b>", "a@b, c@d"), groups flattened. */
export function addressesOf(fields: string[]): string[] {
  return fields.flatMap((f) => addressparser(f, { flatten: true }).map((a) => a.address).filter((a) => a !== ''));
}

export function envelopeOf(msg: Pick<EmailMessage, 'from' | 'to' | 'cc' | 'bcc'>): Envelope {
  const [from] = addressesOf([msg.from]);
  return { from: from ?? '', to: [...new Set(addressesOf([...msg.to, ...(msg.cc ?? []), ...(msg.bcc ?? [])]))] };
}

/** SHA-256 over every field of the message, files by their own hash: the seed of the Message-ID and boundaries. */
function contentHash(msg: EmailMessage): string {
  const h = crypto.createHash('sha256');
  // each field length-prefixed, so no two messages feed the hash the same bytes
  const field = (x: string | Buffer) => {
    h.update(`${Buffer.byteLength(x)}:`);
    h.update(x);
  };
  for (const x of [msg.from, ...msg.to, '', ...(msg.cc ?? []), '', msg.subject, msg.html, msg.text, msg.date.toISOString(), msg.textEncoding ?? 'quoted-printable']) field(x);
  for (const f of [...(msg.images ?? []), ...(msg.attachments ?? [])]) {
    for (const x of ['cid' in f ? String(f.cid) : '', f.filename, f.contentType]) field(x);
    field(crypto.createHash('sha256').update(f.content).digest('hex'));
  }
  for (const [k, v] of Object.entries(msg.headers ?? {})) field(`${k}: ${v}`);
  return h.digest('hex');
}

/** The complete message, CRLF line ends, ready to write as .eml or send as is. */
export async function composeEmail(msg: EmailMessage): Promise<Buffer> {
  if (Number.isNaN(msg.date.getTime())) throw new TypeError('composeEmail: the message date is not a valid Date');
  const hash = contentHash(msg);
  const domain = envelopeOf(msg).from.split('@')[1] || 'localhost';
  const composer = new MailComposer({
    from: msg.from,
    to: msg.to,
    cc: msg.cc?.length ? msg.cc : undefined,
    subject: msg.subject,
    date: msg.date,
    messageId: `<${hash.slice(0, 32)}@${domain}>`,
    baseBoundary: hash.slice(32, 48),
    text: msg.text,
    html: msg.html,
    attachments: [
      ...(msg.images ?? []).map((i) => ({ cid: i.cid, filename: i.filename, contentType: i.contentType, content: i.content, contentDisposition: 'inline' })),
      ...(msg.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    ],
    headers: msg.headers,
    newline: 'win',
    // stated, not guessed: nodemailer would scan every text part to choose, which costs more than encoding it
    textEncoding: msg.textEncoding ?? 'quoted-printable',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}

/** Composes the message and writes it to `file` whole or not at all; returns the bytes written. */
export async function writeEmail(file: string, msg: EmailMessage): Promise<Buffer> {
  const raw = await composeEmail(msg);
  writeFileAtomic(file, raw);
  return raw;
}
