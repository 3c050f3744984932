import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RotationConfig } from './config.js';
import { type RotationStep, type RotationStrategy, StagingLabel } from './constants.js';
import { type LambdaContextLike, runWithDeadline, STEP_BACKSTOP_MS, StepDeadline } from './deadline.js';
import type { EngineAdapter } from './engine.js';
import { RdsLookupError, RotationNotEnabledError, SecretNotAllowedError, StagingLabelError } from './errors.js';
import { parseRotationEvent, type RotationEvent } from './event.js';
import { JsonLogger, type LogFields, type Logger, SanitizingLogger } from './logger.js';
import { createStepMetrics, type StepMeasurement, type StepMetrics } from './metrics.js';
import type { RdsLookups } from './rds-topology.js';
import { toSafeError } from './safe-error.js';
import { ROTATION_LAMBDAS_VERSION } from './version.js';
import type { RotatableSecret } from './secret-fields.js';
import { SecretScrubber } from './secret-scrubber.js';
import { type SecretMetadata, type SecretsManagerSender, SecretsRepository } from './secrets-repository.js';

/**
 * Connection and per-request timeouts for the AWS SDK clients: an endpoint that accepts and never answers
 * fails a request (which the SDK retries) instead of holding the step; the step's deadline bounds the rest.
 */
const AWS_REQUEST_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 5_000 } as const;

/** Everything a step needs; built once per invocation. */
interface RotationContext<S extends RotatableSecret> {
  readonly event: RotationEvent;
  readonly secret: SecretMetadata;
  readonly secrets: SecretsRepository;
  readonly engine: EngineAdapter<S>;
  readonly config: RotationConfig;
  readonly logger: Logger;
  readonly rds: RdsLookups;
}

/** One step of a strategy. */
type StepFunction<S extends RotatableSecret> = (context: RotationContext<S>) => Promise<void>;

/** A strategy: the four steps, in protocol order. */
interface RotationSteps<S extends RotatableSecret> {
  readonly createSecret: StepFunction<S>;
  readonly setSecret: StepFunction<S>;
  readonly testSecret: StepFunction<S>;
  readonly finishSecret: StepFunction<S>;
}

/** What a handler file passes to a strategy factory; the clients default to the real AWS SDK clients. */
interface RotationHandlerOptions<S extends RotatableSecret> {
  readonly engine: EngineAdapter<S>;
  readonly config: RotationConfig;
  readonly secretsManager?: SecretsManagerSender;
  readonly rds?: RdsLookups;
  readonly logger?: Logger;
  /** Where step metrics go; EMF lines on stdout by default, as configured. */
  readonly metrics?: StepMetrics;
}

/** The Lambda handler Secrets Manager invokes once per step; the Lambda context gives the step its deadline. */
type RotationHandler = (event: unknown, context?: LambdaContextLike) => Promise<void>;

/**
 * Rotation enabled; token staged; token already AWSCURRENT means done; otherwise it must be AWSPENDING.
 * `requireRotationEnabled` is false only for a rotation an operator runs by hand (`rotate run`).
 */
function checkStagingLabels(event: RotationEvent, secret: SecretMetadata, requireRotationEnabled = true): 'run' | 'already-current' {
  if (requireRotationEnabled && !secret.rotationEnabled) throw new RotationNotEnabledError('Secret is not enabled for rotation');
  const stages = secret.versionStages.get(event.clientRequestToken);
  if (stages === undefined) {
    throw new StagingLabelError('ClientRequestToken is not a version of the secret', { field: 'ClientRequestToken' });
  }
  if (stages.includes(StagingLabel.Current)) return 'already-current';
  if (!stages.includes(StagingLabel.Pending)) {
    throw new StagingLabelError('ClientRequestToken version is not staged as AWSPENDING', { field: 'ClientRequestToken' });
  }
  return 'run';
}

