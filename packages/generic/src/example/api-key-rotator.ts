import { EngineAuthError, EngineConnectionError, EngineOperationError, type CredentialsRole } from '@rotation-lambdas/core';
import type { ServiceRotator } from '../service-adapter.js';
import { type ApiKeySecret, parseApiKeySecret } from './api-key-secret.js';

const NAME = 'http-api-key';

/** API keys are URL- and header-safe: letters and digits only. */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** One request to the example API with a key as bearer token; connection failures are typed, bodies never read into errors. */
async function call(secret: ApiKeySecret, path: string, init: RequestInit, login: CredentialsRole, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(new URL(path, secret.endpoint), {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${secret.password}`, 'x-client-id': secret.username },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new EngineConnectionError(`The API could not be reached for the ${login} key`, login, { cause: error, engine: NAME });
  }
}

/** The example's password rules: 40 letters and digits. */
const API_KEY_DEFAULTS = { excludeCharacters: PUNCTUATION, passwordLength: 40 };

/**
 * The worked example: an API where a client authenticates with `Authorization: Bearer <key>` (`GET /whoami`)
 * and replaces its key with `POST /keys/rotate {"newKey": "…"}`. Replace this file to rotate your service.
 */
function createApiKeyRotator(options: { readonly timeoutMs: number }): ServiceRotator<ApiKeySecret> {
  return {
    name: NAME,
    defaults: API_KEY_DEFAULTS,
    parseSecret: parseApiKeySecret,
    resourceOf: (secret) => ({ endpoint: secret.endpoint.origin + secret.endpoint.pathname, username: secret.username }),
    async authenticate(secret, login) {
      const response = await call(secret, 'whoami', { method: 'GET' }, login, options.timeoutMs);
      if (response.status === 401 || response.status === 403) {
        throw new EngineAuthError(`The API refused the ${login} key`, login, { engine: NAME });
      }
      const body = (await response.json().catch(() => undefined)) as { clientId?: unknown } | undefined;
      if (!response.ok || body?.clientId !== secret.username) {
        throw new EngineOperationError(`The API answered whoami with status ${response.status}`, login, { engine: NAME });
      }
    },
    async changeCredential(current, pending) {
      const response = await call(
        current,
        'keys/rotate',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ newKey: pending.password }) },
        'current',
        options.timeoutMs,
      );
      if (!response.ok) {
        throw new EngineOperationError(`The API answered the key change with status ${response.status}`, 'current', { engine: NAME });
      }
    },
  };
}

export { API_KEY_DEFAULTS, createApiKeyRotator };
