/** A driver error's `code` when it is a string (Node and most drivers), else ''. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

/** A driver error's message. */
function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Node's TLS error codes: an untrusted chain, a certificate for another host, an expired certificate, an
 * OpenSSL or TLS protocol failure. The same for every driver, since they all use Node's `tls`.
 */
const NODE_TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;

/** Whether an error is Node refusing a TLS connection (engines add their drivers' own TLS failures). */
function isNodeTlsError(error: unknown): boolean {
  return NODE_TLS_CODE.test(errorCode(error));
}

export { errorCode, errorMessage, isNodeTlsError };