/**
 * Refuses a secret other than the one `SECRET_ARN` pins the function to. Before DescribeSecret only an
 * ARN-to-ARN comparison is conclusive; after it, the event's id may also match the secret's ARN or name.
 */
function checkSecretPin(pin: string | undefined, secretId: string, secret: SecretMetadata | undefined): void {
  if (pin === undefined || secretId === pin) return;
  if (secret === undefined && !(secretId.startsWith('arn:') && pin.startsWith('arn:'))) return;
  if (secret !== undefined && (secret.arn === pin || secret.name === pin)) return;
  throw new SecretNotAllowedError('SecretId is not the secret SECRET_ARN allows this function to rotate', {
    field: 'SecretId',
  });
}

/** The per-function objects every invocation shares: built once, at cold start. */
interface RotationRuntime<S extends RotatableSecret> {
  readonly engine: EngineAdapter<S>;
  readonly config: RotationConfig;
  readonly scrubber: SecretScrubber;
  readonly logger: SanitizingLogger;
  readonly secrets: SecretsRepository;
  readonly rds: RdsLookups;
  readonly metrics: StepMetrics;
}

/**
 * The RDS lookups a strategy uses when none are injected. Single user never needs RDS, so it passes none and
 * the bundler leaves `@aws-sdk/client-rds` out of its zip; alternating users passes the SDK-backed lookups.
 */
type RdsLookupsFactory = (endpoint: string | undefined) => RdsLookups;

const NO_RDS: RdsLookups = {
  describeInstance: () => Promise.reject(new RdsLookupError('This strategy does not use the RDS API')),
  describeCluster: () => Promise.reject(new RdsLookupError('This strategy does not use the RDS API')),
};

/** Builds the runtime from the options, defaulting every client to the real one. */
function createRotationRuntime<S extends RotatableSecret>(
  strategy: RotationStrategy,
  options: RotationHandlerOptions<S>,
  rdsLookups?: RdsLookupsFactory,
): RotationRuntime<S> {
  const { engine, config } = options;
  const scrubber = new SecretScrubber();
  const baseKeys = { service: config.serviceName, version: ROTATION_LAMBDAS_VERSION, engine: engine.name, strategy };
  const logger = new SanitizingLogger(
    options.logger ?? new JsonLogger({ level: config.logLevel, format: config.logFormat, keys: baseKeys }),
    scrubber,
  );
  const secretsManager =
    options.secretsManager ??
    new SecretsManagerClient({
      ...(config.secretsManagerEndpoint === undefined ? {} : { endpoint: config.secretsManagerEndpoint }),
      requestHandler: AWS_REQUEST_TIMEOUTS,
    });
  return {
    engine,
    config,
    scrubber,
    logger,
    secrets: new SecretsRepository(secretsManager, scrubber),
    rds: options.rds ?? rdsLookups?.(config.rdsEndpoint) ?? NO_RDS,
    metrics:
      options.metrics ??
      createStepMetrics({ ...config.metrics, engine: engine.name, strategy, service: config.serviceName }),
  };
}

/**
 * The keys a Powertools Logger puts on every line of an invocation, so log queries written for Powertools
 * work here too: the request id, cold start, and the function's name, ARN, memory and trace id.
 */
function invocationKeys(context: LambdaContextLike | undefined, coldStart: boolean, functionName: string | undefined): LogFields {
  const traceId = process.env._X_AMZN_TRACE_ID;
  return {
    cold_start: coldStart,
    ...(functionName === undefined ? {} : { function_name: functionName }),
    ...(context?.awsRequestId === undefined ? {} : { function_request_id: context.awsRequestId }),
    ...(context?.invokedFunctionArn === undefined ? {} : { function_arn: context.invokedFunctionArn }),
    ...(context?.memoryLimitInMB === undefined ? {} : { function_memory_size: Number(context.memoryLimitInMB) }),
    ...(traceId === undefined ? {} : { xray_trace_id: traceId.split(';')[0]?.replace(/^Root=/, '') }),
  };
}

