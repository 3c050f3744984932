/** The engine packages that build handler zips. */
type RotationEngine = 'postgres' | 'mysql' | 'documentdb' | 'elasticache' | 'generic';

/** How a handler rotates: the user changes its own password, or a master keeps `<user>` and `<user>_clone` in step. */
type RotationStrategy = 'single-user' | 'alternating-users';

/**
 * What a policy statement applies to, independent of how a deployment tool spells it:
 * - `rotated-secrets`: every secret of the account and region, limited by the AllowRotationLambdaArn condition;
 * - `master-secret`: the master secret of alternating users;
 * - `kms-key`, `master-kms-key`: the customer managed keys of the rotated and the master secret, when given;
 * - `any`: `*` (actions without resource-level permissions);
 * - `elasticache-users`, `elasticache-user-groups`: every ElastiCache user / user group of the account and region;
 * - `elasticache-replication-groups`, `elasticache-serverless-caches`: every ElastiCache cache of the account and region.
 */
type PolicyResource =
  | 'rotated-secrets'
  | 'master-secret'
  | 'kms-key'
  | 'master-kms-key'
  | 'any'
  | 'elasticache-users'
  | 'elasticache-user-groups'
  | 'elasticache-replication-groups'
  | 'elasticache-serverless-caches';

/**
 * A condition a statement carries: `allow-rotation-lambda-arn` limits secrets to those whose rotation function
 * is this one; `via-secrets-manager` limits a key to calls Secrets Manager makes on the function's behalf.
 */
type PolicyCondition = 'allow-rotation-lambda-arn' | 'via-secrets-manager';

/** One IAM statement of a handler's execution role. Statements on an optional key apply only when the key is given. */
interface PolicyStatementProfile {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly PolicyResource[];
  readonly condition?: PolicyCondition;
}

/** One handler the build produces, with everything a deployment template or construct needs to know about it. */
interface HandlerProfile {
  /** `<engine>-<strategy>`: the zip is `packages/<engine>/dist/<name>.zip`, the template `deploy/<name>.yaml`. */
  readonly name: string;
  readonly engine: RotationEngine;
  readonly strategy: RotationStrategy;
  readonly title: string;
  /** One or two sentences, at most 256 characters (the Serverless Application Repository's limit). */
  readonly description: string;
  /** Serverless Application Repository labels (at most 10, letters, digits and `-`). */
  readonly labels: readonly string[];
  /** The engine's default `EXCLUDE_CHARACTERS`, as in its adapter. */
  readonly excludeCharacters: string;
  /** The engine's default `PASSWORD_LENGTH`, as in its adapter. */
  readonly passwordLength: number;
  readonly needsMasterSecret: boolean;
  /** Whether the handler may call the RDS API (RDS-managed master secrets, replica checks). */
  readonly needsRds: boolean;
  /** The ElastiCache API actions the handler calls (the RBAC path, secrets with `user_arn`). */
  readonly elastiCacheActions: readonly string[];
  /** The `HostedRotationLambda` `RotationType` values this handler replaces. */
  readonly replacesRotationTypes: readonly string[];
  /** The AWS Serverless Application Repository rotation apps this handler replaces. */
  readonly replacesSarApplications: readonly string[];
  readonly statements: readonly PolicyStatementProfile[];
}

/** The Lambda runtimes the zips are built and tested for; the first is the default. */
const SUPPORTED_RUNTIMES = ['nodejs22.x', 'nodejs24.x'] as const;

/** The handler inside every zip: `index.mjs` exporting `handler`. */
const HANDLER_ENTRY = 'index.handler';

/** The instruction sets a zip runs on (pure JavaScript, so both); the first is the default. */
const SUPPORTED_ARCHITECTURES = ['arm64', 'x86_64'] as const;

