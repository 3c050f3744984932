import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import {
  HANDLER_PROFILES,
  handlerZipPath,
  RotationFunction,
  type RotationFunctionProps,
  type RotationEngine,
  type RotationStrategy,
} from '../../src/index.js';

const INLINE_CODE = lambda.Code.fromInline('export const handler = async () => {};');

interface Synthesised {
  readonly template: Template;
  readonly functionId: string;
  readonly policyStatements: { Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[];
}

/** Synthesises one RotationFunction in a fresh stack; `extra` may add props that need the stack (VPC, keys). */
function synth(
  engine: RotationEngine,
  strategy: RotationStrategy,
  extra: (stack: Stack) => Partial<RotationFunctionProps> = () => ({}),
): Synthesised {
  const stack = new Stack(new App(), 'Stack');
  const secret = new secretsmanager.Secret(stack, 'Secret');
  const masterSecret = strategy === 'alternating-users' ? new secretsmanager.Secret(stack, 'Master') : undefined;
  new RotationFunction(stack, 'Rotation', { engine, strategy, secret, masterSecret, code: INLINE_CODE, ...extra(stack) });
  const template = Template.fromStack(stack);
  const functionId = Object.keys(template.findResources('AWS::Lambda::Function'))[0] ?? '';
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { PolicyDocument: { Statement: Synthesised['policyStatements'] } } }[];
  return { template, functionId, policyStatements: policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement) };
}

function actionsOf(statements: Synthesised['policyStatements']): string[] {
  return statements.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
}

