/**
 * Email composition and SMTP delivery: the composed .eml is deterministic and well formed,
 * and a real SMTP server on loopback (smtp-server) receives exactly those bytes, parsed back
 * with mailparser: parts, cid: images, non-ASCII subject, recipients, AUTH, STARTTLS, and a
 * clear error for each way sending fails.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { FailureError, UsageError } from '../../src/errors.js';
import { composeEmail, envelopeOf, GMAIL_CLIP_BYTES, htmlSizeBytes, writeEmail, type EmailMessage } from '../../src/deliver/email.js';
import { smtpFromOptions } from '../../src/deliver/smtp-options.js';
import { sendEmail, SmtpError, type SmtpSettings } from '../../src/deliver/smtp.js';
import { fixture, tmpDir } from '../helpers.js';
import { startServer } from '../smtp-server.js';

/** A 1×1 PNG and a 2×1 one: two distinct images. */
const PNG_1 = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3d8a4d40000000049454e44ae426082', 'hex');
const PNG_2 = Buffer.concat([PNG_1, Buffer.from('gazette')]);
const CERT = fs.readFileSync(fixture('smtp', 'localhost-cert.pem'));
const KEY = fs.readFileSync(fixture('smtp', 'localhost-key.pem'));
const SUBJECT = 'Ünïcode — 2026-Q3 ✓';

function message(over: Partial<EmailMessage> = {}): EmailMessage {
  return {
    from: 'Cluster Gazette <gazette@example.org>',
    to: ['Ana Souza <asouza@example.org>'],
    cc: ['genomics@example.org'],
    bcc: ['audit@example.org'],
    subject: SUBJECT,
    text: 'Compute demand grew 31% over the quarter.\n\nnightly_etl failed all 92 runs — 10% of the cluster.\n',
    html:
      '<html><body><h1>Cluster Gazette — 2026-Q3</h1><p>Compute demand grew 31%.</p>' +
      '<img src="cid:demand@gazette" alt="Compute demand by quarter" width="600">' +
      '<img src="cid:failing@gazette" alt="Top failing jobs"></body></html>',
    date: new Date('2026-10-01T06:00:00Z'),
    images: [
      { cid: 'demand@gazette', filename: 'demand.png', contentType: 'image/png', content: PNG_1 },
      { cid: 'failing@gazette', filename: 'failing.png', contentType: 'image/png', content: PNG_2 },
    ],
    headers: { 'X-Gazette-Period': '2026-Q3' },
    ...over,
  };
}

/** The Content-Type of each MIME part, in the order they appear. */
function partTypes(raw: Buffer): string[] {
  return [...raw.toString('latin1').matchAll(/^Content-Type: ([^;\r\n]+)/gm)].map((m) => m[1]);
}

function smtp(port: number, over: Partial<SmtpSettings> = {}): SmtpSettings {
  return { host: '127.0.0.1', port, secure: false, starttls: 'never', timeoutS: 10, ...over };
}

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.fail('no error');
}

