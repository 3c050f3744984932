import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The engine adapters imported to compare defaults construct no client, but the SDK warns on Node 20 at import.
  test: { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, testTimeout: 120_000 },
});
