import { defineConfig } from 'vitest/config';

// Synthesising a stack loads much of aws-cdk-lib; the first test of a file pays for it.
export default defineConfig({ test: { testTimeout: 30_000 } });
