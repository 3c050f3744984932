import { randomInt } from 'node:crypto';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The AWS partition a region belongs to, as it appears in ARNs. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `arn:<partition>:secretsmanager:<region>:<account>:secret:`, the part every secret ARN of the store shares. */
function secretArnPrefix(region: string, accountId: string): string {
  return `arn:${partitionOf(region)}:secretsmanager:${region}:${accountId}:secret:`;
}

/** A new secret ARN: Secrets Manager appends a hyphen and six random characters to the name. */
function newSecretArn(prefix: string, name: string): string {
  const suffix = Array.from({ length: 6 }, () => SUFFIX_ALPHABET.charAt(randomInt(SUFFIX_ALPHABET.length))).join('');
  return `${prefix}${name}-${suffix}`;
}

export { newSecretArn, secretArnPrefix };