describe('composeEmail', () => {
  it('gives the same bytes for the same message, and other bytes for another', async () => {
    const a = await composeEmail(message());
    const b = await composeEmail(message());
    assert.ok(a.equals(b), 'byte-identical');
    const text = a.toString('latin1');
    assert.match(text, /^Date: Thu, 01 Oct 2026 06:00:00 \+0000\r$/m, 'the Date passed in');
    assert.match(text, /^Message-ID: <[0-9a-f]{32}@example\.org>\r$/m, 'a hash of the content at the From domain');
    const other = await composeEmail(message({ text: 'Compute demand grew 32%.\n' }));
    const id = (raw: Buffer) => /^Message-ID: (.*)$/m.exec(raw.toString('latin1'))?.[1];
    const boundary = (raw: Buffer) => /boundary="([^"]+)"/.exec(raw.toString('latin1'))?.[1];
    assert.notEqual(id(other), id(a));
    assert.notEqual(boundary(other), boundary(a));
    assert.notEqual(id(await composeEmail(message({ date: new Date('2026-10-02T06:00:00Z') }))), id(a), 'another date, another message');
  });

  it('is multipart/alternative of the text and a multipart/related of the HTML and its images; attachments go beside it in multipart/mixed', async () => {
    assert.deepEqual(partTypes(await composeEmail(message())), ['multipart/alternative', 'text/plain', 'multipart/related', 'text/html', 'image/png', 'image/png']);
    const pdf = { filename: 'figures.json', contentType: 'application/json', content: Buffer.from('{"jobs": 1}') };
    assert.deepEqual(partTypes(await composeEmail(message({ attachments: [pdf] }))), [
      'multipart/mixed',
      'multipart/alternative',
      'text/plain',
      'multipart/related',
      'text/html',
      'image/png',
      'image/png',
      'application/json',
    ]);
  });

  it('keeps bcc out of the headers but in the envelope', async () => {
    const raw = (await composeEmail(message())).toString('latin1');
    assert.doesNotMatch(raw, /audit@example\.org/);
    assert.deepEqual(envelopeOf(message()), { from: 'gazette@example.org', to: ['asouza@example.org', 'genomics@example.org', 'audit@example.org'] });
  });

  it('folds and encodes long lines: no line of the message is over 78 characters', async () => {
    const longHtml = `<p>${'ä'.repeat(3000)}</p><table>${'<tr><td>nightly_etl</td><td>92</td></tr>'.repeat(400)}</table>`;
    const longText = `${'x'.repeat(5000)}\n${'word '.repeat(2000)}\n`;
    const raw = await composeEmail(message({ html: longHtml, text: longText, subject: `${SUBJECT} ${'long subject '.repeat(20)}` }));
    const lines = raw.toString('latin1').split('\r\n');
    const longest = Math.max(...lines.map((l) => l.length));
    assert.ok(longest <= 78, `longest line ${longest}`);
    assert.ok(!/[^\r]\n/.test(raw.toString('latin1')), 'CRLF line ends only');
    const parsed = await simpleParser(raw);
    assert.equal(parsed.html, longHtml, 'the HTML decodes back whole');
    assert.equal(parsed.text, longText, 'the text decodes back whole');
  });

  it('writes the .eml atomically: the composed bytes, no temporary file left', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'out', 'newsletter.eml');
    const raw = await writeEmail(file, message());
    assert.ok(fs.readFileSync(file).equals(raw));
    assert.ok(raw.equals(await composeEmail(message())));
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['newsletter.eml']);
  });
});

describe('htmlSizeBytes', () => {
  it('counts the decoded UTF-8 bytes of the HTML, as Gmail does against its 102 KB clip', async () => {
    assert.equal(GMAIL_CLIP_BYTES, 104448);
    assert.equal(htmlSizeBytes('<p>é ✓</p>'), 13, '<p></p> 7 + é 2 + space 1 + ✓ 3');
    assert.equal(htmlSizeBytes(Buffer.from('abc')), 3);
    const html = `<p>${'Ünïcode — '.repeat(1000)}</p>`;
    const raw = await composeEmail(message({ html }));
    const parsed = await simpleParser(raw);
    assert.equal(htmlSizeBytes(html), Buffer.byteLength(String(parsed.html)), 'the size of the HTML a reader decodes');
    const part = raw.toString('latin1').split('Content-Type: text/html')[1].split('\r\n--')[0];
    assert.ok(part.length > htmlSizeBytes(html), 'the encoded part is larger: counting it would clip too early');
  });
});

