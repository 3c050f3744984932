import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from './constants.js';
import { ConfigurationError } from './errors.js';
import { type Environment, readEnvBoolean, readEnvInteger, readEnvString, readEnvUrl } from './env.js';
import { type LogFormat, type LogLevel, logFormatFromEnv, logLevelFromEnv } from './logger.js';

/** The rules GetRandomPassword applies to a new password, from the same variables AWS's templates read. */
interface PasswordPolicy {
  readonly length: number;
  readonly excludeCharacters: string;
  readonly excludeNumbers: boolean;
  readonly excludePunctuation: boolean;
  readonly excludeUppercase: boolean;
  readonly excludeLowercase: boolean;
  readonly requireEachIncludedType: boolean;
}

/** Per-engine defaults, matching AWS's template for that engine. */
interface EngineDefaults {
  readonly excludeCharacters: string;
  readonly passwordLength: number;
}

/** Everything a handler reads from its environment, validated once at cold start. */
interface RotationConfig {
  readonly secretsManagerEndpoint: string | undefined;
  readonly rdsEndpoint: string | undefined;
  readonly password: PasswordPolicy;
  /** Lets rotation take over an existing alternate user it did not create (`ADOPT_EXISTING_USER`). */
  readonly adoptExistingUser: boolean;
  /** Overrides the engine's alternate-username limit (`USERNAME_CHARACTER_LIMIT`, as AWS's MySQL template). */
  readonly usernameCharacterLimit: number | undefined;
  /** Pins the function to one secret (`SECRET_ARN`). */
  readonly secretArn: string | undefined;
  /**
   * The master secret the operator deployed the function with (`MASTER_SECRET_ARN`, a full or partial ARN or a
   * name): an application secret's `masterarn` must name it. The templates and the CDK construct set it.
   */
  readonly masterSecretArn: string | undefined;
  readonly connectTimeoutMs: number;
  /** How long one statement or command may take before the engine gives up (`STATEMENT_TIMEOUT_SECONDS`). */
  readonly statementTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** `AWS_LAMBDA_LOG_FORMAT`: JSON lines, or Lambda's readable text layout. */
  readonly logFormat: LogFormat;
  /** The `service` key on every line and metric (`POWERTOOLS_SERVICE_NAME`, as Powertools names it). */
  readonly serviceName: string;
  /**
   * CloudWatch Embedded Metric Format output (`ROTATION_METRICS`, on by default), its namespace
   * (`POWERTOOLS_METRICS_NAMESPACE`, else `ROTATION_METRICS_NAMESPACE`), and the level its lines carry so that
   * Lambda's log-level filtering never drops them.
   */
  readonly metrics: { readonly enabled: boolean; readonly namespace: string; readonly lineLevel: string };
  /** The whole environment, for engine-specific variables read by the engine adapter. */
  readonly env: Environment;
}

function readPasswordPolicy(env: Environment, defaults: EngineDefaults): PasswordPolicy {
  const policy: PasswordPolicy = {
    length: readEnvInteger(env, 'PASSWORD_LENGTH', defaults.passwordLength, 8, 4096),
    // Set-but-empty means "exclude nothing", unlike unset, so this one is not trimmed away.
    excludeCharacters: env.EXCLUDE_CHARACTERS ?? defaults.excludeCharacters,
    excludeNumbers: readEnvBoolean(env, 'EXCLUDE_NUMBERS', false),
    excludePunctuation: readEnvBoolean(env, 'EXCLUDE_PUNCTUATION', false),
    excludeUppercase: readEnvBoolean(env, 'EXCLUDE_UPPERCASE', false),
    excludeLowercase: readEnvBoolean(env, 'EXCLUDE_LOWERCASE', false),
    requireEachIncludedType: readEnvBoolean(env, 'REQUIRE_EACH_INCLUDED_TYPE', true),
  };
  if (policy.excludeNumbers && policy.excludePunctuation && policy.excludeUppercase && policy.excludeLowercase) {
    throw new ConfigurationError('EXCLUDE_NUMBERS, EXCLUDE_PUNCTUATION, EXCLUDE_UPPERCASE and EXCLUDE_LOWERCASE exclude every character type', {
      field: 'EXCLUDE_LOWERCASE',
    });
  }
  return policy;
}

/**
 * The `level` an EMF line carries. Lambda's log-level filtering reads a JSON line's `level` and counts a line
 * without one as INFO, so under an application log level of WARN or ERROR a level-less metric line would be
 * dropped and the metric lost. The line carries the configured level itself (the least severe that passes),
 * INFO when none is set.
 */
function metricLineLevel(lambdaLevel: string | undefined): string {
  const level = lambdaLevel?.trim().toUpperCase();
  return level === 'WARN' || level === 'ERROR' || level === 'FATAL' ? level : 'INFO';
}

/** Reads and validates the handler's environment; throws ConfigurationError naming the first bad variable. */
function readRotationConfig(env: Environment, defaults: EngineDefaults): RotationConfig {
  const password = readPasswordPolicy(env, defaults);
  return {
    secretsManagerEndpoint: readEnvUrl(env, 'SECRETS_MANAGER_ENDPOINT'),
    rdsEndpoint: readEnvUrl(env, 'RDS_ENDPOINT'),
    password,
    adoptExistingUser: readEnvBoolean(env, 'ADOPT_EXISTING_USER', false),
    usernameCharacterLimit:
      readEnvString(env, 'USERNAME_CHARACTER_LIMIT') === undefined
        ? undefined
        : readEnvInteger(env, 'USERNAME_CHARACTER_LIMIT', 0, 1, 1024),
    secretArn: readEnvString(env, 'SECRET_ARN'),
    masterSecretArn: readEnvString(env, 'MASTER_SECRET_ARN'),
    connectTimeoutMs:
      readEnvInteger(env, 'CONNECT_TIMEOUT_SECONDS', DEFAULT_CONNECT_TIMEOUT_MS / 1000, 1, 60) * 1000,
    statementTimeoutMs:
      readEnvInteger(env, 'STATEMENT_TIMEOUT_SECONDS', DEFAULT_STATEMENT_TIMEOUT_MS / 1000, 1, 300) * 1000,
    logLevel: logLevelFromEnv(env),
    logFormat: logFormatFromEnv(env.AWS_LAMBDA_LOG_FORMAT),
    serviceName: readEnvString(env, 'POWERTOOLS_SERVICE_NAME') ?? 'rotation-lambdas',
    metrics: {
      enabled: readEnvBoolean(env, 'ROTATION_METRICS', true),
      namespace: readEnvString(env, 'POWERTOOLS_METRICS_NAMESPACE') ?? readEnvString(env, 'ROTATION_METRICS_NAMESPACE') ?? 'RotationLambdas',
      lineLevel: metricLineLevel(env.AWS_LAMBDA_LOG_LEVEL),
    },
    // A snapshot: the configuration is what the function started with, as the engines read it later.
    env: Object.freeze({ ...env }),
  };
}

export { readRotationConfig };
export type { EngineDefaults, PasswordPolicy, RotationConfig };
