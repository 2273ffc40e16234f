/** A loopback SMTP server for the delivery tests: it keeps what it receives and refuses the recipients listed. */
import net from 'node:net';
import { after } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface Received {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  secure: boolean;
  user?: string;
}

/**
 * An SMTP server on 127.0.0.1 that keeps what it receives; closed after the suite. `reject` is read
 * at each RCPT TO, so a test can change it between sends.
 */
export async function startServer(options: SMTPServerOptions & { reject?: string[] } = {}) {
  const received: Received[] = [];
  const stats = { connections: 0 };
  const server = new SMTPServer({
    logger: false,
    disabledCommands: options.secure || options.key ? [] : ['STARTTLS'],
    authOptional: true,
    ...options,
    onRcptTo(address, _session, cb) {
      cb(options.reject?.includes(address.address) ? Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }) : null);
    },
    onConnect(_session, cb) {
      stats.connections++;
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, received, stats };
}
