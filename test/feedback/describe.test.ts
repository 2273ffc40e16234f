/** Findings in words: the sizes and limits the advice suggests, and the --since / --until moments. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMoment, parseSince } from '../../src/analyze/period.js';
import { suggestedMemoryMb, suggestedTimeLimit } from '../../src/feedback/describe.js';
import { addressOf } from '../../src/feedback/batch.js';
import { defaultSettings } from '../../src/settings.js';

describe('feedback advice', () => {
  it('memory to ask for: used and a quarter more, up to a whole 512 MB', () => {
    // 1,000 × 1.25 = 1,250 → 1,536; 2,048 × 1.25 = 2,560 = 5 × 512 exactly; 100 → 512
    assert.deepEqual([1000, 2048, 100].map(suggestedMemoryMb), [1536, 2560, 512]);
  });
  it('time limit to ask for: the run and half again, up to a quarter hour, as [D-]HH:MM:SS', () => {
    // 0.5 h × 1.5 = 45 min; 1.1 h × 1.5 = 1.65 h → 1:45; 20 h × 1.5 = 30 h → 1-06:00:00; 0.01 h → 15 min
    assert.deepEqual([0.5, 1.1, 20, 0.01].map(suggestedTimeLimit), ['00:45:00', '01:45:00', '1-06:00:00', '00:15:00']);
  });
  it('an owner\'s address: addresses:, else user@email_domain, else the team\'s list, else none', () => {
    const s = defaultSettings();
    s.teams = { etl: { mailingList: 'etl@example.org', users: ['alice'], queues: [], accounts: [], paths: [] } };
    assert.equal(addressOf(s, 'alice', 'etl'), 'etl@example.org');
    assert.equal(addressOf(s, 'bob', 'unassigned'), undefined);
    s.emailDomain = 'example.org';
    s.addresses = { svc_etl: 'etl-oncall@example.org' };
    assert.deepEqual([addressOf(s, 'alice', 'etl'), addressOf(s, 'svc_etl', 'etl')], ['alice@example.org', 'etl-oncall@example.org']);
  });
});

describe('--since and --until', () => {
  const until = new Date('2026-10-04T06:00:00Z');
  it('a duration counts back from the window\'s end', () => {
    assert.deepEqual(['24h', '7d', '90m', '2w', '1.5h'].map((s) => parseSince(s, until).toISOString()), [
      '2026-10-03T06:00:00.000Z', '2026-09-27T06:00:00.000Z', '2026-10-04T04:30:00.000Z', '2026-09-20T06:00:00.000Z', '2026-10-04T04:30:00.000Z',
    ]);
  });
  it('a date is midnight UTC; a time is UTC unless it gives its offset', () => {
    assert.deepEqual(['2026-07-01', '2026-07-01T06:30', '2026-07-01 06:30:15', '2026-07-01T06:30+02:00'].map((s) => parseMoment(s, '--until').toISOString()), [
      '2026-07-01T00:00:00.000Z', '2026-07-01T06:30:00.000Z', '2026-07-01T06:30:15.000Z', '2026-07-01T04:30:00.000Z',
    ]);
  });
  it('what it cannot read is a usage error naming the forms', () => {
    for (const bad of ['yesterday', '2026-02-30', '7', '2026-13-01']) assert.throws(() => parseSince(bad, until), /--since .*: not a duration or a date/, bad);
    assert.throws(() => parseMoment('24h', '--until'), /--until 24h: not a date\. Write a date YYYY-MM-DD/);
  });
});
