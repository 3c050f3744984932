import { rotationTestConfig } from '@rotation-lambdas/test-env/vitest-preset';
import { defineConfig } from 'vitest/config';

// Integration runs make sure the test server exists before any test, outside the hook timeouts: a cold build
// of FerretDB takes minutes (once; it is cached). A run of the unit tests alone skips it.
const unitOnly = process.argv.some((arg) => arg.includes('test/unit')) && !process.argv.some((arg) => arg.includes('test/integration'));

export default defineConfig({
  ...rotationTestConfig,
  test: {
    ...rotationTestConfig.test,
    globalSetup: [...rotationTestConfig.test.globalSetup, ...(unitOnly ? [] : ['test/integration/prepare-server.ts'])],
  },
});
