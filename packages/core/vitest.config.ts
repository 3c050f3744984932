import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: 'us-east-1' } },
});