/** Function settings shared by every template and the construct. */
const FUNCTION_DEFAULTS = { runtime: SUPPORTED_RUNTIMES[0], architecture: SUPPORTED_ARCHITECTURES[0], timeoutSeconds: 30, memoryMiB: 256 } as const;

/** The Lambda runtime's Amazon CA bundle, which holds the RDS, DocumentDB and ElastiCache certificate authorities. */
const LAMBDA_CA_BUNDLE = '/var/runtime/ca-cert.pem';

/** The AWS managed policies every function gets (logs) and a function in a VPC gets too (network interfaces). */
const MANAGED_POLICIES = {
  basicExecution: 'service-role/AWSLambdaBasicExecutionRole',
  vpcAccess: 'service-role/AWSLambdaVPCAccessExecutionRole',
} as const;

const KMS_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'] as const;

/** Single-user ElastiCache RBAC rotation: ModifyUser with the new and current password, waiting on DescribeUsers. */
const ELASTICACHE_SINGLE_USER_ACTIONS = ['elasticache:DescribeUsers', 'elasticache:ModifyUser'] as const;

/**
 * Alternating users on ElastiCache RBAC: the clone is created tagged (tag-on-create needs AddTagsToResource),
 * recognised by ListTagsForResource, and kept in the original's user groups.
 */
const ELASTICACHE_ALTERNATING_USER_ACTIONS = [
  'elasticache:AddTagsToResource',
  'elasticache:CreateUser',
  'elasticache:DescribeUsers',
  'elasticache:ListTagsForResource',
  'elasticache:ModifyUser',
  'elasticache:ModifyUserGroup',
] as const;
const ELASTICACHE_USER_GROUP_ACTIONS = ['elasticache:DescribeUserGroups', 'elasticache:ModifyUserGroup'] as const;
/** Both ElastiCache handlers check that a secret's user_arn belongs to the cache behind its host. */
const ELASTICACHE_CACHE_ACTIONS = ['elasticache:DescribeReplicationGroups', 'elasticache:DescribeServerlessCaches'] as const;

interface EngineFacts {
  readonly title: string;
  readonly labels: readonly string[];
  readonly excludeCharacters: string;
  readonly passwordLength: number;
  readonly rds: boolean;
  /** Whether a master secret may be RDS-managed (completed from its tags through DescribeSecret). */
  readonly managedMaster: boolean;
  readonly singleUser: { readonly rotationTypes: readonly string[]; readonly sar: readonly string[]; readonly does: string };
  readonly alternatingUsers?: { readonly rotationTypes: readonly string[]; readonly sar: readonly string[]; readonly does: string };
}

