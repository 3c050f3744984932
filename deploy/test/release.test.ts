import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleHandler } from '@rotation-lambdas/bundler';
import { beforeAll, describe, expect, it } from 'vitest';
import { packagedHandlers, repositoryRoot } from '../src/repository.js';
import { writeRelease } from '../src/release.js';

const run = promisify(execFile);
const root = repositoryRoot();

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** The handler the reproducibility test builds: a database handler, so a driver and the AWS SDK are in the bundle. */
const handler = packagedHandlers(root).find((candidate) => candidate.name === 'postgres-alternating-users');

describe('release artifacts', () => {
  let first: string;
  let second: string;

  beforeAll(async () => {
    if (handler === undefined) throw new Error('packages/postgres no longer builds postgres-alternating-users');
    const packageDir = join(root, 'packages', handler.engine);
    const entry = { engine: handler.engine, entry: `src/${handler.strategy}.ts` };
    // Two builds into different directories, at different depths: the output path must not leak into the zip.
    const outA = await mkdtemp(join(tmpdir(), 'rotation-release-a-'));
    const outB = join(await mkdtemp(join(tmpdir(), 'rotation-release-b-')), 'nested', 'dist');
    first = (await bundleHandler(packageDir, entry, { outDir: outA })).zipFile;
    second = (await bundleHandler(packageDir, entry, { outDir: outB })).zipFile;
  });

  it('builds byte-identical zips from the same sources', async () => {
    const [a, b] = [await sha256(first), await sha256(second)];

    expect((await readFile(first)).length).toBeGreaterThan(10_000);
    expect(a).toBe(b);
  });

  it('writes every zip with SHA256SUMS that sha256sum accepts and a manifest that matches', async () => {
    // Prepare
    const outDir = join(await mkdtemp(join(tmpdir(), 'rotation-release-')), 'dist');
    const released = { ...(handler as NonNullable<typeof handler>), zipFile: first };

    // Act
    const { entries } = await writeRelease({ root, outDir, handlers: [released] });

    // Assess
    const { stdout } = await run('sha256sum', ['--check', '--strict', 'SHA256SUMS'], { cwd: outDir });
    expect(stdout).toBe('postgres-alternating-users.zip: OK\n');
    const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as { handlers: unknown[] };
    expect(manifest.handlers).toEqual(entries);
    expect(entries).toEqual([
      {
        handler: 'postgres-alternating-users',
        zip: 'postgres-alternating-users.zip',
        size: (await readFile(first)).length,
        sha256: await sha256(first),
        runtime: 'nodejs22.x',
        compatibleRuntimes: ['nodejs22.x', 'nodejs24.x'],
        architecture: 'arm64',
        entry: 'index.handler',
        template: 'deploy/postgres-alternating-users.yaml',
      },
    ]);
    expect(existsSync(join(root, 'deploy', 'postgres-alternating-users.yaml'))).toBe(true);
  });

  it('refuses to release before the build wrote the zips', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'rotation-release-')), 'dist');
    const missing = { ...(handler as NonNullable<typeof handler>), zipFile: join(outDir, 'absent.zip') };

    await expect(writeRelease({ root, outDir, handlers: [missing] })).rejects.toThrow(/run "npm run build" first/);
    expect(existsSync(outDir)).toBe(false);
  });

  it('refuses a handler that has no template', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'rotation-release-')), 'dist');
    const unknown = { engine: 'oracle', strategy: 'single-user', name: 'oracle-single-user', zipFile: first };

    await expect(writeRelease({ root, outDir, handlers: [unknown] })).rejects.toThrow(/oracle-single-user has no profile/);
  });
});
