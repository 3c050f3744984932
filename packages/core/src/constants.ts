/** The four steps Secrets Manager invokes a rotation function with, in order. */
const RotationStep = {
  CreateSecret: 'createSecret',
  SetSecret: 'setSecret',
  TestSecret: 'testSecret',
  FinishSecret: 'finishSecret',
} as const;
type RotationStep = (typeof RotationStep)[keyof typeof RotationStep];

/** The staging labels the rotation protocol moves between secret versions. */
const StagingLabel = {
  Current: 'AWSCURRENT',
  Pending: 'AWSPENDING',
  Previous: 'AWSPREVIOUS',
} as const;
type StagingLabel = (typeof StagingLabel)[keyof typeof StagingLabel];

/** The two rotation strategies a handler implements. */
const RotationStrategy = {
  SingleUser: 'single-user',
  AlternatingUsers: 'alternating-users',
} as const;
type RotationStrategy = (typeof RotationStrategy)[keyof typeof RotationStrategy];

/** Suffix appended to (or stripped from) a username to name its alternate user, as AWS's templates do. */
const CLONE_SUFFIX = '_clone';

/** Secret JSON field in which rotation records the user pair it manages (see alternate-user.ts). */
const ROTATION_USERS_FIELD = 'rotation_users';

/** Tags by which RDS marks the master secrets it manages; matched case-insensitively. */
const RDS_INSTANCE_TAG = 'aws:rds:primarydbinstancearn';
const RDS_CLUSTER_TAG = 'aws:rds:primarydbclusterarn';

/** Default connect timeout: well inside the 30 s Lambda timeout the templates set, even with two logins per step. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Default per-statement timeout for engine operations. */
const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;

export {
  CLONE_SUFFIX,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  RDS_CLUSTER_TAG,
  RDS_INSTANCE_TAG,
  ROTATION_USERS_FIELD,
  RotationStep,
  RotationStrategy,
  StagingLabel,
};
