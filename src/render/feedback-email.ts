/**
 * The feedback email: templates/feedback.mjml.hbs turned into HTML by MJML once per run (its
 * Handlebars expressions pass through MJML untouched; loops over sections sit in <mj-raw>), then
 * filled per email by Handlebars — so a batch of thousands of emails runs MJML once — and
 * templates/feedback.txt.hbs for the plain-text part, with the same facts.
 */
import type { FeedbackEmail, FeedbackItem, FeedbackJob } from '../feedback/batch.js';
import { HEURISTIC_TITLES, adviceFor, describeFinding, hours, money, n, when } from '../feedback/describe.js';
import type { NewsletterSettings } from '../settings.js';
import { chartColours, type ChartColours } from './chart-theme.js';
import { noteFromMarkdown } from './newsletter-note.js';
import { compileTemplate, mjmlToHtml, templateEnv, templatePath, type Filler } from './templates.js';
import fs from 'node:fs';

export const FEEDBACK_TEMPLATE_FILES = { email: 'feedback.mjml.hbs', text: 'feedback.txt.hbs' } as const;

export interface FeedbackTemplates {
  html: Filler;
  text: Filler;
  paths: Record<keyof typeof FEEDBACK_TEMPLATE_FILES, string>;
}

/** Read and compile the feedback templates (MJML validated strictly, once); `--templates DIR` overrides by file name. */
export async function loadFeedbackTemplates(overrideDir?: string): Promise<FeedbackTemplates> {
  const paths = { email: templatePath(FEEDBACK_TEMPLATE_FILES.email, overrideDir), text: templatePath(FEEDBACK_TEMPLATE_FILES.text, overrideDir) };
  const html = templateEnv(overrideDir, false);
  // the template's Handlebars is checked before MJML sees it, so a syntax error names the template
  compileTemplate(html, paths.email, false);
  // MJML's indentation between tags (whitespace with a line break) is dropped: 2 KB less of every email
  const compiledMjml = (await mjmlToHtml(fs.readFileSync(paths.email, 'utf8'), paths.email)).replace(/>\s*\n\s*</g, '><');
  return {
    html: compileTemplate(html, paths.email, false, compiledMjml),
    text: compileTemplate(templateEnv(overrideDir, true), paths.text, true),
    paths,
  };
}

/** How the emails look and sign: the newsletter's name and colours. */
export interface FeedbackLook extends NewsletterSettings {
  name: string;
}

const SEVERITY_LABEL: Record<string, string> = { none: 'None', low: 'Low', moderate: 'Moderate', severe: 'Severe', critical: 'Critical' };

/** A severity's badge: the danger colour for severe and critical, the warning colour (dark text on it) for moderate. */
function severityBadge(c: ChartColours, severity: string): { colour: string; badgeText: string } {
  if (severity === 'critical' || severity === 'severe') return { colour: c.danger, badgeText: '#ffffff' };
  return severity === 'moderate' ? { colour: c.warning, badgeText: c.text } : { colour: c.muted, badgeText: '#ffffff' };
}

/** A sentence from a clause: its first letter upper-case. */
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A run of findings in words: "in 4 runs since 2026-10-02 06:00 UTC". */
function runsNote(i: FeedbackItem): string | undefined {
  return i.runs > 1 ? `Seen in ${n(i.runs)} runs of this job since ${when(i.firstEnd)}; the latest is shown.` : undefined;
}

/** An entry's workaround as HTML and text: the same for every job that hit it, so made once a run. */
const WORKAROUNDS = new Map<string, ReturnType<typeof noteFromMarkdown>>();
function workaroundOf(e: { file: string; id: string; workaround?: string }) {
  const key = `${e.file}\u0000${e.id}`;
  let w = WORKAROUNDS.get(key);
  if (!w) WORKAROUNDS.set(key, (w = noteFromMarkdown(e.workaround ?? '')));
  return w;
}

function itemView(i: FeedbackItem, unit: string, c: ChartColours) {
  const badge = severityBadge(c, i.severity);
  if (i.knownError) {
    const e = i.knownError;
    const workaround = e.workaround ? workaroundOf(e) : undefined;
    return {
      kind: 'known_error', severity: SEVERITY_LABEL[i.severity], ...badge, title: `Known error: ${e.title}`, id: e.id,
      ticket: e.ticket, workaroundHtml: workaround?.html, workaroundText: workaround?.text, advice: undefined as string | undefined, runs: runsNote(i), seeAbove: undefined as string | undefined,
    };
  }
  const f = i.heuristic!;
  return {
    kind: 'heuristic', severity: SEVERITY_LABEL[i.severity], ...badge, title: HEURISTIC_TITLES[f.heuristic], id: f.heuristic,
    detail: sentence(describeFinding(f, unit)), advice: adviceFor(f) as string | undefined, runs: runsNote(i), seeAbove: undefined as string | undefined,
  };
}

