import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError, type Logger, readRotationConfig, type RotationConfig } from '@rotation-lambdas/core';
import type { EngineEntry } from './handlers.js';

/** Options every command that talks to Secrets Manager takes. */
interface AwsOptions {
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly verbose?: boolean | undefined;
}

/** Silent unless `--verbose`, then the core's JSON log lines go to stderr. */
function commandLogger(verbose: boolean): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    if (verbose) process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`);
  };
  return { debug: write('DEBUG'), info: write('INFO'), warn: write('WARN'), error: write('ERROR') };
}

/**
 * The configuration a handler would read, from this process's environment plus the command's options:
 * `--endpoint` becomes SECRETS_MANAGER_ENDPOINT (a local or VPC endpoint), `--region` AWS_REGION. The AWS
 * credentials come from the usual chain (environment, profile, SSO, instance role). Throws when no region
 * is configured.
 */
async function commandConfig(entry: EngineEntry, options: AwsOptions): Promise<{ config: RotationConfig; client: SecretsManagerClient; logger: Logger }> {
  if (options.region !== undefined) process.env.AWS_REGION = options.region;
  const env = {
    ...process.env,
    ...(options.endpoint === undefined ? {} : { SECRETS_MANAGER_ENDPOINT: options.endpoint }),
    // The CLI reports steps itself; EMF lines are for Lambda's CloudWatch Logs.
    ROTATION_METRICS: 'false',
  };
  const config = readRotationConfig(env, entry.defaults);
  const client = new SecretsManagerClient(config.secretsManagerEndpoint === undefined ? {} : { endpoint: config.secretsManagerEndpoint });
  // Without a region every call fails with an SDK error that names nothing; say it before the first call.
  await client.config.region().catch((error: unknown) => {
    client.destroy();
    throw new ConfigurationError('no AWS region: pass --region, or set AWS_REGION, or a region in your AWS profile (AWS_PROFILE)', { field: 'AWS_REGION', cause: error });
  });
  return { config, client, logger: commandLogger(options.verbose ?? false) };
}

export { commandConfig };
export type { AwsOptions };
