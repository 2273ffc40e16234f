/**
 * SMTP delivery: the bytes composeEmail made (and a command wrote to disk) are sent as they
 * are — nodemailer's `raw` with an explicit envelope — so what is sent is what was written.
 * A failure is an SmtpError (exit 1) that names host:port, what went wrong and what to check.
 */
import nodemailer from 'nodemailer';
import { FailureError } from '../errors.js';
import type { StartTls } from '../settings.js';
import { composeEmail, envelopeOf, type EmailMessage, type Envelope } from './email.js';

/** A server to send through, resolved from the settings and flags (see smtp-options.ts). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465); starttls is then moot. */
  secure: boolean;
  starttls: StartTls;
  user?: string;
  password?: string;
  /** Seconds to wait for the connection, the greeting and each reply. */
  timeoutS: number;
  /** The From of messages the commands compose. */
  from?: string;
  /** CA certificates (PEM) to trust besides the system's: a server with a private CA; tests, a self-signed one. */
  ca?: string | Buffer;
}

export interface SendResult {
  /** Recipients the server took. */
  accepted: string[];
  /** Recipients the server refused while taking others: the message did not reach them. */
  rejected: string[];
  /** The server's last reply ("250 2.0.0 Ok: queued as …"). */
  response: string;
}

/** Sending failed: nothing was delivered (exit 1). */
export class SmtpError extends FailureError {
  constructor(
    message: string,
    /** nodemailer's code: ECONNECTION, ETIMEDOUT, EAUTH, EENVELOPE, ETLS, EDNS, ESOCKET… */
    readonly code: string,
  ) {
    super(message);
  }
}

/** Composes `msg` (unless its bytes are given: send what was written) and sends it to to + cc + bcc. */
export async function sendEmail(smtp: SmtpSettings, msg: EmailMessage, raw?: Buffer): Promise<SendResult> {
  return sendRaw(smtp, raw ?? (await composeEmail(msg)), envelopeOf(msg));
}

/** Sends a composed message byte for byte to the envelope's recipients. */
export async function sendRaw(smtp: SmtpSettings, raw: Buffer, envelope: Envelope): Promise<SendResult> {
  const session = openSmtp(smtp);
  try {
    return await session.send(raw, envelope);
  } finally {
    session.close();
  }
}

/** A connection kept open for a batch of messages (one after another), closed by the caller. */
export interface SmtpSession {
  send(raw: Buffer, envelope: Envelope): Promise<SendResult>;
  close(): void;
}

/**
 * One SMTP connection for many messages (nodemailer's pool of one): a batch of feedback emails
 * does not log in again for each, and a server's per-connection limits see one client. A message
 * the server refuses does not close it.
 */
export function openSmtp(smtp: SmtpSettings): SmtpSession {
  const ms = smtp.timeoutS * 1000;
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: !smtp.secure && smtp.starttls === 'require',
    ignoreTLS: !smtp.secure && smtp.starttls === 'never',
    auth: smtp.user === undefined ? undefined : { user: smtp.user, pass: smtp.password ?? '' },
    connectionTimeout: ms,
    greetingTimeout: ms,
    socketTimeout: ms,
    tls: smtp.ca === undefined ? undefined : { ca: smtp.ca },
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(raw, envelope) {
      try {
        const info = await transport.sendMail({ raw, envelope: { from: envelope.from, to: envelope.to } });
        return { accepted: info.accepted.map(String), rejected: info.rejected.map(String), response: info.response };
      } catch (e) {
        throw smtpError(e, smtp, envelope);
      }
    },
    close: () => transport.close(),
  };
}

interface NodemailerFailure {
  message: string;
  code?: string;
  originalCode?: string;
  response?: string;
  command?: string;
  rejected?: string[];
}

/** What went wrong, in words that say where and what to check. */
export function smtpError(e: unknown, smtp: SmtpSettings, envelope: Envelope): SmtpError {
  const err = (e ?? {}) as NodemailerFailure;
  const where = `SMTP server ${smtp.host}:${smtp.port}`;
  const reply = err.response ? ` (${err.response.trim()})` : '';
  const code = err.code ?? 'ERROR';
  const system = err.originalCode ?? code;
  const tlsHint = smtp.secure
    ? 'secure: true expects TLS from the first byte (port 465); for port 587 or 25 set secure: false'
    : 'port 465 wants secure: true';
  let message: string;
  if (system === 'ECONNREFUSED') {
    message = `${where} refused the connection. Check smtp.host and smtp.port (--smtp-host, --smtp-port) and that the server is running.`;
  } else if (code === 'EDNS' || system === 'ENOTFOUND' || system === 'EAI_AGAIN') {
    message = `${where}: the host name does not resolve (${err.message}). Check smtp.host (--smtp-host).`;
  } else if (code === 'ETIMEDOUT') {
    message = `${where} did not answer within ${smtp.timeoutS} s. Check smtp.host and smtp.port, any firewall on the way, and the TLS mode (${tlsHint}).`;
  } else if (code === 'EAUTH' || code === 'ENOAUTH') {
    message = `${where} refused the login of user "${smtp.user ?? ''}"${reply}. Check smtp.user and the password in the variable smtp.password_env names.`;
  } else if (code === 'EENVELOPE' && err.command === 'MAIL FROM') {
    message = `${where} refused the sender ${envelope.from}${reply}. Check the From address (smtp.from) and that the server lets this user send as it.`;
  } else if (code === 'EENVELOPE') {
    const who = err.rejected?.length ? err.rejected.join(', ') : envelope.to.join(', ');
    message = `${where} refused the recipients ${who}${reply}; nothing was sent. Check the addresses, and that the server relays for this sender (and login).`;
  } else if (code === 'ETLS' || /wrong version number|certificate|self[- ]signed|handshake/i.test(err.message)) {
    message = `${where}: TLS failed (${err.message}). Check the TLS mode (${tlsHint}; smtp.starttls) and that the server's certificate is trusted.`;
  } else if (code === 'EMESSAGE') {
    message = `${where} refused the message${reply}. Check its size against the server's limit.`;
  } else {
    message = `${where}: sending failed (${err.message ?? String(e)}). Check smtp.host, smtp.port and the TLS mode (${tlsHint}).`;
  }
  return new SmtpError(message, code);
}
