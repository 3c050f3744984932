import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ContractContext } from '@rotation-lambdas/test-env/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresFixture } from './postgres-fixture.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const rootVersion = (JSON.parse(await readFile(join(packageDir, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

describe('the packed rotate command, installed outside the repository', () => {
  const context = new ContractContext(postgresFixture);
  let tarball: string;
  let files: string[];
  let installed: string;

  beforeAll(async () => {
    await context.start();
    // Prepare: npm pack, as a publish would, and an install into a scratch directory with no workspace above it.
    const packDir = await mkdtemp(join(tmpdir(), 'rotation-cli-pack-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: packageDir });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(packDir, packed?.filename ?? 'missing.tgz');
    files = (packed?.files ?? []).map((file) => file.path).sort();
    const scratch = await mkdtemp(join(tmpdir(), 'rotation-cli-install-'));
    await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--offline', '--loglevel=error', tarball], { cwd: scratch });
    installed = join(scratch, 'node_modules', '@rotation-lambdas', 'cli', 'bin', 'rotate.js');
  }, 600_000);
  afterAll(() => context.stop());

  it('packs the bundled command with its licence, notices and SBOM, and depends on nothing', async () => {
    const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>;

    expect(files).toEqual(['LICENSE', 'README.md', 'bin/rotate.js', 'dist/rotate.THIRD-PARTY-NOTICES.txt', 'dist/rotate.cdx.json', 'dist/rotate.mjs', 'package.json']);
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.optionalDependencies).toBeUndefined();
    expect(manifest.private).toBeUndefined();
  });

  it('runs with npx from the tarball: rotate --version prints the release version', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'rotation-cli-npx-'));

    const { stdout } = await run('npx', ['--yes', `--package=${tarball}`, '--', 'rotate', '--version'], { cwd });

    expect(stdout).toBe(`rotate ${rootVersion}\n`);
  });

  it('checks a real secret from the installed copy, with no repository node_modules to lean on', async () => {
    const { arn } = await context.userWithSecret('alternating-users');

    const result = await runCli(['preflight', '--secret-id', arn, '--handler', 'postgres-alternating-users', '--endpoint', context.sm.endpoint, '--json'], {}, installed);

    expect(result.code, result.stderr).toBe(0);
    const checks = (JSON.parse(result.stdout) as { checks: { id: string; status: string }[] }).checks;
    expect(checks.filter((check) => check.status === 'fail')).toEqual([]);
    expect(checks.map((check) => check.id)).toContain('master-privileges');
  });

  it('says that rotate demo needs a clone of the repository', async () => {
    const result = await runCli(['demo'], {}, installed);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^rotate: rotate demo runs in a clone of the rotation-lambdas repository/);
  });
});
