import { RotationError } from './errors.js';
import type { SecretScrubber } from './secret-scrubber.js';

const MAX_CAUSE_DEPTH = 5;

/** A copy of a foreign error (a driver's, the SDK's) with only name, code, scrubbed message and stack. */
function scrubbedCopy(error: unknown, scrubber: SecretScrubber, depth: number): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(scrubber.scrub(source.message));
  copy.name = source.name;
  copy.stack = source.stack === undefined ? undefined : scrubber.scrub(source.stack);
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  if (source.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    copy.cause = scrubbedCopy(source.cause, scrubber, depth + 1);
  }
  return copy;
}

/**
 * The error a handler lets escape to the Lambda runtime, which logs it verbatim: always a RotationError,
 * its cause chain rebuilt from scrubbed copies so no driver payload (SQL text, request parameters) or
 * remembered secret value survives.
 */
function toSafeError(error: unknown, scrubber: SecretScrubber): RotationError {
  const safe =
    error instanceof RotationError
      ? error
      : new RotationError('Unexpected failure; see the cause for the underlying error', { cause: error });
  safe.message = scrubber.scrub(safe.message);
  if (safe.stack !== undefined) safe.stack = scrubber.scrub(safe.stack);
  if (safe.cause !== undefined) safe.cause = scrubbedCopy(safe.cause, scrubber, 1);
  return safe;
}

export { toSafeError };
