import { AsyncLocalStorage } from 'node:async_hooks';
import { DeadlineExceededError } from './errors.js';

/** What core reads of the Lambda context object; a local run passes none. */
interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
  readonly awsRequestId?: string;
  readonly functionName?: string;
  readonly functionVersion?: string;
  readonly invokedFunctionArn?: string;
  readonly memoryLimitInMB?: string;
}

/**
 * Kept back from the Lambda's remaining time: enough to write the failure log line and metric before Lambda
 * kills the invocation, which would otherwise leave neither.
 */
const DEADLINE_MARGIN_MS = 1_500;

/** A driver timeout this close to the deadline was the deadline's, cut into the driver's own limit. */
const DRIVER_TIMEOUT_SLACK_MS = 100;

/** How far past the deadline a driver's own timeout is set, so core's deadline is what fires first. */
const DRIVER_GRACE_MS = 250;

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ENGINE_TIMEOUT' || code === 'ENGINE_UNREACHABLE';
}

/** The budget of a step invoked without a Lambda context (a local run, a test): the templates' function timeout. */
const DEFAULT_STEP_BUDGET_MS = 30_000;

/** The moment a step must have finished by, and the operations it runs against it. */
class StepDeadline {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly #now: () => number;
  #signal: AbortSignal | undefined;

  constructor(at: number, now: () => number = Date.now) {
    this.at = at;
    this.#now = now;
  }

  /** From the Lambda context's remaining time, less the margin; a fixed budget when there is no context. */
  static fromContext(context: LambdaContextLike | undefined, now: () => number = Date.now): StepDeadline {
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : DEFAULT_STEP_BUDGET_MS;
    return new StepDeadline(now() + Math.max(0, remaining - DEADLINE_MARGIN_MS), now);
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.#now());
  }

  /**
   * An operation's own limit, cut to what is left of the step plus a little, so that core's own deadline
   * fires first and names the operation while the driver still cleans up behind it (at least 1 ms, so a
   * driver never reads 0 as "no limit").
   */
  clamp(limitMs: number): number {
    return Math.max(1, Math.min(limitMs, this.remainingMs() + DRIVER_GRACE_MS));
  }

  /** Aborts when the deadline passes: for the AWS SDK's `abortSignal`. */
  signal(): AbortSignal {
    this.#signal ??= AbortSignal.timeout(Math.max(1, this.remainingMs()));
    return this.#signal;
  }

  /**
   * Runs `work`, failing with DeadlineExceededError naming `operation` when the deadline passes first. The
   * operation may still finish on its own; every step is idempotent, so the service's retry completes it.
   * `late` receives a result that arrives after the deadline (a session to close). A driver timeout that
   * fired because it was cut to the deadline is reported as the deadline. `backstopMs` lets a guard around
   * other guarded operations fire that much later, so the operation that ran out names itself.
   */
  async within<T>(operation: string, work: () => Promise<T>, late?: (value: T) => void, backstopMs = 0): Promise<T> {
    const remaining = this.remainingMs() + backstopMs;
    if (remaining <= 0) throw new DeadlineExceededError(operation);
    let timer: NodeJS.Timeout | undefined;
    let expired = false;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(new DeadlineExceededError(operation));
      }, remaining);
    });
    const running = work();
    running.then(
      (value) => {
        if (expired) late?.(value);
      },
      () => undefined,
    );
    try {
      return await Promise.race([running, deadline]);
    } catch (error) {
      if (!(error instanceof DeadlineExceededError) && this.remainingMs() <= DRIVER_TIMEOUT_SLACK_MS && isTimeout(error)) {
        throw new DeadlineExceededError(operation, { cause: error });
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

const ambient = new AsyncLocalStorage<StepDeadline>();

/** Runs a step with `deadline` as the one `currentDeadline()` returns anywhere below it. */
function runWithDeadline<T>(deadline: StepDeadline, work: () => Promise<T>): Promise<T> {
  return ambient.run(deadline, work);
}

/** The deadline of the step running now, if any: adapters cut their connect and statement timeouts to it. */
function currentDeadline(): StepDeadline | undefined {
  return ambient.getStore();
}

/** `limitMs` cut to what is left of the current step: what an engine passes its driver as a timeout. */
function stepTimeoutMs(limitMs: number): number {
  return currentDeadline()?.clamp(limitMs) ?? limitMs;
}

/** How long after the deadline the step's own backstop fires: the operations inside name themselves first. */
const STEP_BACKSTOP_MS = DRIVER_GRACE_MS;

export { currentDeadline, DEADLINE_MARGIN_MS, STEP_BACKSTOP_MS, DEFAULT_STEP_BUDGET_MS, runWithDeadline, StepDeadline, stepTimeoutMs };
export type { LambdaContextLike };
