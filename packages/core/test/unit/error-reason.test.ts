import { describe, expect, it } from 'vitest';
import { causeReason } from '../../src/error-reason.js';
import { EngineTlsError, SecretsManagerError } from '../../src/errors.js';

describe('causeReason', () => {
  it('names the innermost cause by its code and message', () => {
    const tls = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    const error = new EngineTlsError('TLS to the server failed for the current login', 'current', { cause: new Error('connect failed', { cause: tls }) });

    expect(causeReason(error)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate');
  });

  it('falls back to the error name when the cause has no code, as the SDK region error has none', () => {
    const error = new SecretsManagerError('Secrets Manager DescribeSecret failed (Error)', { field: 'DescribeSecret', cause: new Error('Region is missing') });

    expect(causeReason(error)).toBe('Error: Region is missing');
  });

  it('is undefined without a cause', () => {
    expect(causeReason(new Error('plain'))).toBeUndefined();
    expect(causeReason('not an error')).toBeUndefined();
  });
});
