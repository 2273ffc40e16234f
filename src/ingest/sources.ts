/** The job-history formats `gazette ingest --format` knows, by name. */
import { UsageError } from '../errors.js';
import type { JobSource } from './source.js';

const loaders: Record<string, () => Promise<JobSource>> = {
  'yarn-apps': async () => (await import('./yarn-apps.js')).yarnApps,
  sacct: async () => (await import('./sacct.js')).sacct,
  canonical: async () => (await import('./canonical.js')).canonical,
};

export const JOB_FORMATS = Object.keys(loaders);

export async function jobSource(format: string): Promise<JobSource> {
  const load = loaders[format];
  if (!load) throw new UsageError(`--format ${format}: not a format gazette reads. Choose one of: ${JOB_FORMATS.join(', ')}.`);
  return load();
}
