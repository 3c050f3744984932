import { type PreflightCheck, runPreflight } from '@rotation-lambdas/core';
import { type AwsOptions, commandConfig } from '../command-config.js';
import { resolveHandler } from '../handlers.js';
import type { Output } from '../output.js';

const SYMBOL = { pass: '✓', fail: '✗', warn: '!', skip: '-' } as const;

/** Options of `rotate preflight`. */
interface PreflightOptions extends AwsOptions {
  readonly secretId: string;
  readonly handler: string;
}

/**
 * `rotate preflight`: checks a secret for a handler without changing anything, one line per check with a fix
 * hint for each failure. Exit status 1 when any check fails.
 */
async function preflightCommand(options: PreflightOptions, output: Output): Promise<number> {
  const handler = resolveHandler(options.handler);
  if (handler === undefined) throw new Error(`unknown handler ${options.handler}`);
  const { config, client, logger } = await commandConfig(handler.entry, options);
  const checks: PreflightCheck[] = await runPreflight(
    handler.strategy,
    { engine: handler.entry.create(config), config, secretsManager: client, logger, metrics: () => undefined },
    options.secretId,
  );
  client.destroy();
  const failed = checks.filter((check) => check.status === 'fail').length;
  if (output.json) {
    output.data({ command: 'preflight', handler: options.handler, secretId: options.secretId, ok: failed === 0, checks });
  } else {
    output.line(`Preflight of ${options.secretId} for ${options.handler}`);
    for (const check of checks) {
      output.line(`  ${SYMBOL[check.status]} ${check.title}${check.detail ? `: ${check.detail}` : ''}${check.code ? ` [${check.code}]` : ''}`);
      if (check.hint && check.status !== 'pass') output.line(`      fix: ${check.hint}`);
    }
    const passed = checks.filter((check) => check.status === 'pass').length;
    output.line(`${passed} passed, ${failed} failed, ${checks.length - passed - failed} warnings or skipped`);
  }
  return failed === 0 ? 0 : 1;
}

export { preflightCommand };
export type { PreflightOptions };
