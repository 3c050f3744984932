import { createLocalRotation, type LocalStepResult, RotationStep } from '@rotation-lambdas/core';
import { type AwsOptions, commandConfig } from '../command-config.js';
import { resolveHandler } from '../handlers.js';
import type { Output } from '../output.js';

/** Options of `rotate run`. */
interface RunOptions extends AwsOptions {
  readonly secretId: string;
  readonly handler: string;
  /** Run only this step, with `token`. */
  readonly step?: string | undefined;
  readonly token?: string | undefined;
}

const STEPS: readonly string[] = Object.values(RotationStep);

function describe(result: LocalStepResult): Record<string, unknown> {
  const error = result.error as { code?: string; field?: string; message?: string } | undefined;
  return {
    step: result.step,
    ok: result.ok,
    durationMs: Math.round(result.durationMs),
    ...(error ? { code: error.code, field: error.field, message: error.message } : {}),
  };
}

/**
 * `rotate run`: the four steps run here, in order, with the handler's own code, as Secrets Manager would run
 * them; refuses to start while another rotation of the secret is unfinished. `--step` runs one step with
 * `--token` (an existing rotation's AWSPENDING version).
 */
async function runCommand(options: RunOptions, output: Output): Promise<number> {
  const handler = resolveHandler(options.handler);
  if (handler === undefined) throw new Error(`unknown handler ${options.handler}`);
  const { config, client, logger } = commandConfig(handler.entry, options);
  const rotation = createLocalRotation(handler.strategy, {
    engine: handler.entry.create(config),
    config,
    secretsManager: client,
    logger,
    metrics: () => undefined,
  });
  try {
    if (options.step !== undefined) return await runOneStep(rotation, options, output);
    output.line(`Rotating ${options.secretId} with ${options.handler} (run locally)`);
    const { token, steps } = await rotation.run(options.secretId, (result) => {
      const error = result.error as { code?: string; message?: string } | undefined;
      output.line(`  ${result.ok ? '✓' : '✗'} ${result.step.padEnd(13)} ${String(Math.round(result.durationMs)).padStart(6)} ms${error ? `  ${error.code ?? 'ERROR'}: ${error.message ?? ''}` : ''}`);
    });
    const ok = steps.length === STEPS.length && steps.every((step) => step.ok);
    if (output.json) output.data({ command: 'run', handler: options.handler, secretId: options.secretId, token, ok, steps: steps.map(describe) });
    else output.line(ok ? `Rotation complete: AWSCURRENT is now version ${token}` : `Rotation stopped${token ? ` (token ${token}: rerun the failed step with --step and --token)` : ''}`);
    return ok ? 0 : 1;
  } finally {
    client.destroy();
  }
}

async function runOneStep(rotation: ReturnType<typeof createLocalRotation>, options: RunOptions, output: Output): Promise<number> {
  const step = options.step as string;
  if (!STEPS.includes(step) || options.token === undefined) throw new Error(`--step must be one of ${STEPS.join(', ')} and needs --token`);
  const started = performance.now();
  let result: LocalStepResult;
  try {
    await rotation.step(step as RotationStep, options.secretId, options.token);
    result = { step: step as RotationStep, ok: true, durationMs: performance.now() - started };
  } catch (error) {
    result = { step: step as RotationStep, ok: false, durationMs: performance.now() - started, error: error as Error };
  }
  const error = result.error as { code?: string; message?: string } | undefined;
  if (output.json) output.data({ command: 'run', handler: options.handler, secretId: options.secretId, token: options.token, ok: result.ok, steps: [describe(result)] });
  else output.line(`  ${result.ok ? '✓' : '✗'} ${step} ${Math.round(result.durationMs)} ms${error ? `  ${error.code ?? 'ERROR'}: ${error.message ?? ''}` : ''}`);
  return result.ok ? 0 : 1;
}

export { runCommand };
export type { RunOptions };
