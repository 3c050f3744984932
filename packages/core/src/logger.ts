import { RotationError } from './errors.js';
import { REDACTED, type SecretScrubber } from './secret-scrubber.js';

/** The log levels a rotation function writes. */
type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured fields attached to one log line. */
type LogFields = Record<string, unknown>;

/** What core needs of a logger; AWS Lambda Powertools' Logger fits, as does the default JSON-line writer. */
interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values are never written, whatever they hold. */
const SECRET_KEY = /pass(word|wd)?$|^pwd$|secret_?string|connection_?string|^authorization$|^cookie$/i;

const MAX_CAUSE_DEPTH = 5;

/** Maps `AWS_LAMBDA_LOG_LEVEL` (TRACE…FATAL, set by Lambda's advanced logging controls) to a level; INFO by default. */
function logLevelFromEnv(value: string | undefined): LogLevel {
  switch (value?.toUpperCase()) {
    case 'TRACE':
    case 'DEBUG':
      return 'debug';
    case 'WARN':
      return 'warn';
    case 'ERROR':
    case 'FATAL':
      return 'error';
    default:
      return 'info';
  }
}

/** Summarises an error and its cause chain for a log line: names, codes and messages only, never payloads. */
function describeError(error: unknown): LogFields {
  const chain: LogFields[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < MAX_CAUSE_DEPTH; depth++) {
    if (current instanceof RotationError) chain.push(current.toJSON());
    else if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      chain.push({ name: current.name, message: current.message, ...(typeof code === 'string' ? { code } : {}) });
    } else chain.push({ message: String(current) });
    current = current instanceof Error ? current.cause : undefined;
  }
  const [head, ...causes] = chain;
  return causes.length > 0 ? { ...head, causes } : { ...head };
}

/** Deep-copies `value` with secret-named keys redacted, errors summarised and strings scrubbed. */
function sanitize(value: unknown, scrubber: SecretScrubber | undefined, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubber ? scrubber.scrub(value) : value;
  if (value instanceof Error) return sanitize(describeError(value), scrubber, seen);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => sanitize(item, scrubber, seen));
  const copy: LogFields = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key) ? REDACTED : sanitize(item, scrubber, seen);
  }
  return copy;
}

/** Options of the default JSON-line logger. */
interface JsonLoggerOptions {
  level?: LogLevel;
  /** Where each line goes; `process.stdout` by default. */
  write?: (line: string) => void;
  /** Removes remembered secret values from every line. */
  scrubber?: SecretScrubber;
  /** Keys on every line (service name, engine, strategy). */
  keys?: LogFields;
  now?: () => Date;
}

/**
 * Writes one JSON object a line. Every line passes through `sanitize`, so secret-named keys, remembered
 * secret values and password-bearing URLs cannot reach the output whatever a caller passes in.
 */
class JsonLogger implements Logger {
  readonly #level: number;
  readonly #write: (line: string) => void;
  readonly #scrubber: SecretScrubber | undefined;
  readonly #now: () => Date;
  readonly #keys: LogFields;

  constructor(options: JsonLoggerOptions = {}) {
    this.#level = LEVEL_ORDER[options.level ?? 'info'];
    this.#write = options.write ?? ((line) => void process.stdout.write(line));
    this.#scrubber = options.scrubber;
    this.#now = options.now ?? (() => new Date());
    this.#keys = { ...options.keys };
  }

  debug(message: string, fields?: LogFields): void {
    this.#log('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.#log('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.#log('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.#log('error', message, fields);
  }

  #log(level: LogLevel, message: string, fields: LogFields | undefined): void {
    if (LEVEL_ORDER[level] < this.#level) return;
    const line = { timestamp: this.#now().toISOString(), level: level.toUpperCase(), message, ...this.#keys, ...fields };
    this.#write(`${JSON.stringify(sanitize(line, this.#scrubber))}\n`);
  }
}

/**
 * Wraps whichever logger the handler was given (the JSON-line default, Powertools, any other) so core's
 * guarantees hold for all of them: messages and fields are sanitised before the inner logger sees them, and
 * the per-invocation keys (secret id, step, token) are appended once and carried on every line.
 */
class SanitizingLogger implements Logger {
  readonly #inner: Logger;
  readonly #scrubber: SecretScrubber;
  #keys: LogFields = {};

  constructor(inner: Logger, scrubber: SecretScrubber) {
    this.#inner = inner;
    this.#scrubber = scrubber;
  }

  appendKeys(keys: LogFields): void {
    this.#keys = { ...this.#keys, ...keys };
  }

  resetKeys(): void {
    this.#keys = {};
  }

  debug(message: string, fields?: LogFields): void {
    this.#inner.debug(this.#scrubber.scrub(message), this.#fields(fields));
  }

  info(message: string, fields?: LogFields): void {
    this.#inner.info(this.#scrubber.scrub(message), this.#fields(fields));
  }

  warn(message: string, fields?: LogFields): void {
    this.#inner.warn(this.#scrubber.scrub(message), this.#fields(fields));
  }

  error(message: string, fields?: LogFields): void {
    this.#inner.error(this.#scrubber.scrub(message), this.#fields(fields));
  }

  #fields(fields: LogFields | undefined): LogFields {
    return sanitize({ ...this.#keys, ...fields }, this.#scrubber) as LogFields;
  }
}

export { describeError, JsonLogger, logLevelFromEnv, SanitizingLogger, sanitize };
export type { JsonLoggerOptions, LogFields, Logger, LogLevel };
