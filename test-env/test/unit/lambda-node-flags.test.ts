import { describe, expect, it } from 'vitest';
import { lambdaNodeOptions } from '../../src/lambda-runtime/lambda-node-flags.js';

describe('the node options of Lambda’s nodejs bootstrap', () => {
  it('gives a 128 MB function 6 MB semi-spaces and a 116 MB old generation', () => {
    expect(lambdaNodeOptions(128)).toEqual([
      '--expose-gc',
      '--max-http-header-size=81920',
      '--max-semi-space-size=6',
      '--max-old-space-size=116',
    ]);
  });

  it('derives both sizes from the memory with integer arithmetic, as the shell script does', () => {
    expect(lambdaNodeOptions(256).slice(2)).toEqual(['--max-semi-space-size=12', '--max-old-space-size=231']);
    expect(lambdaNodeOptions(1769).slice(2)).toEqual(['--max-semi-space-size=88', '--max-old-space-size=1593']);
  });

  it('refuses a memory size Lambda does not offer', () => {
    expect(() => lambdaNodeOptions(127)).toThrow(/at least 128 MB/);
    expect(() => lambdaNodeOptions(128.5)).toThrow(/integer/);
  });
});
