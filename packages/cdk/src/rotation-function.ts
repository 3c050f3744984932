import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
  SUPPORTED_ARCHITECTURES,
  SUPPORTED_RUNTIMES,
} from './handler-profiles.js';

/**
 * Properties of a RotationFunction. Where CDK's own rotation constructs have a property with the same
 * meaning (`HostedRotation`, `SecretRotation`, `RotationSchedule`), it has the same name here.
 */
interface RotationFunctionProps {
  /** The engine package whose handler to deploy. */
  readonly engine: RotationEngine;
  /** `single-user` or `alternating-users` (which needs `masterSecret`). */
  readonly strategy: RotationStrategy;
  /** The secret to rotate; its rotation schedule is attached to this function. */
  readonly secret: secretsmanager.ISecret;
  /** The master secret (alternating users only, where it is required); passed as `MASTER_SECRET_ARN`. */
  readonly masterSecret?: secretsmanager.ISecret;
  /** The function's name; default: one CloudFormation generates. */
  readonly functionName?: string;
  /** The database or cache: its security group is opened to the function on its default port. Needs `vpc`. */
  readonly target?: ec2.IConnectable;
  /** The VPC to run in; the function then gets the network-interface permissions Lambda needs. */
  readonly vpc?: ec2.IVpc;
  /** The subnets of `vpc` to run in; default: the VPC's private subnets. */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The function's security groups in `vpc`; default: one CDK creates. */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The Secrets Manager interface endpoint to call (`SECRETS_MANAGER_ENDPOINT`), opened to the function;
   * default: the SDK's endpoint, which an endpoint with private DNS also serves. Needs `vpc`.
   */
  readonly endpoint?: ec2.IInterfaceVpcEndpoint;
  /** `EXCLUDE_CHARACTERS`; default: the engine's default (for PostgreSQL `:/@"'\`). */
  readonly excludeCharacters?: string;
  /** `PASSWORD_LENGTH`, 8 to 4096; default: the engine's default (32; ElastiCache 20). */
  readonly passwordLength?: number;
  /** Time between rotations, 4 hours to 1000 days; `Duration.days(0)` turns automatic rotation off. Default 30 days. */
  readonly automaticallyAfter?: Duration;
  /** Whether to rotate when the schedule is created or changed; default: Secrets Manager's (yes). */
  readonly rotateImmediatelyOnUpdate?: boolean;
  /**
   * Alternating users: take over an existing `<user>_clone` that rotation did not create
   * (`ADOPT_EXISTING_USER`), as after a migration from AWS's functions. Default false.
   */
  readonly adoptExistingUser?: boolean;
  /** `nodejs22.x` (default) or `nodejs24.x`. */
  readonly runtime?: lambda.Runtime;
  /** `ARM_64` (default) or `X86_64`: the zip is pure JavaScript. */
  readonly architecture?: lambda.Architecture;
  /** The deployment package; default: the handler's zip, which this package carries. */
  readonly code?: lambda.Code;
}

/** Where this package keeps the handler zips it deploys: `assets/`, next to `dist/`. */
const ASSETS_DIR = join(__dirname, '..', 'assets');

/**
 * The handler zip this package carries for one handler (`assets/<engine>-<strategy>.zip`). Throws an Error
 * when it is missing, as in a repository checkout before `npm run build`.
 */
function handlerZipPath(engine: RotationEngine, strategy: RotationStrategy, assetsDir: string = ASSETS_DIR): string {
  const { name } = handlerProfile(engine, strategy);
  const zip = join(assetsDir, `${name}.zip`);
  if (!existsSync(zip)) {
    throw new Error(`${zip} does not exist: in a repository checkout, run "npm run build" first; otherwise pass "code"`);
  }
  return zip;
}

function checkProps(profile: HandlerProfile, props: RotationFunctionProps): void {
  const fail = (message: string): never => {
    throw new Error(`RotationFunction: ${message}`);
  };
  if (profile.needsMasterSecret && props.masterSecret === undefined) {
    fail(`the ${profile.name} handler needs "masterSecret" (the secret of the user that manages <user> and <user>_clone)`);
  }
  if (!profile.needsMasterSecret && props.masterSecret !== undefined) {
    fail(`the ${profile.name} handler does not use "masterSecret"; use strategy "alternating-users" or remove it`);
  }
  if (!profile.needsMasterSecret && props.adoptExistingUser !== undefined) fail(`"adoptExistingUser" applies to alternating users only`);
  const runtime = props.runtime?.name ?? FUNCTION_DEFAULTS.runtime;
  if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) fail(`runtime ${runtime} is not supported; use ${SUPPORTED_RUNTIMES.join(' or ')}`);
  const architecture = props.architecture?.name ?? FUNCTION_DEFAULTS.architecture;
  if (!(SUPPORTED_ARCHITECTURES as readonly string[]).includes(architecture)) fail(`architecture ${architecture} is not supported`);
  const needVpc = (['vpcSubnets', 'securityGroups', 'target', 'endpoint'] as const).filter((name) => props[name] !== undefined);
  if (props.vpc === undefined && needVpc.length > 0) fail(`${needVpc.map((name) => `"${name}"`).join(', ')} need "vpc"`);
  const length = props.passwordLength;
  if (length !== undefined && (!Number.isInteger(length) || length < 8 || length > 4096)) fail('"passwordLength" must be a whole number from 8 to 4096');
}

