import { setTimeout as sleep } from 'node:timers/promises';
import type { StepDeadline } from './deadline.js';
import { RotationError } from './errors.js';

/** Backoff between attempts: capped exponential with full jitter, so many rotations do not retry in step. */
const BASE_PAUSE_MS = 100;
const MAX_PAUSE_MS = 2_000;
/** An attempt is made only with at least this much of the step left after the pause. */
const MIN_ATTEMPT_MS = 500;

/**
 * Failures another attempt may get past: the server is full or busy (`ENGINE_BUSY`), or the engine marked
 * the failure transient (a connection reset before login). Never a refused password or anything else.
 */
function isTransient(error: unknown): boolean {
  if (!(error instanceof RotationError)) return false;
  return error.code === 'ENGINE_BUSY' || error.transient;
}

/** Options of `withRetries`; the random source and the pause are injectable for tests. */
interface RetryOptions {
  readonly deadline: StepDeadline;
  readonly random?: () => number;
  readonly pause?: (ms: number) => Promise<unknown>;
}

/**
 * Runs `attempt`, trying again after a transient failure while the step's deadline leaves room for another
 * attempt. When it does not, the last failure stands: a typed error the service's retry of the step can
 * get past once the server has room.
 */
async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const pause = options.pause ?? sleep;
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error)) throw error;
      const wait = random() * Math.min(MAX_PAUSE_MS, BASE_PAUSE_MS * 2 ** tries);
      if (options.deadline.remainingMs() < wait + MIN_ATTEMPT_MS) throw error;
      await pause(wait);
    }
  }
}

export { isTransient, withRetries };
export type { RetryOptions };
