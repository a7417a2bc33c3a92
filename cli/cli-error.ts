/** An error the command line prints as a plain message (no stack) and turns into an exit code. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Exit codes (sysexits.h): a bad configuration file, a missing service, bad usage, refused data. */
export const EXIT_USAGE = 64;
export const EXIT_DATAERR = 65;
export const EXIT_UNAVAILABLE = 69;
export const EXIT_CONFIG = 78;
