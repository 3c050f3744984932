import { AwsServiceError } from './service-error.js';

/** A fault to answer the next `times` (default 1) requests of `operation` with, instead of serving them. */
interface InjectedFault {
  readonly operation: string;
  readonly error: string;
  readonly times?: number;
  readonly message?: string;
}

interface PendingFault {
  readonly error: string;
  readonly message: string;
  remaining: number;
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
    queue.push({ error: fault.error, message: fault.message ?? defaultMessage(fault.error), remaining: times });
    this.#faults.set(fault.operation, queue);
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#faults.clear();
  }

  /** The error the current request of `operation` must fail with, if a fault is queued for it. */
  take(operation: string): AwsServiceError | undefined {
    const queue = this.#faults.get(operation);
    const fault = queue?.[0];
    if (queue === undefined || fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) queue.shift();
    if (queue.length === 0) this.#faults.delete(operation);
    return new AwsServiceError(fault.error, fault.message);
  }
}

export { FaultInjector };
export type { InjectedFault };