describe('sendEmail over SMTP on loopback', () => {
  it('delivers the composed bytes to to + cc + bcc, and they parse back to the same message', async () => {
    const { port, received } = await startServer();
    const msg = message();
    const raw = await composeEmail(msg);
    const result = await sendEmail(smtp(port), msg, raw);
    assert.deepEqual(result.accepted, ['asouza@example.org', 'genomics@example.org', 'audit@example.org']);
    assert.deepEqual(result.rejected, []);
    assert.equal(received.length, 1);
    const [got] = received;
    assert.equal(got.mailFrom, 'gazette@example.org');
    assert.deepEqual(got.rcptTo, ['asouza@example.org', 'genomics@example.org', 'audit@example.org'], 'RCPT TO for to, cc and bcc');
    assert.ok(got.raw.equals(raw), 'what was sent is what was composed, byte for byte');

    const parsed: ParsedMail = await simpleParser(got.raw, { keepCidLinks: true });
    assert.equal(parsed.subject, SUBJECT);
    assert.equal(parsed.text, msg.text);
    assert.equal(parsed.html, msg.html);
    assert.equal(parsed.headers.get('x-gazette-period'), '2026-Q3');
    assert.equal(parsed.from?.text, '"Cluster Gazette" <gazette@example.org>');
    assert.deepEqual([parsed.to, parsed.cc].map((a) => (Array.isArray(a) ? a : [a]).flatMap((x) => x?.value.map((v) => v.address))), [['asouza@example.org'], ['genomics@example.org']]);
    assert.equal(parsed.bcc, undefined);
    assert.equal(parsed.date?.toISOString(), '2026-10-01T06:00:00.000Z');
    const cids = [...msg.html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
    assert.equal(cids.length, 2);
    for (const cid of cids) {
      const part = parsed.attachments.find((a) => a.contentId === `<${cid}>`);
      assert.ok(part, `a part for cid:${cid}`);
      assert.equal(part.contentDisposition, 'inline');
      assert.equal(part.contentType, 'image/png');
      assert.ok(part.related, 'inside the multipart/related');
      assert.ok(part.content.equals(msg.images!.find((i) => i.cid === cid)!.content), `cid:${cid} carries its image`);
    }
    assert.equal(parsed.attachments.length, 2, 'no other parts');
    const resolved = String((await simpleParser(got.raw)).html);
    assert.doesNotMatch(resolved, /cid:/, 'a mail reader resolves every cid: to its image');
    assert.equal(resolved.match(/src="data:image\/png;base64,/g)?.length, 2);
  });

  it('composes the message itself when not given its bytes', async () => {
    const { port, received } = await startServer();
    await sendEmail(smtp(port), message({ cc: [], bcc: [] }));
    assert.deepEqual(received[0].rcptTo, ['asouza@example.org']);
    assert.ok(received[0].raw.equals(await composeEmail(message({ cc: [], bcc: [] }))));
  });

  for (const method of ['PLAIN', 'LOGIN']) {
    it(`logs in with AUTH ${method} after STARTTLS (a self-signed certificate trusted as ca), and a wrong password is a clear error`, async () => {
      const { port, received } = await startServer({
        key: KEY,
        cert: CERT,
        authMethods: [method],
        authOptional: false,
        onAuth(auth, session, cb) {
          const ok = auth.method === method && auth.username === 'gazette' && auth.password === 's3cret ✓' && session.secure;
          cb(ok ? null : new Error('Invalid username or password'), ok ? { user: auth.username } : undefined);
        },
      });
      const settings = smtpFromOptions(
        { host: '127.0.0.1', port, user: 'gazette', passwordEnv: 'GAZETTE_TEST_SMTP_PASSWORD' },
        {},
        { GAZETTE_TEST_SMTP_PASSWORD: 's3cret ✓' },
      );
      assert.equal(settings.starttls, 'require', 'a login insists on STARTTLS');
      await sendEmail({ ...settings, ca: CERT }, message());
      assert.equal(received.length, 1);
      assert.equal(received[0].secure, true, 'over TLS');
      assert.equal(received[0].user, 'gazette');

      const e = await rejection(sendEmail({ ...settings, ca: CERT, password: 'wrong' }, message()));
      assert.ok(e instanceof SmtpError && e instanceof FailureError && e.exitCode === 1, String(e));
      assert.equal(e.code, 'EAUTH');
      assert.match(e.message, new RegExp(`^SMTP server 127\\.0\\.0\\.1:${port} refused the login of user "gazette" \\(535 .*\\)\\. Check smtp\\.user and the password in the variable smtp\\.password_env names\\.$`));
      assert.equal(received.length, 1, 'nothing delivered');
    });
  }

  it('does not trust a self-signed certificate unless told to', async () => {
    const { port, received } = await startServer({ key: KEY, cert: CERT });
    const e = await rejection(sendEmail(smtp(port, { starttls: 'require' }), message()));
    assert.ok(e instanceof SmtpError, String(e));
    assert.match(e.message, new RegExp(`^SMTP server 127\\.0\\.0\\.1:${port}: TLS failed \\(.*self[- ]signed.*\\)\\. Check the TLS mode .*certificate is trusted\\.$`));
    assert.equal(received.length, 0);
  });

  it('speaks implicit TLS with secure: true', async () => {
    const { port, received } = await startServer({ secure: true, key: KEY, cert: CERT });
    await sendEmail(smtp(port, { secure: true, ca: CERT }), message());
    assert.equal(received[0].secure, true);
  });

  it('a recipient refused among others: delivered to the rest and reported; all refused: a clear error', async () => {
    const { port, received } = await startServer({ reject: ['genomics@example.org'] });
    const result = await sendEmail(smtp(port), message());
    assert.deepEqual(result.rejected, ['genomics@example.org']);
    assert.deepEqual(received[0].rcptTo, ['asouza@example.org', 'audit@example.org']);

    const e = await rejection(sendEmail(smtp(port), message({ to: ['genomics@example.org'], cc: [], bcc: [] })));
    assert.ok(e instanceof SmtpError, String(e));
    assert.equal(e.code, 'EENVELOPE');
    assert.match(e.message, new RegExp(`^SMTP server 127\\.0\\.0\\.1:${port} refused the recipients genomics@example\\.org \\(550 .*\\); nothing was sent\\. Check the addresses`));
    assert.equal(received.length, 1);
  });

  it('connection refused names host:port and what to check', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const e = await rejection(sendEmail(smtp(port), message()));
    assert.ok(e instanceof SmtpError && e.exitCode === 1, String(e));
    assert.equal(e.message, `SMTP server 127.0.0.1:${port} refused the connection. Check smtp.host and smtp.port (--smtp-host, --smtp-port) and that the server is running.`);
  });

  it('a server that never answers times out after timeout_s with a clear error', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const e = await rejection(sendEmail(smtp(port, { timeoutS: 1 }), message()));
      assert.ok(e instanceof SmtpError, String(e));
      assert.match(e.message, new RegExp(`^SMTP server 127\\.0\\.0\\.1:${port} did not answer within 1 s\\. Check smtp\\.host and smtp\\.port`));
      assert.ok(Date.now() - started < 5000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('smtpFromOptions', () => {
  const env = { GAZETTE_SMTP_PASSWORD: 'pw' };

  it('fills in defaults', () => {
    assert.deepEqual(smtpFromOptions({ host: 'mail.example.org' }, {}, env), {
      host: 'mail.example.org',
      port: 587,
      secure: false,
      starttls: 'opportunistic',
      user: undefined,
      password: undefined,
      timeoutS: 30,
      from: undefined,
    });
    assert.equal(smtpFromOptions({ host: 'mail.example.org', secure: true }, {}, env).port, 465);
  });

  it('a flag wins over its settings key; the password comes from the variable password_env names', () => {
    const config = { host: 'mail.example.org', port: 25, user: 'gazette', passwordEnv: 'GAZETTE_SMTP_PASSWORD', from: 'gazette@example.org', timeoutS: 60 };
    const s = smtpFromOptions(config, { smtpHost: 'relay.example.org', smtpPort: '2525', smtpStarttls: 'never', smtpTimeout: '5' }, env);
    assert.deepEqual(s, { host: 'relay.example.org', port: 2525, secure: false, starttls: 'never', user: 'gazette', password: 'pw', timeoutS: 5, from: 'gazette@example.org' });
    assert.equal(smtpFromOptions(undefined, { smtpHost: 'relay.example.org', smtpSecure: true }, env).port, 465);
  });

  it('each missing or wrong piece is a configuration error (exit 2)', () => {
    const cases: [Parameters<typeof smtpFromOptions>[0], Parameters<typeof smtpFromOptions>[1], RegExp][] = [
      [undefined, {}, /^No SMTP server to send through: set smtp\.host in the settings file or pass --smtp-host\.$/],
      [{ host: 'h', user: 'gazette' }, {}, /^smtp\.user "gazette" has no password: name the environment variable that holds it with smtp\.password_env/],
      [{ host: 'h', user: 'gazette', passwordEnv: 'NOT_SET_ANYWHERE' }, {}, /environment variable NOT_SET_ANYWHERE \(smtp\.password_env\), which is not set/],
      [{ host: 'h', passwordEnv: 'GAZETTE_SMTP_PASSWORD' }, {}, /is set but no user/],
      [{ host: 'h' }, { smtpPort: '587x' }, /^--smtp-port must be a whole number from 1 to 65535 \(got "587x"\)\.$/],
      [{ host: 'h' }, { smtpPort: '0' }, /^--smtp-port must be a whole number/],
      [{ host: 'h' }, { smtpStarttls: 'always' }, /^--smtp-starttls must be one of require, opportunistic, never \(got "always"\)\.$/],
      [{ host: 'h' }, { smtpTimeout: 'soon' }, /^--smtp-timeout must be a number from 1 to 3600/],
    ];
    for (const [config, flags, want] of cases) {
      assert.throws(() => smtpFromOptions(config, flags, env), (e: Error) => e instanceof UsageError && want.test(e.message), JSON.stringify([config, flags]));
    }
  });
});
