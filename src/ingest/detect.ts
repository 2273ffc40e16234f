/**
 * Tell a file's format from its content, for `gazette ingest` without --format. Only the
 * first 64 KiB are read (gunzipped for a .gz). The name is used only where the content
 * leaves it open (an empty file; a CSV header fitting both incidents and jobs).
 *
 *   yarn-apps     {"apps": …} or {"app": …}, a ResourceManager apps response
 *   yarn-metrics  {"clusterMetrics": …}
 *   sacct         '|'-separated lines: a header with JobID or JobIDRaw, or no header and the
 *                 26 fields of xdmod-slurm-helper with a job id first
 *   incidents     CSV whose header has start, end, severity and title
 *   business-series  CSV whose header has date, series and value
 *   canonical     CSV or JSON Lines with a job_id column, or Parquet
 *   jmx           {"beans": …}, a NameNode /jmx response
 *   xdmod-storage a JSON array of objects with mountpoint and logical_usage or physical_usage
 *   fsimage       an Offline Image Viewer listing: XML (<fsimage>), or Delimited (a header
 *                 Path<delimiter>Replication…, whatever the delimiter)
 *   hdfs-du       lines of one or two sizes and a path (hdfs dfs -du), or its -v header
 *   hdfs-count    lines of three, four or seven counts (none/inf allowed) and a path
 *                 (hdfs dfs -count, -count -u, -count -q), or their -v header
 *   swf           a Standard Workload Format log: `;` header lines naming SWF keys
 *                 (Version, UnixStartTime…), or lines of 18 numbers
 *   spark-events  a Spark event log: lines {"Event":"SparkListener…", …}; or a Spark 3 rolling
 *                 log's directory (eventlog_v2_…, holding events_<index>_… files)
 *   spark-history a Spark History Server /api/v1 response: an application list (records with
 *                 "attempts"), or an application's executors, jobs, stages or environment
 *   jhist         a MapReduce job history file: a first line `Avro-Json`
 *   mr-history    a MapReduce JobHistory server REST response: {"jobs": …}, {"job": …},
 *                 {"jobCounters": …}, {"tasks": …}, {"taskAttempts": …}… (mr-history-files.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import { responseRoot } from './mr-history-files.js';
import { isGzip, readHeadBytes } from './read-head.js';
import { XDMOD_FIELDS } from './sacct.js';
import { responseShape } from './yarn-apps.js';
import { sparkHistoryKind } from './spark-history-layout.js';

export type Detection =
  | { format: string }
  | {
      format: undefined;
      /** What the file looked like, for the message. */
      looked: string;
      /** Not worth a message when met in a directory: its name says it is not data (notes.txt, README.md). */
      quiet: boolean;
    };

const PEEK = 64 << 10;
/** Endings of files gazette reads as data: one of these it cannot place is reported, not ignored. */
const DATA_ENDINGS = ['.json', '.jsonl', '.ndjson', '.csv', '.tsv', '.parquet', '.psv', '.sacct', '.xml'];
/** A sacct job id: 123, 123_4, 123_[1-3], 123+0, and steps 123.batch. */
const JOB_ID = /^\d+(?:_\d+|_\[[^\]]*\])?(?:\+\d+)?(?:\.[\w-]+)?$/;
const INCIDENT_COLUMNS = ['start', 'end', 'severity', 'title'];
/** A business series file's header has these (and kind, which the loader asks for by name if missing). */
const BUSINESS_SERIES_COLUMNS = ['date', 'series', 'value'];

