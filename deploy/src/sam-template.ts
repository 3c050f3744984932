// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here are CloudFormation Fn::Sub placeholders, not JavaScript ones.
import {
  FUNCTION_DEFAULTS,
  HANDLER_ENTRY,
  type HandlerProfile,
  LAMBDA_CA_BUNDLE,
  MANAGED_POLICIES,
  type PolicyCondition,
  type PolicyResource,
  type PolicyStatementProfile,
  SUPPORTED_ARCHITECTURES,
  SUPPORTED_RUNTIMES,
} from '@rotation-lambdas/cdk/handler-profiles';
import { stringifyTemplate, type TemplateComments, type TemplateValue } from './cfn-yaml.js';
import { releaseVersion } from './repository.js';

/** The project's home and source, as published in the templates' Serverless Application Repository metadata. */
const PROJECT_URL = 'https://github.com/rotation-lambdas/rotation-lambdas';
const AUTHOR = 'rotation-lambdas';

const ref = (name: string): TemplateValue => ({ Ref: name });
const sub = (text: string): TemplateValue => ({ 'Fn::Sub': text });
const ifThen = (condition: string, then: TemplateValue, otherwise: TemplateValue = ref('AWS::NoValue')): TemplateValue => ({
  'Fn::If': [condition, then, otherwise],
});
const notEmpty = (value: TemplateValue): TemplateValue => ({ 'Fn::Not': [{ 'Fn::Equals': [value, ''] }] });

/** The rotation function's ARN, built from its name: the role's policy cannot name the function itself without a cycle. */
const FUNCTION_ARN = sub('arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}');

/** The files a template names, relative to the template: its code, and the README and licence SAR publishes. */
interface TemplatePaths {
  readonly codeUri: string;
  readonly readmeUrl: string;
  readonly licenseUrl: string;
}

/** The paths of a template committed in `deploy/`: the zip the bundler writes, the engine README, the root LICENSE. */
function repositoryPaths(profile: HandlerProfile): TemplatePaths {
  return {
    codeUri: `../packages/${profile.engine}/dist/${profile.name}.zip`,
    readmeUrl: `../packages/${profile.engine}/README.md`,
    licenseUrl: '../LICENSE',
  };
}

/** The template's path of the handler's zip, relative to `deploy/`, as the bundler writes it. */
function codeUri(profile: HandlerProfile): string {
  return repositoryPaths(profile).codeUri;
}

function parameters(profile: HandlerProfile): Record<string, TemplateValue> {
  const common: Record<string, TemplateValue> = {
    endpoint: {
      Type: 'String',
      Default: '',
      Description:
        'Secrets Manager endpoint URL (SECRETS_MANAGER_ENDPOINT), e.g. https://secretsmanager.us-east-1.amazonaws.com. Empty: the SDK default, which a VPC interface endpoint with private DNS also serves.',
    },
    functionName: {
      Type: 'String',
      AllowedPattern: '^[a-zA-Z0-9_-]{1,64}$',
      Description: 'Name of the rotation function. The execution role may rotate only secrets whose rotation function is this one.',
    },
    invokingServicePrincipal: {
      Type: 'String',
      Default: 'secretsmanager.amazonaws.com',
      Description: 'Service principal allowed to invoke the function (from this account only).',
    },
    vpcSubnetIds: {
      Type: 'CommaDelimitedList',
      Default: '',
      Description: 'Subnets to run the function in, comma-separated. Empty: no VPC. Give security groups too.',
    },
    vpcSecurityGroupIds: {
      Type: 'CommaDelimitedList',
      Default: '',
      Description: 'Security groups of the function in the VPC, comma-separated; they must allow outbound traffic to the database and to Secrets Manager.',
    },
    kmsKeyArn: {
      Type: 'String',
      Default: '',
      Description: 'ARN of the customer managed KMS key that encrypts the rotated secret. Empty: aws/secretsmanager.',
    },
    excludeCharacters: {
      Type: 'String',
      Default: profile.excludeCharacters,
      Description: 'Characters never used in generated passwords (EXCLUDE_CHARACTERS).',
    },
  };
  const alternating: Record<string, TemplateValue> = profile.needsMasterSecret
    ? {
        masterSecretArn: {
          Type: 'String',
          AllowedPattern: '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$',
          Description:
            'ARN of the master secret, full or partial (without the six-character suffix): a user that may create <user>_clone and change both passwords. The rotated secret names it in its masterarn field.',
        },
        masterSecretKmsKeyArn: {
          Type: 'String',
          Default: '',
          Description: 'ARN of the customer managed KMS key that encrypts the master secret. Empty: aws/secretsmanager.',
        },
        adoptExistingUser: {
          Type: 'String',
          Default: 'false',
          AllowedValues: ['false', 'true'],
          Description:
            'ADOPT_EXISTING_USER: take over an existing <user>_clone that rotation did not create, e.g. one made by AWS rotation functions. Set true for the first rotation after a migration, then back to false.',
        },
      }
    : {};
  return {
    ...common,
    ...alternating,
    runtime: { Type: 'String', Default: FUNCTION_DEFAULTS.runtime, AllowedValues: [...SUPPORTED_RUNTIMES], Description: 'Lambda runtime.' },
    architecture: {
      Type: 'String',
      Default: FUNCTION_DEFAULTS.architecture,
      AllowedValues: [...SUPPORTED_ARCHITECTURES],
      Description: 'Instruction set of the function; the zip is pure JavaScript and runs on both.',
    },
    passwordLength: {
      Type: 'Number',
      Default: profile.passwordLength,
      MinValue: 8,
      MaxValue: 4096,
      Description: 'Length of generated passwords (PASSWORD_LENGTH).',
    },
    memorySize: { Type: 'Number', Default: FUNCTION_DEFAULTS.memoryMiB, MinValue: 128, MaxValue: 10240, Description: 'Function memory, MB.' },
    timeout: { Type: 'Number', Default: FUNCTION_DEFAULTS.timeoutSeconds, MinValue: 5, MaxValue: 900, Description: 'Function timeout, seconds.' },
  };
}

