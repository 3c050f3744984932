import { describe, expect, it } from 'vitest';
import { allNodes, parseRedisSecret, redisResource } from '../../src/redis-secret.js';

const BASE = { engine: 'redis', host: 'cache.example.com', username: 'app', password: 'secret-password-1' };

function parseError(json: Record<string, unknown>): { code: string; field: string | undefined } {
  try {
    parseRedisSecret(json, 'AWSCURRENT');
  } catch (error) {
    return { code: (error as { code: string }).code, field: (error as { field?: string }).field };
  }
  throw new Error('expected the secret to be refused');
}

describe('secret parsing', () => {
  it('defaults the port to 6379 and ssl to verified TLS, and accepts redis, valkey and elasticache', () => {
    for (const engine of ['redis', 'valkey', 'elasticache']) {
      expect(parseRedisSecret({ ...BASE, engine }, 'AWSCURRENT')).toMatchObject({ engine, port: 6379, ssl: true, nodes: [], userArn: undefined });
    }
  });

  it('reads user_arn into region, account and a lower-case user id', () => {
    const secret = parseRedisSecret({ ...BASE, user_arn: 'arn:aws:elasticache:eu-west-1:123456789012:user:App-User' }, 'AWSCURRENT');

    expect(secret.userArn).toMatchObject({ region: 'eu-west-1', account: '123456789012', userId: 'app-user', partition: 'aws' });
  });

  it('refuses malformed fields, naming each', () => {
    expect(parseError({ ...BASE, username: 'a b' })).toEqual({ code: 'INVALID_SECRET', field: 'username' });
    expect(parseError({ ...BASE, host: 'a host' })).toEqual({ code: 'INVALID_SECRET', field: 'host' });
    expect(parseError({ ...BASE, engine: 'memcached' })).toEqual({ code: 'INVALID_SECRET', field: 'engine' });
    expect(parseError({ ...BASE, user_arn: 'arn:aws:elasticache:us-east-1:123456789012:usergroup:g' })).toEqual({ code: 'INVALID_SECRET', field: 'user_arn' });
    expect(parseError({ ...BASE, user_arn: 'arn:aws:iam::123456789012:user/app' })).toEqual({ code: 'INVALID_SECRET', field: 'user_arn' });
    expect(parseError({ ...BASE, nodes: 'a:1,b:2' })).toEqual({ code: 'INVALID_SECRET', field: 'nodes' });
    expect(parseError({ ...BASE, nodes: ['a:99999'] })).toEqual({ code: 'INVALID_SECRET', field: 'nodes' });
    expect(parseError({ ...BASE, nodes: [{ host: '' }] })).toEqual({ code: 'INVALID_SECRET', field: 'nodes' });
    expect(parseError({ ...BASE, nodes: [7] })).toEqual({ code: 'INVALID_SECRET', field: 'nodes' });
    expect(parseError({ ...BASE, nodes: Array.from({ length: 501 }, (_, i) => `n${i}:6379`) })).toEqual({ code: 'INVALID_SECRET', field: 'nodes' });
  });

  it('reads nodes as host:port strings (IPv6 in brackets) or objects, defaulting to the secret port', () => {
    const secret = parseRedisSecret(
      { ...BASE, port: '6380', nodes: ['replica-1.example.com:6381', 'replica-2.example.com', '[::1]:7000', { host: 'r3', port: '7001' }, { host: 'r4' }] },
      'AWSCURRENT',
    );

    expect(secret.nodes).toEqual([
      { host: 'replica-1.example.com', port: 6381 },
      { host: 'replica-2.example.com', port: 6380 },
      { host: '::1', port: 7000 },
      { host: 'r3', port: 7001 },
      { host: 'r4', port: 6380 },
    ]);
  });

  it('lists the primary and each node once, host names compared as DNS does', () => {
    const secret = parseRedisSecret({ ...BASE, nodes: ['CACHE.example.com.:6379', 'replica:6379', 'replica:6379'] }, 'AWSCURRENT');

    expect(allNodes(secret)).toEqual([
      { host: 'cache.example.com', port: 6379 },
      { host: 'replica', port: 6379 },
    ]);
  });
});

describe('resource comparison', () => {
  const resource = (json: Record<string, unknown>) => redisResource(parseRedisSecret({ ...BASE, ...json }, 'AWSPENDING'));

  it('ignores node order, duplicates, host case and a trailing dot', () => {
    expect(resource({ host: 'Cache.Example.com.', nodes: ['b:1', 'a:1', 'a:1'] })).toEqual(resource({ nodes: ['a:1', 'b:1'] }));
  });

  it('tells apart the engine value, the node set and the user ARN, including its absence', () => {
    const base = resource({});
    expect(resource({ engine: 'valkey' })).not.toEqual(base);
    expect(resource({ nodes: ['a:1'] })).not.toEqual(base);
    expect(resource({ user_arn: 'arn:aws:elasticache:us-east-1:123456789012:user:app' })).not.toEqual(base);
    expect(resource({ ssl: false })).toEqual(base);
  });
});
