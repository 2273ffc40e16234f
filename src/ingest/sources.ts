/** The input formats `gazette ingest --format` knows, by name. */
import { UsageError } from '../errors.js';
import type { Source } from './source.js';

const loaders: Record<string, () => Promise<Source>> = {
  'yarn-apps': async () => (await import('./yarn-apps.js')).yarnApps,
  'yarn-metrics': async () => (await import('./yarn-metrics.js')).yarnMetrics,
  sacct: async () => (await import('./sacct.js')).sacct,
  swf: async () => (await import('./swf.js')).swf,
  canonical: async () => (await import('./canonical.js')).canonical,
  incidents: async () => (await import('./incidents.js')).incidents,
  'business-series': async () => (await import('./business-series.js')).businessSeries,
  jmx: async () => (await import('./jmx.js')).jmx,
  'hdfs-du': async () => (await import('./hdfs-du.js')).hdfsDu,
  'hdfs-count': async () => (await import('./hdfs-count.js')).hdfsCount,
  fsimage: async () => (await import('./fsimage.js')).fsimage,
  'xdmod-storage': async () => (await import('./xdmod-storage.js')).xdmodStorage,
  'spark-events': async () => (await import('./spark-events.js')).sparkEvents,
  'spark-history': async () => (await import('./spark-history.js')).sparkHistory,
  jhist: async () => (await import('./jhist.js')).jhist,
  'mr-history': async () => (await import('./mr-history.js')).mrHistory,
};

export const FORMATS = Object.keys(loaders);

export async function sourceFor(format: string): Promise<Source> {
  const load = loaders[format];
  if (!load) throw new UsageError(`--format ${format}: not a format gazette reads. Choose one of: ${FORMATS.join(', ')}.`);
  return load();
}

/** The name from when every format loaded jobs (bench/ingest.ts uses it). */
export const jobSource = sourceFor;
