import { InvalidSecretError, type SecretSource } from './errors.js';

/** A parsed secret value: a JSON object, kept whole so rotation copies every field it does not own. */
type SecretJson = Readonly<Record<string, unknown>>;

/** What every rotatable secret has, whatever the engine. */
interface RotatableSecret {
  readonly username: string;
  readonly password: string;
  /** ARN of the master (superuser) secret, for alternating users. */
  readonly masterarn: string | undefined;
  /** Whether the engine's connections use TLS (`ssl`); undefined for services without the choice. */
  readonly ssl?: boolean;
  /** The whole JSON object, copied into the next version. */
  readonly fields: SecretJson;
}

/**
 * Parses a SecretString as a JSON object. The parser's own message is dropped on purpose: V8 quotes the
 * input around the error position, which would put part of the secret into the error.
 */
function parseSecretJson(secretString: string, source: SecretSource): SecretJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new InvalidSecretError(`${source} secret value is not valid JSON`, source);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidSecretError(`${source} secret value must be a JSON object`, source);
  }
  return parsed as SecretJson;
}

function invalid(source: SecretSource, field: string, rule: string): InvalidSecretError {
  return new InvalidSecretError(`Field "${field}" of the ${source} secret ${rule}`, source, { field });
}

/** A required non-empty string field without NUL characters (no engine accepts them in names or hosts). */
function requireString(json: SecretJson, field: string, source: SecretSource): string {
  const value = json[field];
  if (value === undefined || value === null) throw invalid(source, field, 'is missing');
  if (typeof value !== 'string') throw invalid(source, field, 'must be a string');
  if (value.length === 0) throw invalid(source, field, 'must not be empty');
  if (value.includes('\0')) throw invalid(source, field, 'must not contain NUL characters');
  return value;
}

/** An optional string field; null counts as absent. */
function optionalString(json: SecretJson, field: string, source: SecretSource): string | undefined {
  return json[field] === undefined || json[field] === null ? undefined : requireString(json, field, source);
}

/** The password: any non-empty string (NUL included: the engine decides whether it can hold it). */
function requirePassword(json: SecretJson, source: SecretSource): string {
  const value = json.password;
  if (value === undefined || value === null) throw invalid(source, 'password', 'is missing');
  if (typeof value !== 'string' || value.length === 0) throw invalid(source, 'password', 'must be a non-empty string');
  return value;
}

/** A TCP port given as a number or a numeric string (both occur in the wild), defaulted when absent. */
function readPort(json: SecretJson, source: SecretSource, fallback: number, field = 'port'): number {
  const value = json[field];
  if (value === undefined || value === null) return fallback;
  const port = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid(source, field, 'must be an integer from 1 to 65535');
  }
  return port;
}

/**
 * The `ssl` field: absent or null means TLS (verified), as does true; false means plaintext. The strings
 * "true"/"false" are accepted in any case, as AWS's templates do; anything else is an error rather than a guess.
 */
function readSsl(json: SecretJson, source: SecretSource): boolean {
  const value = json.ssl;
  if (value === undefined || value === null || value === true) return true;
  if (value === false) return false;
  if (typeof value === 'string' && ['true', 'false'].includes(value.trim().toLowerCase())) {
    return value.trim().toLowerCase() === 'true';
  }
  throw invalid(source, 'ssl', 'must be true or false');
}

/** The `engine` field, which must be one this handler serves. */
function requireEngine(json: SecretJson, source: SecretSource, accepted: readonly string[]): string {
  const engine = requireString(json, 'engine', source);
  if (!accepted.includes(engine)) throw invalid(source, 'engine', `must be one of ${accepted.join(', ')}`);
  return engine;
}

/** Host names compare case-insensitively and without a trailing dot (DNS treats them as the same name). */
function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

export {
  normalizeHost,
  optionalString,
  parseSecretJson,
  readPort,
  readSsl,
  requireEngine,
  requirePassword,
  requireString,
};
export type { RotatableSecret, SecretJson };
