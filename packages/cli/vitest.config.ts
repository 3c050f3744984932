import { rotationTestConfig } from '@rotation-lambdas/test-env/vitest-preset';
import { defineConfig } from 'vitest/config';

export default defineConfig(rotationTestConfig);
