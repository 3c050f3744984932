import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The engine adapters imported to compare defaults construct no client, but the SDK warns on Node 20 at import.
  // Set-up hooks build release zips with esbuild (seconds idle, far more on a loaded 2-core machine): the
  // default 10 s hook timeout is no budget for that.
  test: { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, testTimeout: 120_000, hookTimeout: 180_000 },
});
