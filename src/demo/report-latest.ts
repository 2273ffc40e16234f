/**
 * `npm start`'s last steps: the newsletter of the demo clusters' latest complete quarter — the last
 * quarter wholly before the newest job in the warehouse — rendered into out/ by `gazette report`,
 * and the feedback emails of the 13 weeks up to the day after the newest job's end written to
 * out/outbox by `gazette feedback` (a run over a warehouse that already sent them writes nothing
 * new); the paths to open printed. Run after the demo is loaded: node dist/src/demo/report-latest.js
 */
import { parsePeriod, periodBefore } from '../analyze/period.js';
import { DEFAULT_OUTBOX, runFeedback } from '../commands/feedback.js';
import { runReport } from '../commands/report.js';
import { GazetteError } from '../errors.js';
import { openWarehouse, resolveDbPath } from '../warehouse/open.js';

const CONFIG = 'sample-data/gazette.yaml';

/** The latest complete quarter and the day after the newest job's end (YYYY-MM-DD, UTC). */
async function latest(db: string): Promise<{ quarter: string; dayAfter: string }> {
  const wh = await openWarehouse(db, { readOnly: true });
  try {
    const [row] = (await wh.conn.runAndReadAll(`select strftime(max(start_time), '%Y-%m'), strftime(max(end_time) + interval 1 day, '%Y-%m-%d') from jobs`)).getRows();
    if (!row?.[0]) throw new GazetteError('the warehouse has no jobs: load the demo first (npm start does).', 2);
    const [year, month] = String(row[0]).split('-').map(Number);
    // the quarter the newest job is in is not over; the one before it is
    return { quarter: periodBefore(parsePeriod(`${year}-Q${Math.ceil(month / 3)}`), 1).label, dayAfter: String(row[1]) };
  } finally {
    wh.close();
  }
}

try {
  const { quarter, dayAfter } = await latest(resolveDbPath(undefined));
  process.stderr.write(`Rendering the newsletter of ${quarter}, the demo's latest complete quarter…\n`);
  await runReport({ quarter, config: CONFIG, out: 'out' });
  process.stderr.write('Open the file above in a browser; out/index.html lists every edition.\n');
  process.stderr.write(`Writing the feedback emails of the 13 weeks to ${dayAfter} to the outbox…\n`);
  await runFeedback({ since: '13w', until: dayAfter, config: CONFIG, outbox: DEFAULT_OUTBOX });
  process.stderr.write(`The feedback emails are .eml files in ${DEFAULT_OUTBOX}/ (open one in a mail reader); \`npx gazette explain JOB-ID --config ${CONFIG}\` shows one job's diagnosis.\n`);
} catch (e) {
  process.stderr.write(`gazette: ${(e as Error).message}\n`);
  process.exitCode = e instanceof GazetteError ? e.exitCode : 1;
}