/** The full ARN, or the partial ARN plus Secrets Manager's six-character suffix when only the name is known. */
function secretArnPattern(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}

/** The function's environment: the engine's password settings, the CA bundle, and the master and endpoint when given. */
function environmentOf(profile: HandlerProfile, props: RotationFunctionProps, stack: Stack): Record<string, string> {
  return {
    EXCLUDE_CHARACTERS: props.excludeCharacters ?? profile.excludeCharacters,
    PASSWORD_LENGTH: String(props.passwordLength ?? profile.passwordLength),
    NODE_EXTRA_CA_CERTS: LAMBDA_CA_BUNDLE,
    ...(props.masterSecret === undefined ? {} : { MASTER_SECRET_ARN: props.masterSecret.secretArn, ADOPT_EXISTING_USER: String(props.adoptExistingUser ?? false) }),
    // The endpoint's own DNS name, as CDK's SecretRotation sets it: it works with private DNS on or off.
    ...(props.endpoint === undefined ? {} : { SECRETS_MANAGER_ENDPOINT: `https://${props.endpoint.vpcEndpointId}.secretsmanager.${stack.region}.${stack.urlSuffix}` }),
  };
}

/** How one profile resource is written for this stack's region and account. */
function resourcesOf(kind: PolicyResource, props: RotationFunctionProps, stack: Stack): string[] {
  const arn = (service: string, resource: string) => stack.formatArn({ service, resource, resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  switch (kind) {
    case 'rotated-secrets':
      return [arn('secretsmanager', 'secret')];
    case 'master-secret':
      return props.masterSecret === undefined ? [] : [secretArnPattern(props.masterSecret)];
    case 'kms-key':
      return props.secret.encryptionKey === undefined ? [] : [props.secret.encryptionKey.keyArn];
    case 'master-kms-key':
      return props.masterSecret?.encryptionKey === undefined ? [] : [props.masterSecret.encryptionKey.keyArn];
    case 'any':
      return ['*'];
    case 'elasticache-users':
      return [arn('elasticache', 'user')];
    case 'elasticache-user-groups':
      return [arn('elasticache', 'usergroup')];
    case 'elasticache-replication-groups':
      return [arn('elasticache', 'replicationgroup')];
    case 'elasticache-serverless-caches':
      return [arn('elasticache', 'serverlesscache')];
  }
}

/**
 * A Secrets Manager rotation function built from one of the project's handler zips, with the same settings
 * and least-privilege IAM as the handler's SAM template in `deploy/`, attached to the secret's rotation
 * schedule. It is `IConnectable` (the function's security groups, in a VPC). Throws an Error at synthesis
 * for a handler the build does not produce (generic alternating users), an alternating-users handler
 * without `masterSecret`, an unsupported runtime or architecture, or VPC settings without a VPC.
 */
class RotationFunction extends Construct implements ec2.IConnectable {
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
      ...(props.functionName === undefined ? {} : { functionName: props.functionName }),
      description: profile.description,
      code: props.code ?? lambda.Code.fromAsset(handlerZipPath(props.engine, props.strategy)),
      handler: HANDLER_ENTRY,
      runtime: props.runtime ?? lambda.Runtime.NODEJS_22_X,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      timeout: Duration.seconds(FUNCTION_DEFAULTS.timeoutSeconds),
      memorySize: FUNCTION_DEFAULTS.memoryMiB,
      environment: environmentOf(profile, props, stack),
      ...(props.vpc === undefined ? {} : { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups }),
    });

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
      const resources = statement.resources.flatMap((kind) => resourcesOf(kind, props, stack));
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

    // As SecretRotation and addRotationMultiUser do: the database and the endpoint accept the function.
    props.target?.connections.allowDefaultPortFrom(this.function, 'Rotation function');
    props.endpoint?.connections.allowDefaultPortFrom(this.function, 'Rotation function');

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
      automaticallyAfter: props.automaticallyAfter ?? Duration.days(30),
      ...(props.rotateImmediatelyOnUpdate === undefined ? {} : { rotateImmediatelyOnUpdate: props.rotateImmediatelyOnUpdate }),
    });
    // Creating the schedule starts a rotation at once, so the permissions must exist before it.
    this.schedule.node.addDependency(policy);
    if (permission !== undefined) this.schedule.node.addDependency(permission);
  }

  /** The function's network connections (its security groups); only a function in a VPC has them. */
  get connections(): ec2.Connections {
    return this.function.connections;
  }
}

export { handlerZipPath, RotationFunction };
export type { RotationFunctionProps };
