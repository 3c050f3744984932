import { describe, expect, it } from 'vitest';
import { parseUserArn, siblingUserArn } from '../../src/user-arn.js';
import { MAX_USER_ID_LENGTH, userIdForName } from '../../src/user-id.js';

const VALID_USER_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

describe('clone user ids', () => {
  it('derives a readable, valid, deterministic id from the name', () => {
    expect(userIdForName('app_clone')).toMatch(/^app-clone-[0-9a-f]{8}$/);
    expect(userIdForName('app_clone')).toBe(userIdForName('app_clone'));
  });

  it('keeps every id valid for CreateUser, whatever the name', () => {
    const names = ['_clone', '123', '--', '-a-', 'Ω', '用户', 'a'.repeat(200), "o'brien_clone", '+@all_clone', 'A-B', 'a--b', ' '];
    for (const name of names) {
      const id = userIdForName(name);
      expect(id).toMatch(VALID_USER_ID);
      expect(id.length).toBeLessThanOrEqual(MAX_USER_ID_LENGTH);
      expect(id).not.toBe('default');
    }
  });

  it('gives different ids to names whose readable part is the same', () => {
    expect(userIdForName('App_Clone')).not.toBe(userIdForName('app_clone'));
    expect(userIdForName('a.b')).not.toBe(userIdForName('a-b'));
  });
});

describe('user ARNs', () => {
  it('parses ARNs of every partition and names siblings in the same account and region', () => {
    const arn = parseUserArn('arn:aws-cn:elasticache:cn-north-1:123456789012:user:u1');

    expect(arn).toMatchObject({ partition: 'aws-cn', region: 'cn-north-1', userId: 'u1' });
    expect(siblingUserArn(arn as NonNullable<typeof arn>, 'u2')).toBe('arn:aws-cn:elasticache:cn-north-1:123456789012:user:u2');
  });

  it('refuses text that is not an ElastiCache user ARN', () => {
    for (const text of ['', 'u1', 'arn:aws:elasticache:us-east-1:12345:user:u1', 'arn:aws:elasticache:us-east-1:123456789012:user:1u', 'arn:aws:elasticache:us-east-1:123456789012:user:u1/x']) {
      expect(parseUserArn(text)).toBeUndefined();
    }
  });
});