function conditions(profile: HandlerProfile): Record<string, TemplateValue> {
  return {
    HasEndpoint: notEmpty(ref('endpoint')),
    // Lambda needs both lists for a VPC configuration: one without the other would fail at deploy time.
    HasVpc: { 'Fn::And': [notEmpty({ 'Fn::Join': ['', ref('vpcSubnetIds')] }), notEmpty({ 'Fn::Join': ['', ref('vpcSecurityGroupIds')] })] },
    HasKmsKey: notEmpty(ref('kmsKeyArn')),
    ...(profile.needsMasterSecret ? { HasMasterSecretKmsKey: notEmpty(ref('masterSecretKmsKeyArn')) } : {}),
  };
}

const elastiCache = (type: string): TemplateValue => sub(`arn:\${AWS::Partition}:elasticache:\${AWS::Region}:\${AWS::AccountId}:${type}:*`);

/** How one profile resource is written in the template, and the condition under which it exists. */
function resourceOf(kind: PolicyResource): { values: TemplateValue[]; when?: string } {
  switch (kind) {
    case 'rotated-secrets':
      return { values: [sub('arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*')] };
    case 'master-secret':
      // A full ARN matches itself; a partial one (no six-character suffix) matches with "-??????", as
      // Secrets Manager's IAM guide advises. CloudFormation cannot tell them apart, so both are listed.
      return { values: [ref('masterSecretArn'), sub('${masterSecretArn}-??????')] };
    case 'kms-key':
      return { values: [ref('kmsKeyArn')], when: 'HasKmsKey' };
    case 'master-kms-key':
      return { values: [ref('masterSecretKmsKeyArn')], when: 'HasMasterSecretKmsKey' };
    case 'any':
      return { values: ['*'] };
    case 'elasticache-users':
      return { values: [elastiCache('user')] };
    case 'elasticache-user-groups':
      return { values: [elastiCache('usergroup')] };
    case 'elasticache-replication-groups':
      return { values: [elastiCache('replicationgroup')] };
    case 'elasticache-serverless-caches':
      return { values: [elastiCache('serverlesscache')] };
  }
}

function conditionOf(condition: PolicyCondition): TemplateValue {
  switch (condition) {
    case 'allow-rotation-lambda-arn':
      return { StringEquals: { 'secretsmanager:resource/AllowRotationLambdaArn': FUNCTION_ARN } };
    case 'via-secrets-manager':
      return { StringEquals: { 'kms:ViaService': sub('secretsmanager.${AWS::Region}.${AWS::URLSuffix}') } };
  }
}

function statementOf(statement: PolicyStatementProfile): TemplateValue {
  const resources = statement.resources.map(resourceOf);
  const values = resources.flatMap((resource) => resource.values);
  const body: Record<string, TemplateValue> = {
    Sid: statement.sid,
    Effect: 'Allow',
    Action: [...statement.actions],
    Resource: values.length === 1 && values[0] !== undefined ? values[0] : values,
    ...(statement.condition === undefined ? {} : { Condition: conditionOf(statement.condition) }),
  };
  const when = resources.find((resource) => resource.when !== undefined)?.when;
  return when === undefined ? body : ifThen(when, body);
}

function managedPolicy(name: string): TemplateValue {
  return sub(`arn:\${AWS::Partition}:iam::aws:policy/${name}`);
}

