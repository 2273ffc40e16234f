/** A worker thread of compose.ts: composes its share of the feedback emails and posts the results back. */
import { parentPort, workerData } from 'node:worker_threads';
import { GazetteError } from '../errors.js';
import { loadFeedbackTemplates } from '../render/feedback-email.js';
import type { FeedbackEmail } from './batch.js';
import { composeSeries, type ComposeOptions, type Composed } from './compose.js';

const { emails, options } = workerData as { emails: FeedbackEmail[]; options: ComposeOptions };
try {
  const composed: Composed[] = await composeSeries(await loadFeedbackTemplates(options.templatesDir), emails, options);
  parentPort!.postMessage({ ok: true, composed });
} catch (e) {
  const err = e as Error;
  parentPort!.postMessage({ ok: false, error: { name: err.name, message: err.message, exitCode: e instanceof GazetteError ? e.exitCode : undefined } });
}
