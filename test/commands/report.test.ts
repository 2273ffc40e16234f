/**
 * gazette report from a figures.json (no warehouse): the edition's files, the settings'
 * newsletter name, --templates overriding a template by file name, a broken template or an email
 * template MJML rejects named by its file (exit 2) with the previous edition left as it was, and
 * --send delivering the very bytes of newsletter.eml to an SMTP server on loopback.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { runCli, tmpDir } from '../helpers.js';
import { periodFigures } from '../render/newsletter-figures.js';

describe('gazette report --figures', () => {
  const dir = tmpDir('gazette-report-cmd-');
  const figuresFile = path.join(dir, 'figures.json');
  const config = path.join(dir, 'gazette.yaml');
  const out = path.join(dir, 'out');
  const report = (...args: string[]) => runCli(['report', '--figures', figuresFile, '--config', config, '--out', out, ...args]);
  const edition = (f: string) => fs.readFileSync(path.join(out, '2026-Q3', f), 'utf8');

  before(() => {
    fs.writeFileSync(figuresFile, JSON.stringify(periodFigures('c1', 'c2'), null, 2));
    fs.writeFileSync(config, 'newsletter:\n  name: Platform News\n  colours:\n    accent: "#123456"\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the web page, the email, the figures and the charts, with the settings\' name and colours', async () => {
    const r = await report();
    assert.equal(r.code, 0, r.stderr);
    assert.match(edition('index.html'), /<title>Platform News — 2026-Q3<\/title>/);
    assert.match(edition('index.html'), /--accent: #123456/);
    assert.match(edition('index.html'), /<article class="cluster" id="c1">[\s\S]*<article class="cluster" id="c2">/);
    assert.match(edition('index.html'), /HDFS &lt;down&gt; &amp; out/, 'user data escaped');
    assert.deepEqual(JSON.parse(edition('figures.json')), periodFigures('c1', 'c2'));
    assert.ok(fs.existsSync(path.join(out, '2026-Q3', 'charts', 'c2-top-failing.png')));
    assert.match(fs.readFileSync(path.join(out, 'index.html'), 'utf8'), /<a href="2026-Q3\/index.html">2026-Q3<\/a>/);
  });

  it('--templates: a template or partial there wins over the built-in one of the same name', async () => {
    const custom = path.join(dir, 'custom');
    fs.mkdirSync(path.join(custom, 'partials'), { recursive: true });
    fs.writeFileSync(path.join(custom, 'partials', 'web-footer.hbs'), '<footer>Ask #platform on chat: {{view.period}}</footer>');
    const r = await report('--templates', custom);
    assert.equal(r.code, 0, r.stderr);
    assert.match(edition('index.html'), /<footer>Ask #platform on chat: 2026-Q3<\/footer>/);
    assert.doesNotMatch(edition('index.html'), /How these figures are made/);
  });

  it('a template that does not parse is named, exit 2, and the previous edition stays', async () => {
    const before = edition('index.html');
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'newsletter.html.hbs'), '<html>{{#each view.clusters}}<p>{{name}}</p></html>\n');
    const r = await report('--templates', broken);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(path.join(broken, 'newsletter.html.hbs')), r.stderr);
    assert.equal(edition('index.html'), before);
  });

  it('an email template that fails MJML\'s strict validation is named, exit 2', async () => {
    const invalid = path.join(dir, 'invalid');
    fs.mkdirSync(path.join(invalid, 'partials'), { recursive: true });
    fs.writeFileSync(path.join(invalid, 'partials', 'email-footer.hbs'), '<mj-section><mj-column><mj-text colour="red">bye</mj-text></mj-column></mj-section>');
    const r = await report('--templates', invalid);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /newsletter\.mjml\.hbs: the email template fails MJML's strict validation: .*colour/);
  });

  it('--send sends the bytes of newsletter.eml: parts, cid: images and subject arrive', async () => {
    const received: Buffer[] = [];
    const server = new SMTPServer({
      logger: false, disabledCommands: ['STARTTLS'], authOptional: true,
      onData(stream, _s, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => { received.push(Buffer.concat(chunks)); cb(); });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((server.server.address() as net.AddressInfo).port);
      const r = await report('--send', '--to', 'users@example.org', '--smtp-host', '127.0.0.1', '--smtp-port', port, '--smtp-starttls', 'never', '--smtp-from', 'gazette@example.org');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(received.length, 1);
      const eml = fs.readFileSync(path.join(out, '2026-Q3', 'newsletter.eml'));
      assert.ok(received[0].toString('latin1').replace(/\r\n\.\./g, '\r\n.').trimEnd().endsWith(eml.toString('latin1').trimEnd()), 'the bytes written are the bytes sent');
      const mail = await simpleParser(received[0], { keepCidLinks: true });
      assert.equal(mail.subject, 'Platform News — 2026-Q3');
      assert.deepEqual(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : [], ['users@example.org']);
      const cids = [...String(mail.html).matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
      const parts = new Set(mail.attachments.map((a) => a.contentId?.replace(/^<|>$/g, '')));
      assert.ok(cids.length >= 8, `${cids.length}`);
      for (const cid of cids) assert.ok(parts.has(cid), cid);
      assert.match(mail.text ?? '', /=== c1 ===[\s\S]*etl\.Daily_<date> of ann \(etl\) failed all 92 runs/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
