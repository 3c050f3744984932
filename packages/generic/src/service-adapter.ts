import {
  type CredentialsRole,
  type EngineAdapter,
  type EngineDefaults,
  type RotatableSecret,
  type SecretJson,
  type SecretSource,
  UnsupportedFeatureError,
} from '@rotation-lambdas/core';

/**
 * Everything a service needs to be rotated: four methods. The core supplies the rest (the four steps, the
 * staging labels, idempotency, the confused-deputy checks, password generation, typed errors, secret-free
 * logs). Methods throw core's errors: EngineAuthError when the service refuses a credential,
 * EngineConnectionError when it cannot be reached, EngineOperationError when a change fails.
 */
interface ServiceRotator<S extends RotatableSecret> {
  /** Short name for logs and metrics. */
  readonly name: string;
  /** Password rules for this service (GetRandomPassword's excluded characters and length). */
  readonly defaults: EngineDefaults;
  /** Validates the secret's JSON with core's field readers; throws InvalidSecretError naming the field. */
  parseSecret(json: SecretJson, source: SecretSource): S;
  /** The fields that identify the service; AWSPENDING must equal AWSCURRENT in all of them. */
  resourceOf(secret: S): Readonly<Record<string, string | number | boolean | undefined>>;
  /** Proves the secret's credential works against the service; `login` says whose it is, for the error. */
  authenticate(secret: S, login: CredentialsRole): Promise<void>;
  /** Replaces `current`'s credential with `pending`'s at the service. Must be safe to repeat. */
  changeCredential(current: S, pending: S): Promise<void>;
}

/**
 * Turns a ServiceRotator into the engine adapter the core runs (single user only: a service with a second
 * identity to alternate with implements EngineAdapter directly, as the database packages do).
 */
function createServiceAdapter<S extends RotatableSecret>(rotator: ServiceRotator<S>): EngineAdapter<S> {
  return {
    name: rotator.name,
    defaults: rotator.defaults,
    parseSecret: (json, source) => rotator.parseSecret(json, source),
    resourceOf: (secret) => rotator.resourceOf(secret),
    endpointsOf: () => {
      throw new UnsupportedFeatureError('This service has no master secret: use the single-user handler', { engine: rotator.name });
    },
    maxUsernameLength: () => Number.MAX_SAFE_INTEGER,
    async connect(secret, login) {
      await rotator.authenticate(secret, login);
      return {
        // connect() has just authenticated with this secret; the probe is that login.
        verify: async () => undefined,
        changeOwnPassword: (change) =>
          rotator.changeCredential(secret, {
            ...secret,
            password: change.newPassword,
            fields: { ...secret.fields, password: change.newPassword },
          }),
        close: async () => undefined,
      };
    },
    connectAdmin: () => {
      throw new UnsupportedFeatureError('This service has no master secret: use the single-user handler', { engine: rotator.name });
    },
  };
}

export { createServiceAdapter };
export type { ServiceRotator };