export async function detectFormat(file: string): Promise<Detection> {
  const name = path.basename(file).toLowerCase();
  const unplaced = (looked: string): Detection => ({ format: undefined, looked, quiet: isQuiet(name) });
  const st = await fs.promises.stat(file);
  // A Spark rolling event log's directory (files.ts hands it over whole), told by its layout.
  if (st.isDirectory()) {
    return fs.readdirSync(file).some((n) => /^events_\d+_/.test(n)) ? { format: 'spark-events' } : unplaced('a directory named eventlog_v2_… with no events_<index>_… file in it');
  }
  if (st.size === 0) {
    // sacct --noheader prints nothing for a day without jobs.
    return /sacct/.test(name) ? { format: 'sacct' } : unplaced('it is empty');
  }
  const gz = await isGzip(file);
  if (gz !== name.endsWith('.gz')) {
    return unplaced(gz ? 'gzip-compressed, but its name does not end in .gz: rename it' : 'its name ends in .gz, but it is not gzip-compressed');
  }
  const head = await readHeadBytes(file, PEEK, gz);
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') {
    return name.endsWith('.parquet') ? { format: 'canonical' } : unplaced('a Parquet file whose name does not end in .parquet');
  }
  if (head.subarray(0, 8192).includes(0)) return unplaced('binary data');
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (!text) return /sacct/.test(name) ? { format: 'sacct' } : unplaced('only blank lines');
  if (text.startsWith('<')) return detectXml(text, unplaced);
  if (sparkHistoryKind(text, name)) return { format: 'spark-history' };
  if (text.startsWith('[')) return detectJsonArray(text, unplaced);
  return text.startsWith('{') ? detectJson(text, unplaced) : detectLines(text, name, unplaced);
}

function detectXml(text: string, unplaced: (looked: string) => Detection): Detection {
  // The Offline Image Viewer's XML may open with a declaration and comments before <fsimage>.
  const root = /^(?:<\?[^>]*\?>\s*|<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.-]*)/.exec(text)?.[1];
  return root === 'fsimage' ? { format: 'fsimage' } : unplaced(root ? `XML whose root element is <${root}>, not an fsimage` : 'XML');
}

