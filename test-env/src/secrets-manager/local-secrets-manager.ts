import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import createDebug from 'debug';
import { CallCounter } from '../aws/call-counter.js';
import { FaultInjector, type InjectedFault } from '../aws/fault-injector.js';
import { startJsonProtocolServer } from '../aws/json-protocol-server.js';
import { LocalAwsService, serveWithFaults } from '../aws/local-aws-service.js';
import type { LocalHttpServer } from '../aws/local-http-server.js';
import { AwsServiceError } from '../aws/service-error.js';
import { secretsManagerOperations } from './secrets-manager-operations.js';
import { type PendingAfterRotation, SecretStore } from './secret-store.js';

/** Where the local Secrets Manager pretends to run. */
interface LocalSecretsManagerOptions {
  /** Region in ARNs and in the clients `client()` builds; default `us-east-1`. */
  readonly region?: string;
  /** Account in ARNs; default `123456789012`. */
  readonly accountId?: string;
  /**
   * Whether a finished rotation leaves AWSPENDING on the new AWSCURRENT version ('kept') or on no version
   * ('removed'); both are documented end states. Default: ROTATION_TEST_PENDING_AFTER_ROTATION, else 'removed'.
   */
  readonly pendingAfterRotation?: PendingAfterRotation;
}

/** A fault for the next `times` calls of `operation`: 400 for throttling and client errors, 500 for InternalServiceError. */
type SecretsManagerFault = InjectedFault;

/** One version of a secret as tests see it, whether or not it still carries a label. */
interface SecretVersionSnapshot {
  readonly versionId: string;
  readonly stages: string[];
  readonly secretString: string | undefined;
}

/**
 * A Secrets Manager on 127.0.0.1 that the unmodified `@aws-sdk/client-secrets-manager` talks to, with plain
 * methods for tests to inspect state, count calls and inject faults. It never invokes a rotation Lambda.
 */
interface LocalSecretsManager extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly region: string;
  /** A real SDK client for this endpoint, with dummy static credentials and `maxAttempts: 3`. */
  client(): SecretsManagerClient;
  /** Requests received, for one operation or in total, counting failed and faulted ones. */
  callCount(operation?: string): number;
  /** Requests received per operation. */
  calls(): Record<string, number>;
  /** Forgets the call counts. */
  resetCalls(): void;
  /** Makes the next `times` (default 1) calls of an operation fail with `error`. */
  injectFault(fault: SecretsManagerFault): void;
  /** Drops every pending fault. */
  clearFaults(): void;
  /** Every version of a secret in creation order, unlabelled ones included. */
  versions(secretId: string): SecretVersionSnapshot[];
  /** Sets RotationEnabled directly, as if rotation had been configured or cancelled out of band. */
  setRotationEnabled(secretId: string, enabled: boolean): void;
  /** The end state rotations finished from now on leave (see LocalSecretsManagerOptions). */
  pendingAfterRotation: PendingAfterRotation;
  /** Stops the server and destroys the clients `client()` built. */
  stop(): Promise<void>;
}

const log = createDebug('rotation:test-env:secrets-manager');

class LocalSecretsManagerServer extends LocalAwsService<SecretsManagerClient> implements LocalSecretsManager {
  readonly #store: SecretStore;

  constructor(server: LocalHttpServer, region: string, store: SecretStore, counter: CallCounter, faults: FaultInjector) {
    super(server, region, counter, faults);
    this.#store = store;
  }

  protected createClient(): SecretsManagerClient {
    return new SecretsManagerClient({
      endpoint: this.endpoint,
      region: this.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 3,
    });
  }

  versions(secretId: string): SecretVersionSnapshot[] {
    return [...this.#store.describe(secretId).versions.values()].map((version) => ({
      versionId: version.versionId,
      stages: [...version.stages],
      secretString: version.secretString,
    }));
  }

  setRotationEnabled(secretId: string, enabled: boolean): void {
    this.#store.setRotationEnabled(secretId, enabled);
  }

  get pendingAfterRotation(): PendingAfterRotation {
    return this.#store.pendingAfterRotation;
  }

  set pendingAfterRotation(mode: PendingAfterRotation) {
    this.#store.pendingAfterRotation = mode;
  }
}

/** The end state ROTATION_TEST_PENDING_AFTER_ROTATION selects for every local Secrets Manager of a run. */
function pendingAfterRotationFromEnv(env: NodeJS.ProcessEnv = process.env): PendingAfterRotation {
  const value = env.ROTATION_TEST_PENDING_AFTER_ROTATION;
  if (value === undefined || value === '' || value === 'removed') return 'removed';
  if (value === 'kept') return 'kept';
  throw new Error('ROTATION_TEST_PENDING_AFTER_ROTATION must be "removed" or "kept"');
}

/** Starts a local Secrets Manager on 127.0.0.1 on a free port, with no secrets. */
async function startLocalSecretsManager(options: LocalSecretsManagerOptions = {}): Promise<LocalSecretsManager> {
  const region = options.region ?? 'us-east-1';
  const store = new SecretStore(region, options.accountId ?? '123456789012', options.pendingAfterRotation ?? pendingAfterRotationFromEnv());
  const operations = secretsManagerOperations(store);
  const counter = new CallCounter();
  const faults = new FaultInjector();
  const server = await startJsonProtocolServer({
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    log,
    dispatch: (operation, input) =>
      serveWithFaults(operation, input, counter, faults, operations.get(operation), () => {
        return new AwsServiceError('UnknownOperationException', `The local Secrets Manager does not implement ${operation}.`);
      }),
  });
  log('listening on %s (%s)', server.endpoint, region);
  return new LocalSecretsManagerServer(server, region, store, counter, faults);
}

export { pendingAfterRotationFromEnv, startLocalSecretsManager };
export type {
  LocalSecretsManager,
  LocalSecretsManagerOptions,
  PendingAfterRotation,
  SecretsManagerFault,
  SecretVersionSnapshot,
};
