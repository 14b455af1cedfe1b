// Errors a user can hit. Each carries a message that says what to change; none may contain a secret
// (messages are built from inputs and server answers, and server answers are passed through redact()).

export type ErrorCode =
  'INVALID_INPUT' | 'AUTHENTICATION' | 'NOT_FOUND' | 'ACCESS_DENIED' | 'SERVER' | 'NETWORK' | 'CANCELLED' | 'FILESYSTEM' | 'NO_FILES';

export class UserFacingError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserFacingError';
    this.code = code;
  }
}

/**
 * A value given by the user is wrong: `input` names the input (an environment variable when upper case), `detail`
 * says what was given and what is allowed. The message reads as the action shows it; the CLI names its flag.
 */
export class InputError extends UserFacingError {
  readonly input: string;
  readonly detail: string;
  constructor(input: string, detail: string) {
    super('INVALID_INPUT', `${isVariableName(input) ? 'Environment variable' : 'Input'} '${input}': ${detail}`);
    this.name = 'InputError';
    this.input = input;
    this.detail = detail;
  }
}

/** `NEPTUNE_API_TOKEN`, `DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS`: environment variables, not inputs. */
export function isVariableName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name);
}

export class AuthenticationError extends UserFacingError {
  constructor(message: string) {
    super('AUTHENTICATION', message);
    this.name = 'AuthenticationError';
  }
}

export class NotFoundError extends UserFacingError {
  constructor(message: string) {
    super('NOT_FOUND', message);
    this.name = 'NotFoundError';
  }
}

export class AccessDeniedError extends UserFacingError {
  constructor(message: string) {
    super('ACCESS_DENIED', message);
    this.name = 'AccessDeniedError';
  }
}

/** The tracker answered with an error we do not retry, or kept failing until the retry budget ran out. */
export class ServerError extends UserFacingError {
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super('SERVER', message, options);
    this.name = 'ServerError';
    this.status = status;
  }
}

export class CancelledError extends UserFacingError {
  constructor(message = 'The download was cancelled.') {
    super('CANCELLED', message);
    this.name = 'CancelledError';
  }
}

export class FilesystemError extends UserFacingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FILESYSTEM', message, options);
    this.name = 'FilesystemError';
  }
}

const secrets = new Set<string>();
const secretListeners: ((secret: string) => void)[] = [];

/** Registers a value that must never appear in a message (tokens, keys, derived headers). */
export function registerSecret(value: string): void {
  if (value.length < 4 || secrets.has(value)) return;
  secrets.add(value);
  for (const listener of secretListeners) listener(value);
}

/** Tells a shell about every secret, past and future (the action masks each in the runner's log). */
export function onSecret(listener: (secret: string) => void): void {
  secretListeners.push(listener);
  for (const s of secrets) listener(s);
}

/** Removes every registered secret (and signed-URL signatures) from a text before it is shown. */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  // Signed URLs carry their credential in the query: sig (Azure), X-Goog-Signature, X-Amz-Signature…
  return out.replace(/([?&](?:sig|signature|x-goog-signature|x-amz-signature|x-amz-security-token)=)[^&\s"']*/gi, '$1***');
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return redact(error.message);
  return redact(String(error));
}
