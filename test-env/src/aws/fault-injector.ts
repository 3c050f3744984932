import { AwsServiceError } from './service-error.js';

/**
 * A fault to answer the next `times` (default 1) requests of `operation` with. By default the request is not
 * served; with `afterApplying` it is served first and the answer is still the error: the caller saw a failure
 * although the side effect happened (a timeout or a crash right after the call).
 */
interface InjectedFault {
  readonly operation: string;
  readonly error: string;
  readonly times?: number;
  readonly message?: string;
  readonly afterApplying?: boolean;
}

interface PendingFault {
  readonly error: string;
  readonly message: string;
  readonly afterApplying: boolean;
  remaining: number;
}

/** The error a request must fail with, and whether to serve the request first. */
interface TakenFault {
  readonly error: AwsServiceError;
  readonly afterApplying: boolean;
}

function defaultMessage(error: string): string {
  // The text AWS sends with throttling errors.
  return error === 'ThrottlingException' || error === 'Throttling' ? 'Rate exceeded' : `${error} injected by the test`;
}

/** Queues injected faults per operation; each request of that operation consumes one, oldest fault first. */
class FaultInjector {
  readonly #faults = new Map<string, PendingFault[]>();

  /** Queues a fault; throws when `times` is not a positive integer. */
  inject(fault: InjectedFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`fault times must be a positive integer, got ${times}`);
    const queue = this.#faults.get(fault.operation) ?? [];
    queue.push({
      error: fault.error,
      message: fault.message ?? defaultMessage(fault.error),
      afterApplying: fault.afterApplying ?? false,
      remaining: times,
    });
    this.#faults.set(fault.operation, queue);
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#faults.clear();
  }

  /** The fault the current request of `operation` must fail with, if one is queued for it. */
  take(operation: string): TakenFault | undefined {
    const queue = this.#faults.get(operation);
    const fault = queue?.[0];
    if (queue === undefined || fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) queue.shift();
    if (queue.length === 0) this.#faults.delete(operation);
    return { error: new AwsServiceError(fault.error, fault.message), afterApplying: fault.afterApplying };
  }
}

export { FaultInjector };
export type { InjectedFault, TakenFault };