function detectJsonArray(text: string, unplaced: (looked: string) => Detection): Detection {
  // The first object of the array: enough of it to see its keys.
  const first = /^\[\s*(\{[^{}]*\})/.exec(text)?.[1];
  let keys: string[] = [];
  try {
    keys = first ? Object.keys(JSON.parse(first) as object) : [];
  } catch {
    // not a flat object: fall through
  }
  if (keys.includes('mountpoint') && (keys.includes('logical_usage') || keys.includes('physical_usage'))) return { format: 'xdmod-storage' };
  return unplaced(keys.length ? `a JSON array of objects with the keys ${shortList(keys)}` : 'a JSON array');
}

function detectJson(text: string, unplaced: (looked: string) => Detection): Detection {
  if (/^\{\s*"clusterMetrics"\s*:/.test(text)) return { format: 'yarn-metrics' };
  if (/^\{\s*"beans"\s*:/.test(text)) return { format: 'jmx' };
  if (responseRoot(text)) return { format: 'mr-history' };
  if (/^\{\s*"Event"\s*:\s*"(?:org\.apache\.spark\.[\w.$]*)?SparkListener/.test(text)) return { format: 'spark-events' };
  if (/^\{\s*"apps?"\s*:/.test(text) && responseShape(text).shape) return { format: 'yarn-apps' };
  const [firstLine, ...rest] = text.split('\n');
  const key = /^\{\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  const oneDocument = unplaced(key === undefined ? 'JSON, not an object gazette knows' : `JSON whose first key is "${key}"`);
  try {
    const doc = JSON.parse(firstLine) as Record<string, unknown>;
    if (doc && typeof doc === 'object' && 'job_id' in doc) return { format: 'canonical' };
    if (rest.every((l) => !l.trim())) return oneDocument;
    return unplaced(`JSON Lines whose records have no job_id (keys: ${shortList(Object.keys(doc))})`);
  } catch {
    return oneDocument;
  }
}

function detectLines(text: string, name: string, unplaced: (looked: string) => Detection): Detection {
  const line = text.split('\n', 1)[0].replace(/\r$/, '');
  if (isSwf(text)) return { format: 'swf' };
  if (/^Avro-Json\s*$/.test(line)) return { format: 'jhist' };
  // An fsimage Delimited listing's header, with whatever -delimiter it was written with.
  if (/^Path(.+?)Replication\1ModificationTime\1AccessTime/.test(line)) return { format: 'fsimage' };
  const hdfs = hdfsShellFormat(line, text.split('\n', 2)[1]?.replace(/\r$/, '') ?? '');
  if (hdfs) return { format: hdfs };
  if (line.includes('|')) {
    // `sacct -p` ends each line with '|'.
    const fields = line.replace(/\|$/, '').split('|').map((f) => f.trim());
    const lower = fields.map((f) => f.toLowerCase());
    if (fields[0] !== '' && (lower.includes('jobid') || lower.includes('jobidraw'))) return { format: 'sacct' };
    if (fields.length === XDMOD_FIELDS.length && JOB_ID.test(fields[0])) return { format: 'sacct' };
    return unplaced(`'|'-separated lines, ${fields.length} fields, the first "${clip(fields[0])}": neither a sacct header (JobID…) nor the ${XDMOD_FIELDS.length} fields of a header-less sacct dump`);
  }
  const delim = line.includes('\t') && !line.includes(',') ? '\t' : ',';
  if (line.includes(delim)) {
    const columns = line.split(delim).map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase());
    const isIncidents = INCIDENT_COLUMNS.every((c) => columns.includes(c));
    const isJobs = columns.includes('job_id');
    if (!isJobs && BUSINESS_SERIES_COLUMNS.every((c) => columns.includes(c))) return { format: 'business-series' };
    if (isIncidents && (!isJobs || /incident|outage/.test(name))) return { format: 'incidents' };
    if (isJobs) return { format: 'canonical' };
    return unplaced(`CSV with the columns ${shortList(columns)}: neither jobs (job_id), incidents (start, end, severity, title) nor a business series (date, series, value)`);
  }
  return unplaced(`text whose first line is "${clip(line)}"`);
}

/** A Standard Workload Format log: its `;` header names SWF keys, or its first line is a job of 18 numbers. */
function isSwf(text: string): boolean {
  if (text.startsWith(';')) return /^;\s*(?:Version|UnixStartTime|MaxJobs|MaxRecords|Computer|Installation)\s*:/m.test(text);
  const first = text.split('\n', 1)[0].trim().split(/\s+/);
  return first.length === 18 && first.every((w) => /^-?\d+(?:\.\d+)?$/.test(w));
}

/** `hdfs dfs -du` or `-count` output, told by its -v header or by the number of figures before the path. */
function hdfsShellFormat(first: string, next: string): string | undefined {
  // Hadoop 1 printed `Found 3 items` before the lines.
  const line = /^Found \d+ items?\s*$/.test(first) ? next : first;
  // du prints its columns left-aligned, two spaces apart, and relative paths when given none.
  if (/^\d+ {2,}\d+ {2,}(?!\d+ )\S/.test(line)) return 'hdfs-du';
  if (/^\s*SIZE\s+(?:DISK_SPACE_CONSUMED\S*\s+)?FULL_PATH_NAME\s*$/.test(line)) return 'hdfs-du';
  if (/^\s*(?:QUOTA\s+REM_QUOTA|DIR_COUNT\s+FILE_COUNT)\s/.test(line)) return 'hdfs-count';
  const m = /^\s*(\S.*?)\s+((?:\/|[a-z][a-z0-9+.-]*:\/\/).*)$/i.exec(line);
  if (!m) return undefined;
  // -h prints units as separate words (1.2 G): they are not figures of their own.
  const words = m[1].split(/\s+/).filter((w) => !/^[KMGTPE]$/.test(w));
  if (!words.every((w) => /^(?:\d+(?:\.\d+)?|none|inf)$/i.test(w))) return undefined;
  const figures = words.length;
  const counts = words.some((w) => /^(?:none|inf)$/i.test(w));
  if (!counts && (figures === 1 || figures === 2)) return 'hdfs-du';
  if (figures === 3 || figures === 4 || figures === 7) return 'hdfs-count';
  return undefined;
}

/** A file met in a directory that it is not worth a message to pass over. */
function isQuiet(name: string): boolean {
  // A MapReduce job's configuration in a JobHistory done/ tree: the jhist reader reads it with the .jhist beside it.
  if (/^job_[0-9]+_[0-9]+_conf\.xml$/.test(name)) return true;
  const base = name.replace(/\.gz$/, '');
  const dot = base.lastIndexOf('.');
  return dot > 0 && !DATA_ENDINGS.includes(base.slice(dot));
}

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
const shortList = (xs: string[]) => clip(xs.slice(0, 8).join(', ') + (xs.length > 8 ? ', …' : ''));