const ENGINES: Readonly<Record<RotationEngine, EngineFacts>> = {
  postgres: {
    title: 'PostgreSQL',
    labels: ['postgresql', 'rds', 'aurora'],
    excludeCharacters: ':/@"\'\\',
    passwordLength: 32,
    rds: true,
    managedMaster: true,
    singleUser: {
      rotationTypes: ['PostgreSQLSingleUser'],
      sar: ['SecretsManagerRDSPostgreSQLRotationSingleUser'],
      does: 'Rotates an Amazon RDS, Aurora or self-managed PostgreSQL user that changes its own password.',
    },
    alternatingUsers: {
      rotationTypes: ['PostgreSQLMultiUser'],
      sar: ['SecretsManagerRDSPostgreSQLRotationMultiUser'],
      does: 'Rotates an Amazon RDS, Aurora or self-managed PostgreSQL user by alternating between it and <user>_clone, managed with a master secret.',
    },
  },
  mysql: {
    title: 'MySQL and MariaDB',
    labels: ['mysql', 'mariadb', 'rds', 'aurora'],
    excludeCharacters: '/@"\'\\',
    passwordLength: 32,
    rds: true,
    managedMaster: true,
    singleUser: {
      rotationTypes: ['MySQLSingleUser', 'MariaDBSingleUser'],
      sar: ['SecretsManagerRDSMySQLRotationSingleUser', 'SecretsManagerRDSMariaDBRotationSingleUser'],
      does: 'Rotates an Amazon RDS, Aurora or self-managed MySQL or MariaDB user that changes its own password.',
    },
    alternatingUsers: {
      rotationTypes: ['MySQLMultiUser', 'MariaDBMultiUser'],
      sar: ['SecretsManagerRDSMySQLRotationMultiUser', 'SecretsManagerRDSMariaDBRotationMultiUser'],
      does: 'Rotates an Amazon RDS, Aurora or self-managed MySQL or MariaDB user by alternating between it and <user>_clone, managed with a master secret.',
    },
  },
  documentdb: {
    title: 'DocumentDB',
    labels: ['documentdb', 'mongodb'],
    excludeCharacters: '/@"\'\\',
    passwordLength: 32,
    rds: true,
    managedMaster: true,
    singleUser: {
      rotationTypes: ['MongoDBSingleUser'],
      sar: ['SecretsManagerMongoDBRotationSingleUser'],
      does: 'Rotates an Amazon DocumentDB or MongoDB user that changes its own password.',
    },
    alternatingUsers: {
      rotationTypes: ['MongoDBMultiUser'],
      sar: ['SecretsManagerMongoDBRotationMultiUser'],
      does: 'Rotates an Amazon DocumentDB or MongoDB user by alternating between it and <user>_clone, managed with a master secret.',
    },
  },
  elasticache: {
    title: 'ElastiCache and Redis',
    labels: ['elasticache', 'redis', 'valkey'],
    excludeCharacters: '/@"\'\\',
    passwordLength: 20,
    rds: false,
    managedMaster: false,
    singleUser: {
      rotationTypes: [],
      sar: ['SecretsManagerElasticacheUserRotation'],
      does: 'Rotates an Amazon ElastiCache RBAC user (ElastiCache API) or a self-managed Redis or Valkey ACL user, keeping the current password valid until the next rotation.',
    },
    alternatingUsers: {
      rotationTypes: [],
      sar: [],
      does: 'Rotates an Amazon ElastiCache RBAC user or a self-managed Redis or Valkey ACL user by alternating between it and <user>_clone, managed with a master secret.',
    },
  },
  generic: {
    title: 'generic service',
    labels: ['starter'],
    excludeCharacters: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
    passwordLength: 40,
    rds: false,
    managedMaster: false,
    singleUser: {
      rotationTypes: [],
      sar: ['SecretsManagerRotationTemplate'],
      does: 'Starter for any other service: the worked example rotates an HTTP API key. Fork packages/generic to rotate your own service.',
    },
  },
};

function statementsFor(engine: RotationEngine, facts: EngineFacts, strategy: RotationStrategy): PolicyStatementProfile[] {
  const alternating = strategy === 'alternating-users';
  const statements: PolicyStatementProfile[] = [
    {
      sid: 'RotateSecrets',
      actions: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
        // Alternating users read older versions for the ownership proof (a secret re-applied by infrastructure code).
        ...(alternating ? ['secretsmanager:ListSecretVersionIds'] : []),
      ],
      resources: ['rotated-secrets'],
      condition: 'allow-rotation-lambda-arn',
    },
    { sid: 'GenerateRandomPassword', actions: ['secretsmanager:GetRandomPassword'], resources: ['any'] },
    { sid: 'UseSecretKey', actions: [...KMS_ACTIONS], resources: ['kms-key'], condition: 'via-secrets-manager' },
  ];
  if (alternating) {
    statements.push(
      {
        sid: 'ReadMasterSecret',
        // DescribeSecret reads an RDS-managed master's tags; its AllowRotationLambdaArn is not this function's.
        actions: facts.managedMaster ? ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'] : ['secretsmanager:GetSecretValue'],
        resources: ['master-secret'],
      },
      { sid: 'UseMasterSecretKey', actions: [...KMS_ACTIONS], resources: ['master-kms-key'], condition: 'via-secrets-manager' },
    );
    if (facts.rds) {
      statements.push({ sid: 'DescribeRdsDatabases', actions: ['rds:DescribeDBClusters', 'rds:DescribeDBInstances'], resources: ['any'] });
    }
  }
  if (engine === 'elasticache') {
    statements.push({
      sid: 'ManageElastiCacheUsers',
      actions: alternating ? [...ELASTICACHE_ALTERNATING_USER_ACTIONS] : [...ELASTICACHE_SINGLE_USER_ACTIONS],
      resources: ['elasticache-users'],
    });
    if (alternating) {
      statements.push({ sid: 'ManageElastiCacheUserGroups', actions: [...ELASTICACHE_USER_GROUP_ACTIONS], resources: ['elasticache-user-groups'] });
    }
    statements.push({
      sid: 'DescribeElastiCacheCaches',
      actions: [...ELASTICACHE_CACHE_ACTIONS],
      resources: ['elasticache-replication-groups', 'elasticache-serverless-caches'],
    });
  }
  return statements;
}

