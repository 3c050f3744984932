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

/** Maps one level name (TRACE…FATAL, any case) to a level; undefined for anything else. */
function levelNamed(value: string | undefined): LogLevel | undefined {
  switch (value?.trim().toUpperCase()) {
    case 'TRACE':
    case 'DEBUG':
      return 'debug';
    case 'WARN':
      return 'warn';
    case 'ERROR':
    case 'FATAL':
      return 'error';
    case 'INFO':
      return 'info';
    default:
      return undefined;
  }
}

/**
 * The log level, as Powertools for AWS Lambda reads it: Lambda's own application log level
 * (`AWS_LAMBDA_LOG_LEVEL`, set by advanced logging controls) wins, since Lambda drops anything below it
 * anyway; then `POWERTOOLS_LOG_LEVEL`, then `LOG_LEVEL`; INFO by default.
 */
function logLevelFromEnv(env: Readonly<Record<string, string | undefined>> | string | undefined): LogLevel {
  if (typeof env === 'string' || env === undefined) return levelNamed(env) ?? 'info';
  return levelNamed(env.AWS_LAMBDA_LOG_LEVEL) ?? levelNamed(env.POWERTOOLS_LOG_LEVEL) ?? levelNamed(env.LOG_LEVEL) ?? 'info';
}

/** `AWS_LAMBDA_LOG_FORMAT`: JSON (the default here) or Text, which gives readable tab-separated lines. */
type LogFormat = 'json' | 'text';

function logFormatFromEnv(value: string | undefined): LogFormat {
  return value?.trim().toLowerCase() === 'text' ? 'text' : 'json';
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

/**
 * One sanitised line in Lambda's text layout: timestamp, request id, level and message separated by tabs,
 * then the other fields as `key=value` (values JSON-encoded, so a newline in one stays one line).
 */
function textLine(line: LogFields): string {
  const { timestamp, function_request_id: requestId, level, message, ...rest } = line;
  const fields = Object.entries(rest)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' && /^[\w.:/@-]*$/.test(value) ? value : JSON.stringify(value)}`);
  return `${[timestamp, requestId ?? '-', level, JSON.stringify(message).slice(1, -1)].join('\t')}${fields.length > 0 ? `\t${fields.join(' ')}` : ''}\n`;
}

/** Options of the default JSON-line logger. */
interface JsonLoggerOptions {
  level?: LogLevel;
  /** `text` writes Lambda's text layout (timestamp, request id, level, message, then the fields) instead of JSON. */
  format?: LogFormat;
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
  readonly #format: LogFormat;

  constructor(options: JsonLoggerOptions = {}) {
    this.#level = LEVEL_ORDER[options.level ?? 'info'];
    this.#format = options.format ?? 'json';
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
    const line = sanitize({ timestamp: this.#now().toISOString(), level: level.toUpperCase(), message, ...this.#keys, ...fields }, this.#scrubber) as LogFields;
    this.#write(this.#format === 'text' ? textLine(line) : `${JSON.stringify(line)}\n`);
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

export { describeError, JsonLogger, logFormatFromEnv, logLevelFromEnv, SanitizingLogger, sanitize };
export type { JsonLoggerOptions, LogFields, LogFormat, Logger, LogLevel };