/** Where a finding's "what to do" was first given in the email: the same advice is not repeated job after job. */
type Told = Map<string, string>;

function jobView(j: FeedbackJob, c: ChartColours, told: Told) {
  const job = j.job;
  const cost = money(job.cost, job.currency);
  const said = [job.diagnostics, job.failure_reason].filter((t) => t).join('\n').trim();
  // the messages, not the stack frames under them ("\tat org.apache…")
  const lines = said.split('\n').filter((l) => !/^\s+at |^\s*\.\.\. \d+ more/.test(l)).slice(0, 4).map((l) => (l.length > 240 ? `${l.slice(0, 240)}…` : l));
  return {
    name: job.name ?? job.job_id,
    jobId: job.job_id,
    cluster: job.cluster,
    state: job.state,
    rawState: job.raw_state && job.raw_state !== job.state ? job.raw_state : undefined,
    exitCode: job.exit_code,
    queue: job.queue ?? job.account,
    ended: when(job.end_time),
    ran: hours(job.elapsed_s),
    use: `${n(job.vcore_hours, 1)} ${j.unit}`,
    cost,
    said: said ? lines.join('\n') : undefined,
    items: j.items.map((i) => {
      const v: ReturnType<typeof itemView> = itemView(i, j.unit, c);
      const first = told.get(i.finding);
      if (first === undefined) told.set(i.finding, job.name ?? job.job_id);
      else Object.assign(v, { workaroundHtml: undefined, workaroundText: undefined, advice: undefined, seeAbove: first });
      return v;
    }),
    history: j.history.map((r) => ({ started: when(r.start_time), state: r.state, ran: hours(r.elapsed_s), use: n(r.vcore_hours, 1), jobId: r.job_id, current: r.job_id === job.job_id })),
    historyNote: historyNote(j),
    unit: j.unit,
  };
}

/** "The last 5 runs: 5 failed." */
function historyNote(j: FeedbackJob): string | undefined {
  if (!j.history.length) return undefined;
  const failed = j.history.filter((r) => r.failed).length;
  const last = j.history.length === 1 ? 'Its latest run' : `Its last ${j.history.length} runs`;
  return `${last}: ${failed === 0 ? 'none failed' : failed === j.history.length ? (failed === 1 ? 'it failed' : 'all failed') : `${failed} failed`}.`;
}

/** The jobs past the brief list, counted by finding: "Asks for far more memory than it uses: 98 jobs". */
function restView(email: FeedbackEmail) {
  const count = new Map<string, number>();
  for (const j of email.rest) for (const i of j.items) {
    const title = i.knownError ? `Known error: ${i.knownError.title}` : HEURISTIC_TITLES[i.heuristic!.heuristic];
    count.set(title, (count.get(title) ?? 0) + 1);
  }
  return [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([title, jobs]) => ({ title, jobs: `${n(jobs)} job${jobs === 1 ? '' : 's'}` }));
}

export function feedbackSubject(email: FeedbackEmail, look: FeedbackLook): string {
  const first = email.jobs[0];
  const what = first.items[0].knownError ? `known error: ${first.items[0].knownError.title}` : HEURISTIC_TITLES[first.items[0].heuristic!.heuristic].toLowerCase();
  const n = email.jobs.length + email.brief.length + email.rest.length;
  return n === 1
    ? `[${look.name}] Your job ${first.job.name ?? first.job.job_id}: ${what}`
    : `[${look.name}] ${n} of your jobs need a look: ${what}, and more`;
}

/** The data the templates fill from. */
export function feedbackView(email: FeedbackEmail, look: FeedbackLook, date: Date) {
  const c = chartColours(look);
  const told: Told = new Map();
  const jobs = email.jobs.map((j) => jobView(j, c, told));
  return {
    name: look.name,
    subject: feedbackSubject(email, look),
    preview: `${email.items.length} finding${email.items.length === 1 ? '' : 's'} on ${email.jobs.length + email.brief.length} job${email.jobs.length + email.brief.length === 1 ? '' : 's'}, worst: ${email.worst}`,
    owner: email.owner,
    team: email.team,
    date: when(date.toISOString()),
    cc: email.cc,
    jobs,
    brief: email.brief.map((j) => ({
      name: j.job.name ?? j.job.job_id, jobId: j.job.job_id, cluster: j.job.cluster, ended: when(j.job.end_time),
      findings: j.items.map((i) => itemView(i, j.unit, c)),
    })),
    rest: restView(email),
    restJobs: email.rest.length,
    count: email.jobs.length + email.brief.length + email.rest.length,
    colours: c,
  };
}

export interface RenderedFeedback {
  subject: string;
  html: string;
  text: string;
}

export function renderFeedbackEmail(t: FeedbackTemplates, email: FeedbackEmail, look: FeedbackLook, date: Date): RenderedFeedback {
  const view = feedbackView(email, look, date);
  return { subject: view.subject, html: t.html(view), text: t.text(view) };
}
