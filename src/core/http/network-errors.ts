// Which failed requests are the network's (a reset, a refused or timed-out connection, a body cut short):
// those another attempt may get through, unlike an answer the server meant.

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);

/** True for failures of the connection or the transfer that another attempt may not meet. */
export function isTransientNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code !== undefined && NETWORK_CODES.has(code)) return true;
    if (current.message === 'terminated' || current.message === 'other side closed') return true;
    current = current.cause;
  }
  return false;
}

/**
 * A network error's message as a user can read it: Node appends ` - Local (undefined:undefined)` to a failed
 * connect when the socket never got a local address (EMFILE, ECONNREFUSED), which only confuses.
 */
export function networkErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/ - Local \(undefined:undefined\)$/, '');
}
