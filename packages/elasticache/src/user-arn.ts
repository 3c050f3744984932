/** An ElastiCache user's ARN, split into the parts rotation uses. */
interface UserArn {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly userId: string;
}

/** `arn:<partition>:elasticache:<region>:<account>:user:<user id>`; user ids follow CreateUser's pattern. */
const USER_ARN = /^arn:(?<partition>aws[a-z-]*):elasticache:(?<region>[a-z]{2}(?:-[a-z0-9]+)+):(?<account>\d{12}):user:(?<userId>[a-zA-Z][a-zA-Z0-9-]*)$/;

/** Parses an ElastiCache user ARN; undefined when the text is not one. */
function parseUserArn(text: string): UserArn | undefined {
  const groups = USER_ARN.exec(text)?.groups;
  if (groups === undefined) return undefined;
  const { partition, region, account, userId } = groups as Record<'partition' | 'region' | 'account' | 'userId', string>;
  // ElastiCache stores user ids in lower case, so the ARN's spelling of the id is not significant.
  return { arn: text, partition, region, account, userId: userId.toLowerCase() };
}

/** The ARN of another user in the same partition, region and account. */
function siblingUserArn(arn: UserArn, userId: string): string {
  return `arn:${arn.partition}:elasticache:${arn.region}:${arn.account}:user:${userId}`;
}

export { parseUserArn, siblingUserArn };
export type { UserArn };
