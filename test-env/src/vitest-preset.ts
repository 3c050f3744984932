import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';
import { ServerMatrixReporter } from './matrix/matrix-reporter.js';

/**
 * The vitest settings every engine package's tests share: AWS SDK settings for the local services (dummy
 * credentials, a region, the Node-version notice silenced), built handler bundles imported by Node as they
 * are (not re-transformed, so a test runs exactly the code the zip holds), timeouts sized for starting
 * real servers, a global setup that sweeps the run's containers at the end (also after failures), and the
 * per-server results the CI summary prints.
 */
const rotationTestConfig = {
  test: {
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    server: { deps: { external: [/\/dist\/[^/]+\/index\.mjs/] } },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    globalSetup: [fileURLToPath(new URL('./containers/sweep-global-setup.js', import.meta.url))],
    reporters: ['default', new ServerMatrixReporter()],
  },
} satisfies ViteUserConfig;

export { rotationTestConfig };
