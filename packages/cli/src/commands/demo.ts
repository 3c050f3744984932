import type { Output } from '../output.js';

/** Options of `rotate demo`. */
interface DemoOptions {
  readonly engines?: string | undefined;
  readonly rotations: number;
}

/**
 * `rotate demo`: local servers (PostgreSQL, and each other engine whose server is installed), a local Secrets
 * Manager, a user and its secret per handler, a few rotations with every built zip, and a summary. The
 * servers come from test-env, loaded only here: the other commands never need it.
 */
async function demoCommand(options: DemoOptions, output: Output): Promise<number> {
  const testEnv = await import('@rotation-lambdas/test-env').catch((error: unknown) => {
    throw new Error('rotate demo runs in a clone of the rotation-lambdas repository (it needs @rotation-lambdas/test-env: npm ci there)', { cause: error });
  });
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'demo';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'demo';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const requested = options.engines ?? process.env.ENGINES;
  const engines = requested ? requested.split(',').map((engine) => engine.trim()).filter(Boolean) : testEnv.installedEngines();
  output.line(`rotate demo: ${engines.join(', ')} (${options.rotations} rotations per handler)`);
  const results = await testEnv.runDemo({ engines, rotations: options.rotations, write: (line) => output.line(line) });
  if (output.json) output.data({ command: 'demo', engines, results });
  return results.length > 0 && results.every((result) => result.succeeded === result.rotations) ? 0 : 1;
}

export { demoCommand };
export type { DemoOptions };
