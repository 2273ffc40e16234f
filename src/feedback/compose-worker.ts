/** A worker thread of compose.ts: composes its share of the feedback emails and posts the results back. */
import { parentPort, workerData } from 'node:worker_threads';
import { GazetteError } from '../errors.js';
import { loadFeedbackTemplates } from '../render/feedback-email.js';
import type { FeedbackEmail } from './batch.js';
import { composeOne, type ComposeOptions, type Composed } from './compose.js';

const { emails, options } = workerData as { emails: FeedbackEmail[]; options: ComposeOptions };
try {
  const t = await loadFeedbackTemplates(options.templatesDir);
  const composed: Composed[] = [];
  for (const e of emails) composed.push(await composeOne(t, e, options));
  parentPort!.postMessage({ ok: true, composed });
} catch (e) {
  const err = e as Error;
  parentPort!.postMessage({ ok: false, error: { name: err.name, message: err.message, exitCode: e instanceof GazetteError ? e.exitCode : undefined } });
}