describe('RotationFunction', () => {
  it('creates an arm64 nodejs22.x function with handler index.handler and the engine defaults in its environment', () => {
    // Act
    const { template } = synth('postgres', 'single-user');

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Timeout: 30,
      MemorySize: 256,
      Environment: {
        Variables: { EXCLUDE_CHARACTERS: ':/@"\'\\', PASSWORD_LENGTH: '32', NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' },
      },
    });
  });

  it('uses the given excludeCharacters, passwordLength and nodejs24.x runtime', () => {
    const { template } = synth('elasticache', 'single-user', () => ({
      excludeCharacters: '',
      passwordLength: 64,
      runtime: lambda.Runtime.NODEJS_24_X,
    }));

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Environment: { Variables: { EXCLUDE_CHARACTERS: '', PASSWORD_LENGTH: '64' } },
    });
  });

  it('lets only Secrets Manager of the same account invoke the function', () => {
    const { template, functionId } = synth('mysql', 'alternating-users');

    // One permission only: the schedule adds none of its own without aws:SourceAccount.
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('allows the rotation actions only on secrets whose AllowRotationLambdaArn is this function', () => {
    const { policyStatements, functionId } = synth('documentdb', 'single-user');

    const rotation = policyStatements.filter((statement) => actionsOf([statement]).includes('secretsmanager:PutSecretValue'));
    expect(rotation).toHaveLength(1);
    expect(rotation[0]?.Condition).toEqual({
      StringEquals: { 'secretsmanager:resource/AllowRotationLambdaArn': { 'Fn::GetAtt': [functionId, 'Arn'] } },
    });
    expect(JSON.stringify(rotation[0]?.Resource)).toContain(':secret:*');
    expect(policyStatements.find((statement) => statement.Sid === 'GenerateRandomPassword')?.Resource).toBe('*');
  });

  it('reads the master secret only in alternating users', () => {
    const single = synth('postgres', 'single-user');
    const alternating = synth('postgres', 'alternating-users');

    expect(single.policyStatements.map((statement) => statement.Sid)).not.toContain('ReadMasterSecret');
    const master = alternating.policyStatements.find((statement) => statement.Sid === 'ReadMasterSecret');
    expect(master?.Action).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(master?.Resource).toEqual({ Ref: Object.keys(alternating.template.findResources('AWS::SecretsManager::Secret')).find((id) => id.startsWith('Master')) });
  });

  it.each([
    ['postgres', 'alternating-users', true],
    ['mysql', 'alternating-users', true],
    ['documentdb', 'alternating-users', true],
    ['postgres', 'single-user', false],
    ['mysql', 'single-user', false],
    ['documentdb', 'single-user', false],
    ['elasticache', 'alternating-users', false],
    ['generic', 'single-user', false],
  ] as const)('grants the RDS describe actions to %s %s: %s', (engine, strategy, expected) => {
    const { policyStatements } = synth(engine, strategy);

    const rds = actionsOf(policyStatements).filter((action) => action.startsWith('rds:'));
    expect(rds).toEqual(expected ? ['rds:DescribeDBClusters', 'rds:DescribeDBInstances'] : []);
  });

  it('grants ElastiCache user actions only to the ElastiCache handlers, scoped to users and user groups', () => {
    const others = ['postgres', 'mysql', 'documentdb'].map((engine) => synth(engine as RotationEngine, 'alternating-users'));
    const single = synth('elasticache', 'single-user');
    const alternating = synth('elasticache', 'alternating-users');

    for (const other of others) expect(actionsOf(other.policyStatements).filter((a) => a.startsWith('elasticache:'))).toEqual([]);
    expect(actionsOf(single.policyStatements).filter((a) => a.startsWith('elasticache:'))).toEqual([
      'elasticache:DescribeUsers',
      'elasticache:ModifyUser',
      'elasticache:DescribeReplicationGroups',
      'elasticache:DescribeServerlessCaches',
    ]);
    for (const handler of [single, alternating]) {
      const caches = handler.policyStatements.find((statement) => statement.Sid === 'DescribeElastiCacheCaches');
      expect(JSON.stringify(caches?.Resource)).toMatch(/:replicationgroup:\*.*:serverlesscache:\*/);
    }
    const groups = alternating.policyStatements.find((statement) => statement.Sid === 'ManageElastiCacheUserGroups');
    expect(JSON.stringify(groups?.Resource)).toContain(':usergroup:*');
    const users = alternating.policyStatements.find((statement) => statement.Sid === 'ManageElastiCacheUsers');
    expect(JSON.stringify(users?.Resource)).toContain(':user:*');
    expect(users?.Action).toContain('elasticache:CreateUser');
  });

  it('grants every statement of the handler profile and nothing else', () => {
    for (const profile of HANDLER_PROFILES) {
      const { policyStatements } = synth(profile.engine, profile.strategy);

      // Without customer managed keys the two KMS statements have no resource and are left out.
      const expected = profile.statements.filter((statement) => !statement.resources.some((r) => r.endsWith('kms-key')));
      expect(policyStatements.map((statement) => statement.Sid), profile.name).toEqual(expected.map((statement) => statement.sid));
      expect(
        policyStatements.map((statement) => actionsOf([statement]).sort()),
        profile.name,
      ).toEqual(expected.map((statement) => [...statement.actions].sort()));
    }
  });

  it('grants the secrets\' customer managed keys only through Secrets Manager, and only when there are keys', () => {
    const withKeys = (() => {
      const stack = new Stack(new App(), 'Stack');
      const key = new kms.Key(stack, 'Key');
      const masterKey = new kms.Key(stack, 'MasterKey');
      const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
      const masterSecret = new secretsmanager.Secret(stack, 'Master', { encryptionKey: masterKey });
      new RotationFunction(stack, 'Rotation', { engine: 'mysql', strategy: 'alternating-users', secret, masterSecret, code: INLINE_CODE });
      return Template.fromStack(stack);
    })();

    withKeys.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'UseSecretKey',
            Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } },
          }),
          Match.objectLike({ Sid: 'UseMasterSecretKey', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MasterKey'), 'Arn'] } }),
        ]),
      },
    });
    expect(actionsOf(synth('mysql', 'alternating-users').policyStatements).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  it('runs in the VPC when one is given, with the network-interface managed policy', () => {
    const inVpc = synth('postgres', 'single-user', (stack) => ({
      vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    }));
    const outside = synth('postgres', 'single-user');

    inVpc.template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
    });
    inVpc.template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: Match.arrayWith([{ 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'])] }]),
    });
    outside.template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
    expect(JSON.stringify(outside.template.toJSON())).not.toContain('AWSLambdaVPCAccessExecutionRole');
  });

  it('attaches the rotation schedule to the secret after the permissions exist', () => {
    const { template, functionId } = synth('postgres', 'alternating-users', () => ({ automaticallyAfter: Duration.days(7) }));

    const schedules = template.findResources('AWS::SecretsManager::RotationSchedule');
    expect(Object.values(schedules)).toHaveLength(1);
    const [schedule] = Object.values(schedules) as { Properties: Record<string, unknown>; DependsOn: string[] }[];
    expect(schedule?.Properties).toMatchObject({
      RotationLambdaARN: { 'Fn::GetAtt': [functionId, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
      SecretId: { Ref: Object.keys(template.findResources('AWS::SecretsManager::Secret')).find((id) => id.startsWith('Secret')) },
    });
    const policyId = Object.keys(template.findResources('AWS::IAM::Policy'))[0];
    const permissionId = Object.keys(template.findResources('AWS::Lambda::Permission'))[0];
    expect(schedule?.DependsOn).toEqual(expect.arrayContaining([policyId, permissionId]));
  });

  it('rotates every 30 days by default', () => {
    const { template } = synth('generic', 'single-user');

    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' } });
  });

  it('keeps the function independent of the policy that names it, so the stack has no dependency cycle', () => {
    const { template, functionId } = synth('postgres', 'alternating-users');

    const fn = template.findResources('AWS::Lambda::Function')[functionId] as { DependsOn?: string[] };
    const policyId = Object.keys(template.findResources('AWS::IAM::Policy'))[0] ?? 'missing';
    expect(fn.DependsOn ?? []).not.toContain(policyId);
  });

  it.each([
    [{ engine: 'postgres', strategy: 'alternating-users' }, /needs "masterSecret"/],
    [{ engine: 'generic', strategy: 'alternating-users' }, /no alternating-users handler for engine "generic"/],
    [{ engine: 'mysql', strategy: 'single-user', master: true }, /does not use "masterSecret"/],
    [{ engine: 'mysql', strategy: 'single-user', runtime: lambda.Runtime.NODEJS_20_X }, /runtime nodejs20\.x is not supported/],
    [{ engine: 'mysql', strategy: 'single-user', passwordLength: 4 }, /"passwordLength" must be a whole number from 8 to 4096/],
    [{ engine: 'mysql', strategy: 'single-user', vpcSubnets: {} }, /"vpcSubnets" need "vpc"/],
    [{ engine: 'mysql', strategy: 'single-user', adoptExistingUser: true }, /"adoptExistingUser" applies to alternating users only/],
    [{ engine: 'mysql', strategy: 'single-user', architecture: lambda.Architecture.custom('riscv64') }, /architecture riscv64 is not supported/],
  ] as const)('refuses an impossible combination (%o)', (input, message) => {
    const stack = new Stack(new App(), 'Stack');
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const props: RotationFunctionProps = {
      engine: input.engine,
      strategy: input.strategy,
      secret,
      code: INLINE_CODE,
      ...('master' in input ? { masterSecret: new secretsmanager.Secret(stack, 'Master') } : {}),
      ...('runtime' in input ? { runtime: input.runtime } : {}),
      ...('passwordLength' in input ? { passwordLength: input.passwordLength } : {}),
      ...('vpcSubnets' in input ? { vpcSubnets: input.vpcSubnets } : {}),
      ...('adoptExistingUser' in input ? { adoptExistingUser: input.adoptExistingUser } : {}),
      ...('architecture' in input ? { architecture: input.architecture } : {}),
    };

    expect(() => new RotationFunction(stack, 'Rotation', props)).toThrow(message);
  });
});

