import { setTimeout as sleep } from 'node:timers/promises';

/** Options for a bounded readiness loop. */
interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Stops early with this error when it returns one (a child process that exited, say). */
  readonly abortIf?: () => Error | undefined;
}

/**
 * Retries `probe` until it resolves, a bounded number of times: the readiness loop every server start uses.
 * The interval is a retry pace, not a guess at how long the server takes; the probe decides readiness.
 */
async function waitUntil<T>(what: string, probe: () => Promise<T>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const aborted = options.abortIf?.();
    if (aborted) throw aborted;
    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not ready after ${options.timeoutMs} ms`, { cause: lastError });
    }
    await sleep(options.intervalMs ?? 25);
  }
}

export { waitUntil };
export type { WaitOptions };
