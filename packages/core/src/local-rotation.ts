import { randomUUID } from 'node:crypto';
import { alternatingUsersSteps, sdkRdsLookups } from './alternating-users.js';
import { type RotationStep, RotationStrategy, StagingLabel } from './constants.js';
import { RotationInProgressError } from './errors.js';
import {
  checkSecretPin,
  createRotationRuntime,
  handlerFor,
  type RotationHandlerOptions,
  type RotationSteps,
} from './rotation-handler.js';
import type { RotatableSecret } from './secret-fields.js';
import type { SecretMetadata } from './secrets-repository.js';
import { singleUserSteps } from './single-user.js';
import { toSafeError } from './safe-error.js';

/** What one step did in a local run. */
interface LocalStepResult {
  readonly step: RotationStep;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly error?: Error;
}

/** A rotation driven from an operator's machine instead of by Secrets Manager. */
interface LocalRotation {
  /**
   * Starts a rotation as the service would, then runs createSecret: refuses when another rotation of the
   * secret is unfinished, picks a new token, and stores the new AWSPENDING version under it. Returns the token.
   */
  start(secretId: string): Promise<string>;
  /** Runs one step with a token, through the same gates the Lambda handler applies. */
  step(step: RotationStep, secretId: string, token: string): Promise<void>;
  /** Runs the four steps in order, stopping at the first failure; `onStep` sees each result as it happens. */
  run(secretId: string, onStep?: (result: LocalStepResult) => void): Promise<{ token: string | undefined; steps: LocalStepResult[] }>;
}

/** The version staged AWSPENDING but not AWSCURRENT: a rotation that has not finished. */
function unfinishedRotation(secret: SecretMetadata): string | undefined {
  for (const [versionId, stages] of secret.versionStages) {
    if (stages.includes(StagingLabel.Pending) && !stages.includes(StagingLabel.Current)) return versionId;
  }
  return undefined;
}

/**
 * The four steps, run locally against a real account with the function's own code. The service would
 * create an empty AWSPENDING version at RotateSecret and then invoke createSecret; here createSecret stores
 * the AWSPENDING version directly under a fresh token (PutSecretValue creates it), and the other steps go
 * through the handler's own gates, except that automatic rotation need not be on: the operator asked for
 * this rotation. Nothing else differs from a rotation Secrets Manager runs.
 */
function createLocalRotation<S extends RotatableSecret>(
  strategy: RotationStrategy,
  options: RotationHandlerOptions<S>,
): LocalRotation {
  const runtime = createRotationRuntime(strategy, options, sdkRdsLookups);
  const steps: RotationSteps<S> = strategy === RotationStrategy.SingleUser ? singleUserSteps<S>() : alternatingUsersSteps<S>();
  const handler = handlerFor(steps, runtime, 'local');
  const { secrets, logger, config, engine, rds, scrubber } = runtime;

  async function start(secretId: string): Promise<string> {
    checkSecretPin(config.secretArn, secretId, undefined);
    const secret = await secrets.describe(secretId);
    checkSecretPin(config.secretArn, secretId, secret);
    if (unfinishedRotation(secret) !== undefined) {
      throw new RotationInProgressError('Another rotation of the secret is unfinished; finish or cancel it first', {
        field: 'SecretId',
      });
    }
    const token = randomUUID();
    const staged: SecretMetadata = { ...secret, versionStages: new Map([...secret.versionStages, [token, [StagingLabel.Pending]]]) };
    logger.resetKeys();
    logger.appendKeys({ secretId, step: 'createSecret', clientRequestToken: token, mode: 'local' });
    try {
      await steps.createSecret({
        event: { step: 'createSecret', secretId, clientRequestToken: token },
        secret: staged,
        secrets,
        engine,
        config,
        logger,
        rds,
      });
    } catch (error) {
      throw toSafeError(error, scrubber);
    }
    return token;
  }

  async function step(name: RotationStep, secretId: string, token: string): Promise<void> {
    await handler({ Step: name, SecretId: secretId, ClientRequestToken: token });
  }

  async function timed(name: RotationStep, work: () => Promise<void>): Promise<LocalStepResult> {
    const started = performance.now();
    try {
      await work();
      return { step: name, ok: true, durationMs: performance.now() - started };
    } catch (error) {
      return { step: name, ok: false, durationMs: performance.now() - started, error: error as Error };
    }
  }

  async function run(secretId: string, onStep?: (result: LocalStepResult) => void) {
    const results: LocalStepResult[] = [];
    let token: string | undefined;
    const first = await timed('createSecret', async () => {
      token = await start(secretId);
    });
    results.push(first);
    onStep?.(first);
    if (!first.ok || token === undefined) return { token, steps: results };
    for (const name of ['setSecret', 'testSecret', 'finishSecret'] as const) {
      const result = await timed(name, () => step(name, secretId, token as string));
      results.push(result);
      onStep?.(result);
      if (!result.ok) break;
    }
    return { token, steps: results };
  }

  return { start, step, run };
}

export { createLocalRotation, unfinishedRotation };
export type { LocalRotation, LocalStepResult };