describe('RotationFunction, with the names of CDK\'s own rotation constructs', () => {
  /** A stack with a VPC, a PostgreSQL instance and its master secret. */
  function databaseStack() {
    const stack = new Stack(new App(), 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const database = new rds.DatabaseInstance(stack, 'Database', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    return { stack, vpc, database, masterSecret: database.secret as secretsmanager.ISecret };
  }

  /** The security group ingress rules of a template, by the group they open. */
  function ingressRules(template: Template): { GroupId: unknown; SourceSecurityGroupId: unknown; FromPort: number }[] {
    return Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((resource) => (resource as { Properties: never }).Properties);
  }

  it('opens the target database to the function on its port, as addRotationMultiUser does', () => {
    // Prepare
    const { stack, vpc, database, masterSecret } = databaseStack();
    const secret = new rds.DatabaseSecret(stack, 'AppSecret', { username: 'app', masterSecret }).attach(database);

    // Act
    const rotation = new RotationFunction(stack, 'Rotation', { engine: 'postgres', strategy: 'alternating-users', secret, masterSecret, target: database, vpc, code: INLINE_CODE });

    // Assess
    const template = Template.fromStack(stack);
    const functionGroup = Object.keys(template.findResources('AWS::EC2::SecurityGroup')).find((id) => id.startsWith('RotationFunctionSecurityGroup'));
    const databaseGroup = Object.keys(template.findResources('AWS::EC2::SecurityGroup')).find((id) => id.startsWith('DatabaseSecurityGroup'));
    expect(ingressRules(template)).toContainEqual(
      expect.objectContaining({ GroupId: { 'Fn::GetAtt': [databaseGroup, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [functionGroup, 'GroupId'] }, FromPort: { 'Fn::GetAtt': [expect.stringMatching(/^Database/), 'Endpoint.Port'] } }),
    );
    expect(rotation.connections.securityGroups).toHaveLength(1);
  });

  it('is IConnectable, so database.connections.allowDefaultPortFrom(rotation) compiles and opens the port', () => {
    const { stack, vpc, database, masterSecret } = databaseStack();
    const rotation = new RotationFunction(stack, 'Rotation', { engine: 'postgres', strategy: 'single-user', secret: masterSecret, vpc, code: INLINE_CODE });

    database.connections.allowDefaultPortFrom(rotation);

    expect(ingressRules(Template.fromStack(stack))).toHaveLength(1);
  });

  it('passes the master secret ARN as MASTER_SECRET_ARN and adoptExistingUser as ADOPT_EXISTING_USER', () => {
    const adopting = synth('mysql', 'alternating-users', () => ({ adoptExistingUser: true }));
    const plain = synth('mysql', 'alternating-users');
    const single = synth('mysql', 'single-user');

    const master = Object.keys(adopting.template.findResources('AWS::SecretsManager::Secret')).find((id) => id.startsWith('Master'));
    adopting.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MASTER_SECRET_ARN: { Ref: master }, ADOPT_EXISTING_USER: 'true' }) },
    });
    plain.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ADOPT_EXISTING_USER: 'false' }) } });
    single.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MASTER_SECRET_ARN: Match.absent(), ADOPT_EXISTING_USER: Match.absent() }) },
    });
  });

  it('reads a master secret imported by partial ARN through the six-character suffix wildcard', () => {
    const { policyStatements } = synth('postgres', 'alternating-users', (stack) => ({
      masterSecret: secretsmanager.Secret.fromSecretPartialArn(stack, 'Imported', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/master'),
    }));

    expect(policyStatements.find((statement) => statement.Sid === 'ReadMasterSecret')?.Resource).toBe('arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/master-??????');
  });

  it('takes functionName, architecture, automaticallyAfter and rotateImmediatelyOnUpdate', () => {
    const { template } = synth('postgres', 'single-user', () => ({
      functionName: 'app-db-rotation',
      architecture: lambda.Architecture.X86_64,
      automaticallyAfter: Duration.days(14),
      rotateImmediatelyOnUpdate: false,
    }));

    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'app-db-rotation', Architectures: ['x86_64'] });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotateImmediatelyOnUpdate: false, RotationRules: { ScheduleExpression: 'rate(14 days)' } });
  });

  it('calls the Secrets Manager interface endpoint given as endpoint, and opens it to the function', () => {
    const { template, functionId } = synth('postgres', 'single-user', (stack) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
      const endpoint = vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
      return { vpc, endpoint, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } };
    });

    const endpointId = Object.keys(template.findResources('AWS::EC2::VPCEndpoint'))[0];
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SECRETS_MANAGER_ENDPOINT: { 'Fn::Join': ['', ['https://', { Ref: endpointId }, '.secretsmanager.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
        }),
      },
    });
    expect(functionId).not.toBe('');
    expect(ingressRules(template).some((rule) => JSON.stringify(rule.GroupId).includes('SecretsManagerSecurityGroup') && rule.FromPort === 443)).toBe(true);
  });

  it.each(['target', 'endpoint'] as const)('refuses %s without vpc', (property) => {
    const stack = new Stack(new App(), 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    const value = property === 'target' ? new ec2.SecurityGroup(stack, 'Group', { vpc }) : vpc.addInterfaceEndpoint('E', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });

    expect(
      () => new RotationFunction(stack, 'Rotation', { engine: 'postgres', strategy: 'single-user', secret: new secretsmanager.Secret(stack, 'Secret'), code: INLINE_CODE, [property]: value }),
    ).toThrow(`"${property}" need "vpc"`);
  });
});

describe('handlerZipPath', () => {
  it('finds the zip the package carries, and CDK deploys it as an asset', () => {
    // Prepare: an assets directory as the packed package has it.
    const assets = mkdtempSync(join(tmpdir(), 'rotation-cdk-'));
    // An empty zip archive: the end-of-central-directory record alone.
    writeFileSync(join(assets, 'postgres-single-user.zip'), Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]));

    // Act
    const found = handlerZipPath('postgres', 'single-user', assets);
    const stack = new Stack(new App(), 'Stack');
    new RotationFunction(stack, 'Rotation', {
      engine: 'postgres',
      strategy: 'single-user',
      secret: new secretsmanager.Secret(stack, 'Secret'),
      code: lambda.Code.fromAsset(found),
    });

    // Assess
    expect(found).toBe(join(assets, 'postgres-single-user.zip'));
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
    });
  });

  it('tells to run the build, or to pass code, when the zip is missing', () => {
    const assets = mkdtempSync(join(tmpdir(), 'rotation-cdk-'));

    expect(() => handlerZipPath('elasticache', 'alternating-users', assets)).toThrow(/elasticache-alternating-users\.zip does not exist: in a repository checkout, run "npm run build" first; otherwise pass "code"/);
  });
});
