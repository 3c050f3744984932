import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One cold start: how long importing the handler took and the process's peak memory. */
interface ColdStart {
  readonly importMs: number;
  readonly processMs: number;
  readonly maxRssKiB: number;
}

// Runs in the child: import the handler module (module scope = Lambda init) and report.
const PROBE = `
const started = performance.now();
const module = await import(process.argv[1]);
if (typeof module.handler !== 'function') throw new Error('no handler export');
const importMs = performance.now() - started;
process.stdout.write(JSON.stringify({ importMs, maxRssKiB: process.resourceUsage().maxRSS }));
`;

/**
 * Cold init as Lambda pays it: a fresh Node process importing `index.mjs` from the unzipped package, with
 * the environment a deployed function has (region, endpoint). `node` is the binary to measure with.
 */
async function measureColdStart(indexFile: string, node = process.execPath): Promise<ColdStart> {
  const started = performance.now();
  const { stdout } = await run(node, ['--input-type=module', '-e', PROBE, pathToFileURL(indexFile).href], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      SECRETS_MANAGER_ENDPOINT: 'http://127.0.0.1:9',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  const processMs = performance.now() - started;
  const { importMs, maxRssKiB } = JSON.parse(stdout) as { importMs: number; maxRssKiB: number };
  return { importMs, processMs, maxRssKiB };
}

export { measureColdStart };
export type { ColdStart };