function profileOf(engine: RotationEngine, strategy: RotationStrategy): HandlerProfile | undefined {
  const facts = ENGINES[engine];
  const variant = strategy === 'single-user' ? facts.singleUser : facts.alternatingUsers;
  if (variant === undefined) return undefined;
  const statements = statementsFor(engine, facts, strategy);
  const strategyTitle = strategy === 'single-user' ? 'single user' : 'alternating users';
  return {
    name: `${engine}-${strategy}`,
    engine,
    strategy,
    title: `${facts.title} rotation, ${strategyTitle}`,
    description: variant.does,
    labels: ['secretsmanager', 'rotation', 'lambda', strategy, ...facts.labels],
    excludeCharacters: facts.excludeCharacters,
    passwordLength: facts.passwordLength,
    needsMasterSecret: strategy === 'alternating-users',
    needsRds: statements.some((statement) => statement.actions.some((action) => action.startsWith('rds:'))),
    elastiCacheActions: [...new Set(statements.flatMap((statement) => statement.actions.filter((action) => action.startsWith('elasticache:'))))].sort(),
    replacesRotationTypes: variant.rotationTypes,
    replacesSarApplications: variant.sar,
    statements,
  };
}

const ENGINE_ORDER: readonly RotationEngine[] = ['postgres', 'mysql', 'documentdb', 'elasticache', 'generic'];
const STRATEGY_ORDER: readonly RotationStrategy[] = ['single-user', 'alternating-users'];

/** Every handler the build produces, in a fixed order: engines as in the root README, single user first. */
const HANDLER_PROFILES: readonly HandlerProfile[] = ENGINE_ORDER.flatMap((engine) =>
  STRATEGY_ORDER.flatMap((strategy) => profileOf(engine, strategy) ?? []),
);

/** The profile of one handler; throws an Error naming the combination when the build produces no such handler. */
function handlerProfile(engine: RotationEngine, strategy: RotationStrategy): HandlerProfile {
  const profile = HANDLER_PROFILES.find((candidate) => candidate.engine === engine && candidate.strategy === strategy);
  if (profile === undefined) {
    throw new Error(`There is no ${strategy} handler for engine "${engine}": the build produces ${HANDLER_PROFILES.map((p) => p.name).join(', ')}`);
  }
  return profile;
}

export {
  FUNCTION_DEFAULTS,
  HANDLER_ENTRY,
  HANDLER_PROFILES,
  handlerProfile,
  LAMBDA_CA_BUNDLE,
  MANAGED_POLICIES,
  SUPPORTED_ARCHITECTURES,
  SUPPORTED_RUNTIMES,
};
export type { HandlerProfile, PolicyCondition, PolicyResource, PolicyStatementProfile, RotationEngine, RotationStrategy };
