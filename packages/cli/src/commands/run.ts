import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createLocalRotation, type LocalStepResult, RotationStep, StagingLabel } from '@rotation-lambdas/core';
import { type AwsOptions, commandConfig } from '../command-config.js';
import { resolveHandler } from '../handlers.js';
import { type Output, stepError } from '../output.js';

/** Options of `rotate run`. */
interface RunOptions extends AwsOptions {
  readonly secretId: string;
  readonly handler: string;
  /** Run only this step, with `token`. */
  readonly step?: string | undefined;
  /** Resume the rotation of this AWSPENDING version (all four steps, each idempotent), or with `step` run one. */
  readonly token?: string | undefined;
}

const STEPS: readonly RotationStep[] = Object.values(RotationStep);

type LocalRotation = ReturnType<typeof createLocalRotation>;

function describe(result: LocalStepResult): Record<string, unknown> {
  const error = result.error as { code?: string; field?: string; message?: string } | undefined;
  return {
    step: result.step,
    ok: result.ok,
    durationMs: Math.round(result.durationMs),
    ...(error ? { code: error.code, field: error.field, message: error.message } : {}),
  };
}

function progressLine(result: LocalStepResult): string {
  return `  ${result.ok ? '✓' : '✗'} ${result.step.padEnd(13)} ${String(Math.round(result.durationMs)).padStart(6)} ms${result.error ? `  ${stepError(result.error)}` : ''}`;
}

async function timedStep(rotation: LocalRotation, step: RotationStep, secretId: string, token: string): Promise<LocalStepResult> {
  const started = performance.now();
  try {
    await rotation.step(step, secretId, token);
    return { step, ok: true, durationMs: performance.now() - started };
  } catch (error) {
    return { step, ok: false, durationMs: performance.now() - started, error: error as Error };
  }
}

/** The AWSPENDING version of an unfinished rotation, to tell the operator which token resumes it. */
async function pendingToken(client: SecretsManagerClient, secretId: string): Promise<string | undefined> {
  const secret = await client.send(new DescribeSecretCommand({ SecretId: secretId })).catch(() => undefined);
  const stages = Object.entries(secret?.VersionIdsToStages ?? {});
  return stages.find(([, labels]) => labels.includes(StagingLabel.Pending) && !labels.includes(StagingLabel.Current))?.[0];
}

/** Runs `steps` with an existing token, in order, stopping at the first failure. */
async function runWithToken(rotation: LocalRotation, steps: readonly RotationStep[], options: RunOptions, output: Output): Promise<LocalStepResult[]> {
  const results: LocalStepResult[] = [];
  for (const step of steps) {
    const result = await timedStep(rotation, step, options.secretId, options.token as string);
    results.push(result);
    output.line(progressLine(result));
    if (!result.ok) break;
  }
  return results;
}

/**
 * `rotate run`: the four steps run here, in order, with the handler's own code, as Secrets Manager would run
 * them; refuses to start while another rotation of the secret is unfinished, and names its token. `--token`
 * resumes that rotation (every step is idempotent, so the done ones change nothing); `--step` with `--token`
 * runs one step.
 */
async function runCommand(options: RunOptions, output: Output): Promise<number> {
  const handler = resolveHandler(options.handler);
  if (handler === undefined) throw new Error(`unknown handler ${options.handler}`);
  if (options.step !== undefined && (!(STEPS as readonly string[]).includes(options.step) || options.token === undefined)) {
    throw new Error(`--step must be one of ${STEPS.join(', ')} and needs --token`);
  }
  const { config, client, logger } = await commandConfig(handler.entry, options);
  const rotation = createLocalRotation(handler.strategy, { engine: handler.entry.create(config), config, secretsManager: client, logger, metrics: () => undefined });
  try {
    let token = options.token;
    let steps: LocalStepResult[];
    if (token !== undefined) {
      const only = options.step as RotationStep | undefined;
      output.line(only ? `Running ${only} of rotation ${token} of ${options.secretId} with ${options.handler}` : `Resuming rotation ${token} of ${options.secretId} with ${options.handler} (run locally)`);
      steps = await runWithToken(rotation, only ? [only] : STEPS, options, output);
    } else {
      output.line(`Rotating ${options.secretId} with ${options.handler} (run locally)`);
      const started = await rotation.run(options.secretId, (result) => output.line(progressLine(result)));
      token = started.token;
      steps = started.steps;
    }
    const inProgress = (steps[0]?.error as { code?: string } | undefined)?.code === 'ROTATION_IN_PROGRESS' ? await pendingToken(client, options.secretId) : undefined;
    return report(options, output, { token, steps, inProgress });
  } finally {
    client.destroy();
  }
}

/** Prints how the run ended, with the command that resumes an unfinished rotation; returns the exit status. */
function report(options: RunOptions, output: Output, run: { token: string | undefined; steps: LocalStepResult[]; inProgress: string | undefined }): number {
  const { token, steps, inProgress } = run;
  const ok = steps.length === (options.step === undefined ? STEPS.length : 1) && steps.every((step) => step.ok);
  const resume = (pending: string) => `Resume it: rotate run --secret-id ${options.secretId} --handler ${options.handler} --token ${pending}`;
  if (output.json) {
    output.data({ command: 'run', handler: options.handler, secretId: options.secretId, token, ok, steps: steps.map(describe), ...(inProgress ? { pendingToken: inProgress } : {}) });
  } else if (ok) {
    output.line(options.step === undefined ? `Rotation complete: AWSCURRENT is now version ${token}` : `${options.step} done`);
  } else if (inProgress) {
    output.line(`Rotation ${inProgress} is unfinished. ${resume(inProgress)}`);
  } else {
    output.line(`Rotation stopped${token ? `. ${resume(token)}` : ''}`);
  }
  return ok ? 0 : 1;
}

export { runCommand };
export type { RunOptions };
