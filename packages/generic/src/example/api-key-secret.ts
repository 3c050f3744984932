import {
  InvalidSecretError,
  type RotatableSecret,
  requirePassword,
  requireString,
  type SecretJson,
  type SecretSource,
} from '@rotation-lambdas/core';

/** The example's secret: a client id and its API key for one HTTPS API. */
interface ApiKeySecret extends RotatableSecret {
  /** The API's base URL. */
  readonly endpoint: URL;
}

/**
 * `{"endpoint": "https://api.example.com", "username": "<client id>", "password": "<API key>"}`. Plain http
 * is refused unless the secret says `"ssl": false`, the same rule the database handlers follow.
 */
function parseApiKeySecret(json: SecretJson, source: SecretSource): ApiKeySecret {
  const raw = requireString(json, 'endpoint', source);
  let endpoint: URL;
  try {
    endpoint = new URL(raw);
  } catch {
    throw new InvalidSecretError(`Field "endpoint" of the ${source} secret must be a URL`, source, { field: 'endpoint' });
  }
  const plaintextAllowed = json.ssl === false;
  if (endpoint.protocol !== 'https:' && !(endpoint.protocol === 'http:' && plaintextAllowed)) {
    throw new InvalidSecretError(`Field "endpoint" of the ${source} secret must be https (or set "ssl": false)`, source, {
      field: 'endpoint',
    });
  }
  return {
    endpoint,
    username: requireString(json, 'username', source),
    password: requirePassword(json, source),
    masterarn: undefined,
    ssl: !plaintextAllowed,
    fields: json,
  };
}

export { parseApiKeySecret };
export type { ApiKeySecret };
