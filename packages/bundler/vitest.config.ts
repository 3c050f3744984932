import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The CycloneDX plugin builds its logger with `new console.Console(...)`, which vitest's console replacement lacks.
  test: { disableConsoleIntercept: true, testTimeout: 120_000, env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
});
