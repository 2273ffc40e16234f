/**
 * `npm start`'s last step: the newsletter of the demo clusters' latest complete quarter — the last
 * quarter wholly before the newest job in the warehouse — rendered into out/ by `gazette report`,
 * and the path to open printed. Run after the demo is loaded: node dist/src/demo/report-latest.js
 */
import { parsePeriod, periodBefore } from '../analyze/period.js';
import { runReport } from '../commands/report.js';
import { GazetteError } from '../errors.js';
import { openWarehouse, resolveDbPath } from '../warehouse/open.js';

const CONFIG = 'sample-data/gazette.yaml';

async function latestCompleteQuarter(db: string): Promise<string> {
  const wh = await openWarehouse(db, { readOnly: true });
  try {
    const [row] = (await wh.conn.runAndReadAll(`select strftime(max(start_time), '%Y-%m') from jobs`)).getRows();
    if (!row?.[0]) throw new GazetteError('the warehouse has no jobs: load the demo first (npm start does).', 2);
    const [year, month] = String(row[0]).split('-').map(Number);
    // the quarter the newest job is in is not over; the one before it is
    return periodBefore(parsePeriod(`${year}-Q${Math.ceil(month / 3)}`), 1).label;
  } finally {
    wh.close();
  }
}

try {
  const quarter = await latestCompleteQuarter(resolveDbPath(undefined));
  process.stderr.write(`Rendering the newsletter of ${quarter}, the demo's latest complete quarter…\n`);
  await runReport({ quarter, config: CONFIG, out: 'out' });
  process.stderr.write('Open the file above in a browser; out/index.html lists every edition.\n');
} catch (e) {
  process.stderr.write(`gazette: ${(e as Error).message}\n`);
  process.exitCode = e instanceof GazetteError ? e.exitCode : 1;
}
