import { describe, expect, it } from 'vitest';
import { readElastiCacheSettings } from '../../src/settings.js';

describe('ElastiCache settings', () => {
  it('defaults to waits that fit a 30 s Lambda', () => {
    expect(readElastiCacheSettings({})).toEqual({ endpoint: undefined, waits: { maxWaitMs: 15_000, retryIntervalMs: 2_000 } });
  });

  it('reads the endpoint and AWS\'s two wait variables', () => {
    const settings = readElastiCacheSettings({
      ELASTICACHE_ENDPOINT: 'https://vpce-1.elasticache.us-east-1.vpce.amazonaws.com',
      MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS: '600',
      WAITING_RETRY_INTERVAL_IN_SECONDS: '10',
    });

    expect(settings).toEqual({
      endpoint: 'https://vpce-1.elasticache.us-east-1.vpce.amazonaws.com',
      waits: { maxWaitMs: 600_000, retryIntervalMs: 10_000 },
    });
  });

  it('refuses bad values with a ConfigurationError naming the variable', () => {
    const bad: Record<string, string>[] = [
      { ELASTICACHE_ENDPOINT: 'not a url' },
      { ELASTICACHE_ENDPOINT: 'ftp://example.com' },
      { MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS: '0' },
      { MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS: '1.5' },
      { WAITING_RETRY_INTERVAL_IN_SECONDS: '61' },
    ];
    for (const env of bad) {
      expect(() => readElastiCacheSettings(env)).toThrow(expect.objectContaining({ code: 'CONFIGURATION', field: Object.keys(env)[0] }));
    }
  });
});
