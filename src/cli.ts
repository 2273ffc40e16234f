/** The commander program: registration only. Each command's module is imported when it runs. */
import { Command, Option } from 'commander';
import { FORMATS } from './ingest/sources.js';

export function buildProgram(): Command {
  const program = new Command('gazette')
    .description('Job history warehouse, quarterly newsletter and per-job feedback for YARN and Slurm clusters.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run gazette --help for usage)');

  const common = (c: Command) =>
    c
      .option('--db <file>', 'the warehouse file (default: $GAZETTE_DB or ./gazette.duckdb)')
      .option('--config <file>', 'the settings file (default: ./gazette.yaml if present)');
  /** The SMTP server flags of the commands that send (each overrides its smtp: setting). */
  const smtpOptions = (c: Command) =>
    c
      .option('--smtp-host <host>', 'SMTP server (overrides smtp.host)')
      .option('--smtp-port <port>', 'SMTP port (default 587, 465 with --smtp-secure)')
      .option('--smtp-secure', 'TLS from the first byte (port 465)')
      .option('--smtp-starttls <mode>', 'require | opportunistic | never')
      .option('--smtp-user <user>', 'login user')
      .option('--smtp-password-env <name>', 'the environment variable holding the password')
      .option('--smtp-from <address>', 'the From address')
      .option('--smtp-timeout <seconds>', 'seconds to wait for the server');

  common(
    program
      .command('ingest')
      .description('Load job history, capacity snapshots and incidents (or a live ResourceManager) into the warehouse.')
      .argument('[paths...]', 'files or directories (every file below a directory; with --format, those with its endings)')
      .addOption(new Option('--format <format>', 'input format (default: told from each file\'s content)').choices(FORMATS))
      .option('--cluster <name>', 'the cluster of every file (default: a directory named like a cluster in the settings, else the settings\' cluster, else "default")')
      .option('--timezone <zone>', 'IANA time zone of local times in the input (sacct, incidents); default from settings, else UTC')
      .option('--as-of <time>', 'when snapshots without a date of their own were taken (yarn-metrics, jmx, hdfs-du, hdfs-count, fsimage), ISO 8601 date or time in the cluster\'s time zone (default: the date and time in each file\'s name)')
      .addOption(new Option('--at <time>', 'the old name of --as-of').hideHelp())
      .option('--rm-url <url>', 'pull finished applications live from a ResourceManager, from the last remembered mark')
      .option('--jhs-url <url>', 'pull finished MapReduce jobs live from a JobHistory server (jobs, counters, tasks), from the last remembered mark')
      .option('--page-hours <hours>', 'with --rm-url or --jhs-url: width of each finishedTime window requested', '24')
      .option('--history-url <url>', 'pull completed applications live from a Spark History Server, from the last remembered mark')
      .option('--reload', 'load files again even if their content was loaded before'),
  ).action(async (paths: string[], opts) => (await import('./commands/ingest.js')).runIngest(paths, opts));

  common(
    program
      .command('sql')
      .description('Run SQL over the warehouse (read-only unless --write).')
      .argument('[query]', 'the query; or -f FILE; or standard input; or, on a terminal, an interactive prompt')
      .option('-f, --file <file>', 'read the query from a file')
      .addOption(new Option('--format <format>', 'output format (default: table on a terminal, else csv)').choices(['table', 'csv', 'json', 'parquet']))
      .option('--out <file>', 'write the result to a file (required for parquet)')
      .option('--write', 'allow statements that change the warehouse'),
  ).action(async (query: string | undefined, opts) => (await import('./commands/sql.js')).runSql(query, opts));

  common(
    program
      .command('status')
      .description('Summarise what the warehouse holds: jobs per cluster and source, loads, rejected rows.'),
  ).action(async (opts) => (await import('./commands/status.js')).runStatus(opts));

  common(
    program
      .command('figures')
      .description('Print every figure of a period as JSON: compute demand, storage, reliability, failing, wasteful and dominant jobs, consumers, throughput, highlights.')
      .option('--quarter <quarter>', 'the period, a quarter like 2026-Q3 (fiscal quarters if the settings set fiscal_year_start_month)')
      .option('--month <month>', 'the period, a month like 2026-09')
      .option('--cluster <name>', 'one cluster (default: every cluster the warehouse has jobs of)')
      .option('--out <file>', 'write the JSON to a file instead of standard output')
      .option('--threads <n>', 'DuckDB threads to use (default: one per core); the figures are the same with any'),
  ).action(async (opts) => (await import('./commands/figures.js')).runFigures(opts));

  common(
    smtpOptions(program
      .command('report')
      .description('Render the newsletter of a period: OUT/<period>/index.html (web), newsletter.eml (email), figures.json, charts/, and the archive OUT/index.html; --send mails it.')
      .option('--quarter <quarter>', 'the period, a quarter like 2026-Q3')
      .option('--month <month>', 'the period, a month like 2026-09')
      .option('--cluster <name>', 'one cluster (default: every cluster the warehouse has jobs of, a section each)')
      .option('--figures <file>', 'render from a figures.json written by gazette figures instead of the warehouse')
      .option('--note <file.md>', "the editor's note, Markdown")
      .option('--out <dir>', 'where editions go', 'out')
      .option('--templates <dir>', 'templates, partials and chart specs that replace the built-in ones of the same file name')
      .option('--date <yyyy-mm-dd>', "the issue's date, printed and in the email's Date (default: the day after the period)")
      .option('--send', 'send newsletter.eml over SMTP (the smtp: settings, or the --smtp-* flags)')
      .option('--to <address...>', 'recipients (with --send)')
      .option('--cc <address...>', 'copy recipients')),
  ).action(async (opts) => (await import('./commands/report.js')).runReport(opts));

  common(
    program
      .command('explain')
      .description('Diagnose one job: how it ended, the known error it matches (ticket, workaround), the heuristics\' findings and the recent runs of its recurring job.')
      .argument('<job-id>', 'the job: a YARN application id, a Slurm job id…')
      .option('--cluster <name>', 'the cluster, where the id is on several')
      .option('--kb <dir>', "the team's knowledge-base directory (default: the settings' feedback.knowledge_base)")
      .option('--runs <n>', 'how many recent runs of its recurring job to list', '10'),
  ).action(async (jobId: string, opts) => (await import('./commands/explain.js')).runExplain(jobId, opts));

  common(
    smtpOptions(program
      .command('feedback')
      .description('Per-job feedback to the jobs\' owners: known errors (ticket, workaround) and the heuristics\' findings, one email per owner, written to the outbox or sent; a finding is not repeated within feedback.email.repeat_after_days.')
      .option('--job <job-id>', 'one job (from a scheduler\'s completion hook)')
      .option('--since <when>', 'the jobs that ended since: a duration back from --until (24h, 7d, 90m, 2w) or a date (2026-07-01, UTC) or time')
      .option('--until <when>', 'the end of the window and the moment the run counts as (default: now)')
      .option('--cluster <name>', 'one cluster (default: every cluster); with --job, where the id is on several')
      .option('--dry-run', 'show what would be sent, to whom; send nothing, remember nothing (writes the emails only with --outbox)')
      .option('--outbox <dir>', `where the .eml files go (default: ${'out/outbox'})`)
      .option('--send', 'send the emails over SMTP (the smtp: settings, or the --smtp-* flags)')
      .option('--kb <dir>', "the team's knowledge-base directory (default: the settings' feedback.knowledge_base)")
      .option('--templates <dir>', 'templates that replace the built-in feedback.mjml.hbs and feedback.txt.hbs')),
  ).action(async (opts) => (await import('./commands/feedback.js')).runFeedback(opts));

  const kb = program.command('kb').description('The known-error knowledge base (built-in entries plus the team\'s own).');
  common(
    kb
      .command('check')
      .description('Validate the knowledge base and show how many recent failed and killed jobs each entry matches, and the commonest failures none matches.')
      .argument('[dir]', "the team's knowledge-base directory (default: the settings' feedback.knowledge_base)")
      .option('--since <when>', 'the window: a duration back from the newest job end (30d, 24h, 2w) or a date (2026-10-01, UTC)', '30d')
      .option('--cluster <name>', 'one cluster (default: every cluster)')
      .option('--top <n>', 'how many unmatched failure signatures to list', '10'),
  ).action(async (dir: string | undefined, opts) => (await import('./commands/kb.js')).runKbCheck(dir, opts));

  return program;
}
