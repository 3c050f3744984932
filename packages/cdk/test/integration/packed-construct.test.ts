import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_PROFILES } from '../../src/handler-profiles.js';

const run = promisify(execFile);
const packageDir = join(__dirname, '..', '..');
const repositoryRoot = join(packageDir, '..', '..');

/** The version a package is installed at in this repository, so the scratch app installs the same from npm's cache. */
async function installedVersion(name: string): Promise<string> {
  return (JSON.parse(await readFile(join(repositoryRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

/** Runs a synthesized app and reads back its stack's template and its cloud assembly directory. */
async function synth(app: string, command: string[], stack: string): Promise<{ resources: Record<string, Resource>; outdir: string }> {
  const outdir = join(app, `cdk.out.${stack}`);
  await run(process.execPath, [...command, outdir], { cwd: app, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  const template = JSON.parse(await readFile(join(outdir, `${stack}.template.json`), 'utf8')) as { Resources: Record<string, Resource> };
  return { resources: template.Resources, outdir };
}

const ofType = (resources: Record<string, Resource>, type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe('the packed @rotation-lambdas/cdk in a CDK app outside the repository', () => {
  let files: string[];
  let app: string;

  beforeAll(async () => {
    // Prepare: npm pack, as a publish would, then a scratch app in the system temp directory (no workspace
    // above it) that installs the tarball and aws-cdk-lib and constructs from the registry.
    const packDir = await mkdtemp(join(tmpdir(), 'rotation-cdk-pack-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: packageDir });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = (packed?.files ?? []).map((file) => file.path).sort();
    app = await mkdtemp(join(tmpdir(), 'rotation-cdk-app-'));
    await cp(join(__dirname, 'scratch-app'), app, { recursive: true });
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'scratch-cdk-app', version: '1.0.0', private: true }));
    const dependencies = [
      join(packDir, packed?.filename ?? 'missing.tgz'),
      `aws-cdk-lib@${await installedVersion('aws-cdk-lib')}`,
      `constructs@${await installedVersion('constructs')}`,
      `@types/node@${await installedVersion('@types/node')}`,
    ];
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...dependencies], { cwd: app, maxBuffer: 16 << 20 });
  }, 600_000);

  it('packs the compiled code, its types and every handler zip, and nothing else', () => {
    const zips = HANDLER_PROFILES.map((profile) => `assets/${profile.name}.zip`).sort();

    expect(files.filter((file) => file.startsWith('assets/'))).toEqual(zips);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/handler-profiles.js', 'dist/handler-profiles.d.ts']));
    expect(files.filter((file) => /^(src|test)\/|\.map$|tsconfig/.test(file))).toEqual([]);
  });

  it('carries the zips the build wrote, byte for byte', async () => {
    for (const profile of HANDLER_PROFILES) {
      const installed = join(app, 'node_modules', '@rotation-lambdas', 'cdk', 'assets', `${profile.name}.zip`);

      expect(await sha256(installed), profile.name).toBe(await sha256(join(repositoryRoot, 'packages', profile.engine, 'dist', `${profile.name}.zip`)));
    }
  });

  it('type-checks a TypeScript app with moduleResolution "node" (CommonJS), which then synthesizes', async () => {
    // Act
    await run(process.execPath, [join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node10.json'], { cwd: app });
    const { resources, outdir } = await synth(app, ['build/rotated-app.js'], 'RotatedDatabase');

    // Assess: the function deploys the zip the package carries, as a file asset of the cloud assembly.
    const rotationFunctions = ofType(resources, 'AWS::Lambda::Function').filter(([, resource]) => resource.Properties.Handler === 'index.handler');
    expect(rotationFunctions).toHaveLength(1);
    const [functionId, fn] = rotationFunctions[0] as [string, Resource];
    expect(fn.Properties).toMatchObject({ FunctionName: 'app-db-rotation', Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    const assetHash = String((fn.Properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
    const staged = join(outdir, `asset.${assetHash}.zip`);
    expect(await sha256(staged)).toBe(await sha256(join(app, 'node_modules', '@rotation-lambdas', 'cdk', 'assets', 'postgres-alternating-users.zip')));
    expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      MASTER_SECRET_ARN: { Ref: expect.stringMatching(/^DatabaseSecretAttachment/) },
      ADOPT_EXISTING_USER: 'true',
      SECRETS_MANAGER_ENDPOINT: expect.anything(),
    });
    // target and IConnectable: the database's group admits the function's on the database port.
    const functionGroup = ofType(resources, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('AppRotationFunctionSecurityGroup'))?.[0];
    const ingress = ofType(resources, 'AWS::EC2::SecurityGroupIngress').map(([, resource]) => resource.Properties);
    expect(ingress.filter((rule) => JSON.stringify(rule.SourceSecurityGroupId) === JSON.stringify({ 'Fn::GetAtt': [functionGroup, 'GroupId'] })).length).toBeGreaterThanOrEqual(2);
    const [, schedule] = ofType(resources, 'AWS::SecretsManager::RotationSchedule')[0] ?? [];
    expect(schedule?.Properties).toMatchObject({ RotationLambdaARN: { 'Fn::GetAtt': [functionId, 'Arn'] }, RotationRules: { ScheduleExpression: 'rate(7 days)' } });
  }, 600_000);

  it('type-checks an ESM TypeScript app ("module": "nodenext") importing the package and its handler-profiles subpath', async () => {
    const result = run(process.execPath, [join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.nodenext.json'], { cwd: app });

    await expect(result).resolves.toMatchObject({ stdout: '' });
  }, 600_000);

  it('synthesizes from an ESM JavaScript app too', async () => {
    const { resources, outdir } = await synth(app, ['esm-app.mjs'], 'Generic');

    expect(ofType(resources, 'AWS::SecretsManager::RotationSchedule')).toHaveLength(1);
    expect((await readdir(outdir)).filter((file) => file.startsWith('asset.') && file.endsWith('.zip'))).toHaveLength(1);
  }, 600_000);
});
