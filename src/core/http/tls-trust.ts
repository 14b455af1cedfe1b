// A TLS failure explained: a server certificate the runner does not trust, and what to set so it does.

/** OpenSSL and Node codes for a server certificate the runner does not trust (or that does not fit the host). */
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A user-facing explanation when `error` is a TLS trust failure, else undefined. Retrying cannot help, and the
 * bare OpenSSL text suggests `--use-system-ca`, which a workflow step cannot pass to the runner's node.
 */
export function describeTlsFailure(error: unknown, host: string): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code !== undefined && TLS_TRUST_CODES.has(code)) {
      return (
        `The TLS certificate of ${host} is not trusted (${code}: ${current.message}). If the server uses a private ` +
        "or corporate CA, put its PEM certificate in a file and set NODE_EXTRA_CA_CERTS to that path in the step's env."
      );
    }
    current = current.cause;
  }
  return undefined;
}
