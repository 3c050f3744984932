/**
 * The innermost cause of an error as one line, its code (or name) and message, e.g.
 * `UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate` or `Error: Region is missing`;
 * undefined when the error has no cause. Callers scrub it before showing it: Node's and the SDK's messages
 * carry no secret values, but a driver's may quote what it was sent.
 */
function causeReason(error: unknown): string | undefined {
  let cause: unknown = error instanceof Error ? error.cause : undefined;
  if (cause === undefined) return undefined;
  for (let depth = 0; depth < 10 && cause instanceof Error && cause.cause !== undefined; depth++) cause = cause.cause;
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  const label = typeof code === 'string' && code !== '' ? code : cause.name;
  return cause.message ? `${label}: ${cause.message}` : label;
}

export { causeReason };
