import { randomUUID } from 'node:crypto';
import { DescribeSecretCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RotationStep } from '@rotation-lambdas/core';
import { captureOutput } from './output-capture.js';
import { lambdaContext, type RotationLambda } from './handler-loader.js';

/** The four steps in the order the service invokes them. */
const STEPS: readonly RotationStep[] = [
  RotationStep.CreateSecret,
  RotationStep.SetSecret,
  RotationStep.TestSecret,
  RotationStep.FinishSecret,
];

/** What one step invocation did. */
interface StepOutcome {
  readonly step: RotationStep;
  readonly ok: boolean;
  readonly error: unknown;
  /** Everything the handler wrote (its JSON log lines). */
  readonly output: string;
  readonly durationMs: number;
}

/** What one rotation attempt did. */
interface RotationOutcome {
  readonly token: string;
  readonly steps: readonly StepOutcome[];
  readonly ok: boolean;
  /** The first failed step's error, if any. */
  readonly error: unknown;
}

/** Sees every invocation (the leak detector and the demo's timing table listen here). */
type InvocationObserver = (outcome: StepOutcome) => void;

/** Options of a driver: the service's client and the function it invokes. */
interface RotationDriverOptions {
  readonly secretsManager: SecretsManagerClient;
  readonly handler: RotationLambda;
  readonly lambdaArn?: string;
  readonly observe?: InvocationObserver;
  /** The function's timeout: each invocation gets a Lambda context counting down from it (30 s, the templates' default). */
  readonly timeoutMs?: number;
}

/** The templates' function timeout. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Plays Secrets Manager's part in a rotation: RotateSecret (which stages an empty AWSPENDING version under a
 * fresh token), then the handler's four steps in order with that token, stopping at the first failure as
 * the service does. `resume` re-runs all four steps for the rotation in progress, as the service's retry does.
 */
class RotationDriver {
  readonly #options: RotationDriverOptions;

  constructor(options: RotationDriverOptions) {
    this.#options = options;
  }

  /** Starts a rotation and runs steps up to and including `until` (all four by default). */
  async rotate(secretId: string, options: { until?: RotationStep; handler?: RotationLambda } = {}): Promise<RotationOutcome> {
    const token = await this.start(secretId);
    return this.runSteps(secretId, token, options);
  }

  /** RotateSecret with a fresh token: the service's half of starting a rotation. Returns the token. */
  async start(secretId: string): Promise<string> {
    const token = randomUUID();
    await this.#options.secretsManager.send(
      new RotateSecretCommand({
        SecretId: secretId,
        ClientRequestToken: token,
        RotationLambdaARN: this.#options.lambdaArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:rotation',
        RotateImmediately: true,
      }),
    );
    return token;
  }

  /** Re-runs the rotation in progress from createSecret with its token (the service's retry). */
  async resume(secretId: string, options: { handler?: RotationLambda } = {}): Promise<RotationOutcome> {
    const token = await this.pendingToken(secretId);
    if (token === undefined) throw new Error('no rotation in progress');
    return this.runSteps(secretId, token, options);
  }

  /** The version staged AWSPENDING and not AWSCURRENT, if a rotation is in progress. */
  async pendingToken(secretId: string): Promise<string | undefined> {
    const described = await this.#options.secretsManager.send(new DescribeSecretCommand({ SecretId: secretId }));
    for (const [versionId, stages] of Object.entries(described.VersionIdsToStages ?? {})) {
      if (stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT')) return versionId;
    }
    return undefined;
  }

  /** Runs the steps in order for `token`, stopping at the first failure or after `until`. */
  async runSteps(
    secretId: string,
    token: string,
    options: { until?: RotationStep; handler?: RotationLambda } = {},
  ): Promise<RotationOutcome> {
    const steps: StepOutcome[] = [];
    for (const step of STEPS) {
      const outcome = await this.invoke(step, secretId, token, options.handler);
      steps.push(outcome);
      if (!outcome.ok) return { token, steps, ok: false, error: outcome.error };
      if (step === options.until) break;
    }
    return { token, steps, ok: true, error: undefined };
  }

  /** Invokes one step with any event (tests pass malformed ones too), capturing output and error. */
  async invoke(step: RotationStep, secretId: string, token: string, handler?: RotationLambda): Promise<StepOutcome> {
    return this.invokeEvent({ Step: step, SecretId: secretId, ClientRequestToken: token }, handler);
  }

  /** Invokes the handler with a raw event. */
  async invokeEvent(event: unknown, handler: RotationLambda = this.#options.handler): Promise<StepOutcome> {
    const started = performance.now();
    const context = lambdaContext(this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const captured = await captureOutput(() => handler(event, context));
    const step = ((event as { Step?: unknown } | null)?.Step ?? 'unknown') as RotationStep;
    const outcome: StepOutcome = {
      step,
      ok: captured.error === undefined,
      error: captured.error,
      output: captured.output,
      durationMs: performance.now() - started,
    };
    this.#options.observe?.(outcome);
    return outcome;
  }
}

export { RotationDriver, STEPS };
export type { InvocationObserver, RotationDriverOptions, RotationOutcome, StepOutcome };
