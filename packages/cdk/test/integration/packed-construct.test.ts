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

/**
 * `cdk synth` (the CLI a CDK user runs, installed in the scratch app) over an app command, then its stack's
 * template and cloud assembly directory. No AWS account: the CLI makes no call for an environment-agnostic
 * stack, and its metadata lookups, notices, telemetry and version check are off.
 */
async function synth(app: string, command: string, stack: string): Promise<{ resources: Record<string, Resource>; outdir: string }> {
  const outdir = join(app, `cdk.out.${stack}`);
  const cdk = join(app, 'node_modules', 'aws-cdk', 'bin', 'cdk');
  await run(process.execPath, [cdk, 'synth', '--app', command, '--output', outdir, '--quiet', '--no-notices', '--no-version-reporting', stack], {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      HOME: app,
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DISABLE_VERSION_CHECK: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
    },
    maxBuffer: 16 << 20,
  });
  const template = JSON.parse(await readFile(join(outdir, `${stack}.template.json`), 'utf8')) as { Resources: Record<string, Resource> };
  return { resources: template.Resources, outdir };
}

const ofType = (resources: Record<string, Resource>, type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe('the packed @rotation-lambdas/cdk in a CDK app outside the repository', () => {
  let files: string[];
  let app: string;

  beforeAll(async () => {
    // Prepare: npm pack, as a publish would, then a scratch app in the system temp directory (no workspace
    // above it) that installs the tarball, aws-cdk-lib, constructs and the CDK CLI from the registry.
    const packDir = await mkdtemp(join(tmpdir(), 'rotation-cdk-pack-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: packageDir });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = (packed?.files ?? []).map((file) => file.path).sort();
    app = await mkdtemp(join(tmpdir(), 'rotation-cdk-app-'));
    await cp(join(__dirname, 'scratch-app'), app, { recursive: true });
    await cp(join(__dirname, '..', 'examples', 'rotated-database-stack.ts'), join(app, 'rotated-database-stack.ts'));
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'scratch-cdk-app', version: '1.0.0', private: true }));
    const dependencies = [
      join(packDir, packed?.filename ?? 'missing.tgz'),
      `aws-cdk-lib@${await installedVersion('aws-cdk-lib')}`,
      `aws-cdk@${await installedVersion('aws-cdk')}`,
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

  it("type-checks the README's example stack in a TypeScript app with moduleResolution \"node\" (CommonJS), which `cdk synth` synthesizes", async () => {
    // Act
    await run(process.execPath, [join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node10.json'], { cwd: app });
    const { resources, outdir } = await synth(app, 'node build/rotated-app.js', 'RotatedDatabase');

    // Assess: each function deploys the zip the package carries, as a file asset of the cloud assembly.
    const functions = Object.fromEntries(
      ofType(resources, 'AWS::Lambda::Function')
        .filter(([, resource]) => resource.Properties.Handler === 'index.handler')
        .map(([id, resource]) => [id.startsWith('AppRotation') ? 'postgres-alternating-users' : 'postgres-single-user', { id, ...resource }]),
    );
    expect(Object.keys(functions).sort()).toEqual(['postgres-alternating-users', 'postgres-single-user']);
    for (const [name, fn] of Object.entries(functions)) {
      expect(fn.Properties, name).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
      const assetHash = String((fn.Properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
      expect(await sha256(join(outdir, `asset.${assetHash}.zip`)), name).toBe(await sha256(join(app, 'node_modules', '@rotation-lambdas', 'cdk', 'assets', `${name}.zip`)));
    }
    const alternating = functions['postgres-alternating-users'] as Resource & { id: string };
    expect((alternating.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      MASTER_SECRET_ARN: { Ref: expect.stringMatching(/^DatabaseSecretAttachment/) },
      ADOPT_EXISTING_USER: 'false',
    });
    // target (the master's function) and IConnectable (the app's): the database's group admits both.
    const databaseGroup = ofType(resources, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('DatabaseSecurityGroup'))?.[0];
    const admitted = ofType(resources, 'AWS::EC2::SecurityGroupIngress')
      .map(([, resource]) => resource.Properties)
      .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify({ 'Fn::GetAtt': [databaseGroup, 'GroupId'] }))
      .map((rule) => (rule.SourceSecurityGroupId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
    expect(admitted.sort()).toEqual([expect.stringMatching(/^AppRotationFunctionSecurityGroup/), expect.stringMatching(/^MasterRotationFunctionSecurityGroup/)]);
    const schedules = ofType(resources, 'AWS::SecretsManager::RotationSchedule').map(([, resource]) => resource.Properties);
    expect(schedules).toContainEqual(expect.objectContaining({ RotationLambdaARN: { 'Fn::GetAtt': [alternating.id, 'Arn'] }, RotationRules: { ScheduleExpression: 'rate(7 days)' } }));
  }, 600_000);

  it('type-checks an ESM TypeScript app ("module": "nodenext") importing the package and its handler-profiles subpath', async () => {
    const result = run(process.execPath, [join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.nodenext.json'], { cwd: app });

    await expect(result).resolves.toMatchObject({ stdout: '' });
  }, 600_000);

  it('synthesizes an ESM JavaScript app with `cdk synth` too', async () => {
    const { resources, outdir } = await synth(app, 'node esm-app.mjs', 'Generic');

    expect(ofType(resources, 'AWS::SecretsManager::RotationSchedule')).toHaveLength(1);
    expect((await readdir(outdir)).filter((file) => file.startsWith('asset.') && file.endsWith('.zip'))).toHaveLength(1);
  }, 600_000);
});
