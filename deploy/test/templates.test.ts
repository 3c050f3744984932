// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here are CloudFormation Fn::Sub placeholders, not JavaScript ones.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { HANDLER_PROFILES, type HandlerProfile } from '@rotation-lambdas/cdk/handler-profiles';
import { ensureCfnLint } from '@rotation-lambdas/test-env';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate } from '../src/cfn-yaml.js';
import { templatePath } from '../src/generate-templates.js';
import { packagedHandlers, releaseVersion, repositoryRoot } from '../src/repository.js';
import { buildTemplate, renderTemplate } from '../src/sam-template.js';

const run = promisify(execFile);
const root = repositoryRoot();
const deployDir = join(root, 'deploy');

/** The AWS SAR rotation apps' parameter names, which every template keeps (issue #6). */
const SAR_PARAMETERS = ['endpoint', 'functionName', 'invokingServicePrincipal', 'vpcSubnetIds', 'vpcSecurityGroupIds', 'kmsKeyArn', 'excludeCharacters'];
const ALTERNATING_PARAMETERS = ['masterSecretArn', 'masterSecretKmsKeyArn', 'adoptExistingUser'];
const OUR_PARAMETERS = ['runtime', 'architecture', 'passwordLength', 'memorySize', 'timeout'];

interface Statement {
  readonly Sid: string;
  readonly Action: string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** The committed template of a handler, parsed, with the helpers the assertions need. */
function committed(name: string) {
  const template = parseTemplate(readFileSync(templatePath(name, root), 'utf8')) as {
    Parameters: Record<string, { Default?: unknown; AllowedValues?: unknown[]; AllowedPattern?: string }>;
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    Metadata: Record<string, Record<string, unknown>>;
    Outputs: Record<string, unknown>;
  };
  const role = template.Resources.RotationLambdaRole?.Properties as { Policies: { PolicyDocument: { Statement: unknown[] } }[] };
  // Optional statements are `Fn::If [condition, statement, AWS::NoValue]`: take the statement.
  const statements = (role.Policies[0]?.PolicyDocument.Statement ?? []).map((statement) => {
    const conditional = (statement as { 'Fn::If'?: [string, Statement, unknown] })['Fn::If'];
    return conditional === undefined ? (statement as Statement) : conditional[1];
  });
  return { template, statements, actions: statements.flatMap((statement) => statement.Action) };
}

describe('SAM templates', () => {
  it('exist for every handler the engine packages build, and for nothing else', () => {
    const built = packagedHandlers(root).map((handler) => handler.name).sort();
    const templates = readdirSync(deployDir)
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => file.replace(/\.yaml$/, ''))
      .sort();

    expect(built.length).toBeGreaterThanOrEqual(9);
    expect(templates).toEqual(built);
    expect(HANDLER_PROFILES.map((profile) => profile.name).sort()).toEqual(built);
  });

  it('point CodeUri at the zip the bundler writes for the handler, with handler index.handler', () => {
    for (const handler of packagedHandlers(root)) {
      const fn = committed(handler.name).template.Resources.RotationLambda;

      expect(fn?.Type).toBe('AWS::Serverless::Function');
      expect(resolve(deployDir, String(fn?.Properties.CodeUri)), handler.name).toBe(handler.zipFile);
      expect(fn?.Properties.Handler).toBe('index.handler');
    }
  });

  it.each(HANDLER_PROFILES.map((profile) => [profile.name, profile] as const))('%s has the SAR parameter names and ours', (name, profile) => {
    const { Parameters } = committed(name).template;

    for (const parameter of [...SAR_PARAMETERS, ...OUR_PARAMETERS]) expect(Parameters, parameter).toHaveProperty(parameter);
    for (const parameter of ALTERNATING_PARAMETERS) expect(parameter in Parameters, parameter).toBe(profile.needsMasterSecret);
    expect(Parameters.runtime).toMatchObject({ Default: 'nodejs22.x', AllowedValues: ['nodejs22.x', 'nodejs24.x'] });
    expect(Parameters.architecture).toMatchObject({ Default: 'arm64', AllowedValues: ['arm64', 'x86_64'] });
    expect(Parameters.excludeCharacters?.Default).toBe(profile.excludeCharacters);
    expect(Parameters.passwordLength?.Default).toBe(profile.passwordLength);
  });

  it.each(HANDLER_PROFILES.map((profile) => [profile.name, profile] as const))('%s grants least privilege', (name, profile) => {
    const { statements, actions } = committed(name);

    const rotation = statements.find((statement) => statement.Sid === 'RotateSecrets');
    expect(rotation?.Condition).toEqual({
      StringEquals: {
        'secretsmanager:resource/AllowRotationLambdaArn': { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}' },
      },
    });
    const master = statements.find((statement) => statement.Sid === 'ReadMasterSecret');
    expect(master === undefined, 'master secret statement').toBe(!profile.needsMasterSecret);
    // A full ARN matches the first; a partial ARN (no random suffix) the second, as the IAM guide for Secrets Manager advises.
    if (master) expect(master.Resource).toEqual([{ Ref: 'masterSecretArn' }, { 'Fn::Sub': '${masterSecretArn}-??????' }]);
    const rdsEngine = ['postgres', 'mysql', 'documentdb'].includes(profile.engine);
    expect(actions.filter((action) => action.startsWith('rds:')).length > 0, 'rds').toBe(rdsEngine && profile.needsMasterSecret);
    expect(actions.filter((action) => action.startsWith('elasticache:')).length > 0, 'elasticache').toBe(profile.engine === 'elasticache');
    if (profile.engine === 'elasticache') {
      expect(statements.find((statement) => statement.Sid === 'DescribeElastiCacheCaches')).toMatchObject({
        Action: ['elasticache:DescribeReplicationGroups', 'elasticache:DescribeServerlessCaches'],
        Resource: [
          { 'Fn::Sub': 'arn:${AWS::Partition}:elasticache:${AWS::Region}:${AWS::AccountId}:replicationgroup:*' },
          { 'Fn::Sub': 'arn:${AWS::Partition}:elasticache:${AWS::Region}:${AWS::AccountId}:serverlesscache:*' },
        ],
      });
      expect(actions.includes('elasticache:AddTagsToResource'), 'tag on create').toBe(profile.needsMasterSecret);
    }
    for (const statement of statements) {
      if (statement.Resource === '*') expect(statement.Action, statement.Sid).toSatisfy((list: string[]) => list.every((a) => /^(secretsmanager:GetRandomPassword|rds:Describe)/.test(a)));
    }
  });

  it.each(HANDLER_PROFILES.map((profile) => [profile.name] as const))('%s: KMS, VPC and endpoint settings apply only when given', (name) => {
    const { template } = committed(name);

    const fn = template.Resources.RotationLambda?.Properties as { Environment: { Variables: Record<string, unknown> }; VpcConfig: unknown };
    expect(fn.Environment.Variables.SECRETS_MANAGER_ENDPOINT).toEqual({ 'Fn::If': ['HasEndpoint', { Ref: 'endpoint' }, { Ref: 'AWS::NoValue' }] });
    expect(fn.Environment.Variables.NODE_EXTRA_CA_CERTS).toBe('/var/runtime/ca-cert.pem');
    expect((fn.VpcConfig as { 'Fn::If': unknown[] })['Fn::If'][0]).toBe('HasVpc');
    // A VPC needs subnets and security groups both: either list empty leaves the function outside.
    expect((template as unknown as { Conditions: Record<string, unknown> }).Conditions.HasVpc).toEqual({
      'Fn::And': [
        { 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', { Ref: 'vpcSubnetIds' }] }, ''] }] },
        { 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', { Ref: 'vpcSecurityGroupIds' }] }, ''] }] },
      ],
    });
    const role = template.Resources.RotationLambdaRole?.Properties as { ManagedPolicyArns: unknown[]; Policies: { PolicyDocument: { Statement: unknown[] } }[] };
    expect(JSON.stringify(role.ManagedPolicyArns[1])).toMatch(/^\{"Fn::If":\["HasVpc",.*AWSLambdaVPCAccessExecutionRole/);
    const kms = role.Policies[0]?.PolicyDocument.Statement.filter((statement) => JSON.stringify(statement).includes('kms:'));
    for (const statement of kms ?? []) expect(JSON.stringify(statement)).toMatch(/^\{"Fn::If":\["Has(MasterSecret)?KmsKey"/);
  });

  it.each(HANDLER_PROFILES.map((profile) => [profile.name, profile] as const))('%s: architecture, master secret and adoption settings reach the function', (name, profile) => {
    const { template } = committed(name);

    const fn = template.Resources.RotationLambda?.Properties as { Architectures: unknown; Environment: { Variables: Record<string, unknown> } };
    expect(fn.Architectures).toEqual([{ Ref: 'architecture' }]);
    const variables = fn.Environment.Variables;
    if (profile.needsMasterSecret) {
      expect(variables).toMatchObject({ MASTER_SECRET_ARN: { Ref: 'masterSecretArn' }, ADOPT_EXISTING_USER: { Ref: 'adoptExistingUser' } });
      expect(template.Parameters.adoptExistingUser).toMatchObject({ Default: 'false', AllowedValues: ['false', 'true'] });
    } else {
      expect(Object.keys(variables)).not.toEqual(expect.arrayContaining(['MASTER_SECRET_ARN']));
      expect(Object.keys(variables)).not.toEqual(expect.arrayContaining(['ADOPT_EXISTING_USER']));
    }
  });

  it('accepts a full or a partial master secret ARN, and nothing else', () => {
    const pattern = new RegExp(String(committed('postgres-alternating-users').template.Parameters.masterSecretArn?.AllowedPattern));

    expect(pattern.test('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/master-AbCdEf')).toBe(true);
    expect(pattern.test('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/master')).toBe(true);
    expect(pattern.test('arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:master')).toBe(true);
    expect(pattern.test('prod/master')).toBe(false);
    expect(pattern.test('arn:aws:secretsmanager:us-east-1:123456789012:secret:')).toBe(false);
  });

  it.each(HANDLER_PROFILES.map((profile) => [profile.name, profile] as const))('%s: invoke permission, output and SAR metadata', (name, profile) => {
    const { template } = committed(name);

    expect(template.Resources.RotationLambdaInvokePermission).toEqual({
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['RotationLambda', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: { Ref: 'invokingServicePrincipal' },
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    });
    expect(template.Outputs).toHaveProperty('RotationLambdaARN');
    const sar = template.Metadata['AWS::ServerlessRepo::Application'] ?? {};
    expect(sar).toMatchObject({ Name: `rotation-lambdas-${name}`, SpdxLicenseId: 'MIT-0', SemanticVersion: releaseVersion(root), LicenseUrl: '../LICENSE' });
    expect(existsSync(resolve(deployDir, String(sar.LicenseUrl))), 'LicenseUrl').toBe(true);
    for (const field of ['Description', 'Author', 'Labels', 'HomePageUrl', 'SourceCodeUrl']) expect(sar, field).toHaveProperty(field);
    expect(existsSync(resolve(deployDir, String(sar.ReadmeUrl))), 'ReadmeUrl').toBe(true);
    expect(String(sar.ReadmeUrl)).toBe(`../packages/${profile.engine}/README.md`);
  });

  it.each(HANDLER_PROFILES.map((profile) => [profile.name, profile] as const))('%s is committed exactly as the generator writes it', (name, profile) => {
    expect(readFileSync(templatePath(name, root), 'utf8'), 'run "npm run generate -w @rotation-lambdas/deploy"').toBe(renderTemplate(profile));
  });

  it('reads back from YAML into the template the generator built, short-form tags included', () => {
    for (const profile of HANDLER_PROFILES) {
      expect(parseTemplate(renderTemplate(profile)), profile.name).toEqual(JSON.parse(JSON.stringify(buildTemplate(profile))));
    }
  });

  it.each(HANDLER_PROFILES.map((profile) => [profile.name, profile] as const))('%s defaults match the engine code', async (_name, profile: HandlerProfile) => {
    // The engine's defaults live in its adapter (the generic starter's in its worked example).
    const source = profile.engine === 'generic' ? 'src/example/api-key-rotator.ts' : 'src/adapter.ts';
    const module = (await import(pathToFileURL(join(root, 'packages', profile.engine, source)).href)) as Record<string, unknown>;
    const defaults = Object.values(module).filter(
      (value): value is { excludeCharacters: string; passwordLength: number } =>
        typeof value === 'object' && value !== null && 'excludeCharacters' in value && 'passwordLength' in value,
    );

    expect(defaults).toEqual([{ excludeCharacters: profile.excludeCharacters, passwordLength: profile.passwordLength }]);
  });
});

describe('cfn-lint (pinned, from PyPI)', () => {
  let cfnLint: string;

  beforeAll(async () => {
    cfnLint = await ensureCfnLint();
  }, 600_000);

  /** Runs cfn-lint; resolves with its exit code and output (non-zero: errors 2, warnings 4, informational 8, or sums). */
  async function lint(files: string[]): Promise<{ code: number; output: string }> {
    try {
      const { stdout, stderr } = await run(cfnLint, files, { maxBuffer: 16 << 20 });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failure.code ?? -1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
    }
  }

  it('passes every template without errors or warnings', async () => {
    const files = HANDLER_PROFILES.map((profile) => templatePath(profile.name, root));

    const result = await lint(files);

    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('reports a broken template, so a pass means something', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'rotation-cfn-lint-'));
    const broken = join(dir, 'broken.yaml');
    const text = readFileSync(templatePath('postgres-alternating-users', root), 'utf8');
    await writeFile(broken, text.replace(/- HasKmsKey$/m, '- HasNoSuchCondition'));

    // Act
    const result = await lint([broken]);

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/HasNoSuchCondition/);
  });
});
