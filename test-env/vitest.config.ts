import { defineConfig } from 'vitest/config';
import { rotationTestConfig } from './src/vitest-preset.js';

export default defineConfig(rotationTestConfig);
