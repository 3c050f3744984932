import type { CallCounter } from './call-counter.js';
import type { FaultInjector, InjectedFault } from './fault-injector.js';
import type { LocalHttpServer } from './local-http-server.js';
import type { AwsServiceError } from './service-error.js';

/** The SDK clients a local service hands out; each is destroyed when the service stops. */
interface DestroyableClient {
  destroy(): void;
}

/**
 * Counts the call, applies a queued fault, and serves the operation: the request path every local AWS
 * service shares. A fault marked `afterApplying` is thrown after the operation ran (the caller sees an error
 * although the change was made: a timeout or a crash right after the call).
 */
function serveWithFaults<Input, Output>(
  operation: string,
  input: Input,
  counter: CallCounter,
  faults: FaultInjector,
  serve: ((input: Input) => Output) | undefined,
  unknown: () => AwsServiceError,
): Output {
  counter.record(operation);
  const fault = faults.take(operation);
  if (fault !== undefined && !fault.afterApplying) throw fault.error;
  if (serve === undefined) throw unknown();
  const output = serve(input);
  if (fault !== undefined) throw fault.error;
  return output;
}

/**
 * What every local AWS service offers tests besides its operations: its endpoint, real SDK clients for it,
 * call counts, fault injection, and a stop that also destroys the clients it built.
 */
abstract class LocalAwsService<Client extends DestroyableClient> implements AsyncDisposable {
  readonly endpoint: string;
  readonly region: string;
  readonly #server: LocalHttpServer;
  readonly #counter: CallCounter;
  readonly #faults: FaultInjector;
  readonly #clients: Client[] = [];

  protected constructor(server: LocalHttpServer, region: string, counter: CallCounter, faults: FaultInjector) {
    this.endpoint = server.endpoint;
    this.region = region;
    this.#server = server;
    this.#counter = counter;
    this.#faults = faults;
  }

  /** Builds a real SDK client for this endpoint (dummy static credentials, three attempts). */
  protected abstract createClient(): Client;

  /** A real SDK client for this endpoint; destroyed by `stop()`. */
  client(): Client {
    const client = this.createClient();
    this.#clients.push(client);
    return client;
  }

  /** Requests received, for one operation or in total, counting failed and faulted ones. */
  callCount(operation?: string): number {
    return this.#counter.count(operation);
  }

  /** Requests received per operation. */
  calls(): Record<string, number> {
    return this.#counter.snapshot();
  }

  /** Forgets the call counts. */
  resetCalls(): void {
    this.#counter.reset();
  }

  /** Makes the next `times` (default 1) calls of an operation fail with `error`. */
  injectFault(fault: InjectedFault): void {
    this.#faults.inject(fault);
  }

  /** Drops every pending fault. */
  clearFaults(): void {
    this.#faults.clear();
  }

  /** Work to finish before the server stops (changes still in flight). */
  protected async beforeStop(): Promise<void> {}

  /** Destroys the clients `client()` built and stops the server. */
  async stop(): Promise<void> {
    for (const client of this.#clients.splice(0)) client.destroy();
    await this.beforeStop();
    await this.#server.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

export { LocalAwsService, serveWithFaults };
export type { DestroyableClient };
