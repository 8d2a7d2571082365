/**
 * A refusal of the command: an exit code and a message rendered in the user's language at the
 * last moment (the language is only known once the arguments are read).
 */
import type { Messages } from './messages';

/** Exit codes: 1 for a problem in the input data, 2 for a problem in the command line. */
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    readonly render: (m: Messages) => string,
  ) {
    super('skm command refused');
    this.name = 'CliError';
  }
}

/** An input-data problem (exit 1). */
export function inputError(render: (m: Messages) => string): CliError {
  return new CliError(EXIT_INPUT, render);
}

/** A command-line problem (exit 2). */
export function usageError(render: (m: Messages) => string): CliError {
  return new CliError(EXIT_USAGE, render);
}
