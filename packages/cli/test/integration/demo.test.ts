import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('rotate demo', () => {
  it('rotates a PostgreSQL user with both built handlers and ends with a summary', async () => {
    const result = await runCli(['demo', '--engines', 'postgres', '--rotations', '2'], { ROTATION_TEST_CONTAINERS: '0' });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/postgres-single-user .*\n\s+created user/);
    expect(result.stdout).toMatch(/rotation 2: completed in \d+ ms\s+\(create \d+ ms, set \d+ ms, test \d+ ms, finish \d+ ms\)/);
    expect(result.stdout).toMatch(/labels after\s+\w{8}\[AWSCURRENT(?:,AWSPENDING)?\] \w{8}\[AWSPREVIOUS\]/);
    expect(result.stdout).toMatch(/logins\s+app_\w+_clone \(rotation 1\) ✓\s+app_\w+ \(initial\) ✓/);
    expect(result.stdout).toMatch(/Summary\n\s+✓ postgres-single-user\s+2\/2 rotations/);
    expect(result.stdout).toMatch(/✓ postgres-alternating-users\s+2\/2 rotations/);
  });

  it('prints the release version, stamped in by the bundler', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };

    for (const flag of ['--version', '-v']) expect((await runCli([flag])).stdout).toBe(`rotate ${version}\n`);
  });

  it('has --help for every command', async () => {
    for (const command of ['demo', 'preflight', 'run']) {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^rotate ${command} `));
    }
  });
});
