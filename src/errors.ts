/**
 * Typed errors. Commands throw these; only main.ts turns them into an exit code.
 * Exit codes: 0 success, 1 failure, 2 bad usage or configuration.
 */
export class GazetteError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The user asked for something malformed: a flag, a file that is not there, a bad setting. */
export class UsageError extends GazetteError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The work was attempted and (some of it) failed: a file that would not load, a SQL error. */
export class FailureError extends GazetteError {
  constructor(message: string) {
    super(message, 1);
  }
}
