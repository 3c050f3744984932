import { randomInt } from 'node:crypto';
import { partitionOf } from '../aws/arn-partition.js';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

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