/**
 * Wires a strategy's four steps into a Lambda handler: parse the event, apply the pin and the staging-label
 * gates, run the step, and log its start and outcome once. Errors leave as scrubbed RotationErrors.
 */
function createRotationHandler<S extends RotatableSecret>(
  strategy: RotationStrategy,
  steps: RotationSteps<S>,
  options: RotationHandlerOptions<S>,
  rdsLookups?: RdsLookupsFactory,
): RotationHandler {
  return handlerFor(steps, createRotationRuntime(strategy, options, rdsLookups));
}

/**
 * The handler over an existing runtime (the local runner shares one with its own createSecret, and runs
 * secrets whose automatic rotation is off: an operator asked for this rotation explicitly).
 */
function handlerFor<S extends RotatableSecret>(
  steps: RotationSteps<S>,
  runtime: RotationRuntime<S>,
  mode: 'lambda' | 'local' = 'lambda',
): RotationHandler {
  const { engine, config, scrubber, logger, secrets, rds, metrics: recordStep } = runtime;
  let coldStart = true;
  return async function rotationHandler(rawEvent: unknown, lambdaContext?: LambdaContextLike): Promise<void> {
    const started = performance.now();
    const deadline = StepDeadline.fromContext(lambdaContext);
    const cold = coldStart;
    coldStart = false;
    const functionName = lambdaContext?.functionName ?? config.env.AWS_LAMBDA_FUNCTION_NAME;
    const metrics = (measurement: StepMeasurement) => recordStep({ ...measurement, coldStart: cold, functionName });
    let step: RotationStep | undefined;
    logger.resetKeys();
    logger.appendKeys(invocationKeys(lambdaContext, cold, functionName));
    try {
      await runWithDeadline(deadline, () => runStep());
    } catch (error) {
      const safe = toSafeError(error, scrubber);
      safe.step ??= step;
      const durationMs = performance.now() - started;
      logger.error('Rotation step failed', { outcome: 'failed', durationMs: Math.round(durationMs), error: safe });
      metrics({ step: step ?? 'unknown', outcome: 'failed', durationMs, errorCode: safe.code });
      throw safe;
    }

    async function runStep(): Promise<void> {
      const event = parseRotationEvent(rawEvent);
      step = event.step;
      logger.appendKeys({ secretId: event.secretId, step: event.step, clientRequestToken: event.clientRequestToken });
      checkSecretPin(config.secretArn, event.secretId, undefined);
      logger.info('Rotation step started');
      const secret = await secrets.describe(event.secretId);
      checkSecretPin(config.secretArn, event.secretId, secret);
      if (checkStagingLabels(event, secret, mode === 'lambda') === 'already-current') {
        logger.info('Rotation step skipped: the version is already AWSCURRENT', { outcome: 'skipped' });
        metrics({ step: event.step, outcome: 'skipped', durationMs: performance.now() - started });
        return;
      }
      // The backstop: whatever the step is doing when the deadline passes, it fails there, typed and logged; a
      // moment after the deadline, so an operation that ran out (a login, an AWS call) is the one named.
      await deadline.within(event.step, () => steps[event.step]({ event, secret, secrets, engine, config, logger, rds }), undefined, STEP_BACKSTOP_MS);
      const durationMs = performance.now() - started;
      logger.info('Rotation step succeeded', { outcome: 'succeeded', durationMs: Math.round(durationMs) });
      metrics({ step: event.step, outcome: 'succeeded', durationMs });
    }
  };
}

export { AWS_REQUEST_TIMEOUTS, checkSecretPin, checkStagingLabels, createRotationHandler, createRotationRuntime, handlerFor };
export type { RdsLookupsFactory, RotationContext, RotationHandler, RotationHandlerOptions, RotationRuntime, RotationSteps, StepFunction };
