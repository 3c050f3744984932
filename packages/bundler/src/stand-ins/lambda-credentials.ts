// Stands in for @aws-sdk/credential-provider-node in handler bundles (see unused-code.ts): the SDK clients'
// default credential chain as a Lambda function needs it.
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** What the clients pass the chain (logger, profile, parent client configuration); the providers take it as is. */
type ChainInit = NonNullable<Parameters<typeof fromEnv>[0]>;

/** Variables of an environment that serves credentials over HTTP (containers) instead of in variables. */
const CONTAINER_VARIABLES = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];

/**
 * Lambda passes the execution role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, which `fromEnv` reads; where they are served over HTTP instead, `fromHttp` is loaded on
 * first use. The clients keep their own caching and refresh of what this returns.
 */
const defaultProvider =
  (init: ChainInit = {}): ReturnType<typeof fromEnv> =>
  async (properties) => {
    const inVariables = Boolean(process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY);
    if (inVariables || !CONTAINER_VARIABLES.some((name) => process.env[name])) return fromEnv(init)(properties);
    const { fromHttp } = await import('@aws-sdk/credential-provider-http');
    return fromHttp(init)(properties);
  };

export { defaultProvider };
