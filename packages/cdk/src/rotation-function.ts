import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  FUNCTION_DEFAULTS,
  HANDLER_ENTRY,
  type HandlerProfile,
  handlerProfile,
  LAMBDA_CA_BUNDLE,
  type PolicyCondition,
  type PolicyResource,
  type PolicyStatementProfile,
  type RotationEngine,
  type RotationStrategy,
  SUPPORTED_RUNTIMES,
} from './handler-profiles.js';

/** Properties of a RotationFunction. */
interface RotationFunctionProps {
  /** The engine package whose handler to deploy. */
  readonly engine: RotationEngine;
  /** `single-user` or `alternating-users` (which needs `masterSecret`). */
  readonly strategy: RotationStrategy;
  /** The secret to rotate; its rotation schedule is attached to this function. */
  readonly secret: secretsmanager.ISecret;
  /** The master secret (alternating users only, where it is required). */
  readonly masterSecret?: secretsmanager.ISecret;
  /** The VPC to run in; the function then gets the network-interface permissions Lambda needs. */
  readonly vpc?: ec2.IVpc;
  /** The subnets of `vpc` to run in; default: the VPC's private subnets. */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The function's security groups in `vpc`; default: one CDK creates. */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** `EXCLUDE_CHARACTERS`; default: the engine's default (for PostgreSQL `:/@"'\`). */
  readonly excludeCharacters?: string;
  /** `PASSWORD_LENGTH`, 8 to 4096; default: the engine's default (32; ElastiCache 20). */
  readonly passwordLength?: number;
  /** Time between rotations; default 30 days. */
  readonly schedule?: Duration;
  /** `nodejs22.x` (default) or `nodejs24.x`. */
  readonly runtime?: lambda.Runtime;
  /** The deployment package; default: the zip the engine package's build wrote (`dist/<engine>-<strategy>.zip`). */
  readonly code?: lambda.Code;
}

/**
 * The path of the zip the build wrote for one handler, found through the engine package installed where
 * `resolveFrom` (default: this module) resolves packages. Throws an Error when the package or the zip is missing.
 */
function handlerZipPath(engine: RotationEngine, strategy: RotationStrategy, resolveFrom: string = import.meta.url): string {
  const { name } = handlerProfile(engine, strategy);
  const packageName = `@rotation-lambdas/${engine}`;
  // The engine packages' `exports` do not list ./package.json, so require.resolve cannot find it; its lookup
  // path list can.
  const lookupPaths = createRequire(resolveFrom).resolve.paths(packageName) ?? [];
  const manifest = lookupPaths.map((dir) => join(dir, packageName, 'package.json')).find((file) => existsSync(file));
  if (manifest === undefined) {
    throw new Error(`Package ${packageName} is not installed, so the ${name} zip cannot be found: pass "code" instead`);
  }
  const zip = join(dirname(manifest), 'dist', `${name}.zip`);
  if (!existsSync(zip)) {
    throw new Error(`${zip} does not exist: run "npm run build" at the repository root first, or pass "code"`);
  }
  return zip;
}

function checkProps(profile: HandlerProfile, props: RotationFunctionProps): void {
  if (profile.needsMasterSecret && props.masterSecret === undefined) {
    throw new Error(`RotationFunction: the ${profile.name} handler needs "masterSecret" (the secret of the user that manages <user> and <user>_clone)`);
  }
  if (!profile.needsMasterSecret && props.masterSecret !== undefined) {
    throw new Error(`RotationFunction: the ${profile.name} handler does not use "masterSecret"; use strategy "alternating-users" or remove it`);
  }
  const runtime = props.runtime?.name ?? FUNCTION_DEFAULTS.runtime;
  if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) {
    throw new Error(`RotationFunction: runtime ${runtime} is not supported; use ${SUPPORTED_RUNTIMES.join(' or ')}`);
  }
  if (props.vpc === undefined && (props.vpcSubnets !== undefined || props.securityGroups !== undefined)) {
    throw new Error('RotationFunction: "vpcSubnets" and "securityGroups" need "vpc"');
  }
  const length = props.passwordLength;
  if (length !== undefined && (!Number.isInteger(length) || length < 8 || length > 4096)) {
    throw new Error('RotationFunction: "passwordLength" must be a whole number from 8 to 4096');
  }
}

/** The full ARN, or the partial ARN plus Secrets Manager's six-character suffix when only the name is known. */
function secretArnPattern(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}

/**
 * A Secrets Manager rotation function built from one of the project's handler zips, with the same settings
 * and least-privilege IAM as the handler's SAM template in `deploy/`, attached to the secret's rotation
 * schedule. Throws an Error at synthesis for a handler the build does not produce (generic alternating
 * users), an alternating-users handler without `masterSecret`, an unsupported runtime, or VPC settings without a VPC.
 */
class RotationFunction extends Construct {
  /** The Lambda function. */
  readonly function: lambda.Function;
  /** The handler this function runs. */
  readonly profile: HandlerProfile;
  /** The rotation schedule attached to the secret. */
  readonly schedule: secretsmanager.RotationSchedule;

  constructor(scope: Construct, id: string, props: RotationFunctionProps) {
    super(scope, id);
    const profile = handlerProfile(props.engine, props.strategy);
    checkProps(profile, props);
    this.profile = profile;
    const stack = Stack.of(this);

    this.function = new lambda.Function(this, 'Function', {
      description: profile.description,
      code: props.code ?? lambda.Code.fromAsset(handlerZipPath(props.engine, props.strategy)),
      handler: HANDLER_ENTRY,
      runtime: props.runtime ?? lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(FUNCTION_DEFAULTS.timeoutSeconds),
      memorySize: FUNCTION_DEFAULTS.memoryMiB,
      environment: {
        EXCLUDE_CHARACTERS: props.excludeCharacters ?? profile.excludeCharacters,
        PASSWORD_LENGTH: String(props.passwordLength ?? profile.passwordLength),
        NODE_EXTRA_CA_CERTS: LAMBDA_CA_BUNDLE,
      },
      ...(props.vpc === undefined ? {} : { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups }),
    });

    const resourcesOf = (kind: PolicyResource): string[] => {
      switch (kind) {
        case 'rotated-secrets':
          return [stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })];
        case 'master-secret':
          return props.masterSecret === undefined ? [] : [secretArnPattern(props.masterSecret)];
        case 'kms-key':
          return props.secret.encryptionKey === undefined ? [] : [props.secret.encryptionKey.keyArn];
        case 'master-kms-key':
          return props.masterSecret?.encryptionKey === undefined ? [] : [props.masterSecret.encryptionKey.keyArn];
        case 'any':
          return ['*'];
        case 'elasticache-users':
          return [stack.formatArn({ service: 'elasticache', resource: 'user', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })];
        case 'elasticache-user-groups':
          return [stack.formatArn({ service: 'elasticache', resource: 'usergroup', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })];
        case 'elasticache-replication-groups':
          return [stack.formatArn({ service: 'elasticache', resource: 'replicationgroup', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })];
        case 'elasticache-serverless-caches':
          return [stack.formatArn({ service: 'elasticache', resource: 'serverlesscache', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })];
      }
    };
    const conditionOf = (condition: PolicyCondition | undefined): Record<string, Record<string, string>> | undefined => {
      switch (condition) {
        case undefined:
          return undefined;
        case 'allow-rotation-lambda-arn':
          return { StringEquals: { 'secretsmanager:resource/AllowRotationLambdaArn': this.function.functionArn } };
        case 'via-secrets-manager':
          return { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}` } };
      }
    };
    const statementOf = (statement: PolicyStatementProfile): iam.PolicyStatement[] => {
      const resources = statement.resources.flatMap(resourcesOf);
      if (resources.length === 0) return [];
      const conditions = conditionOf(statement.condition);
      return [new iam.PolicyStatement({ sid: statement.sid, actions: [...statement.actions], resources, ...(conditions ? { conditions } : {}) })];
    };

    // A separate policy, not the role's default one: the function depends on its role's default policy, and
    // this policy names the function's ARN, so putting it there would make a dependency cycle.
    const policy = new iam.Policy(this, 'RotationPolicy', { statements: profile.statements.flatMap(statementOf) });
    if (this.function.role === undefined) throw new Error('RotationFunction: the Lambda function has no execution role');
    policy.attachToRole(this.function.role);

    this.function.addPermission('InvokedBySecretsManager', {
      principal: new iam.ServicePrincipal('secretsmanager.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: stack.account,
    });
    const permission = this.function.permissionsNode.tryFindChild('InvokedBySecretsManager');

    // RotationSchedule grants invoke to Secrets Manager without aws:SourceAccount, and the secret's actions
    // without the rotation-function condition, to any function it owns; a reference without grant rights
    // keeps the grants above the only ones.
    const reference = lambda.Function.fromFunctionAttributes(this, 'ScheduledFunction', {
      functionArn: this.function.functionArn,
      sameEnvironment: true,
      skipPermissions: true,
    });
    this.schedule = props.secret.addRotationSchedule(`${id}Schedule`, {
      rotationLambda: reference,
      automaticallyAfter: props.schedule ?? Duration.days(30),
    });
    // Creating the schedule starts a rotation at once, so the permissions must exist before it.
    this.schedule.node.addDependency(policy);
    if (permission !== undefined) this.schedule.node.addDependency(permission);
  }
}

export { handlerZipPath, RotationFunction };
export type { RotationFunctionProps };
