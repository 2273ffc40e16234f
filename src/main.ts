#!/usr/bin/env node
/** The single error boundary: the only place that sets the exit code. */
import { CommanderError } from 'commander';
import { GazetteError } from './errors.js';
import { buildProgram } from './cli.js';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its message (help, version, unknown option…)
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof GazetteError) {
      process.stderr.write(`gazette: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    process.stderr.write(`gazette: unexpected error: ${e?.stack ?? String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