function resources(profile: HandlerProfile, paths: TemplatePaths): Record<string, TemplateValue> {
  return {
    RotationLambda: {
      Type: 'AWS::Serverless::Function',
      Properties: {
        FunctionName: ref('functionName'),
        Description: profile.description,
        CodeUri: paths.codeUri,
        Handler: HANDLER_ENTRY,
        Runtime: ref('runtime'),
        Architectures: [ref('architecture')],
        MemorySize: ref('memorySize'),
        Timeout: ref('timeout'),
        Role: { 'Fn::GetAtt': ['RotationLambdaRole', 'Arn'] },
        Environment: {
          Variables: {
            SECRETS_MANAGER_ENDPOINT: ifThen('HasEndpoint', ref('endpoint')),
            EXCLUDE_CHARACTERS: ref('excludeCharacters'),
            PASSWORD_LENGTH: ref('passwordLength'),
            NODE_EXTRA_CA_CERTS: LAMBDA_CA_BUNDLE,
            // The master the rotated secrets' masterarn must name, and the migration switch.
            ...(profile.needsMasterSecret ? { MASTER_SECRET_ARN: ref('masterSecretArn'), ADOPT_EXISTING_USER: ref('adoptExistingUser') } : {}),
          },
        },
        VpcConfig: ifThen('HasVpc', { SubnetIds: ref('vpcSubnetIds'), SecurityGroupIds: ref('vpcSecurityGroupIds') }),
        Tags: { SecretsManagerLambda: 'Rotation' },
      },
    },
    RotationLambdaRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        ManagedPolicyArns: [managedPolicy(MANAGED_POLICIES.basicExecution), ifThen('HasVpc', managedPolicy(MANAGED_POLICIES.vpcAccess))],
        Policies: [
          {
            PolicyName: 'SecretsManagerRotation',
            PolicyDocument: { Version: '2012-10-17', Statement: profile.statements.map(statementOf) },
          },
        ],
        Tags: [{ Key: 'SecretsManagerLambda', Value: 'Rotation' }],
      },
    },
    RotationLambdaInvokePermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['RotationLambda', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: ref('invokingServicePrincipal'),
        SourceAccount: ref('AWS::AccountId'),
      },
    },
  };
}

/** The SAM template of one handler, as data with long-form intrinsics; `paths` default to the repository's. */
function buildTemplate(profile: HandlerProfile, paths: TemplatePaths = repositoryPaths(profile)): Record<string, TemplateValue> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Transform: 'AWS::Serverless-2016-10-31',
    Description: `rotation-lambdas ${profile.name}: ${profile.description}`,
    Metadata: {
      'AWS::ServerlessRepo::Application': {
        Name: `rotation-lambdas-${profile.name}`,
        Description: profile.description,
        Author: AUTHOR,
        SpdxLicenseId: 'MIT-0',
        LicenseUrl: paths.licenseUrl,
        ReadmeUrl: paths.readmeUrl,
        Labels: [...profile.labels],
        HomePageUrl: PROJECT_URL,
        SemanticVersion: releaseVersion(),
        SourceCodeUrl: `${PROJECT_URL}/tree/main/packages/${profile.engine}`,
      },
    },
    Parameters: parameters(profile),
    Conditions: conditions(profile),
    Resources: resources(profile, paths),
    Outputs: {
      RotationLambdaARN: { Description: 'ARN of the rotation function, for rotate-secret --rotation-lambda-arn.', Value: { 'Fn::GetAtt': ['RotationLambda', 'Arn'] } },
    },
  };
}

const DOCS = 'https://docs.aws.amazon.com';

function comments(profile: HandlerProfile, released: boolean): TemplateComments {
  return {
    header: [
      `${profile.title}: ${released ? `${profile.name}.yaml, rotation-lambdas ${releaseVersion()}` : `deploy/${profile.name}.yaml`}`,
      'Generated from packages/cdk/src/handler-profiles.ts by deploy/src/generate-templates.ts; do not edit by hand.',
      released
        ? `Deploy: sam deploy --guided --template-file ${profile.name}.yaml --capabilities CAPABILITY_IAM (from the release directory)`
        : `Deploy: npm run build, then sam deploy --guided --template-file deploy/${profile.name}.yaml --capabilities CAPABILITY_IAM`,
    ].join('\n'),
    sections: {
      Metadata: `Serverless Application Repository metadata: ${DOCS}/serverlessrepo/latest/devguide/serverlessrepo-how-to-publish.html`,
      Parameters: `The parameter names of AWS's rotation apps, so existing deployments keep theirs: ${DOCS}/secretsmanager/latest/userguide/reference_available-rotation-templates.html`,
      Conditions: 'Optional parameters left empty leave their setting and permissions out.',
      'Resources.RotationLambda': `The function: ${DOCS}/serverless-application-model/latest/developerguide/sam-resource-function.html. NODE_EXTRA_CA_CERTS is the runtime's Amazon CA bundle, so TLS to RDS, DocumentDB and ElastiCache verifies.`,
      'Resources.RotationLambdaRole': `Least-privilege execution role: ${DOCS}/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html`,
      'Resources.RotationLambdaInvokePermission': `Secrets Manager of this account only may invoke the function (aws:SourceAccount): ${DOCS}/lambda/latest/dg/access-control-resource-based.html`,
      Outputs: "RotationLambdaARN: the output AWS's rotation apps have, which CDK's SecretRotation reads too.",
    },
  };
}

/**
 * The YAML of one handler's SAM template, deterministic, comments included: the committed `deploy/<name>.yaml`
 * by default, or with `paths` the release's copy, whose CodeUri names the released zip beside it.
 */
function renderTemplate(profile: HandlerProfile, paths?: TemplatePaths): string {
  return stringifyTemplate(buildTemplate(profile, paths), comments(profile, paths !== undefined));
}

export { buildTemplate, codeUri, renderTemplate, repositoryPaths };
export type { TemplatePaths };
