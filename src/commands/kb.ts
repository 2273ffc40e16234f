/**
 * gazette kb check [DIR]: validate the built-in knowledge base and a team's (DIR, else the
 * settings' feedback.knowledge_base), then show how many recent failed and killed jobs each
 * entry matches and the commonest failures none matches. Exit 2 on an invalid entry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { loadSettings } from '../settings.js';
import { openWarehouse, resolveDbPath } from '../warehouse/open.js';
import { loadKnowledgeBase, resolveKbDir, type KnowledgeBase } from '../feedback/kb.js';
import { checkRe2 } from '../feedback/kb-re2.js';
import { checkAgainstWarehouse, newestJobEnd, type KbCheckReport } from '../feedback/kb-check.js';
import { parseSince } from '../analyze/period.js';

export interface KbCheckFlags {
  db?: string;
  config?: string;
  since?: string;
  cluster?: string;
  top?: string;
}

const n = (v: number) => v.toLocaleString('en-US');
const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

function describeBase(kb: KnowledgeBase): string[] {
  const builtIn = kb.entries.filter((e) => e.origin === 'built-in').length + kb.overridden.length;
  const team = kb.entries.length - (builtIn - kb.overridden.length);
  const rel = (d: string) => path.relative(process.cwd(), d) || '.';
  const lines = [`Knowledge base: ${n(kb.entries.length)} entries, all valid: ${n(builtIn)} built-in (${rel(kb.builtInDir)}/)` + (kb.teamDir ? `, ${n(team)} from ${rel(kb.teamDir)}/` : '')];
  for (const o of kb.overridden) lines.push(`  ${o.by.id}: ${rel(o.by.file)}:${o.by.line} replaces the built-in entry`);
  return lines;
}

function describeReport(r: KbCheckReport, since: Date, until: Date, cluster: string | undefined, top: number): string[] {
  const share = r.jobs ? ` (${Math.round((100 * r.matched) / r.jobs)}%)` : '';
  const out = [
    '',
    `Failed and killed jobs that ended from ${day(since)} to ${day(until)} UTC, ${cluster ? `cluster ${cluster}` : 'every cluster'}: ${n(r.jobs)}; ${n(r.matched)}${share} match a known error.`,
    '',
  ];
  const idWidth = Math.max(2, ...r.byEntry.map((b) => b.entry.id.length));
  out.push(`${'jobs'.padStart(7)}  ${'severity'.padEnd(8)}  ${'id'.padEnd(idWidth)}  title`);
  for (const b of r.byEntry) {
    const team = b.entry.origin === 'team' ? ' (team)' : '';
    out.push(`${n(b.jobs).padStart(7)}  ${b.entry.severity.padEnd(8)}  ${b.entry.id.padEnd(idWidth)}  ${b.entry.title}${team}`);
  }
  if (r.unmatched.length) {
    out.push('', `The ${r.unmatched.length < top ? '' : `${top} `}commonest failures no entry matches (candidates for new entries):`, '');
    out.push(`${'jobs'.padStart(7)}  ${'state'.padEnd(13)}  signature (an example job)`);
    for (const u of r.unmatched) {
      out.push(`${n(u.jobs).padStart(7)}  ${u.states.join(',').padEnd(13)}  ${u.signature}  (${u.exampleCluster} ${u.exampleJobId})`);
    }
  } else if (r.jobs) {
    out.push('', 'Every failed or killed job in the window matches an entry.');
  }
  return out;
}

export async function runKbCheck(dir: string | undefined, flags: KbCheckFlags): Promise<void> {
  const settings = loadSettings(flags.config);
  const top = flags.top === undefined ? 10 : Number(flags.top);
  if (!Number.isInteger(top) || top < 0) throw new UsageError(`--top ${flags.top}: must be a whole number (0 or more).`);
  const kb = loadKnowledgeBase(resolveKbDir(dir, settings));
  await checkRe2(kb);
  const out = describeBase(kb);
  const dbPath = resolveDbPath(flags.db);
  if (!fs.existsSync(dbPath)) {
    out.push('', `No warehouse at ${dbPath}: the entries are valid; load history (gazette ingest …) to see what they match.`);
    process.stdout.write(out.join('\n') + '\n');
    return;
  }
  const wh = await openWarehouse(dbPath, { readOnly: true });
  try {
    const newest = await newestJobEnd(wh.conn, flags.cluster);
    if (!newest) {
      out.push('', `No ended jobs in ${dbPath}${flags.cluster ? ` for cluster ${flags.cluster}` : ''}: nothing to match yet.`);
    } else {
      const until = new Date(newest.getTime() + 1);
      const since = parseSince(flags.since ?? '30d', until);
      const report = await checkAgainstWarehouse(wh.conn, settings, kb, { since, until, cluster: flags.cluster }, top);
      out.push(...describeReport(report, since, until, flags.cluster, top));
    }
  } finally {
    wh.close();
  }
  process.stdout.write(out.join('\n') + '\n');
}
