// The CLI's exit codes (README "CLI"): scripts can tell a bad flag from a bad token from a flaky server.
import { UserFacingError } from '../core/errors.ts';

export const ExitCode = {
  ok: 0,
  /** Some files failed, or nothing matched with --if-no-files-found error. */
  incomplete: 1,
  invalidInput: 2,
  authentication: 3,
  notFound: 4,
  /** Server or network kept failing, access denied, or a file system problem. */
  failure: 5,
  cancelled: 130,
} as const;

export function exitCodeFor(error: unknown): number {
  if (!(error instanceof UserFacingError)) return ExitCode.failure;
  switch (error.code) {
    case 'INVALID_INPUT':
      return ExitCode.invalidInput;
    case 'AUTHENTICATION':
      return ExitCode.authentication;
    case 'NOT_FOUND':
      return ExitCode.notFound;
    case 'CANCELLED':
      return ExitCode.cancelled;
    case 'NO_FILES':
      return ExitCode.incomplete;
    default:
      return ExitCode.failure;
  }
}
