import { ConfigurationError } from './errors.js';

/** The process environment, or any map shaped like it (tests pass their own). */
type Environment = Readonly<Record<string, string | undefined>>;

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n']);

/** The variable's trimmed value, or undefined when it is unset or blank. */
function readEnvString(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A boolean variable: true/1/yes/y or false/0/no/n in any case (AWS's words), else a ConfigurationError. */
function readEnvBoolean(env: Environment, name: string, fallback: boolean): boolean {
  const value = readEnvString(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (TRUE_WORDS.has(value)) return true;
  if (FALSE_WORDS.has(value)) return false;
  throw new ConfigurationError(`Environment variable ${name} must be true or false`, { field: name });
}

/** A whole-number variable within [min, max], else a ConfigurationError. */
function readEnvInteger(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const value = readEnvString(env, name);
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigurationError(`Environment variable ${name} must be a whole number from ${min} to ${max}`, {
      field: name,
    });
  }
  return parsed;
}

/** An http(s) URL variable (a service endpoint), else a ConfigurationError. */
function readEnvUrl(env: Environment, name: string): string | undefined {
  const value = readEnvString(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new ConfigurationError(`Environment variable ${name} must be an http(s) URL`, { field: name, cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`Environment variable ${name} must be an http(s) URL`, { field: name });
  }
  return value;
}

export { readEnvBoolean, readEnvInteger, readEnvString, readEnvUrl };
export type { Environment };
